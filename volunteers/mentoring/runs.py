"""A pairing run: candidates, scores, the engine, and the proposed pairs, in one use case.

1. Who waits for a mentor (`candidates.waiting_mentees`: put forward by their officer,
   case active, no open pair; minors only when the coordinator running it holds the
   juvenile permission) and who may mentor (`candidates.candidate_volunteers`: every
   active volunteer, with the places they still have open).
2. The pure scoring step (`volunteers.pairing.scoring.score_pairs`) applies the hard
   rules (a pair breaking one gets no score, so the engine cannot form it) and scores
   the rest: skills against needs, a shared language, the distance between towns,
   weekly time in common.
3. The engine (`volunteers.pairing.solve`, the contract of `python -m
   volunteers.pairing`, called in-process) picks the pairs with the highest total.
4. The run keeps its input snapshot and the engine's answer; each pair it formed is
   stored as a proposed pair with its score breakdown, for the coordinator to review.
"""

from __future__ import annotations

from collections.abc import Collection
from typing import Any

from sqlalchemy.exc import IntegrityError

from core import audit
from core.audit import Actor
from core.audit_actions import AuditAction
from core.db import db, utcnow
from core.errors import Conflict
from core.towns import distance_km
from core.users import User
from volunteers.mentoring.access import require_coordinator
from volunteers.mentoring.candidates import (
    candidate_volunteers,
    mentee_snapshot,
    volunteer_snapshot,
    waiting_mentees,
)
from volunteers.mentoring.models import MentorPair, PairingRun, PairStatus
from volunteers.pairing import solve
from volunteers.pairing.scoring import Scored, Term, score_pairs


def term_json(term: Term) -> dict[str, Any]:
    return {
        "code": term.code,
        "points": term.points,
        "max_points": term.max_points,
        "detail": term.detail,
        "detail_en": term.detail_en,
    }


def run_pairing(
    actor: User,
    *,
    volunteer_ids: Collection[int] | None = None,
    ip: str | None = None,
) -> PairingRun:
    """Run the pairing step and store its proposals; one transaction. `volunteer_ids`
    narrows the candidates (a programme's team, say); by default every active volunteer
    is one. Refused (nothing stored) when nobody waits, when there is no volunteer, or
    when another run proposed the same people at the same moment."""
    require_coordinator(actor)
    mentees = waiting_mentees(actor)
    if not mentees:
        raise Conflict(
            "Nobody is waiting for a mentor. Officers put a person forward on the person's mentoring page."
        )
    candidates = [
        c for c in candidate_volunteers() if volunteer_ids is None or c.profile.id in volunteer_ids
    ]
    if not candidates:
        raise Conflict("There is no volunteer to pair.")
    volunteer_profiles = [c.profile for c in candidates]
    mentee_profiles = [m.profile for m in mentees]
    matrix = score_pairs(volunteer_profiles, mentee_profiles, distance_km=distance_km)
    result = solve(matrix.problem(volunteer_profiles, mentee_profiles))
    scored: dict[tuple[object, object], Scored] = {
        (s.volunteer_id, s.mentee_id): s for s in matrix.scored
    }
    run = PairingRun(
        started_by_id=actor.id,
        started_at=utcnow(),
        with_minors=actor.may_see_minors,
        snapshot={
            "volunteers": [volunteer_snapshot(c) for c in candidates],
            "mentees": [mentee_snapshot(m) for m in mentees],
            "scores": [
                [s.volunteer_id, s.mentee_id, s.score, [t.points for t in s.terms]]
                for s in matrix.scored
            ],
            "excluded": [
                [e.volunteer_id, e.mentee_id, [rule.code for rule in e.rules]]
                for e in matrix.excluded
            ],
        },
        result=result.to_json(),
        total=int(result.total),
        proposed=len(result.pairs),
    )
    db.session.add(run)
    db.session.flush()
    minors = {m.profile.id for m in mentees if m.profile.is_minor}
    try:
        for pair in result.pairs:
            breakdown = scored[(pair.volunteer_id, pair.mentee_id)]
            db.session.add(
                MentorPair(
                    run_id=run.id,
                    volunteer_id=int(pair.volunteer_id),
                    person_id=int(pair.mentee_id),
                    status=PairStatus.PROPOSED,
                    is_minor=pair.mentee_id in minors,
                    score=int(pair.score),
                    breakdown=[term_json(t) for t in breakdown.terms],
                    reason=pair.reason,
                    reason_en=pair.reason_en,
                    proposed_at=run.started_at,
                )
            )
        db.session.flush()
    except IntegrityError:
        # Two runs at once: the open-pair index let the other one through first (on
        # PostgreSQL this insert waited for it to commit).
        db.session.rollback()
        raise Conflict(
            "Another pairing run has just proposed some of these people. Look at the pairs to approve, then run again."
        ) from None
    audit.record(
        Actor(actor.id, actor.username, ip),
        AuditAction.MENTORING_RUN,
        "mentoring_run",
        run.id,
        mentees=len(mentees),
        volunteers=len(candidates),
        proposed=len(result.pairs),
        excluded=len(matrix.excluded),
        with_minors=run.with_minors,
    )
    db.session.commit()
    return run
