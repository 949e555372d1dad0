"""The demo's mentoring: `volunteer-demo` mentors an adult, with a meeting log and a
concern for the officer; other pairs wait for the coordinator and for the officer; the
demo volunteer's mentee page shows nothing of anyone's identity."""

from __future__ import annotations

import re

from sqlalchemy import select

from core.db import db
from core.people.models import Person
from core.tasks.models import Task
from tests.pages import html
from tests.portal import test_web_harness as harness
from tests.volunteers.factories import volunteer_login
from tests.volunteers.surface import findings_in
from volunteers.accounts.models import Volunteer
from volunteers.mentoring.models import Meeting, MentorPair, PairStatus

web = harness.web


def test_the_demo_pairs_volunteer_demo_with_an_adult_and_logs_meetings(web, ctx):
    result = ctx.test_cli_runner().invoke(args=["seed-demo"])
    assert result.exit_code == 0, result.output

    demo_id = db.session.scalars(
        select(Volunteer.id).where(Volunteer.username == "volunteer-demo")
    ).one()
    mine = db.session.scalars(
        select(MentorPair).where(
            MentorPair.volunteer_id == demo_id, MentorPair.status == PairStatus.ACTIVE
        )
    ).all()
    assert len(mine) == 1 and not mine[0].is_minor
    meetings = db.session.scalars(select(Meeting).where(Meeting.pair_id == mine[0].id)).all()
    assert len(meetings) == 3 and sum(m.concern for m in meetings) == 1
    assert db.session.scalar(select(Task).where(Task.kind == "mentoring_concern")) is not None
    statuses = set(db.session.scalars(select(MentorPair.status)))
    assert {"active", "proposed", "awaiting_officer"} <= statuses

    volunteer_login(web, "volunteer-demo", "demo-pass-2025")
    home = html(web.get("/v/"))
    links = re.findall(r'href="(/v/mentee/[^"]+)"', home)
    assert links == [f"/v/mentee/{mine[0].public_id}"]
    people = [(p.name, p.id_number, p.phone) for p in db.session.scalars(select(Person))]
    page = web.get(links[0])
    assert page.status_code == 200
    assert findings_in(html(page), people) == []
    assert "学员" in html(page)
