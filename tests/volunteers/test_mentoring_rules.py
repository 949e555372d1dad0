"""Pairing runs: the candidates, the scores, the engine, and every hard rule, each of which
keeps a pair out of the run and out of the coordinator's approval."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select, update

from core.db import db
from core.errors import Conflict, PermissionDenied
from core.users import Role
from tests.factories import TOWN_B, audit_events, make_staff
from tests.volunteers.factories import make_volunteer
from tests.volunteers.mentoring_factories import (
    excluded_rules,
    make_active_pair,
    make_casework,
    make_mentee,
    make_mentor,
    make_pairing_coordinator,
    proposed,
    run_for,
)
from volunteers.mentoring import pairs, profiles, runs
from volunteers.mentoring.models import MentorPair, PairingRun, PairStatus
from volunteers.vetting import services as vetting
from volunteers.vetting.models import Vetting
from volunteers.vetting.services import Step


def test_a_run_proposes_the_best_pair_with_its_breakdown_and_keeps_its_input(ctx):
    casework = make_casework()
    person_id = make_mentee(casework)
    good = make_mentor()
    far = make_mentor(skills=["烹饪"], towns=["金鸡镇"], languages=["英语"], availability=[])
    coordinator = make_pairing_coordinator()

    run = run_for(coordinator, good, far)

    pair = proposed(run, person_id)
    assert pair is not None and pair.volunteer_id == good.id
    assert pair.status == PairStatus.PROPOSED and pair.score == 100
    assert [t["code"] for t in pair.breakdown] == ["skills", "language", "distance", "availability"]
    assert pair.breakdown[0]["points"] == 40 and "就业指导" in pair.breakdown[0]["detail"]
    assert pair.reason  # the engine's reason, for the coordinator
    # The snapshot: the profiles as they were, the mentee by alias (no identity), all scores.
    mentee = next(m for m in run.snapshot["mentees"] if m["id"] == person_id)
    assert mentee["alias"].startswith("学员") and mentee["consent_given"] is True
    assert "name" not in mentee and "id_number" not in mentee
    assert {v["id"] for v in run.snapshot["volunteers"]} == {good.id, far.id}
    assert len(run.snapshot["scores"]) == 2 and run.result["total"] == 100
    event = audit_events("mentoring.run", run.id)[0]
    assert event.detail["proposed"] == 1 and event.detail["mentees"] >= 1


def _make_rule_case(rule: str):
    """(volunteer, person id, coordinator) where only `rule` stands between the two."""
    casework = make_casework()
    coordinator = make_pairing_coordinator(juvenile=rule == "no_juvenile_clearance")
    if rule == "no_consent":
        return make_mentor(), make_mentee(casework, consent=False), coordinator
    if rule == "not_approved":
        # Pledge signed, not yet approved.
        volunteer = make_volunteer(skills=["就业指导"], towns=["赤坎镇"], languages=["粤语"])
        vetting.record_step(coordinator, volunteer.id, Step.PLEDGE, "", pledge_version="2025-01")
        return volunteer, make_mentee(casework), coordinator
    if rule == "pledge_not_signed":
        volunteer = make_mentor()
        db.session.execute(
            update(Vetting)
            .where(Vetting.volunteer_id == volunteer.id)
            .values(pledge_signed_at=None)
        )
        db.session.commit()
        return volunteer, make_mentee(casework), coordinator
    if rule == "no_juvenile_clearance":
        return make_mentor(), make_mentee(casework, minor=True), coordinator
    if rule == "conflict_of_interest":
        volunteer = make_mentor()
        person_id = make_mentee(casework)
        profiles.declare_conflict(casework.officer, person_id, volunteer.id, "same_village", "同村")
        return volunteer, person_id, coordinator
    if rule == "no_capacity":
        volunteer = make_mentor()
        pairs.set_capacity(coordinator, volunteer.id, 0)
        return volunteer, make_mentee(casework), coordinator
    assert rule == "gender_not_matched"
    volunteer = make_mentor(gender="female")
    return volunteer, make_mentee(casework, wants_same_gender=True), coordinator


RULES = [
    "no_consent",
    "not_approved",
    "pledge_not_signed",
    "no_juvenile_clearance",
    "conflict_of_interest",
    "no_capacity",
    "gender_not_matched",
]


@pytest.mark.parametrize("rule", RULES)
def test_each_hard_rule_excludes_the_pair(ctx, rule):
    volunteer, person_id, coordinator = _make_rule_case(rule)
    run = run_for(coordinator, volunteer)
    assert excluded_rules(run, volunteer.id, person_id) == [rule]
    assert proposed(run, person_id) is None
    assert not any(s[1] == person_id for s in run.snapshot["scores"])
    # Left unpaired, with the engine's reason.
    assert any(u["mentee_id"] == person_id for u in run.result["unpaired"])


def test_the_same_rules_guard_the_approval(ctx):
    """A rule that starts to apply after the run (here: the place given to another
    mentee's pair) refuses the approval, and nothing changes."""
    casework = make_casework()
    mentor = make_mentor()
    coordinator = make_pairing_coordinator()
    first = make_mentee(casework)
    run = run_for(coordinator, mentor)
    pair = proposed(run, first)
    assert pair is not None
    pairs.set_capacity(coordinator, mentor.id, 0)
    with pytest.raises(Conflict) as refused:
        pairs.approve_pair(coordinator, pair.id)
    assert refused.value.message == "The volunteer has no place left."
    assert db.session.get_one(MentorPair, pair.id).status == PairStatus.PROPOSED
    assert audit_events("mentoring.pair_approve", pair.id) == []


def test_a_conflict_declared_after_the_run_ends_the_proposed_pair(ctx):
    casework = make_casework()
    mentor = make_mentor()
    person_id = make_mentee(casework)
    run = run_for(make_pairing_coordinator(), mentor)
    pair = proposed(run, person_id)
    assert pair is not None
    profiles.declare_conflict(casework.officer, person_id, mentor.id, "relative", "表亲")
    assert db.session.get_one(MentorPair, pair.id).status == PairStatus.ENDED
    assert audit_events("mentoring.conflict_declare", person_id)[0].detail["reason"] == "relative"
    assert audit_events("mentoring.pair_end", pair.id)[0].detail["reason"] == "by_staff"


def test_capacity_counts_open_pairs_and_a_paired_person_waits_for_no_run(ctx):
    casework = make_casework()
    mentor = make_mentor()
    active = make_active_pair(casework, mentor)
    second = make_mentee(casework)
    run = run_for(make_pairing_coordinator(), mentor)
    assert excluded_rules(run, mentor.id, second) == ["no_capacity"]
    assert active.person_id not in {m["id"] for m in run.snapshot["mentees"]}
    coordinator = make_pairing_coordinator()
    pairs.set_capacity(coordinator, mentor.id, 2)
    assert audit_events("mentoring.capacity_set", mentor.id)[-1].detail["capacity"] == 2
    again = run_for(coordinator, mentor)
    assert proposed(again, second) is not None


def test_a_pair_sharing_nothing_scores_zero_and_is_never_formed(ctx):
    casework = make_casework(TOWN_B)
    person_id = make_mentee(casework, needs=("心理辅导",))
    stranger = make_mentor(skills=["烹饪"], towns=[], languages=["英语"], availability=[])
    run = run_for(make_pairing_coordinator(), stranger)
    score = next(s for s in run.snapshot["scores"] if s[1] == person_id)
    assert score[2] == 0
    assert proposed(run, person_id) is None


def test_nobody_waiting_or_nobody_to_pair_is_refused_and_nothing_is_stored(ctx):
    coordinator = make_pairing_coordinator()
    before = db.session.scalar(select(func.count()).select_from(PairingRun))
    waiting = db.session.scalar(
        select(func.count()).select_from(MentorPair).where(MentorPair.status == "proposed")
    )
    make_mentee(make_casework(), seeking=False)
    if not waiting:
        with pytest.raises(Conflict):
            runs.run_pairing(coordinator, volunteer_ids=set())
    make_mentee(make_casework())
    with pytest.raises(Conflict) as refused:
        runs.run_pairing(coordinator, volunteer_ids=set())
    assert refused.value.message == "There is no volunteer to pair."
    assert db.session.scalar(select(func.count()).select_from(PairingRun)) == before


def test_only_coordinators_run_and_decide(ctx):
    casework = make_casework()
    make_mentee(casework)
    with pytest.raises(PermissionDenied):
        runs.run_pairing(casework.officer)
    with pytest.raises(PermissionDenied):
        runs.run_pairing(make_staff(Role.FINANCE))
    pair = make_active_pair()
    with pytest.raises(PermissionDenied):
        pairs.set_capacity(casework.officer, pair.volunteer_id, 2)
