"""The checks over a whole run judge only a whole run: a subset of the suite records too
little, and a check that never ran would look like one that passed."""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace

import pytest

from tests.session_checks import TESTS, whole_suite

ROOT = TESTS.parent


def config(*args: str, source: pytest.Config.ArgsSource, **options: object) -> pytest.Config:
    option = SimpleNamespace(**{"keyword": "", "markexpr": "", "deselect": None, **options})
    fake = SimpleNamespace(option=option, args=list(args), args_source=source, rootpath=ROOT)
    return fake  # type: ignore[return-value]


ARGS = pytest.Config.ArgsSource.ARGS
TESTPATHS = pytest.Config.ArgsSource.TESTPATHS


def test_a_plain_run_or_one_naming_the_whole_tree_is_whole() -> None:
    assert whole_suite(config("tests", source=TESTPATHS))
    assert whole_suite(config(str(TESTS), source=ARGS))
    assert whole_suite(config(str(ROOT), source=ARGS))


@pytest.mark.parametrize(
    ("args", "options"),
    [
        (["tests/api"], {}),
        ([f"{TESTS / 'core' / 'test_audit.py'}::test_wrong_key_fails_verification"], {}),
        (["tests"], {"keyword": "audit"}),
        (["tests"], {"markexpr": "not slow"}),
        (["tests"], {"deselect": ["tests/core"]}),
        (["tests"], {"lf": True}),
        (["tests"], {"collectonly": True}),
    ],
)
def test_a_subset_is_not_judged(args: list[str], options: dict[str, object]) -> None:
    assert not whole_suite(config(*args, source=ARGS, **options))


def test_the_tree_the_checks_know_is_this_one() -> None:
    assert TESTS == Path(__file__).resolve().parent
