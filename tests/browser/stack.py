"""The real portal for a real browser: a scratch database built by the migrations and
seeded with the Kaiping demo, served by werkzeug in a thread on a free port; and
Chromium, driven through Playwright.

Chromium is Debian's (`make chromium` installs it): Playwright's own browser builds are
downloaded from the internet, which a build machine may not reach. The sandbox flags
let it run as root in a container; a GPU is never there.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from threading import Thread
from typing import TypeVar

from flask import Flask
from flask_migrate import upgrade
from playwright.sync_api import Browser, Playwright, sync_playwright
from werkzeug.serving import make_server

from core.db import db
from tests.conftest import make_app
from tests.live import QuietHandler, scratch_database

CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"]
PASSWORD = "demo-pass-2025"
DESK = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}

T = TypeVar("T")


def chromium_path() -> str:
    path = shutil.which("chromium") or shutil.which("chromium-browser")
    if path is None:
        raise RuntimeError("Chromium is missing: `make chromium` installs Debian's package")
    return path


@dataclass
class Portal:
    """The live portal: its address, and its app for setting the scene through services."""

    app: Flask
    url: str

    def run(self, work: Callable[[], T]) -> T:
        """Call `work` in an app context of the live app (its real session), then end the
        transaction: on SQLite an open one would hold the lock the server's requests need."""
        with self.app.app_context():
            try:
                return work()
            finally:
                db.session.rollback()
                db.session.remove()


@contextmanager
def running_portal(name: str, *, seed: bool = True, port: int = 0) -> Iterator[Portal]:
    """A scratch database with the demo in it, and the portal serving it on a free port."""
    with ExitStack() as cleanup:  # unwinds in reverse: server, app, database
        url = cleanup.enter_context(scratch_database(name))
        # CSRF on, as in production: the browser sends the forms' tokens like anyone's.
        app = make_app(SQLALCHEMY_DATABASE_URI=url, WTF_CSRF_ENABLED=True)

        @cleanup.callback
        def close_app() -> None:
            with app.app_context():
                db.session.remove()
                db.engine.dispose()
            gateway = app.extensions.get("payment_gateway")
            if gateway is not None:
                gateway.close()

        with app.app_context():
            upgrade(x_arg=["quiet=1"])
            if seed:
                from portal.demo import seed_demo

                seed_demo()
            db.session.remove()
        server = make_server("127.0.0.1", port, app, threaded=True, request_handler=QuietHandler)
        thread = Thread(target=server.serve_forever, name="browser-portal", daemon=True)
        thread.start()

        @cleanup.callback
        def stop_server() -> None:
            server.shutdown()
            server.server_close()
            thread.join(timeout=10)

        yield Portal(app, f"http://127.0.0.1:{server.port}")


@contextmanager
def running_chromium() -> Iterator[tuple[Playwright, Browser]]:
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_ARGS)
        try:
            yield playwright, browser
        finally:
            browser.close()
