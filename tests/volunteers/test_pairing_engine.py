"""The pairing engine's promises on small problems one can check by hand, its reasons,
and its input rules (the function; the command line is in test_pairing_cli.py)."""

from __future__ import annotations

import json
import random
from typing import Any

import numpy as np
import pytest

from bench.pairing_instances import ProblemJson, pairing_errors, random_problem
from volunteers import pairing
from volunteers.pairing import (
    BEST_CANDIDATE,
    BETTER_ONES_FULL,
    CANDIDATES_FULL,
    NO_CANDIDATE,
    Mentee,
    PairingInputError,
    ProblemTooLargeError,
    Volunteer,
    build,
    from_data,
    parse,
    solve,
)
from volunteers.pairing import engine as engine_module
from volunteers.pairing import problem as problem_module


def run(
    volunteers: list[tuple[Any, int]], mentees: list[Any], scores: list[tuple[Any, Any, Any]]
) -> dict[str, Any]:
    problem: ProblemJson = {
        "volunteers": [{"id": v, "capacity": c} for v, c in volunteers],
        "mentees": [{"id": m} for m in mentees],
        "scores": [list(s) for s in scores],
    }
    result = solve(from_data(problem)).to_json()
    assert pairing_errors(problem, result) == []
    return result


def pairs_of(result: dict[str, Any]) -> set[tuple[Any, Any]]:
    return {(p["volunteer_id"], p["mentee_id"]) for p in result["pairs"]}


def test_the_highest_total_beats_taking_the_best_pair_first():
    # Greedy would give x to A (10) and leave y with nobody; the optimum gives 9 + 8.
    result = run([("A", 1), ("B", 1)], ["x", "y"], [("A", "x", 10), ("A", "y", 8), ("B", "x", 9)])

    assert pairs_of(result) == {("A", "y"), ("B", "x")}
    assert result["total"] == 17


def test_a_volunteer_takes_up_to_its_capacity_and_no_more():
    result = run([("A", 2)], ["x", "y", "z"], [("A", "x", 3), ("A", "y", 5), ("A", "z", 4)])

    assert pairs_of(result) == {("A", "y"), ("A", "z")}
    assert result["total"] == 9
    assert [u["mentee_id"] for u in result["unpaired"]] == ["x"]
    assert result["unpaired"][0]["reason_code"] == CANDIDATES_FULL


def test_scores_of_zero_or_below_are_never_formed_even_with_places_free():
    result = run([("A", 3)], ["x", "y", "z"], [("A", "x", 0), ("A", "y", -4), ("A", "z", 0.0)])

    assert result["pairs"] == []
    assert result["total"] == 0
    assert {u["reason_code"] for u in result["unpaired"]} == {NO_CANDIDATE}


def test_a_pair_missing_from_the_scores_is_never_formed():
    result = run([("A", 1), ("B", 1)], ["x", "y"], [("A", "x", 5), ("B", "x", 4)])

    assert pairs_of(result) == {("A", "x")}
    assert result["unpaired"][0]["mentee_id"] == "y"
    assert result["unpaired"][0]["reason_code"] == NO_CANDIDATE


def test_a_volunteer_with_capacity_zero_is_never_paired():
    result = run([("A", 0), ("B", 1)], ["x", "y"], [("A", "x", 9), ("A", "y", 9), ("B", "y", 1)])

    assert pairs_of(result) == {("B", "y")}
    assert result["unpaired"][0]["reason_code"] == CANDIDATES_FULL


def test_scores_come_back_exactly_as_given_and_integer_totals_stay_integers():
    ints = run([("A", 2)], ["x", "y"], [("A", "x", 3), ("A", "y", 4)])
    mixed = run([("A", 2)], ["x", "y"], [("A", "x", 3.0), ("A", "y", 4)])

    assert ints["total"] == 7 and isinstance(ints["total"], int)
    assert {type(p["score"]) for p in mixed["pairs"]} == {int, float}
    assert mixed["total"] == 7.0 and isinstance(mixed["total"], float)


def test_a_fractional_total_is_the_correctly_rounded_sum_of_the_pairs():
    result = run([("A", 3)], ["x", "y", "z"], [("A", "x", 0.1), ("A", "y", 0.2), ("A", "z", 0.3)])

    assert result["total"] == 0.6  # not 0.6000000000000001, as 0.1 + 0.2 + 0.3 would give


def test_ids_come_back_as_given_and_1_differs_from_the_string_1():
    result = run([(1, 1), ("1", 1)], ["m", 7], [(1, "m", 2), ("1", 7, 3), (1, 7, 1)])

    assert pairs_of(result) == {(1, "m"), ("1", 7)}


def test_pairs_are_listed_by_volunteer_then_mentee_in_input_order():
    volunteers = [("B", 2), ("A", 2)]
    mentees = ["z", "y", "x", "w"]
    scores = [(v, m, 5) for v, _ in volunteers for m in mentees]

    result = run(volunteers, mentees, scores)

    order = [(p["volunteer_id"], p["mentee_id"]) for p in result["pairs"]]
    rank = {v: k for k, (v, _) in enumerate(volunteers)} | {m: k for k, m in enumerate(mentees)}
    assert order == sorted(order, key=lambda pair: (rank[pair[0]], rank[pair[1]]))
    assert len(order) == 4


def test_an_empty_problem_pairs_nobody():
    assert run([], [], []) == {"pairs": [], "total": 0, "unpaired": []}
    assert run([("A", 1)], ["x"], [])["unpaired"][0]["reason_code"] == NO_CANDIDATE


def test_the_same_input_gives_the_same_answer_and_score_order_does_not_change_the_total():
    problem = random_problem(3, volunteers=30, mentees=60, density=0.7)
    first = solve(from_data(problem)).to_json()
    again = solve(from_data(problem)).to_json()
    shuffled = dict(
        problem, scores=random.Random(1).sample(problem["scores"], len(problem["scores"]))
    )

    assert again == first
    assert solve(from_data(shuffled)).to_json()["total"] == first["total"]


def test_reasons_tell_the_truth_on_random_problems():
    for seed in range(20):
        problem = random_problem(seed, volunteers=15, mentees=40, density=0.5)
        result = solve(from_data(problem)).to_json()
        capacity = {v["id"]: v["capacity"] for v in problem["volunteers"]}
        load = {v: 0 for v in capacity}
        for p in result["pairs"]:
            load[p["volunteer_id"]] += 1
        candidates: dict[object, dict[object, int]] = {}
        for v, m, s in problem["scores"]:
            if s > 0:
                candidates.setdefault(m, {})[v] = s

        for p in result["pairs"]:
            mine = candidates[p["mentee_id"]]
            better = [v for v, s in mine.items() if s > p["score"]]
            assert p["candidates"] == len(mine)
            assert p["rank"] == len(better) + 1
            assert p["reason_code"] == (BETTER_ONES_FULL if better else BEST_CANDIDATE)
            assert all(load[v] == capacity[v] for v in better)  # the better ones are full
            assert str(p["score"]) in p["reason"] and str(p["score"]) in p["reason_en"]
        for u in result["unpaired"]:
            mine = candidates.get(u["mentee_id"], {})
            assert u["candidates"] == len(mine)
            assert u["reason_code"] == (CANDIDATES_FULL if mine else NO_CANDIDATE)
            assert all(load[v] == capacity[v] for v in mine)


def test_the_only_candidate_is_called_so():
    result = run([("A", 1)], ["x"], [("A", "x", 4)])

    assert (
        result["pairs"][0]["reason_en"] == "Score 4: the only volunteer who could take this mentee."
    )
    assert "唯一" in result["pairs"][0]["reason"]


def test_open_places_left_by_the_solver_are_filled_best_first():
    # Stands in for float rounding misleading the solver: nothing chosen at all.
    volunteer = np.array([0, 0, 1], dtype=np.intp)
    mentee = np.array([0, 1, 1], dtype=np.intp)
    weight = np.array([2.0, 5.0, 3.0])
    capacity = np.array([1, 1], dtype=np.intp)

    chosen = engine_module._fill_open_places(
        volunteer, mentee, weight, capacity, np.array([], dtype=np.intp), mentees=2
    )

    assert sorted(chosen.tolist()) == [1]  # (0, 1) at 5; then volunteer 0 is full, mentee 1 paired


def test_the_typed_api_gives_the_same_answer_as_the_json_one():
    problem = random_problem(8, volunteers=10, mentees=25, density=0.6, string_ids=True)

    typed = build(
        [Volunteer(v["id"], v["capacity"]) for v in problem["volunteers"]],
        [Mentee(m["id"]) for m in problem["mentees"]],
        [tuple(s) for s in problem["scores"]],
    )

    assert solve(typed).to_json() == solve(parse(json.dumps(problem))).to_json()


def test_the_typed_api_holds_the_same_rules():
    with pytest.raises(PairingInputError, match=r"volunteers\[0\]\.capacity"):
        build([Volunteer("A", -1)], [Mentee("x")], [])
    with pytest.raises(PairingInputError, match="duplicate mentee id 'x'"):
        build([Volunteer("A", 1)], [Mentee("x"), Mentee("x")], [])
    with pytest.raises(PairingInputError, match="unknown mentee id 'y'"):
        build([Volunteer("A", 1)], [Mentee("x")], [("A", "y", 1)])


def test_a_problem_beyond_the_edge_limit_is_refused(monkeypatch):
    monkeypatch.setattr(engine_module, "MAX_EDGES", 10)
    problem = from_data(random_problem(1, volunteers=5, mentees=10, density=1.0))

    with pytest.raises(ProblemTooLargeError, match="problem too large"):
        solve(problem)


def test_a_document_beyond_the_byte_limit_is_refused_before_it_is_read(monkeypatch):
    monkeypatch.setattr(problem_module, "MAX_INPUT_BYTES", 100)

    with pytest.raises(PairingInputError, match="larger than 100 bytes"):
        parse(b'{"volunteers": [], "mentees": [], "scores": []}' + b" " * 60)


def _doc(**changes: Any) -> dict[str, Any]:
    document: dict[str, Any] = {
        "volunteers": [{"id": "A", "capacity": 1}, {"id": 2, "capacity": 2}],
        "mentees": [{"id": "x"}, {"id": 5}],
        "scores": [["A", "x", 3], [2, 5, 1.5]],
    }
    document.update(changes)
    return document


BAD_INPUT = [
    ([], "input must be an object"),
    ({"mentees": [], "scores": []}, "input.volunteers is missing"),
    (_doc(volunteers={"A": 1}), "input.volunteers must be a list"),
    (_doc(scores=None), "input.scores must be a list"),
    (_doc(volunteers=["A"]), "volunteers[0] must be an object"),
    (_doc(volunteers=[{"id": "A"}]), "volunteers[0].capacity is missing"),
    (_doc(volunteers=[{"capacity": 1}]), "volunteers[0].id is missing"),
    (_doc(volunteers=[{"id": "A", "capacity": -1}]), "volunteers[0].capacity must be a whole number >= 0"),
    (_doc(volunteers=[{"id": "A", "capacity": 1.5}]), "volunteers[0].capacity must be a whole number >= 0"),
    (_doc(volunteers=[{"id": "A", "capacity": True}]), "volunteers[0].capacity must be a whole number >= 0"),
    (_doc(volunteers=[{"id": "A", "capacity": "2"}]), "volunteers[0].capacity must be a whole number >= 0"),
    (_doc(volunteers=[{"id": True, "capacity": 1}]), "volunteers[0].id must be an integer or a non-empty string"),
    (_doc(volunteers=[{"id": 1.0, "capacity": 1}]), "volunteers[0].id must be an integer or a non-empty string"),
    (_doc(mentees=[{"id": ""}]), "mentees[0].id must be an integer or a non-empty string"),
    (_doc(mentees=[{"id": None}]), "mentees[0].id must be an integer or a non-empty string"),
    (_doc(mentees=[{"id": ["x"]}]), "mentees[0].id must be an integer or a non-empty string"),
    (_doc(volunteers=[{"id": "A", "capacity": 1}, {"id": "A", "capacity": 2}]), "duplicate volunteer id 'A'"),
    (_doc(mentees=[{"id": "x"}, {"id": 5}, {"id": "x"}]), "duplicate mentee id 'x'"),
    (_doc(scores=[{"volunteer": "A", "mentee": "x", "score": 1}]), "scores[0] must be a list"),
    (_doc(scores=[["A", "x", 1], ["A", 5]]), "scores[1] must have 3 items"),
    (_doc(scores=[["A", "x", 1, "why"]]), "scores[0] must have 3 items"),
    (_doc(scores=[["A", "x", 1], ["Z", 5, 1]]), "scores[1][0]: unknown volunteer id 'Z'"),
    (_doc(scores=[["A", "y", 1]]), "scores[0][1]: unknown mentee id 'y'"),
    (_doc(scores=[["x", "A", 1]]), "scores[0][0]: unknown volunteer id 'x'"),
    (_doc(scores=[[2.0, 5, 1]]), "scores[0][0] must be a volunteer id"),
    (_doc(scores=[["A", True, 1]]), "scores[0][1] must be a mentee id"),
    (_doc(scores=[["A", None, 1]]), "scores[0][1] must be a mentee id"),
    (_doc(scores=[["A", "x", "3"]]), "scores[0][2] must be a number"),
    (_doc(scores=[["A", "x", True]]), "scores[0][2] must be a number"),
    (_doc(scores=[["A", "x", None]]), "scores[0][2] must be a number"),
    (_doc(scores=[["A", "x", float("inf")]]), "scores[0][2] must be a finite number"),
    (_doc(scores=[["A", "x", float("nan")]]), "scores[0][2] must be a finite number"),
    (_doc(scores=[["A", "x", 1], [2, 5, 10**10]]), "scores[1][2] must be a finite number between"),
    (_doc(scores=[["A", "x", 10**400]]), "scores[0][2] must be a finite number between"),
    (_doc(scores=[["A", "x", 1], [2, 5, 1], ["A", "x", 2]]), "scores[2]: duplicate pair (volunteer 'A', mentee 'x')"),
]  # fmt: skip


@pytest.mark.parametrize(("document", "message"), BAD_INPUT)
def test_invalid_input_is_refused_naming_the_first_bad_field(document, message):
    with pytest.raises(PairingInputError) as raised:
        from_data(document)

    assert message in str(raised.value)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("{not json", "input is not valid JSON"),
        ("", "input is not valid JSON"),
        (b"\xff\xfe", "input is not valid JSON"),
        ('{"volunteers": [], "mentees": [], "scores": [[1, 2, NaN]]}', "NaN is not allowed"),
        ('{"volunteers": [], "mentees": [], "scores": [[1, 2, Infinity]]}', "Infinity is not allowed"),
        ("[" * 100_000, "input is not valid JSON"),
        ('{"volunteers": [{"id": 1, "id": 2, "capacity": 1}], "mentees": [], "scores": []}',
         "key 'id' appears twice in one object"),
        ('{"volunteers": [{"id": "A", "capacity": 1}], "mentees": [{"id": "x"}], '
         '"scores": [["A", "x", 1e999]]}', "scores[0][2] must be a finite number"),
    ],
)  # fmt: skip
def test_text_that_is_not_a_problem_is_refused(text, message):
    with pytest.raises(PairingInputError) as raised:
        parse(text)

    assert message in str(raised.value)


def test_extra_keys_are_ignored_and_the_limits_are_public():
    document = _doc(volunteers=[{"id": "A", "capacity": 1, "name": "?"}, {"id": 2, "capacity": 0}])
    document["note"] = "anything"

    assert solve(from_data(document)).total == 3
    assert pairing.MAX_INPUT_BYTES == 64 * 1024 * 1024
    assert pairing.MAX_ABS_SCORE == 1_000_000_000
