"""What `make run` prints: one line per request from every server, in one format, health
checks left out unless DEVSERVER_LOG_HEALTHZ=1; the stand-ins' start-up lines and the
demo's own requests kept back; then where to go and whom to sign in as.

The portal and the sandboxes each have their own few lines of request log (the
sandboxes share no code with the platform): the tests hold both to one format.
"""

from __future__ import annotations

import io
import re
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager

import httpx
import pytest
from werkzeug.serving import WSGIRequestHandler, make_server
from werkzeug.wrappers import Request, Response

from portal import devserver
from sandboxes import requestlog

LINE_MAKERS = {"portal": devserver.request_line, "sandboxes": requestlog.request_line}


@pytest.fixture(params=sorted(LINE_MAKERS))
def request_line(request: pytest.FixtureRequest) -> Callable[..., str | None]:
    return LINE_MAKERS[request.param]


def test_a_request_is_one_short_line_the_relay_recognises(request_line):
    line = request_line("payments", "POST", "/v1/payment_intents?limit=3&secret=x", 200)

    assert line is not None and devserver.REQUEST_LINE.match(line)
    assert re.fullmatch(r"\d\d:\d\d:\d\d payments POST /v1/payment_intents 200", line)
    assert "secret" not in line  # the query string is never logged


def test_health_checks_are_left_out_unless_asked_for(request_line, monkeypatch):
    monkeypatch.delenv("DEVSERVER_LOG_HEALTHZ", raising=False)
    assert request_line("portal", "GET", "/healthz", 200) is None
    assert request_line("portal", "GET", "/healthz?probe=1", 200) is None
    assert request_line("portal", "GET", "/healthzz", 404) is not None

    monkeypatch.setenv("DEVSERVER_LOG_HEALTHZ", "1")
    line = request_line("portal", "GET", "/healthz", 200)
    assert line is not None and line.endswith("portal   GET /healthz 200")


def test_control_characters_in_a_path_cannot_forge_a_line(request_line):
    line = request_line("portal", "GET", "/x\x1b[2J\x00y", 404)

    assert line is not None and line.endswith("portal   GET /x?[2J?y 404")
    assert request_line("portal", None, "", 400) is not None  # a request line too bad to parse


@contextmanager
def _serving(handler: type[WSGIRequestHandler]) -> Iterator[str]:
    server = make_server(
        "127.0.0.1",
        0,
        Request.application(lambda _r: Response("hi")),
        threaded=True,
        request_handler=handler,
    )
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        thread.join()


def test_the_portal_logs_through_the_console(monkeypatch):
    monkeypatch.delenv("DEVSERVER_LOG_HEALTHZ", raising=False)
    out = io.StringIO()
    console = devserver.Console(out)
    with _serving(console.handler()) as base:
        httpx.get(base + "/healthz")
        httpx.get(base + "/login?next=/persons")
        console.quiet.set()
        httpx.get(base + "/made-by-the-demo")
        console.quiet.clear()

    assert [line[9:] for line in out.getvalue().splitlines()] == ["portal   GET /login 200"]


def test_the_sandboxes_log_to_stderr(monkeypatch, capfd):
    monkeypatch.delenv("DEVSERVER_LOG_HEALTHZ", raising=False)
    with _serving(requestlog.request_handler("wechat")) as base:
        httpx.get(base + "/healthz")
        httpx.post(base + "/cgi-bin/message/subscribe/send?access_token=secret")

    out, err = capfd.readouterr()
    assert out == ""  # stdout carries the one start-up line that names the address
    assert [line[9:] for line in err.splitlines()] == [
        "wechat   POST /cgi-bin/message/subscribe/send 200"
    ]


def test_the_relay_keeps_start_up_lines_and_the_demos_requests_back():
    out = io.StringIO()
    console = devserver.Console(out)
    console.relay(
        [
            "payment sandbox listening on http://127.0.0.1:12111\n",
            "09:00:00 payments webhook endpoint we_1 receives payment_intent.succeeded at http://x/\n",
            "09:00:01 payments POST /v1/payment_intents 200\n",
        ]
    )
    console.quiet.set()
    console.relay(
        [
            "09:00:02 payments POST /v1/payment_intents 200\n",
            "09:00:02 payments webhook delivery failed: connection refused\n",
            "Traceback (most recent call last):\n",
        ]
    )

    assert out.getvalue().splitlines() == [
        "09:00:01 payments POST /v1/payment_intents 200",
        "09:00:02 payments webhook delivery failed: connection refused",
        "Traceback (most recent call last):",
    ]


def test_the_banner_says_where_to_go_and_whom_to_sign_in_as():
    children = devserver._children()
    lines = devserver.banner("http://127.0.0.1:5000/", children, ["admin", "finance"])
    text = "\n".join(lines)

    assert "http://127.0.0.1:5000/" in text
    assert "http://127.0.0.1:5000/api/mp/v1/openapi.json" in text
    assert {child.label for child in children} == {"payment sandbox", "WeChat sandbox"}
    for child in children:
        assert child.url in text
    assert "admin, finance" in text and "demo-pass-2025" in text
    assert "create-user" in "\n".join(devserver.banner("http://127.0.0.1:5000/", children, []))
