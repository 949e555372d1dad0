"""Applicant-proposing deferred acceptance, with waitlists, cut-offs and reasons."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal
from heapq import heappush, heapreplace

from jobs_bases.seats.problem import Id, Number, Problem, check_problem, id_key
from jobs_bases.seats.reasons import explain
from jobs_bases.seats.result import (
    Assignment,
    CourseOutcome,
    PassedOver,
    Result,
    TieBreak,
)

_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_MICROSECOND = timedelta(microseconds=1)


def _id_order(value: Id) -> tuple[int, int | str]:
    """The last tie-break: integer ids before string ids, each in their natural order."""
    return (0, value) if isinstance(value, int) else (1, value)


def _negated(value: Number) -> Number:
    # Decimal's unary minus rounds to the context's 28 digits; copy_negate is exact.
    return value.copy_negate() if isinstance(value, Decimal) else -value


class _Course:
    """One course's ranking of the applicants who listed it, best first."""

    __slots__ = ("applicants", "choices", "held", "scores", "seats")

    def __init__(self, seats: int) -> None:
        self.seats = seats
        self.applicants: list[int] = []  # applicant index, by rank
        self.choices: list[int] = []  # where this course is in that applicant's preferences
        self.scores: list[Number] = []  # that applicant's score here
        self.held: list[int] = []  # max-heap (negated) of the ranks holding a seat


def _rank(
    problem: Problem,
) -> tuple[list[_Course], list[list[int]], list[list[int]], list[list[Number]]]:
    """Each course's order, and for each applicant and preference: the course, the
    rank there and the score there.

    The order is fixed before the matching starts, so a proposal compares two
    integers instead of two (score, time, id) keys.
    """
    index = {id_key(course.id): j for j, course in enumerate(problem.courses)}
    courses = [_Course(course.seats) for course in problem.courses]
    applicants = problem.applicants
    # Earlier application, then id: one global order, so one integer per applicant.
    tie = [0] * len(applicants)
    by_time = sorted(
        range(len(applicants)),
        key=lambda i: (
            (applicants[i].applied_at - _EPOCH) // _MICROSECOND,
            _id_order(applicants[i].id),
        ),
    )
    for position, i in enumerate(by_time):
        tie[i] = position
    entries: list[list[tuple[Number, int, int, int]]] = [[] for _ in courses]
    targets: list[list[int]] = []
    scores: list[list[Number]] = []
    for i, applicant in enumerate(applicants):
        wanted = [index[id_key(course_id)] for course_id in applicant.preferences]
        targets.append(wanted)
        if applicant.course_points:
            mine = [applicant.score(course_id) for course_id in applicant.preferences]
        else:
            mine = [applicant.points] * len(wanted)
        scores.append(mine)
        for k, j in enumerate(wanted):
            entries[j].append((_negated(mine[k]), tie[i], i, k))
    ranks = [[0] * len(wanted) for wanted in targets]
    for course, listed in zip(courses, entries, strict=True):
        listed.sort()
        for r, (neg_score, _, i, k) in enumerate(listed):
            course.applicants.append(i)
            course.choices.append(k)
            course.scores.append(_negated(neg_score))
            ranks[i][k] = r
    return courses, targets, ranks, scores


def _defer_and_accept(
    courses: list[_Course], targets: list[list[int]], ranks: list[list[int]]
) -> list[int]:
    """Each applicant's final preference index (len(preferences) when none admitted them).

    Applicants propose down their lists; a course holds its best proposals so far
    and turns away whoever falls below its seats. The result does not depend on
    the order of proposals, and no applicant does better in any stable matching.
    """
    next_choice = [0] * len(targets)
    for start in range(len(targets)):
        i = start
        while i >= 0:  # i proposes; a course may hand back someone it displaced
            wanted, rank_at, k = targets[i], ranks[i], next_choice[i]
            displaced = -1
            while k < len(wanted):
                course, r = courses[wanted[k]], rank_at[k]
                k += 1
                held = course.held
                if len(held) < course.seats:
                    heappush(held, -r)
                    break
                if held and -held[0] > r:
                    displaced = course.applicants[-heapreplace(held, -r)]
                    break
            else:
                k += 1  # ran off the end: one past the list
            next_choice[i] = k
            i = displaced
    return [k - 1 for k in next_choice]


def _tie_break(problem: Problem, i: int, last: int) -> TieBreak:
    mine, theirs = problem.applicants[i], problem.applicants[last]
    return "applied_at" if mine.applied_at != theirs.applied_at else "id"


def solve(problem: Problem) -> Result:
    """The applicant-optimal stable assignment of applicants to course seats.

    Each course ranks the applicants who listed it by points plus its bonus
    (higher first), then by earlier ``applied_at``, then by id. No applicant and
    course would both rather have each other than what they got, no course takes
    more than its seats, and every applicant gets the best course they can have
    in any such assignment. A course's waitlist lists, in its order, everyone who
    preferred it to the course they got (or who got none). Raises
    :class:`SeatsInputError` if the problem breaks a rule of ``check_problem``.
    """
    check_problem(problem)
    return solve_checked(problem)


def solve_checked(problem: Problem) -> Result:
    """:func:`solve` for a problem that ``parse`` or ``check_problem`` already checked."""
    courses, targets, ranks, scores = _rank(problem)
    final = _defer_and_accept(courses, targets, ranks)

    # Waitlists: walk each course's order once; remember everyone's place.
    waitlists: dict[Id, tuple[Id, ...]] = {}
    places: list[dict[int, int]] = [{} for _ in targets]
    for source, course in zip(problem.courses, courses, strict=True):
        waiting: list[Id] = []
        for i, k in zip(course.applicants, course.choices, strict=True):
            if k < final[i]:
                waiting.append(problem.applicants[i].id)
                places[i][k] = len(waiting)
        waitlists[source.id] = tuple(waiting)

    cutoffs: list[tuple[Number, int] | None] = []  # lowest admitted score and who
    outcomes: list[CourseOutcome] = []
    for source, course in zip(problem.courses, courses, strict=True):
        full = course.seats > 0 and len(course.held) == course.seats
        last = -course.held[0] if full else -1
        cutoffs.append((course.scores[last], course.applicants[last]) if full else None)
        outcome_cutoff = course.scores[last] if full else None
        outcomes.append(CourseOutcome(source.id, course.seats, len(course.held), outcome_cutoff))

    assignments: list[Assignment] = []
    for i, applicant in enumerate(problem.applicants):
        wanted, k_final = targets[i], final[i]
        passed: list[PassedOver] = []
        for k in range(min(k_final, len(wanted))):
            j = wanted[k]
            course_id = problem.courses[j].id
            score = scores[i][k]
            cut = cutoffs[j]
            # Stability: a course that turned someone away is full (or has no seats).
            assert cut is not None or courses[j].seats == 0
            tie = None if cut is None or cut[0] != score else _tie_break(problem, i, cut[1])
            passed.append(
                PassedOver(
                    course_id=course_id,
                    choice=k + 1,
                    seats=courses[j].seats,
                    cutoff=None if cut is None else cut[0],
                    score=score,
                    bonus=applicant.course_points.get(course_id, 0),
                    tie_break=tie,
                    waitlist_position=places[i][k],
                )
            )
        got = problem.courses[wanted[k_final]].id if k_final < len(wanted) else None
        choice = k_final + 1 if got is not None else None
        code, zh, en = explain(got, choice, passed)
        assignments.append(Assignment(applicant.id, got, choice, code, zh, en, tuple(passed)))
    return Result(tuple(assignments), waitlists, tuple(outcomes))
