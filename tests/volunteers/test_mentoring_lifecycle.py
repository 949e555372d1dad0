"""How pairs end or move with the person's case and the volunteer's standing, in the same
transaction as what happened, each audited."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select, update

from core.db import db
from core.errors import Conflict, DomainError, NotFound
from core.people import retention, transfers
from core.people.models import Person, PersonStatus
from core.tasks.services import open_tasks_for
from core.timeutil import local_today
from tests.factories import TOWN_B, audit_events, user
from tests.pages import html
from tests.portal import test_web_harness as harness
from tests.volunteers.factories import make_coordinator, volunteer_login
from tests.volunteers.mentoring_factories import (
    make_active_pair,
    make_casework,
    make_mentee,
    make_mentor,
    make_pairing_coordinator,
    run_for,
)
from volunteers.accounts.models import Volunteer
from volunteers.mentoring import meetings, pairs, profiles
from volunteers.mentoring.candidates import current_consent
from volunteers.mentoring.models import (
    ConsentStatus,
    Meeting,
    MentoringConsent,
    MentoringProfile,
    MentorPair,
    PairingRun,
    PairStatus,
)
from volunteers.vetting import services as vetting
from volunteers.vetting.services import Outcome

web = harness.web


def _username(volunteer_id: int) -> str:
    return db.session.get_one(Volunteer, volunteer_id).username


def _log(active, **extra) -> Meeting:
    volunteer = db.session.get_one(Volunteer, active.volunteer_id)
    return meetings.log_meeting(
        volunteer,
        active.public_id,
        meetings.MeetingInput(local_today(), 60, "聊家里的事和工作", **extra),
    )


def test_a_case_ending_ends_the_pair_and_spends_the_consent(web, ctx):
    active = make_active_pair()
    volunteer_login(web, _username(active.volunteer_id))
    assert web.get(f"/v/mentee/{active.public_id}").status_code == 200
    consent_id = active.pair.consent_id

    retention.end_case(active.casework.officer, active.person_id, local_today())

    pair = active.pair
    assert pair.status == PairStatus.ENDED and pair.end_reason == "case_ended"
    assert db.session.get_one(MentoringConsent, consent_id).status == ConsentStatus.SPENT
    assert web.get(f"/v/mentee/{active.public_id}").status_code == 404
    event = audit_events("mentoring.pair_end", active.pair_id)[0]
    assert event.detail["reason"] == "case_ended" and event.actor_label == "person-ended"


def test_a_case_ending_also_spends_an_unused_consent_and_proposals(ctx):
    casework = make_casework()
    person_id = make_mentee(casework)
    run_for(make_pairing_coordinator(), make_mentor())
    proposal = db.session.scalar(select(MentorPair).where(MentorPair.person_id == person_id))
    assert proposal is not None and proposal.status == PairStatus.PROPOSED
    retention.end_case(casework.officer, person_id, local_today())
    assert current_consent(person_id) is None
    assert db.session.get_one(MentorPair, proposal.id).status == PairStatus.ENDED
    profile = db.session.scalar(
        select(MentoringProfile).where(MentoringProfile.person_id == person_id)
    )
    assert profile is not None and not profile.seeking


def test_a_transfer_keeps_the_pair_and_moves_the_contact_to_the_new_office(web, ctx):
    active = make_active_pair()
    concern_id = _log(active, concern=True, concern_note="最近情绪低落").id
    old_name = active.casework.officer.display_name
    new_office = make_casework(TOWN_B)
    new_name = new_office.officer.display_name
    volunteer_login(web, _username(active.volunteer_id))
    assert old_name in html(web.get(f"/v/mentee/{active.public_id}"))

    request = transfers.request_transfer(
        active.casework.officer, active.person_id, new_office.unit_id, "搬家"
    )
    transfers.decide_transfer(new_office.officer, request.id, accept=True)

    pair = active.pair
    assert pair.status == PairStatus.ACTIVE and pair.contact_officer_id is None
    page = html(web.get(f"/v/mentee/{active.public_id}"))
    assert old_name not in page
    assert db.session.get_one(Person, active.person_id).office_id == new_office.unit_id
    kinds = [t.kind for t in open_tasks_for(new_office.officer)]
    assert "mentoring_transfer" in kinds and "mentoring_concern" in kinds
    old_tasks = open_tasks_for(active.casework.officer)
    assert [t for t in old_tasks if t.kind.startswith("mentoring")] == []
    move = audit_events("mentoring.pair_move", active.pair_id)[0]
    assert move.detail["to_office_id"] == new_office.unit_id

    pairs.take_over_pair(new_office.officer, active.pair_id)
    assert active.pair.contact_officer_id == new_office.officer_id
    assert "mentoring_transfer" not in [t.kind for t in open_tasks_for(new_office.officer)]
    taken = audit_events("mentoring.pair_take_over", active.pair_id)[0]
    assert taken.actor_id == new_office.officer_id
    assert new_name in html(web.get(f"/v/mentee/{active.public_id}"))
    # The concern is the new office's now: the old one no longer reaches it.
    with pytest.raises(NotFound):
        meetings.resolve_concern(active.casework.officer, concern_id, "已处理")
    meetings.resolve_concern(new_office.officer, concern_id, "新司法所已回访")


def test_anonymisation_removes_the_free_text_of_mentoring(ctx):
    active = make_active_pair()
    meeting = _log(active, concern=True, concern_note="情绪低落")
    meetings.resolve_concern(active.casework.officer, meeting.id, "已回访")
    retention.end_case(active.casework.officer, active.person_id, local_today())
    long_ago = local_today() - timedelta(days=365 * 6)
    db.session.execute(
        update(Person).where(Person.id == active.person_id).values(ended_on=long_ago)
    )
    db.session.commit()
    assert retention.anonymise_ended(5) >= 1

    meeting = db.session.get_one(Meeting, meeting.id)
    assert (meeting.topic, meeting.concern_note, meeting.concern_resolution) == ("", "", "")
    assert meeting.duration_min == 60  # statistics stay
    profile = db.session.scalar(
        select(MentoringProfile).where(MentoringProfile.person_id == active.person_id)
    )
    assert profile is not None and profile.needs == [] and profile.needs_note == ""
    assert all(t["detail"] == "" for t in active.pair.breakdown)
    for run in db.session.scalars(select(PairingRun)):
        for entry in run.snapshot["mentees"]:
            if entry["id"] == active.person_id:
                assert entry["needs"] == [] and entry["needs_note"] == ""
    event = audit_events("mentoring.scrub", active.person_id)[0]
    assert event.detail["meetings"] == 1


def test_suspending_a_volunteer_ends_their_pairs_in_the_suspension(web, ctx):
    mentor = make_mentor()
    mentor_id = mentor.id
    pairs.set_capacity(make_pairing_coordinator(), mentor.id, 3)
    running = make_active_pair(mentor=mentor)
    waiting_person = make_mentee(make_casework())
    run_for(make_pairing_coordinator(), mentor)
    waiting = db.session.scalar(select(MentorPair).where(MentorPair.person_id == waiting_person))
    assert waiting is not None and waiting.status == PairStatus.PROPOSED
    volunteer_login(web, mentor.username)
    assert web.get(f"/v/mentee/{running.public_id}").status_code == 200

    coordinator_id = make_coordinator().id
    vetting.decide(user(coordinator_id), mentor_id, Outcome.SUSPEND, "违反保密承诺")

    assert running.pair.status == PairStatus.ENDED
    assert running.pair.end_reason == "volunteer_suspended"
    assert db.session.get_one(MentorPair, waiting.id).status == PairStatus.ENDED
    assert web.get(f"/v/mentee/{running.public_id}").status_code == 404
    event = audit_events("mentoring.pair_end", running.pair_id)[0]
    assert event.detail["reason"] == "volunteer_suspended" and event.actor_id == coordinator_id


def test_a_refused_suspension_leaves_the_pairs_running(ctx):
    """The pair ends only with the suspension: a suspension refused (no reason) ends nothing."""
    active = make_active_pair()
    with pytest.raises(DomainError):
        vetting.decide(make_coordinator(), active.volunteer_id, Outcome.SUSPEND, "  ")
    assert active.pair.status == PairStatus.ACTIVE


def test_an_ended_case_cannot_be_given_a_new_profile_or_consent(ctx):
    casework = make_casework()
    person_id = make_mentee(casework, consent=False)
    retention.end_case(casework.officer, person_id, local_today())
    assert db.session.get_one(Person, person_id).status == PersonStatus.ENDED
    with pytest.raises(Conflict):
        profiles.record_consent(
            casework.officer, person_id, profiles.ConsentInput(local_today(), share_town=True)
        )
    with pytest.raises(Conflict):
        profiles.save_profile(casework.officer, person_id, profiles.ProfileInput())
