"""How well a volunteer suits a mentee: the scores the pairing engine maximises.

Pure like the engine (plain dataclasses in, plain dataclasses out): the
mentoring service loads the profiles, calls :func:`score_pairs`, shows the
breakdowns to the coordinator and hands :meth:`ScoreMatrix.problem` to
:func:`volunteers.pairing.solve`.

Hard rules first. A pair that breaks any of them gets no score at all, so the
engine can never form it; every rule it breaks is listed (:class:`Excluded`):

==========================  ====================================================
``no_consent``              the mentee has not consented to mentoring
``not_approved``            the volunteer has not passed vetting
``pledge_not_signed``       the volunteer has not signed the confidentiality pledge
``no_juvenile_clearance``   the mentee is a minor and the volunteer lacks the
                            clearance to work with minors
``conflict_of_interest``    the volunteer declared a conflict with this mentee
``no_capacity``             the volunteer has no place left (capacity 0)
``gender_not_matched``      the mentee asked for a mentor of their own gender and
                            the volunteer's differs (or either is not recorded)
==========================  ====================================================

The same-gender request is a rule, not a term: it is about whom the mentee is
willing to meet alone, which no amount of shared skills should outweigh.

Then four terms, each a whole number of points, summed into a score of 0-100
(default :class:`Weights`; ``round`` is half up):

- skills (40): ``round(40 * matched / needs)``, where ``needs`` counts the
  mentee's needs and ``matched`` those among the volunteer's skills; 0 when the
  mentee has recorded no need.
- language (20): 20 if they share a language, else 0.
- distance (20): ``d`` is the distance in km from the nearest of the volunteer's
  towns to the mentee's town; 20 when ``d <= 5``, 0 when ``d >= 40``, else
  ``round(20 * (40 - d) / 35)``; 0 when the volunteer lists no town or a town
  is unknown to the distance function.
- availability (20): ``k`` weekly slots (weekday, part of day) in common;
  ``round(20 * min(k, 3) / 3)``.

Needs and skills, languages and genders are compared after trimming and case
folding. Scores are integers, so the engine's total is exact. A pair scoring 0
shares nothing; it is listed with its breakdown but the engine never forms it.

The distance function is passed in (the mentoring service passes
``core.towns.distance_km``): the engine package imports nothing of ours
outside itself, so that ``python -m volunteers.pairing`` stays free of the rest.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Mapping, Sequence
from collections.abc import Set as AbstractSet
from dataclasses import dataclass
from functools import partial

from volunteers.pairing.problem import Id, Mentee, Problem, Volunteer, build

Slot = tuple[int, str]  # (weekday, part of day): 0 = Monday ... 6 = Sunday
PARTS_OF_DAY = ("morning", "afternoon", "evening")
DistanceKm = Callable[[str, str], float]

_WEEKDAYS_ZH = ("周一", "周二", "周三", "周四", "周五", "周六", "周日")
_WEEKDAYS_EN = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
_PARTS_ZH = {"morning": "上午", "afternoon": "下午", "evening": "晚上"}

# Hard rules (codes of Rule).
NO_CONSENT = "no_consent"
NOT_APPROVED = "not_approved"
PLEDGE_NOT_SIGNED = "pledge_not_signed"
NO_JUVENILE_CLEARANCE = "no_juvenile_clearance"
CONFLICT_OF_INTEREST = "conflict_of_interest"
NO_CAPACITY = "no_capacity"
GENDER_NOT_MATCHED = "gender_not_matched"
# Terms (codes of Term).
SKILLS, LANGUAGE, DISTANCE, AVAILABILITY = "skills", "language", "distance", "availability"


class ScoringInputError(ValueError):
    """A profile is not usable for scoring; the message says which and why."""


@dataclass(frozen=True, slots=True)
class VolunteerProfile:
    id: Id
    skills: AbstractSet[str]
    languages: AbstractSet[str]
    towns: AbstractSet[str]  # where the volunteer can meet mentees
    availability: AbstractSet[Slot]
    gender: str | None  # None: not recorded
    capacity: int  # places still open
    approved: bool  # passed vetting
    pledge_signed: bool  # signed the confidentiality pledge
    juvenile_clearance: bool  # may work with minors
    conflicts: AbstractSet[Id]  # mentee ids the volunteer declared a conflict of interest with


@dataclass(frozen=True, slots=True)
class MenteeProfile:
    id: Id
    needs: AbstractSet[str]  # plain words or codes, compared with the volunteers' skills
    languages: AbstractSet[str]
    town: str
    availability: AbstractSet[Slot]
    gender: str | None
    wants_same_gender: bool
    is_minor: bool
    consent_given: bool  # consented to mentoring


@dataclass(frozen=True, slots=True)
class Weights:
    skills: int = 40
    language: int = 20
    distance: int = 20
    availability: int = 20
    near_km: float = 5.0  # full distance points up to here
    far_km: float = 40.0  # no distance points from here
    full_slots: int = 3  # shared weekly slots that earn full availability points

    def __post_init__(self) -> None:
        if not (0 <= self.near_km < self.far_km and self.full_slots >= 1):
            raise ScoringInputError("weights need 0 <= near_km < far_km and full_slots >= 1")


WEIGHTS = Weights()


@dataclass(frozen=True, slots=True)
class Term:
    code: str
    points: int
    max_points: int
    detail: str  # Chinese, for the coordinator
    detail_en: str


@dataclass(frozen=True, slots=True)
class Scored:
    volunteer_id: Id
    mentee_id: Id
    score: int
    terms: tuple[Term, ...]  # skills, language, distance, availability

    @property
    def summary(self) -> str:
        names = {SKILLS: "技能", LANGUAGE: "语言", DISTANCE: "距离", AVAILABILITY: "时间"}
        parts = "，".join(f"{names[t.code]} {t.points}/{t.max_points}" for t in self.terms)
        return f"共 {self.score} 分：{parts}"

    @property
    def summary_en(self) -> str:
        parts = ", ".join(f"{t.code} {t.points}/{t.max_points}" for t in self.terms)
        return f"{self.score} points: {parts}"


@dataclass(frozen=True, slots=True)
class Rule:
    code: str
    reason: str  # Chinese
    reason_en: str


@dataclass(frozen=True, slots=True)
class Excluded:
    volunteer_id: Id
    mentee_id: Id
    rules: tuple[Rule, ...]  # every hard rule the pair breaks, in the order of the table above


@dataclass(frozen=True, slots=True)
class ScoreMatrix:
    scored: tuple[Scored, ...]  # by volunteer, then mentee, in input order
    excluded: tuple[Excluded, ...]

    def triples(self) -> list[tuple[Id, Id, int]]:
        return [(s.volunteer_id, s.mentee_id, s.score) for s in self.scored]

    def problem(
        self, volunteers: Sequence[VolunteerProfile], mentees: Sequence[MenteeProfile]
    ) -> Problem:
        """The engine's input: these volunteers with their capacities, these mentees, these scores."""
        return build(
            (Volunteer(v.id, v.capacity) for v in volunteers),
            (Mentee(m.id) for m in mentees),
            self.triples(),
        )


def _round(value: float) -> int:
    """Half up (Python's round() halves to even, which would surprise a coordinator)."""
    return math.floor(value + 0.5)


def _fold(words: Iterable[str]) -> dict[str, str]:
    """Each word by its comparison key (trimmed, case-folded), keeping how it was written."""
    return {word.strip().casefold(): word.strip() for word in words if word.strip()}


def _skills_term(skills: Mapping[str, str], needs: Mapping[str, str], weights: Weights) -> Term:
    """``round(weights.skills * matched / needs)``: the share of the mentee's needs covered."""
    if not needs:
        return Term(
            SKILLS, 0, weights.skills, "帮教对象未登记需求", "The mentee has no recorded need"
        )
    matched = sorted(needs[key] for key in needs.keys() & skills.keys())
    points = _round(weights.skills * len(matched) / len(needs))
    zh = f"需求 {len(needs)} 项中 {len(matched)} 项有对应技能"
    en = f"{len(matched)} of the mentee's {len(needs)} needs match the volunteer's skills"
    if matched:
        zh += f"（{'、'.join(matched)}）"
        en += f" ({', '.join(matched)})"
    return Term(SKILLS, points, weights.skills, zh, en)


def _language_term(spoken: Mapping[str, str], wanted: Mapping[str, str], weights: Weights) -> Term:
    """``weights.language`` points when the two share a language, else 0."""
    shared = sorted(wanted[key] for key in wanted.keys() & spoken.keys())
    if not shared:
        return Term(LANGUAGE, 0, weights.language, "没有共同语言", "No language in common")
    return Term(
        LANGUAGE,
        weights.language,
        weights.language,
        f"共同语言：{'、'.join(shared)}",
        f"Languages in common: {', '.join(shared)}",
    )


def _distance_term(
    towns: AbstractSet[str], town: str, weights: Weights, distance_km: DistanceKm
) -> Term:
    """Full points within ``near_km`` of the nearest of the volunteer's towns, none from
    ``far_km``, linear in between: ``round(weights.distance * (far - d) / (far - near))``."""
    known: list[tuple[float, str]] = []
    for mine in sorted(towns):
        try:
            known.append((distance_km(mine, town), mine))
        except (KeyError, ValueError):
            continue  # a town the distance function does not know earns nothing
    if not known:
        return Term(
            DISTANCE,
            0,
            weights.distance,
            f"无法计算与{town}的距离（志愿者未登记可服务的乡镇，或乡镇不在列表中）",
            f"No distance to {town}: the volunteer lists no known town",
        )
    km, nearest = min(known)
    if km <= weights.near_km:
        points = weights.distance
    elif km >= weights.far_km:
        points = 0
    else:
        share = (weights.far_km - km) / (weights.far_km - weights.near_km)
        points = _round(weights.distance * share)
    if nearest == town:
        return Term(DISTANCE, points, weights.distance, f"同在{town}", f"Both in {town}")
    return Term(
        DISTANCE,
        points,
        weights.distance,
        f"志愿者所在的{nearest}距帮教对象所在的{town}约 {km:.0f} 公里",
        f"{nearest} (volunteer) is about {km:.0f} km from {town} (mentee)",
    )


def _availability_term(
    mine: AbstractSet[Slot], theirs: AbstractSet[Slot], weights: Weights
) -> Term:
    """``round(weights.availability * min(k, full_slots) / full_slots)`` for ``k`` shared slots."""
    shared = sorted(mine & theirs, key=lambda slot: (slot[0], PARTS_OF_DAY.index(slot[1])))
    if not shared:
        return Term(
            AVAILABILITY, 0, weights.availability, "没有共同的空闲时段", "No free time in common"
        )
    points = _round(
        weights.availability * min(len(shared), weights.full_slots) / weights.full_slots
    )
    zh = "、".join(f"{_WEEKDAYS_ZH[day]}{_PARTS_ZH[part]}" for day, part in shared)
    en = ", ".join(f"{_WEEKDAYS_EN[day]} {part}" for day, part in shared)
    return Term(
        AVAILABILITY,
        points,
        weights.availability,
        f"每周 {len(shared)} 个共同空闲时段：{zh}",
        f"{len(shared)} weekly slot{'s' if len(shared) > 1 else ''} in common: {en}",
    )


_RULES = {
    rule.code: rule
    for rule in (
        Rule(
            NO_CONSENT, "帮教对象尚未同意接受结对帮教", "The mentee has not consented to mentoring"
        ),
        Rule(NOT_APPROVED, "志愿者尚未通过审核", "The volunteer has not passed vetting"),
        Rule(
            PLEDGE_NOT_SIGNED,
            "志愿者尚未签署保密承诺",
            "The volunteer has not signed the confidentiality pledge",
        ),
        Rule(
            NO_JUVENILE_CLEARANCE,
            "帮教对象是未成年人，志愿者没有未成年人帮教资格",
            "The mentee is a minor and the volunteer lacks the clearance to work with minors",
        ),
        Rule(
            CONFLICT_OF_INTEREST,
            "志愿者已申报与该帮教对象存在利益冲突",
            "The volunteer declared a conflict of interest with this mentee",
        ),
        Rule(NO_CAPACITY, "志愿者没有剩余名额", "The volunteer has no place left"),
        Rule(
            GENDER_NOT_MATCHED,
            "帮教对象要求同性别的志愿者，双方性别不同或未登记",
            "The mentee asked for a mentor of their own gender; the genders differ or are not recorded",
        ),
    )
}


def _gender_key(gender: str | None) -> str:
    return (gender or "").strip().casefold()


def _broken_rules(volunteer: VolunteerProfile, mentee: MenteeProfile) -> tuple[Rule, ...]:
    """Every hard rule the pair breaks, in the order of the module's table."""
    same_gender = _gender_key(volunteer.gender) == _gender_key(mentee.gender) != ""
    broken = (
        (NO_CONSENT, not mentee.consent_given),
        (NOT_APPROVED, not volunteer.approved),
        (PLEDGE_NOT_SIGNED, not volunteer.pledge_signed),
        (NO_JUVENILE_CLEARANCE, mentee.is_minor and not volunteer.juvenile_clearance),
        (CONFLICT_OF_INTEREST, mentee.id in volunteer.conflicts),
        (NO_CAPACITY, volunteer.capacity <= 0),
        (GENDER_NOT_MATCHED, mentee.wants_same_gender and not same_gender),
    )
    return tuple(_RULES[code] for code, is_broken in broken if is_broken)


@dataclass(frozen=True, slots=True)
class _Folded:
    """One profile's words, folded once rather than once per pair."""

    words: dict[str, str]  # a volunteer's skills or a mentee's needs
    languages: dict[str, str]


def _score(
    volunteer: VolunteerProfile,
    mine: _Folded,
    mentee: MenteeProfile,
    theirs: _Folded,
    distance: Callable[[], Term],
    weights: Weights,
) -> Scored | Excluded:
    rules = _broken_rules(volunteer, mentee)
    if rules:
        return Excluded(volunteer.id, mentee.id, rules)
    terms = (
        _skills_term(mine.words, theirs.words, weights),
        _language_term(mine.languages, theirs.languages, weights),
        distance(),
        _availability_term(volunteer.availability, mentee.availability, weights),
    )
    return Scored(volunteer.id, mentee.id, sum(term.points for term in terms), terms)


def _distance_by_town(
    towns: AbstractSet[str], weights: Weights, distance_km: DistanceKm
) -> Callable[[str], Term]:
    """One volunteer's distance term to each town, worked out once per town."""
    by_town: dict[str, Term] = {}

    def distance(town: str) -> Term:
        if town not in by_town:
            by_town[town] = _distance_term(towns, town, weights, distance_km)
        return by_town[town]

    return distance


def _check_slots(slots: AbstractSet[Slot], where: str) -> None:
    for slot in slots:
        well_formed = isinstance(slot, tuple) and len(slot) == 2
        day, part = slot if well_formed else (None, None)
        if not (type(day) is int and 0 <= day <= 6 and part in PARTS_OF_DAY):
            raise ScoringInputError(
                f"{where}: slot {slot!r} must be (weekday 0-6, one of {', '.join(PARTS_OF_DAY)})"
            )


def score_pair(
    volunteer: VolunteerProfile,
    mentee: MenteeProfile,
    *,
    distance_km: DistanceKm,
    weights: Weights = WEIGHTS,
) -> Scored | Excluded:
    """The score and its breakdown, or every hard rule the pair breaks."""
    _check_slots(volunteer.availability, f"volunteer {volunteer.id!r}")
    _check_slots(mentee.availability, f"mentee {mentee.id!r}")
    return _score(
        volunteer,
        _Folded(_fold(volunteer.skills), _fold(volunteer.languages)),
        mentee,
        _Folded(_fold(mentee.needs), _fold(mentee.languages)),
        lambda: _distance_term(volunteer.towns, mentee.town, weights, distance_km),
        weights,
    )


def score_pairs(
    volunteers: Sequence[VolunteerProfile],
    mentees: Sequence[MenteeProfile],
    *,
    distance_km: DistanceKm,
    weights: Weights = WEIGHTS,
) -> ScoreMatrix:
    """Every volunteer against every mentee: scored pairs and excluded ones.

    The same as :func:`score_pair` on each pair, with each profile's words folded
    once and each distance term worked out once per volunteer and town. Raises
    :class:`ScoringInputError` for a repeated id or a malformed slot.
    """
    for what, ids in (
        ("volunteer", [v.id for v in volunteers]),
        ("mentee", [m.id for m in mentees]),
    ):
        seen: set[Id] = set()
        for item in ids:
            if item in seen:
                raise ScoringInputError(f"duplicate {what} id {item!r}")
            seen.add(item)
    for v in volunteers:
        _check_slots(v.availability, f"volunteer {v.id!r}")
    for m in mentees:
        _check_slots(m.availability, f"mentee {m.id!r}")
    folded_mentees = [_Folded(_fold(m.needs), _fold(m.languages)) for m in mentees]

    scored: list[Scored] = []
    excluded: list[Excluded] = []
    for volunteer in volunteers:
        mine = _Folded(_fold(volunteer.skills), _fold(volunteer.languages))
        distance = _distance_by_town(volunteer.towns, weights, distance_km)
        for mentee, theirs in zip(mentees, folded_mentees, strict=True):
            outcome = _score(
                volunteer, mine, mentee, theirs, partial(distance, mentee.town), weights
            )
            if isinstance(outcome, Scored):
                scored.append(outcome)
            else:
                excluded.append(outcome)
    return ScoreMatrix(tuple(scored), tuple(excluded))
