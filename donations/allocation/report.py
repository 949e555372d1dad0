"""What the engine tells staff: reasons in plain English, and exact per-need sources."""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import TypedDict

from donations.allocation.problem import Id, Need, Priority

NO_ELIGIBLE_POOL = "no_eligible_pool"
INSUFFICIENT_FUNDS = "insufficient_funds"
OUTRANKED = "outranked"


class Source(TypedDict):
    pool_id: Id
    amount_fen: int


class Funded(TypedDict):
    need_id: Id
    sources: list[Source]


class Unfunded(TypedDict):
    need_id: Id
    reason: str
    code: str


class Allocation(TypedDict):
    """The engine's answer, exactly as the command line prints it."""

    funded: list[Funded]
    unfunded: list[Unfunded]
    objective: Priority
    optimal: bool
    bound: Priority


def yuan(amount_fen: int) -> str:
    # Kept local rather than importing core.money: the CLI must start fast and stay pure.
    whole, fen = divmod(amount_fen, 100)
    return f"¥{whole:,}.{fen:02d}"


def no_eligible_pool_reason(need: Need) -> str:
    return f"No pool admits the category '{need.category}' in the town '{need.town}'."


def insufficient_funds_reason(need: Need, total_fen: int) -> str:
    return (
        f"The pools that admit it hold {yuan(total_fen)} in all, "
        f"less than the {yuan(need.amount_fen)} it needs."
    )


def outranked_reason(need: Need, proven: bool) -> str:
    amount = yuan(need.amount_fen)
    if need.priority == 0:
        return (
            "Priority 0: funded only from money no prioritised need can use, and the pools "
            f"that admit it cannot spare {amount}."
        )
    if proven:
        return (
            f"Outranked: the pools that admit it cannot cover {amount} without taking money "
            f"from funded needs whose priorities add up to at least its own ({need.priority})."
        )
    return (
        f"Not enough left: the pools that admit it cannot cover {amount} without taking money "
        "from needs already funded (this allocation is not proven to be the best possible)."
    )


def total_priority(priorities: Sequence[Priority]) -> Priority:
    if all(isinstance(p, int) for p in priorities):
        return sum(priorities)
    return math.fsum(priorities)


def split_flows(needs: list[Need], flows: list[tuple[int, int]]) -> list[list[tuple[int, int]]]:
    """Hand a class's per-pool flows to its needs in turn; each gets exactly its amount."""
    out: list[list[tuple[int, int]]] = []
    queue = list(flows)
    position = 0
    for need in needs:
        remaining = need.amount_fen
        sources: list[tuple[int, int]] = []
        while remaining:
            pool, available = queue[position]
            take = min(available, remaining)
            sources.append((pool, take))
            remaining -= take
            if take == available:
                position += 1
            else:
                queue[position] = (pool, available - take)
        out.append(sources)
    return out
