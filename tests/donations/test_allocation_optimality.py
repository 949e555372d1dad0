"""The allocation engine is optimal: against brute force, an independent MILP, and a bound."""

from __future__ import annotations

import itertools
import math
import random

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.optimize import Bounds, LinearConstraint, milp
from scipy.sparse import lil_array

from bench.allocation_instances import county_problem, province_problem, random_problem
from donations.allocation import allocate
from donations.allocation.problem import parse_problem
from donations.allocation.verify import allocation_errors


def _admits(pool, need) -> bool:
    return (pool["categories"] is None or need["category"] in pool["categories"]) and (
        pool["towns"] is None or need["town"] in pool["towns"]
    )


def _fits(pools, chosen) -> bool:
    """Gale's condition, exactly: for every set P of pools, the needs that can only
    draw on P ask no more than P holds."""
    for size in range(len(pools) + 1):
        for subset in itertools.combinations(range(len(pools)), size):
            inside = set(subset)
            asked = sum(
                need["amount_fen"]
                for need in chosen
                if all(j in inside for j, pool in enumerate(pools) if _admits(pool, need))
            )
            if asked > sum(pools[j]["balance_fen"] for j in inside):
                return False
    return True


def _brute_force_best(problem) -> float:
    needs = problem["needs"]
    best = 0.0
    for size in range(len(needs) + 1):
        for chosen in itertools.combinations(needs, size):
            value = math.fsum(need["priority"] for need in chosen)
            if value > best and _fits(problem["pools"], chosen):
                best = value
    return best


_LABELS = st.sampled_from(["a", "b"])
_RESTRICTION = st.one_of(st.none(), st.lists(_LABELS, min_size=1, max_size=2, unique=True))


@st.composite
def tiny_problems(draw):
    pools = [
        {
            "id": f"p{j}",
            "balance_fen": draw(st.integers(0, 60)),
            "categories": draw(_RESTRICTION),
            "towns": draw(_RESTRICTION),
        }
        for j in range(draw(st.integers(0, 3)))
    ]
    # Fractional priorities as staff would set them; ones below HiGHS's 1e-6
    # tolerance next to ones of 10 are not a promise the engine makes.
    priority = st.one_of(st.integers(0, 10), st.floats(0, 10).map(lambda p: round(p, 3)))
    needs = [
        {
            "id": k,
            "amount_fen": draw(st.integers(1, 40)),
            "category": draw(_LABELS),
            "town": draw(_LABELS),
            "priority": draw(priority),
        }
        for k in range(draw(st.integers(0, 8)))
    ]
    return {"pools": pools, "needs": needs}


@settings(max_examples=400, deadline=None, database=None)
@given(tiny_problems())
def test_tiny_problems_match_brute_force(problem):
    result = allocate(problem)

    assert allocation_errors(parse_problem(problem), result) == []
    assert result["optimal"] is True
    # Fractional priorities are optimal to HiGHS's absolute gap, 1e-6 (documented).
    assert math.isclose(result["objective"], _brute_force_best(problem), abs_tol=1e-6)


def _contested_tiny_problem(seed: int):
    """5-8 needs asking for more than up to 3 pools hold, so choices matter."""
    rng = random.Random(seed)

    def restriction() -> list[str] | None:
        return None if rng.random() < 0.4 else rng.sample(["a", "b", "c"], rng.randint(1, 2))

    pools = [
        {"id": j, "balance_fen": rng.randint(10, 60), "categories": restriction(),
         "towns": restriction()}
        for j in range(rng.randint(1, 3))
    ]  # fmt: skip
    needs = [
        {"id": f"n{k}", "amount_fen": rng.randint(5, 40), "category": rng.choice("abc"),
         "town": rng.choice("ab"), "priority": rng.randint(1, 9)}
        for k in range(rng.randint(5, 8))
    ]  # fmt: skip
    return {"pools": pools, "needs": needs}


@pytest.mark.parametrize("seed", range(300))
def test_contested_tiny_problems_match_brute_force(seed):
    problem = _contested_tiny_problem(seed)

    result = allocate(problem)

    assert allocation_errors(parse_problem(problem), result) == []
    assert result["optimal"] is True
    assert result["objective"] == _brute_force_best(problem)


def _independent_best(problem) -> float:
    """A separate formulation: one flow variable per (need, admitting pool)."""
    pools, needs = problem["pools"], problem["needs"]
    edges = [(i, j) for i, need in enumerate(needs) for j, pool in enumerate(pools)
             if _admits(pool, need)]  # fmt: skip
    n, m = len(needs), len(edges)
    matrix = lil_array((n + len(pools), n + m))
    for i, need in enumerate(needs):
        matrix[i, i] = -need["amount_fen"]
    for k, (i, j) in enumerate(edges):
        matrix[i, n + k] = 1
        matrix[n + j, n + k] = 1
    lower = [0.0] * n + [-np.inf] * len(pools)
    upper = [0.0] * n + [pool["balance_fen"] for pool in pools]
    result = milp(
        c=[-need["priority"] for need in needs] + [0.0] * m,
        constraints=LinearConstraint(matrix.tocsr(), lower, upper),
        integrality=[1] * n + [0] * m,
        bounds=Bounds(0, [1] * n + [np.inf] * m),
        options={"mip_rel_gap": 0.0},
    )
    assert result.status == 0
    return -float(result.fun)


@pytest.mark.parametrize("seed", range(4))
def test_county_scale_is_exactly_optimal(seed):
    problem = county_problem(seed)

    result = allocate(problem)

    assert allocation_errors(parse_problem(problem), result) == []
    assert result["optimal"] is True
    assert result["objective"] == round(_independent_best(problem))


@pytest.mark.parametrize("funded_share", [0.15, 0.8])
def test_county_scale_is_optimal_when_money_is_scarce_or_plentiful(funded_share):
    problem = random_problem(
        7, needs=300, pools=10, categories=8, towns=15, funded_share=funded_share
    )

    result = allocate(problem)

    assert allocation_errors(parse_problem(problem), result) == []
    assert result["optimal"] is True
    assert result["objective"] == round(_independent_best(problem))


def test_county_scale_with_fractional_priorities_is_optimal():
    problem = county_problem(11)
    for need in problem["needs"]:
        need["priority"] = need["priority"] / 7

    result = allocate(problem)

    assert allocation_errors(parse_problem(problem), result) == []
    assert result["optimal"] is True
    assert math.isclose(result["objective"], _independent_best(problem), rel_tol=1e-9)


@pytest.mark.parametrize("seed", [0, 1])
def test_province_scale_reaches_999_per_mille_of_the_bound(seed):
    problem = province_problem(seed)

    result = allocate(problem, time_limit_s=120)  # quality, not speed: never cut short here

    assert allocation_errors(parse_problem(problem), result) == []
    assert result["objective"] >= 0.999 * result["bound"]
    assert len(result["funded"]) > 1_000  # the instance really is contested, not trivial
    assert len(result["unfunded"]) > 1_000
