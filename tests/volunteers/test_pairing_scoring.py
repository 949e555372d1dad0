"""The scoring step: each term's formula, each hard rule, and the matrix handed to the engine."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable

import pytest

from core.towns import distance_km
from volunteers.pairing import solve
from volunteers.pairing.scoring import (
    AVAILABILITY,
    CONFLICT_OF_INTEREST,
    DISTANCE,
    GENDER_NOT_MATCHED,
    LANGUAGE,
    NO_CAPACITY,
    NO_CONSENT,
    NO_JUVENILE_CLEARANCE,
    NOT_APPROVED,
    PLEDGE_NOT_SIGNED,
    SKILLS,
    Excluded,
    MenteeProfile,
    Scored,
    ScoringInputError,
    Term,
    VolunteerProfile,
    Weights,
    score_pair,
    score_pairs,
)


def volunteer(**changes) -> VolunteerProfile:
    """Approved, pledged, cleared for minors, free, and a perfect match for mentee()."""
    base = VolunteerProfile(
        id=1,
        skills={"就业指导", "心理疏导"},
        languages={"粤语", "普通话"},
        towns={"赤坎镇"},
        availability={(0, "evening"), (2, "evening"), (5, "morning")},
        gender="female",
        capacity=2,
        approved=True,
        pledge_signed=True,
        juvenile_clearance=True,
        conflicts=set(),
    )
    return dataclasses.replace(base, **changes)


def mentee(**changes) -> MenteeProfile:
    base = MenteeProfile(
        id="m-1",
        needs={"就业指导", "心理疏导"},
        languages={"粤语"},
        town="赤坎镇",
        availability={(0, "evening"), (2, "evening"), (5, "morning")},
        gender="female",
        wants_same_gender=False,
        is_minor=False,
        consent_given=True,
    )
    return dataclasses.replace(base, **changes)


def scored(v=None, m=None, weights=None) -> Scored:
    outcome = score_pair(
        v or volunteer(),
        m or mentee(),
        distance_km=distance_km,
        **({"weights": weights} if weights else {}),
    )
    assert isinstance(outcome, Scored), outcome
    return outcome


def term(outcome: Scored, code: str) -> Term:
    return next(t for t in outcome.terms if t.code == code)


def rules_of(v=None, m=None) -> list[str]:
    outcome = score_pair(v or volunteer(), m or mentee(), distance_km=distance_km)
    assert isinstance(outcome, Excluded), outcome
    return [rule.code for rule in outcome.rules]


def test_a_perfect_match_scores_100_with_a_readable_breakdown():
    outcome = scored()

    assert outcome.score == 100
    assert [t.code for t in outcome.terms] == [SKILLS, LANGUAGE, DISTANCE, AVAILABILITY]
    assert outcome.summary == "共 100 分：技能 40/40，语言 20/20，距离 20/20，时间 20/20"
    assert (
        outcome.summary_en
        == "100 points: skills 40/40, language 20/20, distance 20/20, availability 20/20"
    )
    assert term(outcome, DISTANCE).detail == "同在赤坎镇"
    assert (
        term(outcome, AVAILABILITY).detail == "每周 3 个共同空闲时段：周一晚上、周三晚上、周六上午"
    )


# Skills: round(40 * matched / needs), half up.
@pytest.mark.parametrize(
    ("skills", "needs", "points"),
    [
        ({"就业指导", "心理疏导"}, {"就业指导", "心理疏导"}, 40),
        ({"就业指导"}, {"就业指导", "心理疏导"}, 20),
        ({"就业指导"}, {"就业指导", "心理疏导", "法律咨询"}, 13),  # 13.33
        ({"A", "B"}, {"a", "b", "c"}, 27),  # 26.67; compared case-folded
        ({"a"}, {"a", "b", "c", "d", "e", "f", "g", "h"}, 5),  # exactly 5
        ({"a", "b", "c"}, {"a", "b", "c", "d", "e", "f", "g", "h"}, 15),
        (
            {"a"},
            {"a", "b", "c", "d", "e", "f", "g", "h", "i", "j", "k", "l", "m", "n", "o", "p"},
            3,
        ),  # 2.5 rounds up
        ({"法律咨询"}, {"就业指导"}, 0),
        ({"就业指导"}, set(), 0),
    ],
)
def test_skills_earn_the_share_of_needs_covered(skills, needs, points):
    outcome = scored(volunteer(skills=skills), mentee(needs=needs))

    assert term(outcome, SKILLS).points == points
    assert term(outcome, SKILLS).max_points == 40


def test_skills_breakdown_names_the_needs_matched_as_the_mentee_wrote_them():
    outcome = scored(
        volunteer(skills={" employment ", "Housing"}), mentee(needs={"Employment", "legal"})
    )

    assert (
        term(outcome, SKILLS).detail_en
        == "1 of the mentee's 2 needs match the volunteer's skills (Employment)"
    )
    assert term(outcome, SKILLS).detail == "需求 2 项中 1 项有对应技能（Employment）"


def test_no_recorded_need_earns_no_skill_points_and_says_so():
    assert term(scored(m=mentee(needs=set())), SKILLS).detail == "帮教对象未登记需求"


# Language: 20 for any language in common.
@pytest.mark.parametrize(
    ("spoken", "wanted", "points"),
    [
        ({"粤语", "普通话"}, {"粤语"}, 20),
        ({"普通话"}, {"粤语", "普通话"}, 20),
        ({"Cantonese"}, {"cantonese "}, 20),
        ({"普通话"}, {"台山话"}, 0),
        (set(), {"粤语"}, 0),
    ],
)
def test_a_shared_language_earns_the_language_points(spoken, wanted, points):
    outcome = scored(volunteer(languages=spoken), mentee(languages=wanted))

    assert term(outcome, LANGUAGE).points == points


def test_language_breakdown_lists_the_shared_languages():
    outcome = scored(
        volunteer(languages={"粤语", "普通话", "台山话"}), mentee(languages={"台山话", "粤语"})
    )

    assert term(outcome, LANGUAGE).detail == "共同语言：台山话、粤语"


# Distance: 20 up to 5 km, 0 from 40 km, linear between, from the nearest of the volunteer's towns.
def test_the_same_town_earns_full_distance_points():
    assert term(scored(), DISTANCE).points == 20


def test_distance_points_fall_linearly_between_5_and_40_km():
    d = distance_km("赤坎镇", "百合镇")  # about 7.6 km
    expected = int(20 * (40 - d) / 35 + 0.5)

    outcome = scored(volunteer(towns={"赤坎镇"}), mentee(town="百合镇"))

    assert 5 < d < 40
    assert term(outcome, DISTANCE).points == expected
    assert (
        term(outcome, DISTANCE).detail == f"志愿者所在的赤坎镇距帮教对象所在的百合镇约 {d:.0f} 公里"
    )


def test_towns_at_least_40_km_apart_earn_no_distance_points():
    assert distance_km("大沙镇", "赤水镇") >= 40

    assert term(scored(volunteer(towns={"大沙镇"}), mentee(town="赤水镇")), DISTANCE).points == 0


def test_the_nearest_of_the_volunteers_towns_counts():
    outcome = scored(volunteer(towns={"大沙镇", "金鸡镇"}), mentee(town="赤水镇"))

    assert "金鸡镇" in term(outcome, DISTANCE).detail
    assert term(outcome, DISTANCE).points == int(
        20 * (40 - distance_km("金鸡镇", "赤水镇")) / 35 + 0.5
    )


def test_a_fake_distance_function_shows_the_formula_exactly():
    def fixed(km: float) -> Callable[[str, str], float]:
        return lambda a, b: 0.0 if a == b else km

    for km, points in [(5.0, 20), (22.5, 10), (39.0, 1), (40.0, 0), (75.0, 0)]:
        outcome = score_pair(volunteer(towns={"X"}), mentee(town="Y"), distance_km=fixed(km))
        assert isinstance(outcome, Scored)
        assert term(outcome, DISTANCE).points == points, km


def test_no_town_or_an_unknown_town_earns_no_distance_points():
    assert term(scored(volunteer(towns=set())), DISTANCE).points == 0
    unknown = scored(volunteer(towns={"火星镇"}))
    assert term(unknown, DISTANCE).points == 0
    assert (
        term(unknown, DISTANCE).detail_en
        == "No distance to 赤坎镇: the volunteer lists no known town"
    )


# Availability: round(20 * min(k, 3) / 3) for k weekly slots in common.
@pytest.mark.parametrize(("shared", "points"), [(0, 0), (1, 7), (2, 13), (3, 20), (5, 20)])
def test_shared_weekly_slots_earn_availability_points(shared, points):
    slots = [(day, "evening") for day in range(5)]
    outcome = scored(
        volunteer(availability=set(slots)),
        mentee(availability=set(slots[:shared]) | {(6, "morning")}),
    )

    assert term(outcome, AVAILABILITY).points == points


def test_weights_can_be_changed():
    weights = Weights(skills=10, language=0, distance=0, availability=0)

    assert scored(weights=weights).score == 10
    with pytest.raises(ScoringInputError):
        Weights(near_km=50, far_km=40)


# Hard rules: the pair gets no score at all.
@pytest.mark.parametrize(
    ("v", "m", "code"),
    [
        ({}, {"consent_given": False}, NO_CONSENT),
        ({"approved": False}, {}, NOT_APPROVED),
        ({"pledge_signed": False}, {}, PLEDGE_NOT_SIGNED),
        ({"juvenile_clearance": False}, {"is_minor": True}, NO_JUVENILE_CLEARANCE),
        ({"conflicts": {"m-1"}}, {}, CONFLICT_OF_INTEREST),
        ({"capacity": 0}, {}, NO_CAPACITY),
        ({"gender": "male"}, {"wants_same_gender": True}, GENDER_NOT_MATCHED),
        ({"gender": None}, {"wants_same_gender": True}, GENDER_NOT_MATCHED),
        ({}, {"wants_same_gender": True, "gender": None}, GENDER_NOT_MATCHED),
    ],
)
def test_each_hard_rule_excludes_the_pair(v, m, code):
    assert rules_of(volunteer(**v), mentee(**m)) == [code]


@pytest.mark.parametrize(
    ("v", "m"),
    [
        ({"juvenile_clearance": False}, {"is_minor": False}),  # clearance matters for minors only
        ({"juvenile_clearance": True}, {"is_minor": True}),
        ({"conflicts": {"m-2"}}, {}),  # a conflict with someone else
        ({"gender": "male"}, {"wants_same_gender": False}),  # genders differ, nobody asked
        ({"gender": "Female "}, {"wants_same_gender": True, "gender": "female"}),
    ],
)
def test_a_hard_rule_applies_only_when_its_condition_holds(v, m):
    assert scored(volunteer(**v), mentee(**m)).score == 100


def test_every_broken_rule_is_listed_in_order_with_reasons():
    outcome = score_pair(
        volunteer(approved=False, pledge_signed=False, juvenile_clearance=False, conflicts={"m-1"},
                  capacity=0, gender="male"),
        mentee(consent_given=False, is_minor=True, wants_same_gender=True),
        distance_km=distance_km,
    )  # fmt: skip

    assert isinstance(outcome, Excluded)
    assert [rule.code for rule in outcome.rules] == [
        NO_CONSENT, NOT_APPROVED, PLEDGE_NOT_SIGNED, NO_JUVENILE_CLEARANCE,
        CONFLICT_OF_INTEREST, NO_CAPACITY, GENDER_NOT_MATCHED,
    ]  # fmt: skip
    assert all(rule.reason and rule.reason_en for rule in outcome.rules)
    assert outcome.rules[0].reason == "帮教对象尚未同意接受结对帮教"


def test_the_matrix_scores_every_pair_and_the_engine_never_forms_an_excluded_one():
    volunteers = [
        volunteer(id=1, capacity=1),
        volunteer(id=2, capacity=1, juvenile_clearance=False, towns={"大沙镇"}),
        volunteer(id=3, approved=False),
    ]
    mentees = [
        mentee(id="a", is_minor=True),
        mentee(id="b", needs={"法律咨询"}),
        mentee(id="c", consent_given=False),
    ]

    matrix = score_pairs(volunteers, mentees, distance_km=distance_km)
    result = solve(matrix.problem(volunteers, mentees))

    assert len(matrix.scored) + len(matrix.excluded) == 9
    assert {(e.volunteer_id, e.mentee_id) for e in matrix.excluded} == {
        (2, "a"), (1, "c"), (2, "c"), (3, "a"), (3, "b"), (3, "c"),
    }  # fmt: skip
    assert matrix.triples() == [(s.volunteer_id, s.mentee_id, s.score) for s in matrix.scored]
    # Only volunteer 1 may take the minor; volunteer 2 then takes b.
    assert {(p.volunteer_id, p.mentee_id) for p in result.pairs} == {(1, "a"), (2, "b")}
    by_pair = {(s.volunteer_id, s.mentee_id): s.score for s in matrix.scored}
    assert result.total == by_pair[1, "a"] + by_pair[2, "b"]


def test_score_pairs_agrees_with_score_pair_on_every_pair():
    volunteers = [volunteer(id=k, towns={t}, skills={"就业指导"} if k % 2 else {"心理疏导"})
                  for k, t in enumerate(["赤坎镇", "百合镇", "大沙镇", "火星镇"])]  # fmt: skip
    mentees = [mentee(id=t, town=t) for t in ["赤坎镇", "金鸡镇", "三埠街道"]]

    matrix = score_pairs(volunteers, mentees, distance_km=distance_km)

    assert list(matrix.scored) == [
        score_pair(v, m, distance_km=distance_km) for v in volunteers for m in mentees
    ]


@pytest.mark.parametrize(
    ("volunteers", "mentees", "message"),
    [
        ([volunteer(), volunteer()], [mentee()], "duplicate volunteer id 1"),
        ([volunteer()], [mentee(), mentee()], "duplicate mentee id 'm-1'"),
        (
            [volunteer(availability={(7, "evening")})],
            [mentee()],
            "volunteer 1: slot (7, 'evening')",
        ),
        ([volunteer()], [mentee(availability={(1, "night")})], "mentee 'm-1': slot (1, 'night')"),
        ([volunteer()], [mentee(availability={"monday"})], "mentee 'm-1': slot 'monday'"),
    ],
)
def test_profiles_that_cannot_be_scored_are_refused(volunteers, mentees, message):
    with pytest.raises(ScoringInputError, match=message.replace("(", r"\(").replace(")", r"\)")):
        score_pairs(volunteers, mentees, distance_km=distance_km)
