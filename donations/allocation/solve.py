"""The MILP: which needs to fund, with flows aggregated by eligibility class.

Needs that admit exactly the same pools form a class; a set of needs fits the
pools iff the class totals fit (any split of a class's flow among its needs
works), so the flow variables are per (class, pool) instead of per (need, pool).
HiGHS (``scipy.optimize.milp``) solves it within a time limit.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from scipy.optimize import Bounds, LinearConstraint, milp
from scipy.sparse import csr_array

from donations.allocation.problem import Priority


@dataclass(frozen=True, slots=True)
class MilpOutcome:
    chosen: tuple[int, ...] | None  # positions into the candidate list; None if nothing found
    flows_fen: dict[tuple[int, int], float]  # (class, pool) -> fen, from the solver (not exact)
    bound: float | None  # proven upper bound on the candidates' best total priority


def solve_milp(
    amounts_fen: Sequence[int],
    priorities: Sequence[Priority],
    classes: Sequence[int],
    class_pools: Sequence[Sequence[int]],
    balances_fen: Sequence[int],
    *,
    time_limit_s: float,
    relative_gap: float,
) -> MilpOutcome:
    """Maximise the total priority of the chosen candidates subject to the pool balances.

    Candidate ``i`` asks ``amounts_fen[i]`` and belongs to class ``classes[i]``,
    which may draw on the pools ``class_pools[classes[i]]``.
    """
    n = len(amounts_fen)
    if n == 0:
        return MilpOutcome(chosen=(), flows_fen={}, bound=0.0)
    # Money is measured in units of the largest need so coefficients stay near 1.
    unit = float(max(amounts_fen))
    edges = [(c, j) for c, pools in enumerate(class_pools) for j in pools]
    pool_count = len(balances_fen)

    rows: list[int] = []
    cols: list[int] = []
    vals: list[float] = []
    for i, (amount, c) in enumerate(zip(amounts_fen, classes, strict=True)):
        rows.append(c)
        cols.append(i)
        vals.append(-amount / unit)
    class_count = len(class_pools)
    for k, (c, j) in enumerate(edges):
        rows += [c, class_count + j]
        cols += [n + k, n + k]
        vals += [1.0, 1.0]
    matrix = csr_array((vals, (rows, cols)), shape=(class_count + pool_count, n + len(edges)))
    lower = np.concatenate([np.zeros(class_count), np.full(pool_count, -np.inf)])
    upper = np.concatenate(
        [np.full(class_count, np.inf), np.asarray(balances_fen, dtype=float) / unit]
    )
    var_upper = np.concatenate(
        [np.ones(n), np.asarray([balances_fen[j] for _, j in edges], dtype=float) / unit]
    )
    result = milp(
        c=np.concatenate([-np.asarray(priorities, dtype=float), np.zeros(len(edges))]),
        constraints=LinearConstraint(matrix, lower, upper),
        integrality=np.concatenate([np.ones(n), np.zeros(len(edges))]),
        bounds=Bounds(np.zeros(n + len(edges)), var_upper),
        options={
            "time_limit": max(time_limit_s, 0.05),
            "mip_rel_gap": relative_gap,
            "presolve": False,
        },
    )
    dual = getattr(result, "mip_dual_bound", None)
    bound = -float(dual) if dual is not None and math.isfinite(dual) else None
    if result.x is None:
        return MilpOutcome(chosen=None, flows_fen={}, bound=bound)
    x = result.x
    chosen = tuple(i for i in range(n) if x[i] > 0.5)
    flows = {edge: float(x[n + k]) * unit for k, edge in enumerate(edges) if x[n + k] > 0}
    return MilpOutcome(
        chosen=chosen,
        flows_fen=flows,
        bound=bound,
    )
