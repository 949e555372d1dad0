"""How the wing's domains follow a person's case: one place to connect their handlers
to the ground floor's lifecycle signals (core/signals.py).

Each domain calls `follow_person(ended=..., transferred=..., anonymised=...)` from its
`init_app` with module-level functions (blinker keeps weak references and connects a
function once, however many apps are created). A handler runs inside the use case's
transaction, before it commits: it changes rows and writes audit entries, never commits,
and anything it raises rolls the whole use case back.

The handlers' shapes, as blinker calls them:
- ended(person, **_): the case ended (person.ended_on is set);
- transferred(person, *, from_office_id, **_): the person is now in person.office_id;
- anonymised(person, **_): identity removed; free-text notes about the person must go.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from core import signals

Handler = Callable[..., Any]


def follow_person(
    *,
    ended: Handler | None = None,
    transferred: Handler | None = None,
    anonymised: Handler | None = None,
) -> None:
    """Connect a domain's handlers to the person lifecycle signals."""
    for signal, handler in (
        (signals.person_ended, ended),
        (signals.person_transferred, transferred),
        (signals.person_anonymised, anonymised),
    ):
        if handler is not None:
            signal.connect(handler)
