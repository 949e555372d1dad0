"""Every volunteer-facing page, file and message, with people registered around them,
shows no name, ID number or phone of a person helped. (The same scan runs at the end of
a whole run over everything the suite showed volunteers: tests/volunteers/surface.py.)"""

from __future__ import annotations

import re
from datetime import timedelta

from flask import Flask

from core.db import db
from core.people.models import Person
from core.users import Role
from tests.factories import make_person, make_staff, make_unit
from tests.pages import html
from tests.portal import test_web_harness as harness
from tests.volunteers.factories import make_approved_volunteer, make_setting, volunteer_login
from tests.volunteers.mentoring_factories import make_active_pair, make_casework
from tests.volunteers.surface import findings_in
from volunteers.accounts.messages import send_volunteer_messages
from volunteers.programmes import attendance, hours, signups

web = harness.web

CUTOFF = timedelta(hours=24)


def _volunteer_get_rules(app: Flask) -> list[str]:
    return sorted(
        rule.rule
        for rule in app.url_map.iter_rules()
        if rule.rule.startswith("/v/")
        and "GET" in (rule.methods or ())
        and "static" not in rule.rule
    )


def test_every_volunteer_page_file_and_message_is_free_of_identity(web, ctx, clock, delivery):
    office = make_unit()
    officer = make_staff(Role.ADMIN)
    person = make_person(officer, office, name="欧阳明华", phone="13711112222")
    person_row = [(person.name, person.id_number, person.phone)]

    setting = make_setting()
    served = setting.shift(starts_in=timedelta(days=2))
    upcoming = setting.shift(starts_in=timedelta(days=9))
    volunteer = make_approved_volunteer(
        username="surface-check",
        email="surface@example.org",
        skills=["就业指导"],
        towns=["赤坎镇"],
        languages=["粤语"],
        availability=["sat-morning"],
    )
    volunteer_id = volunteer.id
    # A mentee of theirs, named like the person above, for the mentee pages.
    mentee = make_active_pair(make_casework(), volunteer, name="欧阳明华", phone="13711112222")
    person_row.append(_identity(mentee.person_id))
    done = signups.sign_up(volunteer_id, served.public_id, cutoff=CUTOFF)
    later = signups.sign_up(volunteer_id, upcoming.public_id, cutoff=CUTOFF)
    clock.to(served.starts_at)
    attendance.check_in(volunteer_id, done.public_id, served.checkin_code)
    clock.travel(hours=2)
    entry = attendance.check_out(volunteer_id, done.public_id, served.checkin_code)
    hours.approve_hours(setting.coordinator, entry.id)
    year = served.starts_at.year
    values = {
        "shift_id": upcoming.public_id,
        "signup_id": later.public_id,
        "year": str(year),
        "token": "not-a-live-token-" + "x" * 30,
        "public_id": mentee.public_id,
    }

    volunteer_login(web, "surface-check")
    visited = []
    for rule in _volunteer_get_rules(web.application):
        path = re.sub(r"<(?:\w+:)?(\w+)>", lambda m: values[m.group(1)], rule)
        response = web.get(path, follow_redirects=True)
        assert response.status_code == 200, path
        if response.mimetype.startswith("text/"):
            assert findings_in(html(response), person_row) == [], path
        visited.append(path)
    assert any("/certificates/" in path for path in visited)
    assert {"/v/", "/v/shifts", "/v/hours", "/v/register", "/v/login"} <= set(visited)
    assert f"/v/mentee/{mentee.public_id}" in visited

    # Messages to volunteers: a reminder, sent and read.
    from volunteers.programmes.reminders import queue_reminders

    clock.to(upcoming.starts_at - timedelta(hours=2))
    queue_reminders(timedelta(hours=24))
    assert send_volunteer_messages() >= 1
    for _channel, _address, text in delivery.sent:
        assert findings_in(f"{text.subject}\n{text.body}", person_row) == []


def _identity(person_id: int) -> tuple[str | None, str | None, str | None]:
    person = db.session.get_one(Person, person_id)
    return (person.name, person.id_number, person.phone)


def test_the_scan_finds_a_name_an_id_number_and_a_phone():
    rows = [("欧阳明华", "440783198503140011", "13711112222")]
    assert findings_in("结对对象：欧阳明华", rows) == ["name 欧阳明华"]
    assert findings_in("证件 440783198503140011", rows)[0].startswith("ID number")
    assert findings_in("电话13711112222", rows) == ["phone 13711112222"]
    assert findings_in("志愿者编号 3f2b8c1e-1d2a-4c3b-9e8f-123456789012", rows) == []
