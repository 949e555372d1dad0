"""An independent check of an allocation against its problem.

The engine runs it on every answer before returning it (a failure is a bug in
the engine, never the caller's fault); tests run it on the command line's output.
"""

from __future__ import annotations

import math
from collections.abc import Mapping

from donations.allocation.problem import Id, Problem
from donations.allocation.report import INSUFFICIENT_FUNDS, NO_ELIGIBLE_POOL, OUTRANKED

CODES = frozenset({NO_ELIGIBLE_POOL, INSUFFICIENT_FUNDS, OUTRANKED})


def _key(value: object) -> tuple[str, object]:
    return (type(value).__name__, value)  # 1 and "1" are different ids


def _is_int(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def allocation_errors(problem: Problem, result: Mapping[str, object]) -> list[str]:
    """Everything that breaks the engine's promises; empty when ``result`` is valid."""
    errors: list[str] = []
    pools = {_key(pool.id): pool for pool in problem.pools}
    needs = {_key(need.id): need for need in problem.needs}
    given = {key: 0 for key in pools}
    seen: set[tuple[str, object]] = set()
    funded_priorities = []

    def see(need_id: object) -> bool:
        key = _key(need_id)
        if key not in needs:
            errors.append(f"unknown need {need_id!r}")
            return False
        if key in seen:
            errors.append(f"need {need_id!r} appears twice")
        seen.add(key)
        return True

    for entry in result.get("funded", []):  # type: ignore[attr-defined]
        if not see(entry["need_id"]):
            continue
        need = needs[_key(entry["need_id"])]
        funded_priorities.append(need.priority)
        total, used = 0, set()
        for source in entry["sources"]:
            pool_key, amount = _key(source["pool_id"]), source["amount_fen"]
            pool = pools.get(pool_key)
            if pool is None or pool_key in used:
                errors.append(f"need {need.id!r}: unknown or repeated pool {source['pool_id']!r}")
                continue
            used.add(pool_key)
            if not _is_int(amount) or amount <= 0:
                errors.append(f"need {need.id!r}: {amount!r} fen is not a positive whole number")
                continue
            if not pool.admits(need.category, need.town):
                errors.append(f"need {need.id!r}: pool {pool.id!r} does not admit it")
            given[pool_key] += amount
            total += amount
        if total != need.amount_fen:
            errors.append(f"need {need.id!r}: sources add up to {total}, not {need.amount_fen}")
    for entry in result.get("unfunded", []):  # type: ignore[attr-defined]
        if see(entry["need_id"]) and not (
            isinstance(entry.get("reason"), str) and entry["reason"].strip()
        ):
            errors.append(f"need {entry['need_id']!r}: no reason given")
        if entry.get("code") not in CODES:
            errors.append(f"need {entry['need_id']!r}: unknown code {entry.get('code')!r}")
    missing: list[Id] = [need.id for key, need in needs.items() if key not in seen]
    if missing:
        errors.append(f"needs neither funded nor unfunded: {missing!r}")
    for key, amount in given.items():
        if amount > pools[key].balance_fen:
            errors.append(f"pool {pools[key].id!r} gives {amount}, more than its balance")

    objective, bound = result.get("objective"), result.get("bound")
    expected = math.fsum(funded_priorities)
    if not isinstance(objective, int | float) or not math.isclose(
        objective, expected, rel_tol=1e-9, abs_tol=1e-9
    ):
        errors.append(f"objective {objective!r} is not the funded priorities' sum {expected}")
    elif not isinstance(bound, int | float) or bound < objective:
        errors.append(f"bound {bound!r} is below the objective {objective}")
    elif result.get("optimal") is True and bound != objective:
        errors.append(f"proven optimal but bound {bound} != objective {objective}")
    if not isinstance(result.get("optimal"), bool):
        errors.append("optimal is not a boolean")
    return errors
