"""Checks over everything a whole run of the suite did, made once at its end.

Some promises are about the sum of the tests, not about any one of them: every
audit action is written by some tested behaviour; no answer the mini-program
API gave in any test shows a person's identity; every such answer matches the
OpenAPI document. A test module that reads what earlier modules left behind
depends on the order the tests run in; these checks instead run from
`pytest_sessionfinish` (tests/conftest.py), over what the whole session
recorded, and only when the whole suite ran and passed: a run of a few tests
records too little to judge.

A package registers a check with `@session_check`; it answers the problems it
found, and a line saying what it checked.
"""

from __future__ import annotations

import functools
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

import core.audit
from core.audit_actions import AuditAction

TESTS = Path(__file__).resolve().parent


@dataclass
class Verdict:
    checked: str
    problems: list[str] = field(default_factory=list)


Check = Callable[[], Verdict]
CHECKS: dict[str, Check] = {}


def session_check(name: str) -> Callable[[Check], Check]:
    def register(check: Check) -> Check:
        CHECKS[name] = check
        return check

    return register


def run_checks() -> dict[str, Verdict]:
    return {name: check() for name, check in sorted(CHECKS.items())}


# -- was this the whole suite? ---------------------------------------------------------------


def _is_whole_tree(arg: str, rootpath: Path) -> bool:
    if "::" in arg:
        return False
    path = Path(arg)
    path = path if path.is_absolute() else Path.cwd() / path
    return path.resolve() in (TESTS, rootpath.resolve())


def whole_suite(config: pytest.Config) -> bool:
    """True when every test was collected and none was filtered out by the command line
    (only the suite's own `postgres_only` deselection on SQLite is expected)."""
    option = config.option
    filtered = (
        option.keyword
        or option.markexpr
        or getattr(option, "deselect", None)
        or getattr(option, "ignore", None)
        or getattr(option, "ignore_glob", None)
        or getattr(option, "lf", False)
        or getattr(option, "stepwise", False)
        or getattr(option, "collectonly", False)
    )
    if filtered:
        return False
    if config.args_source == pytest.Config.ArgsSource.TESTPATHS:
        return True
    return bool(config.args) and all(_is_whole_tree(a, config.rootpath) for a in config.args)


# -- public answers: what anyone may read without signing in ------------------------------------

# (path, status, content type, body) of every answer of the public pages outside the
# mini-program API (the charity's disclosure pages and their files), as the tests that
# fetched them recorded them; the identity scan of donor-facing answers reads them too
# (tests/api/answer_checks.py).
PUBLIC_ANSWERS: list[tuple[str, int, str, bytes]] = []


def record_public_answer(path: str, response: Any) -> None:
    """Keep an answer of a public page for the identity scan at the end of the run."""
    PUBLIC_ANSWERS.append(
        (path.split("?", 1)[0], response.status_code, response.content_type or "", response.data)
    )


# -- addresses of other sites: none in anything the portal serves ----------------------------

# Pages, charts, stylesheets and scripts: what a browser would read for addresses to load.
SCANNED_TYPES = (
    "text/html",
    "image/svg+xml",
    "text/css",
    "text/javascript",
    "application/javascript",
)
# (path, addresses) of every answer of a test client that named another site.
OUTSIDE: list[tuple[str, list[str]]] = []
SCANNED = [0]


def scan_answer(path: str, response: Any) -> None:
    """Remember any address of another site in a page, chart, stylesheet or script the
    portal served to a test client (tests/addresses.py)."""
    from tests.addresses import outside_addresses

    if response.direct_passthrough or response.mimetype not in SCANNED_TYPES:
        return
    SCANNED[0] += 1
    text = response.get_data(as_text=True)
    try:
        found = outside_addresses(text, svg=response.mimetype == "image/svg+xml")
    except AssertionError:
        found = ["an SVG namespace that is not SVG's or XLink's"]
    if found:
        OUTSIDE.append((path.split("?", 1)[0], found))


@session_check("pages load nothing from other sites")
def no_answer_points_outside() -> Verdict:
    return Verdict(
        f"{SCANNED[0]} pages, charts, stylesheets and scripts scanned",
        [f"{path}: {', '.join(sorted(set(found)))}" for path, found in OUTSIDE],
    )


# -- audit actions: which ones the tested code wrote ------------------------------------------

AUDITED: set[str] = set()


def _called_from_tests() -> bool:
    # Two frames up: the caller of the wrapper. A test that records an entry itself
    # (the audit chain's own tests) proves nothing about the code that should write it.
    caller = Path(sys._getframe(2).f_code.co_filename).resolve()
    return caller.is_relative_to(TESTS)


def watch_audit_record() -> None:
    """Wrap `core.audit.record` for the session to remember each action the code writes.

    Call sites reach it as `audit.record`, an attribute read at call time, so the
    wrapper sees every call, also those from the threads of the live servers."""
    original = core.audit.record
    if getattr(original, "watched", False):
        return

    @functools.wraps(original)
    def record(*args: Any, **kwargs: Any) -> core.audit.AuditEvent:
        event = original(*args, **kwargs)
        if not _called_from_tests():
            AUDITED.add(event.action)
        return event

    record.watched = True  # type: ignore[attr-defined]
    core.audit.record = record


@session_check("audit actions")
def every_audit_action_is_written_by_tested_code() -> Verdict:
    never = sorted(action.value for action in AuditAction if action.value not in AUDITED)
    return Verdict(
        f"{len(AuditAction) - len(never)} of {len(AuditAction)} audit actions written",
        [f"no test makes the code record {code!r}" for code in never],
    )
