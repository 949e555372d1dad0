"""The engine's input, validated at the edge: volunteers, mentees and the scored pairs.

Scores are kept as columns (numpy arrays of volunteer and mentee positions and
score values) rather than one object per pair: a county-wide problem has
hundreds of thousands of scored pairs, and per-pair Python objects would cost
more than the matching itself. The scores as given (Python ints or floats) are
kept too, so that the answer repeats them exactly.
"""

from __future__ import annotations

import gc
import json
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from itertools import repeat
from operator import itemgetter
from typing import TypeGuard

import numpy as np
import numpy.typing as npt

Id = int | str
Score = int | float

# The command reads at most this many bytes; a larger input is refused before it is
# parsed. 64 MiB holds about 4 million scored pairs with short ids: far above a
# county's volunteers times its mentees.
MAX_INPUT_BYTES = 64 * 1024 * 1024
# Scores beyond this size are refused: below it every integer score, and every sum
# the solver forms of them, is exact in a 64-bit float, so integer totals are exact.
MAX_ABS_SCORE = 1_000_000_000


class PairingInputError(ValueError):
    """The input is not a valid pairing problem; the message says where."""


@dataclass(frozen=True, slots=True)
class Volunteer:
    id: Id
    capacity: int  # how many more mentees this volunteer may take, >= 0


@dataclass(frozen=True, slots=True)
class Mentee:
    id: Id


@dataclass(frozen=True, slots=True, eq=False)
class ScoreColumns:
    """The scored pairs, one position per pair, in input order."""

    volunteer: npt.NDArray[np.intp]  # position in Problem.volunteers
    mentee: npt.NDArray[np.intp]  # position in Problem.mentees
    value: npt.NDArray[np.float64]  # the score as a float
    given: Sequence[Score]  # the score exactly as given (int or float)

    def __len__(self) -> int:
        return len(self.given)


@dataclass(frozen=True, slots=True, eq=False)
class Problem:
    volunteers: tuple[Volunteer, ...]
    mentees: tuple[Mentee, ...]
    scores: ScoreColumns


def _is_int(value: object) -> TypeGuard[int]:
    """An int but not a bool: JSON's true and false are neither ids nor numbers."""
    return isinstance(value, int) and not isinstance(value, bool)


def _id(value: object, where: str) -> Id:
    if _is_int(value) or (isinstance(value, str) and value != ""):
        return value
    raise PairingInputError(f"{where} must be an integer or a non-empty string")


def _object(value: object, where: str) -> Mapping[str, object]:
    if not isinstance(value, Mapping):
        raise PairingInputError(f"{where} must be an object")
    return value


def _field(obj: Mapping[str, object], key: str, where: str) -> object:
    if key not in obj:
        raise PairingInputError(f"{where}.{key} is missing")
    return obj[key]


def _list(obj: Mapping[str, object], key: str) -> Sequence[object]:
    value = _field(obj, key, "input")
    if not isinstance(value, list):
        raise PairingInputError(f"input.{key} must be a list")
    return value


def _volunteer(raw: object, where: str) -> Volunteer:
    obj = _object(raw, where)
    capacity = _field(obj, "capacity", where)
    if not _is_int(capacity) or capacity < 0:
        raise PairingInputError(f"{where}.capacity must be a whole number >= 0")
    return Volunteer(id=_id(_field(obj, "id", where), f"{where}.id"), capacity=capacity)


def _mentee(raw: object, where: str) -> Mentee:
    obj = _object(raw, where)
    return Mentee(id=_id(_field(obj, "id", where), f"{where}.id"))


def _index(ids: Iterable[Id], what: str) -> dict[Id, int]:
    """Position of each id; 1 and "1" are different ids (they hash apart anyway)."""
    index: dict[Id, int] = {}
    for position, item in enumerate(ids):
        if item in index:
            raise PairingInputError(f"duplicate {what} id {item!r}")
        index[item] = position
    return index


def _first(bad: Iterable[bool]) -> int:
    """Position of the first offender, for the message (only on the error path)."""
    return next(k for k, is_bad in enumerate(bad) if is_bad)


def _positions(
    ids: Sequence[object], index: Mapping[Id, int], what: str, column: int
) -> npt.NDArray[np.intp]:
    # Checked by type first: a float 1.0 or a bool true would otherwise find id 1.
    if not set(map(type, ids)) <= {int, str}:
        k = _first(type(item) not in (int, str) for item in ids)
        raise PairingInputError(f"scores[{k}][{column}] must be a {what} id")
    typed: Sequence[Id] = ids  # type: ignore[assignment]  # just checked
    found = np.fromiter(map(index.get, typed, repeat(-1)), dtype=np.intp, count=len(ids))
    if (found < 0).any():
        k = int(np.argmax(found < 0))
        raise PairingInputError(f"scores[{k}][{column}]: unknown {what} id {ids[k]!r}")
    return found


def _values(given: Sequence[object]) -> npt.NDArray[np.float64]:
    if not set(map(type, given)) <= {int, float}:
        k = _first(type(item) not in (int, float) for item in given)
        raise PairingInputError(f"scores[{k}][2] must be a number")
    message = f"must be a finite number between -{MAX_ABS_SCORE:,} and {MAX_ABS_SCORE:,}"
    try:
        values = np.fromiter(given, dtype=np.float64, count=len(given))
    except OverflowError:  # an integer too large for a float
        k = _first(abs(item) > MAX_ABS_SCORE for item in given)  # type: ignore[arg-type]
        raise PairingInputError(f"scores[{k}][2] {message}") from None
    bad = ~(np.abs(values) <= MAX_ABS_SCORE)  # also catches NaN and inf (1e999 decodes as inf)
    if bad.any():
        raise PairingInputError(f"scores[{int(np.argmax(bad))}][2] {message}")
    return values


def _score_columns(
    scores: Sequence[object], volunteers: Mapping[Id, int], mentees: Mapping[Id, int]
) -> ScoreColumns:
    """Validate the scored pairs with C-speed passes over the whole list (no per-pair code)."""
    if not set(map(type, scores)) <= {list, tuple}:
        k = _first(type(item) not in (list, tuple) for item in scores)
        raise PairingInputError(f"scores[{k}] must be a list [volunteer id, mentee id, score]")
    rows: Sequence[Sequence[object]] = scores  # type: ignore[assignment]
    if not set(map(len, rows)) <= {3}:
        k = _first(len(item) != 3 for item in rows)
        raise PairingInputError(f"scores[{k}] must have 3 items: [volunteer id, mentee id, score]")
    volunteer_ids, mentee_ids, given = (list(map(itemgetter(c), rows)) for c in range(3))
    volunteer = _positions(volunteer_ids, volunteers, "volunteer", 0)
    mentee = _positions(mentee_ids, mentees, "mentee", 1)
    value = _values(given)
    pair = volunteer.astype(np.int64) * max(1, len(mentees)) + mentee
    order = np.argsort(pair, kind="stable")
    repeated = pair[order[1:]] == pair[order[:-1]]
    if repeated.any():
        k = int(order[1:][repeated].min())  # the first repetition in input order
        raise PairingInputError(
            f"scores[{k}]: duplicate pair (volunteer {volunteer_ids[k]!r}, mentee {mentee_ids[k]!r})"
        )
    return ScoreColumns(volunteer=volunteer, mentee=mentee, value=value, given=given)


@contextmanager
def _collector_paused() -> Iterator[None]:
    """Decoding a large document makes millions of small lists: the cycle collector
    would scan them again and again (about 4 times the decoding itself) for
    cycles that JSON cannot make."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def build(
    volunteers: Iterable[Volunteer],
    mentees: Iterable[Mentee],
    scores: Sequence[tuple[Id, Id, Score] | Sequence[object]],
) -> Problem:
    """A :class:`Problem` from typed volunteers and mentees and ``(volunteer id, mentee id,
    score)`` triples, held to the same rules as the JSON input."""
    volunteer_list = tuple(volunteers)
    mentee_list = tuple(mentees)
    for k, volunteer in enumerate(volunteer_list):
        _volunteer({"id": volunteer.id, "capacity": volunteer.capacity}, f"volunteers[{k}]")
    for k, mentee in enumerate(mentee_list):
        _mentee({"id": mentee.id}, f"mentees[{k}]")
    with _collector_paused():
        columns = _score_columns(
            scores,
            _index((v.id for v in volunteer_list), "volunteer"),
            _index((m.id for m in mentee_list), "mentee"),
        )
    return Problem(volunteers=volunteer_list, mentees=mentee_list, scores=columns)


def from_data(data: object) -> Problem:
    """Validate a decoded JSON document; raises :class:`PairingInputError` naming the
    first offending field."""
    obj = _object(data, "input")
    volunteers = tuple(
        _volunteer(raw, f"volunteers[{k}]") for k, raw in enumerate(_list(obj, "volunteers"))
    )
    mentees = tuple(_mentee(raw, f"mentees[{k}]") for k, raw in enumerate(_list(obj, "mentees")))
    scores = _list(obj, "scores")
    with _collector_paused():
        columns = _score_columns(
            scores,
            _index((v.id for v in volunteers), "volunteer"),
            _index((m.id for m in mentees), "mentee"),
        )
    return Problem(volunteers=volunteers, mentees=mentees, scores=columns)


def _reject_constant(name: str) -> None:
    raise ValueError(f"{name} is not allowed in JSON input")


def _object_without_repeated_keys(items: list[tuple[str, object]]) -> dict[str, object]:
    # {"id": 1, "id": 2} would otherwise quietly mean 2. Only objects pass through here
    # (a few thousand at most); the scored pairs are lists and cost nothing extra.
    obj = dict(items)
    if len(obj) != len(items):
        repeated = next(key for k, (key, _) in enumerate(items) if key in dict(items[:k]))
        raise ValueError(f"key {repeated!r} appears twice in one object")
    return obj


def parse(document: str | bytes | bytearray) -> Problem:
    """Decode and validate a JSON problem of at most :data:`MAX_INPUT_BYTES` bytes."""
    size = len(document.encode() if isinstance(document, str) else document)
    if size > MAX_INPUT_BYTES:
        raise PairingInputError(
            f"input is larger than {MAX_INPUT_BYTES:,} bytes ({MAX_INPUT_BYTES // 2**20} MiB)"
        )
    try:
        with _collector_paused():
            data = json.loads(
                document,
                parse_constant=_reject_constant,
                object_pairs_hook=_object_without_repeated_keys,
            )
    except (ValueError, RecursionError) as exc:  # JSONDecodeError, bad bytes, deep nesting
        raise PairingInputError(f"input is not valid JSON: {exc}") from None
    return from_data(data)
