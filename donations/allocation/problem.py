"""The engine's input: validated pools and needs (validation at the edge)."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TypeGuard

Id = int | str
Label = int | str
Priority = int | float


class AllocationInputError(ValueError):
    """The input document is not a valid allocation problem; the message says where."""


@dataclass(frozen=True, slots=True)
class Pool:
    id: Id
    balance_fen: int
    categories: frozenset[Label] | None  # None: any category
    towns: frozenset[Label] | None  # None: any town

    def admits(self, category: Label, town: Label) -> bool:
        return (self.categories is None or category in self.categories) and (
            self.towns is None or town in self.towns
        )


@dataclass(frozen=True, slots=True)
class Need:
    id: Id
    amount_fen: int  # still unfunded, > 0
    category: Label
    town: Label
    priority: Priority  # finite, >= 0


@dataclass(frozen=True, slots=True)
class Problem:
    pools: tuple[Pool, ...]
    needs: tuple[Need, ...]


def _is_int(value: object) -> TypeGuard[int]:
    """An int but not a bool: JSON's true and false are neither amounts nor ids."""
    return isinstance(value, int) and not isinstance(value, bool)


def _id(value: object, where: str) -> Id:
    if _is_int(value) or (isinstance(value, str) and value != ""):
        return value
    raise AllocationInputError(f"{where} must be an integer or a non-empty string")


def _label(value: object, where: str) -> Label:
    if _is_int(value) or isinstance(value, str):
        return value
    raise AllocationInputError(f"{where} must be a string or an integer")


def _labels(value: object, where: str) -> frozenset[Label] | None:
    if value is None:
        return None
    if not isinstance(value, list):
        raise AllocationInputError(f"{where} must be a list or null (no restriction)")
    return frozenset(_label(item, f"{where}[{k}]") for k, item in enumerate(value))


def _object(value: object, where: str) -> Mapping[str, object]:
    if not isinstance(value, Mapping):
        raise AllocationInputError(f"{where} must be an object")
    return value


def _field(obj: Mapping[str, object], key: str, where: str) -> object:
    if key not in obj:
        raise AllocationInputError(f"{where}.{key} is missing")
    return obj[key]


def _list(obj: Mapping[str, object], key: str) -> Sequence[object]:
    value = _field(obj, key, "input")
    if not isinstance(value, list):
        raise AllocationInputError(f"input.{key} must be a list")
    return value


def _pool(raw: object, where: str) -> Pool:
    obj = _object(raw, where)
    balance = _field(obj, "balance_fen", where)
    if not _is_int(balance) or balance < 0:
        raise AllocationInputError(f"{where}.balance_fen must be a whole number of fen >= 0")
    return Pool(
        id=_id(_field(obj, "id", where), f"{where}.id"),
        balance_fen=balance,
        categories=_labels(_field(obj, "categories", where), f"{where}.categories"),
        towns=_labels(_field(obj, "towns", where), f"{where}.towns"),
    )


def _need(raw: object, where: str) -> Need:
    obj = _object(raw, where)
    amount = _field(obj, "amount_fen", where)
    if not _is_int(amount) or amount <= 0:
        raise AllocationInputError(f"{where}.amount_fen must be a whole number of fen > 0")
    priority = _field(obj, "priority", where)
    if not isinstance(priority, int | float) or isinstance(priority, bool):
        raise AllocationInputError(f"{where}.priority must be a number")
    if not math.isfinite(priority) or priority < 0:
        raise AllocationInputError(f"{where}.priority must be a finite number >= 0")
    return Need(
        id=_id(_field(obj, "id", where), f"{where}.id"),
        amount_fen=amount,
        category=_label(_field(obj, "category", where), f"{where}.category"),
        town=_label(_field(obj, "town", where), f"{where}.town"),
        priority=priority,
    )


def _unique(ids: list[Id], what: str) -> None:
    seen: set[tuple[type, Id]] = set()
    for item in ids:
        key = (type(item), item)  # 1 and "1" are different ids
        if key in seen:
            raise AllocationInputError(f"duplicate {what} id {item!r}")
        seen.add(key)


def parse_problem(data: object) -> Problem:
    """Validate a decoded JSON document and return it as a :class:`Problem`.

    Raises :class:`AllocationInputError` naming the first offending field.
    """
    obj = _object(data, "input")
    pools = tuple(_pool(raw, f"pools[{k}]") for k, raw in enumerate(_list(obj, "pools")))
    needs = tuple(_need(raw, f"needs[{k}]") for k, raw in enumerate(_list(obj, "needs")))
    _unique([pool.id for pool in pools], "pool")
    _unique([need.id for need in needs], "need")
    return Problem(pools=pools, needs=needs)
