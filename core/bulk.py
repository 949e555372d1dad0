"""Doing one use case to several records at once, each on its own.

A bulk action is the single-record use case run once per chosen id: the same checks,
the same audit entry, the same commit. Each item runs inside a savepoint, so a refusal
undoes only that item's writes, and the others go through. Every item gets an outcome
(done, or refused with the reason a one-by-one attempt would have shown), which the
page reports item by item.

Out-of-scope ids are refused like missing ones (the use case raises NotFound): a bulk
form never tells a record outside the user's scope from one that does not exist.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from core.db import db
from core.errors import DomainError, PublicationRefused
from core.params import parse_int

MAX_ITEMS = 100


@dataclass(frozen=True)
class Outcome:
    """What happened to one item. A refusal's `message` is a msgid (the domain error's),
    with `params` to format it; a done item has none (the page says what was done)."""

    item_id: int
    done: bool
    message: str = ""
    params: dict[str, object] = field(default_factory=dict)


@dataclass(frozen=True)
class BulkResult:
    outcomes: list[Outcome]

    @property
    def done(self) -> list[Outcome]:
        return [o for o in self.outcomes if o.done]

    @property
    def refused(self) -> list[Outcome]:
        return [o for o in self.outcomes if not o.done]


def parse_ids(values: Iterable[str]) -> list[int]:
    """The chosen ids of a bulk form, in order, each once; anything not a number is dropped.

    Raises ValueError when more than MAX_ITEMS are chosen (the page says so)."""
    ids: list[int] = []
    for value in values:
        number = parse_int(value.strip())
        if number is not None and number not in ids:
            ids.append(number)
    if len(ids) > MAX_ITEMS:
        raise ValueError(f"at most {MAX_ITEMS} items at once")
    return ids


def run_each(ids: Iterable[int], action: Callable[[int], object]) -> BulkResult:
    """Run `action` for each id in a savepoint of its own; never stops at a refusal.

    `action` is a single-record use case (it commits its own work). A DomainError undoes
    that item's writes and becomes its outcome; anything else is a bug and propagates."""
    outcomes: list[Outcome] = []
    for item_id in ids:
        savepoint = db.session.begin_nested()
        try:
            action(item_id)
        except DomainError as error:
            if savepoint.is_active:
                savepoint.rollback()
            else:
                db.session.rollback()
            outcomes.append(_refusal(item_id, error))
            continue
        if savepoint.is_active:
            savepoint.commit()
        outcomes.append(Outcome(item_id, True))
    db.session.commit()
    return BulkResult(outcomes)


def _refusal(item_id: int, error: DomainError) -> Outcome:
    if isinstance(error, PublicationRefused):
        # Its message joins the untranslated reasons: report the first, translated.
        return Outcome(item_id, False, error.reasons[0] if error.reasons else error.message)
    return Outcome(item_id, False, error.message, dict(error.params))
