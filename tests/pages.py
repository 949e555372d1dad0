"""Signing in to the portal and reading its pages, for every wing's page tests."""

from __future__ import annotations

from flask.testing import FlaskClient
from werkzeug.test import TestResponse

from tests.factories import PASSWORD


def login(client: FlaskClient, username: str, password: str = PASSWORD) -> TestResponse:
    """Log in through the form; fails the test unless the portal lets the user in."""
    response = client.post("/login", data={"username": username, "password": password})
    assert response.status_code == 302, response.get_data(as_text=True)
    assert response.location == "/"
    return response


def english(client: FlaskClient) -> None:
    """Switch the client's language to English, so messages can be matched as text."""
    assert client.get("/lang/en").status_code == 302


def html(response: TestResponse) -> str:
    return response.get_data(as_text=True)


def login_in_english(client: FlaskClient, username: str) -> None:
    """Sign in, then switch to English so messages can be matched as text."""
    login(client, username)
    english(client)
