"""Seeded random pairing problems for tests and benchmarks (not used at runtime)."""

from __future__ import annotations

import math
from typing import Any

import numpy as np

ProblemJson = dict[str, list[Any]]  # the command line's input, decoded


def random_problem(
    seed: int,
    *,
    volunteers: int,
    mentees: int,
    density: float = 1.0,
    max_capacity: int = 3,
    fractional: bool = False,
    string_ids: bool = False,
) -> ProblemJson:
    """Volunteers with capacities 1..max_capacity, and a ``density`` share of all pairs scored.

    Scores look like the scoring step's: mostly 0..100, each volunteer a little
    better or worse across the board (so the good ones are contested), a few at
    0 or below (pairs that may not be formed). ``fractional`` gives two decimals.
    """
    rng = np.random.default_rng(seed)
    volunteer_ids: list[Any] = list(range(1, volunteers + 1))
    mentee_ids: list[Any] = list(range(1, mentees + 1))
    if string_ids:
        volunteer_ids = [f"v-{k:05d}" for k in volunteer_ids]
        mentee_ids = [f"m-{k:05d}" for k in mentee_ids]
    capacity = rng.integers(1, max_capacity + 1, volunteers)
    quality = rng.normal(0, 12, volunteers)
    need = rng.normal(0, 8, mentees)
    raw = 45 + quality[:, None] + need[None, :] + rng.normal(0, 20, (volunteers, mentees))
    scored = rng.random((volunteers, mentees)) < density
    v, m = np.nonzero(scored)
    values = np.clip(raw[v, m], -10, 100)
    score_list: list[Any] = (
        np.round(values, 2).tolist() if fractional else np.rint(values).astype(int).tolist()
    )
    return {
        "volunteers": [
            {"id": volunteer_ids[k], "capacity": int(capacity[k])} for k in range(volunteers)
        ],
        "mentees": [{"id": mentee_id} for mentee_id in mentee_ids],
        "scores": [
            [volunteer_ids[a], mentee_ids[b], s]
            for a, b, s in zip(v.tolist(), m.tolist(), score_list, strict=True)
        ],
    }


def county_problem(seed: int, **options: Any) -> ProblemJson:
    """The benchmark's size: 600 volunteers x 1,200 mentees, every pair scored."""
    return random_problem(seed, volunteers=600, mentees=1200, **options)


def pairing_errors(problem: ProblemJson, result: dict[str, Any]) -> list[str]:
    """What is wrong with an answer, read from the JSON alone (independent of the engine):
    capacities, one pair per mentee, only listed pairs with positive scores, scores and
    total as given, every mentee either paired or listed as unpaired."""
    errors = []
    capacity = {v["id"]: v["capacity"] for v in problem["volunteers"]}
    score = {(v, m): s for v, m, s in problem["scores"]}
    load: dict[Any, int] = {}
    paired: set[Any] = set()
    for item in result["pairs"]:
        key = (item["volunteer_id"], item["mentee_id"])
        if key not in score:
            errors.append(f"pair {key} is not listed in the scores")
        elif score[key] <= 0:
            errors.append(f"pair {key} has score {score[key]} <= 0")
        elif item["score"] != score[key] or type(item["score"]) is not type(score[key]):
            errors.append(f"pair {key} reports score {item['score']!r}, given {score[key]!r}")
        if item["mentee_id"] in paired:
            errors.append(f"mentee {item['mentee_id']!r} is paired twice")
        paired.add(item["mentee_id"])
        load[item["volunteer_id"]] = load.get(item["volunteer_id"], 0) + 1
    for volunteer_id, count in load.items():
        if count > capacity.get(volunteer_id, 0):
            errors.append(
                f"volunteer {volunteer_id!r} has {count} pairs, capacity {capacity.get(volunteer_id)}"
            )
    scores = [item["score"] for item in result["pairs"]]
    if all(isinstance(s, int) for s in scores):
        if result["total"] != sum(scores):
            errors.append(f"total {result['total']} is not the sum of the pairs' scores")
    elif not math.isclose(result["total"], math.fsum(scores), rel_tol=1e-12):
        errors.append(f"total {result['total']} is not the sum of the pairs' scores")
    unpaired = [item["mentee_id"] for item in result["unpaired"]]
    if sorted(map(repr, unpaired)) != sorted(
        repr(m["id"]) for m in problem["mentees"] if m["id"] not in paired
    ):
        errors.append("the unpaired mentees are not exactly those without a pair")
    return errors
