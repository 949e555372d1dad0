"""``allocate``: choose the needs to fund and the pools that pay for each."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from donations.allocation.pool_flows import PoolLedger
from donations.allocation.problem import Label, Need, Pool, Priority, Problem, parse_problem
from donations.allocation.report import (
    INSUFFICIENT_FUNDS,
    NO_ELIGIBLE_POOL,
    OUTRANKED,
    Allocation,
    Unfunded,
    insufficient_funds_reason,
    no_eligible_pool_reason,
    outranked_reason,
    split_flows,
    total_priority,
)
from donations.allocation.solve import MilpOutcome, solve_milp
from donations.allocation.verify import allocation_errors

DEFAULT_TIME_LIMIT_S = 3.0
# Up to this many needs in the MILP, HiGHS must prove the optimum (county scale
# takes well under a second). Above it, it stops at this relative gap, so the
# answer does not depend on the machine's speed, and the repair pass then
# usually closes most of what is left.
EXACT_UP_TO_NEEDS = 1_000
LARGE_RELATIVE_GAP = 5e-4


def _pool_preference(pool: Pool) -> int:
    """Restricted money is spent first, so general money stays free for other needs."""
    return (pool.categories is None) + (pool.towns is None)


@dataclass(slots=True)
class _Classes:
    """Needs that admit exactly the same pools share a class."""

    pools: list[tuple[int, ...]]  # per class, pool positions in order of preference
    of_need: list[int]  # per need: class, or -1 if it cannot be funded even alone
    reasons: dict[int, tuple[str, str]]  # need position -> (code, reason) for those


def _classify(problem: Problem) -> _Classes:
    order = sorted(range(len(problem.pools)), key=lambda j: (_pool_preference(problem.pools[j]), j))
    admitting: dict[tuple[type, Label, type, Label], tuple[int, ...]] = {}
    index: dict[tuple[int, ...], int] = {}
    classes = _Classes(pools=[], of_need=[], reasons={})
    for k, need in enumerate(problem.needs):
        key = (type(need.category), need.category, type(need.town), need.town)
        if key not in admitting:
            admitting[key] = tuple(
                j for j in order if problem.pools[j].admits(need.category, need.town)
            )
        eligible = admitting[key]
        total = sum(problem.pools[j].balance_fen for j in eligible)
        if not eligible:
            classes.reasons[k] = (NO_ELIGIBLE_POOL, no_eligible_pool_reason(need))
        elif total < need.amount_fen:
            classes.reasons[k] = (INSUFFICIENT_FUNDS, insufficient_funds_reason(need, total))
        if k in classes.reasons:
            classes.of_need.append(-1)
            continue
        funding = tuple(j for j in eligible if problem.pools[j].balance_fen > 0)
        classes.of_need.append(index.setdefault(funding, len(index)))
        if len(index) > len(classes.pools):
            classes.pools.append(funding)
    return classes


@dataclass(slots=True)
class _Search:
    funded: list[bool]
    bound: float | None  # None: nothing better than the objective is possible


def _fill(
    ledger: PoolLedger,
    classes: _Classes,
    needs: Sequence[Need],
    order: Sequence[int],
    funded: list[bool],
) -> None:
    """Fund, in ``order``, every need that still fits, rerouting earlier flows if needed."""
    live = ledger.live_classes()
    most = [ledger.leftover_fen] * len(classes.pools)  # per class, an upper bound that only falls
    for k in order:
        c, amount = classes.of_need[k], needs[k].amount_fen
        if funded[k] or c < 0 or not live[c] or amount > min(most[c], ledger.leftover_fen):
            continue
        got, blocked = ledger.fund(c, amount)
        if got == amount:
            funded[k] = True
            most[c] -= amount
        for other in blocked:  # one failed attempt bounds every class behind the same cut
            most[other] = min(most[other], got)


def _whole_bound(bound: float) -> int:
    """With whole priorities the optimum is whole too; the slack keeps the solver's
    float noise from cutting below it (erring towards a weaker bound)."""
    return math.floor(bound + 1e-6 * max(1.0, abs(bound)))


def _proven(bound: float | None, objective: Priority, whole: bool) -> bool:
    """Whether no allocation can beat ``objective`` (whole: all priorities are ints)."""
    if bound is None:
        return True
    if whole:
        return _whole_bound(bound) <= objective
    return bound <= objective + max(1e-6, 1e-9 * abs(bound))  # HiGHS's own absolute gap


def _knapsack_bound(needs: Sequence[Need], money_fen: int) -> float:
    """A bound that needs no solver: all pools as one, needs fundable in part."""
    bound = 0.0
    for need in sorted(needs, key=lambda need: -need.priority / need.amount_fen):
        share = min(1.0, money_fen / need.amount_fen)
        bound += need.priority * share
        money_fen -= need.amount_fen
        if money_fen <= 0:
            break
    return bound * (1 + 1e-12)  # float rounding must not make it too low


def _greedy(
    problem: Problem, classes: _Classes, candidates: Sequence[int]
) -> tuple[list[bool], PoolLedger]:
    """Best priority per fen first: fast, near-optimal, and no solver to trust."""
    needs = problem.needs
    ledger = PoolLedger(classes.pools, [pool.balance_fen for pool in problem.pools])
    funded = [False] * len(needs)
    order = sorted(
        candidates,
        key=lambda k: (-needs[k].priority / needs[k].amount_fen, -needs[k].priority, k),
    )
    _fill(ledger, classes, needs, order, funded)
    return funded, ledger


def _from_milp(
    problem: Problem, classes: _Classes, chosen: Sequence[int], outcome: MilpOutcome
) -> tuple[list[bool], PoolLedger]:
    """Pay the solver's choice exactly, starting from its flows rounded down."""
    needs, balances = problem.needs, [pool.balance_fen for pool in problem.pools]
    ledger = PoolLedger(classes.pools, balances)
    funded = [False] * len(needs)
    demand = [0] * len(classes.pools)
    for k in chosen:
        demand[classes.of_need[k]] += needs[k].amount_fen
    for c, pools in enumerate(classes.pools):
        for position, j in enumerate(pools):
            flow = outcome.flows_fen.get((c, j), 0.0)
            demand[c] -= ledger.seed(c, position, min(demand[c], math.floor(flow + 1e-6)))
    if all(ledger.fund(c, d)[0] == d for c, d in enumerate(demand) if d):
        for k in chosen:
            funded[k] = True
        return funded, ledger
    # The solver's answer was off by its tolerances: rebuild exactly, best first.
    ledger = PoolLedger(classes.pools, balances)
    best_first = sorted(chosen, key=lambda k: (-needs[k].priority, needs[k].amount_fen, k))
    _fill(ledger, classes, needs, best_first, funded)
    return funded, ledger


def _search(problem: Problem, classes: _Classes, time_limit_s: float) -> tuple[_Search, PoolLedger]:
    needs, balances = problem.needs, [pool.balance_fen for pool in problem.pools]
    candidates = [k for k, c in enumerate(classes.of_need) if c >= 0]

    # Everything may fit at once: then it is optimal without any search.
    ledger = PoolLedger(classes.pools, balances)
    demand = [0] * len(classes.pools)
    for k in candidates:
        demand[classes.of_need[k]] += needs[k].amount_fen
    if sum(demand) <= ledger.leftover_fen and all(
        ledger.fund(c, d)[0] == d for c, d in enumerate(demand) if d
    ):
        return _Search([c >= 0 for c in classes.of_need], None), ledger

    prioritised = [k for k in candidates if needs[k].priority > 0]
    outcome = solve_milp(
        [needs[k].amount_fen for k in prioritised],
        [needs[k].priority for k in prioritised],
        [classes.of_need[k] for k in prioritised],
        classes.pools,
        balances,
        time_limit_s=time_limit_s,
        relative_gap=0.0 if len(prioritised) <= EXACT_UP_TO_NEEDS else LARGE_RELATIVE_GAP,
    )
    bound = _knapsack_bound([needs[k] for k in prioritised], sum(balances))
    if outcome.bound is not None:
        bound = min(bound, outcome.bound)
    if outcome.chosen is None:  # nothing found in time
        funded, ledger = _greedy(problem, classes, candidates)
        return _Search(funded, bound), ledger

    funded, ledger = _from_milp(problem, classes, [prioritised[i] for i in outcome.chosen], outcome)
    # Then whatever still fits, best first; even after a proven optimum, as "proven"
    # allows HiGHS's 1e-6 absolute gap: a need of priority 1e-7 must beat priority 0.
    by_priority = sorted(candidates, key=lambda k: (-needs[k].priority, needs[k].amount_fen, k))
    _fill(ledger, classes, needs, by_priority, funded)
    found = total_priority([needs[k].priority for k in candidates if funded[k]])
    whole = all(isinstance(need.priority, int) for need in needs)
    if not _proven(bound, found, whole):  # the gap was left open: see if greedy does better
        greedy, greedy_ledger = _greedy(problem, classes, candidates)
        if total_priority([needs[k].priority for k in candidates if greedy[k]]) > found:
            return _Search(greedy, bound), greedy_ledger
    return _Search(funded, bound), ledger


def _sources_by_need(
    classes: _Classes, needs: Sequence[Need], funded: list[bool], ledger: PoolLedger
) -> dict[int, list[tuple[int, int]]]:
    """Per funded need, (pool, fen) pairs: each class's flows handed out in input order."""
    members: dict[int, list[int]] = {}
    for k, c in enumerate(classes.of_need):
        if funded[k]:
            members.setdefault(c, []).append(k)
    sources: dict[int, list[tuple[int, int]]] = {}
    for c, ks in members.items():
        splits = split_flows([needs[k] for k in ks], ledger.class_flows(c))
        sources.update(zip(ks, splits, strict=True))
    return sources


def allocate(problem: object, *, time_limit_s: float = DEFAULT_TIME_LIMIT_S) -> Allocation:
    """Fund the set of needs with the highest total priority that the pools can pay for.

    ``problem`` is the decoded JSON input (or a :class:`Problem`); the result is
    the JSON output described in the package docstring. ``time_limit_s`` bounds
    the MILP search (the exact passes after it are quick); the answer is always a valid allocation, and ``optimal``
    says whether it is proven best. Raises ``AllocationInputError``.
    """
    parsed = problem if isinstance(problem, Problem) else parse_problem(problem)
    classes = _classify(parsed)
    search, ledger = _search(parsed, classes, time_limit_s)
    needs, pools = parsed.needs, parsed.pools

    sources = _sources_by_need(classes, needs, search.funded, ledger)
    objective = total_priority([need.priority for k, need in enumerate(needs) if search.funded[k]])
    whole = all(isinstance(need.priority, int) for need in needs)
    proven = _proven(search.bound, objective, whole)
    bound: Priority = objective
    if not proven and search.bound is not None:
        bound = _whole_bound(search.bound) if whole else search.bound
    unfunded: list[Unfunded] = []
    for k, need in enumerate(needs):
        if search.funded[k]:
            continue
        code, reason = classes.reasons.get(k) or (OUTRANKED, outranked_reason(need, proven))
        unfunded.append({"need_id": need.id, "reason": reason, "code": code})
    result: Allocation = {
        "funded": [
            {
                "need_id": need.id,
                "sources": [
                    {"pool_id": pools[j].id, "amount_fen": amount} for j, amount in sources[k]
                ],
            }
            for k, need in enumerate(needs)
            if search.funded[k]
        ],
        "unfunded": unfunded,
        "objective": objective,
        "optimal": proven,
        "bound": bound,
    }
    errors = allocation_errors(parsed, result)
    if errors:  # a bug here, never the caller's fault: refuse rather than pay out wrongly
        raise RuntimeError(f"allocation engine produced an invalid allocation: {errors[:5]}")
    return result
