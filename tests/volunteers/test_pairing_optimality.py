"""The pairing engine is optimal: against brute force on tiny problems and an
independent MILP on medium ones; its answers are always feasible."""

from __future__ import annotations

import itertools
import math
import random
from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.optimize import Bounds, LinearConstraint, milp
from scipy.sparse import lil_array

from bench.pairing_instances import pairing_errors, random_problem
from volunteers.pairing import from_data, solve


def _brute_force_best(problem) -> float:
    """Every way of giving each mentee one of its listed volunteers or none, whatever the
    score (so that leaving out scores <= 0 is checked too, not assumed)."""
    capacity = {v["id"]: v["capacity"] for v in problem["volunteers"]}
    options: dict[Any, list[tuple[Any, float] | None]] = {
        m["id"]: [None] for m in problem["mentees"]
    }
    for volunteer_id, mentee_id, score in problem["scores"]:
        options[mentee_id].append((volunteer_id, score))
    best = 0.0
    for choice in itertools.product(*options.values()):
        taken = [option for option in choice if option is not None]
        load: dict[object, int] = {}
        for volunteer_id, _ in taken:
            load[volunteer_id] = load.get(volunteer_id, 0) + 1
        if all(count <= capacity[v] for v, count in load.items()):
            best = max(best, math.fsum(score for _, score in taken))
    return best


# Quarters are exact in binary, so fractional totals can be compared exactly too.
_SCORES = st.one_of(st.integers(-3, 9), st.integers(-12, 36).map(lambda q: q / 4))


@st.composite
def tiny_problems(draw):
    volunteer_ids = draw(
        st.lists(st.one_of(st.integers(0, 5), st.sampled_from(["a", "b", "0"])),
                 max_size=3, unique=True)
    )  # fmt: skip
    volunteers = [{"id": v, "capacity": draw(st.integers(0, 2))} for v in volunteer_ids]
    mentees = [{"id": f"m{k}"} for k in range(draw(st.integers(0, 4)))]
    scores = [
        [v["id"], m["id"], draw(_SCORES)]
        for v in volunteers
        for m in mentees
        if draw(st.booleans())
    ]
    return {"volunteers": volunteers, "mentees": mentees, "scores": scores}


@settings(max_examples=400, deadline=None, database=None)
@given(tiny_problems())
def test_tiny_problems_match_brute_force(problem):
    result = solve(from_data(problem)).to_json()

    assert pairing_errors(problem, result) == []
    assert result["total"] == _brute_force_best(problem)


def _contested_tiny_problem(seed: int):
    """More mentees than places, most pairs scored, so the choice matters."""
    rng = random.Random(seed)
    volunteers = [{"id": j, "capacity": rng.randint(0, 2)} for j in range(rng.randint(1, 3))]
    mentees = [{"id": f"m{k}"} for k in range(rng.randint(3, 6))]
    scores = [
        [v["id"], m["id"], rng.randint(-2, 12)]
        for v in volunteers
        for m in mentees
        if rng.random() < 0.8
    ]
    return {"volunteers": volunteers, "mentees": mentees, "scores": scores}


@pytest.mark.parametrize("seed", range(300))
def test_contested_tiny_problems_match_brute_force(seed):
    problem = _contested_tiny_problem(seed)

    result = solve(from_data(problem)).to_json()

    assert pairing_errors(problem, result) == []
    assert result["total"] == _brute_force_best(problem)


def _milp_best(problem) -> float:
    """A separate formulation: one 0/1 variable per listed pair, whatever its score."""
    volunteers = {v["id"]: j for j, v in enumerate(problem["volunteers"])}
    mentees = {m["id"]: i for i, m in enumerate(problem["mentees"])}
    scores = problem["scores"]
    rows = len(mentees) + len(volunteers)
    matrix = lil_array((rows, len(scores)))
    for k, (volunteer_id, mentee_id, _) in enumerate(scores):
        matrix[mentees[mentee_id], k] = 1
        matrix[len(mentees) + volunteers[volunteer_id], k] = 1
    upper = [1] * len(mentees) + [v["capacity"] for v in problem["volunteers"]]
    result = milp(
        c=[-score for _, _, score in scores],
        constraints=LinearConstraint(matrix.tocsr(), -np.inf, upper),
        integrality=np.ones(len(scores)),
        bounds=Bounds(0, 1),
        options={"mip_rel_gap": 0.0},
    )
    assert result.status == 0
    return -float(result.fun)


@pytest.mark.parametrize(
    ("seed", "volunteers", "mentees", "density", "max_capacity"),
    [
        (0, 40, 80, 1.0, 3),  # dense, places about 80 for 80 mentees
        (1, 60, 200, 0.3, 3),  # sparse, more mentees than places
        (2, 100, 60, 0.5, 2),  # more places than mentees
        (3, 30, 120, 0.9, 6),  # large capacities
        (4, 80, 80, 0.05, 1),  # very sparse one-to-one
    ],
)
def test_medium_problems_match_an_independent_milp(
    seed, volunteers, mentees, density, max_capacity
):
    problem = random_problem(
        seed, volunteers=volunteers, mentees=mentees, density=density, max_capacity=max_capacity
    )

    result = solve(from_data(problem)).to_json()

    assert pairing_errors(problem, result) == []
    assert result["total"] == round(_milp_best(problem))
    assert len(result["pairs"]) > 10  # not a trivial instance


@pytest.mark.parametrize("seed", range(3))
def test_medium_problems_with_fractional_scores_match_the_milp(seed):
    problem = random_problem(seed, volunteers=50, mentees=100, density=0.6, fractional=True)

    result = solve(from_data(problem)).to_json()

    assert pairing_errors(problem, result) == []
    assert isinstance(result["total"], float)
    assert math.isclose(result["total"], _milp_best(problem), rel_tol=1e-9)


def test_a_county_size_problem_is_feasible_and_fills_every_place_it_should():
    problem = random_problem(5, volunteers=300, mentees=600, density=1.0, string_ids=True)

    result = solve(from_data(problem)).to_json()

    assert pairing_errors(problem, result) == []
    places = sum(v["capacity"] for v in problem["volunteers"])
    # Nearly every pair is positive here: every place or every mentee is used.
    assert len(result["pairs"]) == min(places, len(problem["mentees"]))
