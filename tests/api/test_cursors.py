"""Every keyset-paged list takes back only the cursors it gave: anything else is 400
`invalid_field`, never a 500 and never a page from somewhere else."""

from __future__ import annotations

import pytest
from flask import Flask

from core.paging import cursor_codec
from tests.api.support import MpApi
from tests.donations.factories import make_project

LISTS = ("/projects", "/me/donations", "/impact")


def _cursors(api: MpApi, office: object, app: Flask, token: str) -> dict[str, str]:
    """A cursor each list gave (or, for the payout feed, would give) for its second page."""
    for _ in range(2):
        project = make_project()
        api.donate(token, {"project_id": project, "amount_fen": 1_000}).expect(201)
    projects = api.get("/projects?limit=1").expect(200)["next_cursor"]
    mine = api.get("/me/donations?limit=1", token=token).expect(200)["next_cursor"]
    with app.app_context():
        impact = cursor_codec("impact").encode(10**9)
    assert projects and mine
    return {"/projects": projects, "/me/donations": mine, "/impact": impact}


def _edited(cursor: str) -> str:
    middle = len(cursor) // 2
    return cursor[:middle] + ("B" if cursor[middle] == "A" else "A") + cursor[middle + 1 :]


def _reply(api: MpApi, path: str, cursor: str, token: str) -> tuple[int, str | None]:
    reply = api.get(f"{path}?limit=1&cursor={cursor}", token=token)
    return reply.status, (reply.error_code if reply.status >= 400 else None)


def test_each_list_pages_on_with_its_own_cursor(api: MpApi, office: object, app: Flask) -> None:
    token = api.login()
    cursors = _cursors(api, office, app, token)

    for path in LISTS:
        assert _reply(api, path, cursors[path], token) == (200, None), path


@pytest.mark.parametrize("damage", ["garbage", "truncated", "tampered", "padded"])
def test_a_damaged_cursor_answers_400_on_every_list(
    api: MpApi, office: object, app: Flask, damage: str
) -> None:
    token = api.login()
    cursors = _cursors(api, office, app, token)

    for path in LISTS:
        cursor = cursors[path]
        damaged = {
            "garbage": "bm90LWEtY3Vyc29y",
            "truncated": cursor[:-4],
            "tampered": _edited(cursor),
            "padded": cursor + "==",
        }[damage]
        assert _reply(api, path, damaged, token) == (400, "invalid_field"), (path, damaged)


def test_a_cursor_of_one_list_is_refused_by_another(api: MpApi, office: object, app: Flask) -> None:
    token = api.login()
    cursors = _cursors(api, office, app, token)

    for path in LISTS:
        for other in LISTS:
            if other != path:
                assert _reply(api, other, cursors[path], token) == (400, "invalid_field"), (
                    path,
                    other,
                )
