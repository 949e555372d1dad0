"""The demo: four programmes with their partners, volunteers in every state of vetting,
past and upcoming shifts, hours approved, pending and declined; and the demo
volunteer's pages show nothing of the people helped."""

from __future__ import annotations

from sqlalchemy import select

from core.db import db
from core.people.models import Person
from tests.pages import html
from tests.portal import test_web_harness as harness
from tests.volunteers.factories import volunteer_login
from tests.volunteers.surface import findings_in
from volunteers.accounts.models import Volunteer
from volunteers.programmes.models import HoursEntry, Programme, Shift, Signup
from volunteers.vetting.models import Vetting

web = harness.web


def test_the_demo_has_the_wing_in_every_state(web, ctx):
    result = ctx.test_cli_runner().invoke(args=["seed-demo"])
    assert result.exit_code == 0, result.output

    programmes = {p.name: p for p in db.session.scalars(select(Programme))}
    assert set(programmes) == {"黄丝带帮教", "监地结对", "法律六进", "社区矫正开放日"}
    assert [o.name for o in programmes["黄丝带帮教"].partners] == ["开平市黄丝带帮教协会"]
    assert sorted(o.name for o in programmes["监地结对"].partners) == [
        "四会监狱",
        "江门监狱",
        "阳江监狱",
    ]
    states = set(db.session.scalars(select(Vetting.status)))
    assert states == {"pending", "approved", "rejected", "suspended"}
    assert set(db.session.scalars(select(HoursEntry.status))) == {"approved", "pending", "declined"}
    starts = list(db.session.scalars(select(Shift.starts_at)))
    from core.db import utcnow

    now = utcnow()
    assert any(s < now for s in starts) and any(s > now for s in starts)
    assert "waitlisted" in set(db.session.scalars(select(Signup.status)))

    # The demo volunteer logs in with the published password and sees their own data.
    volunteer_login(web, "volunteer-demo", "demo-pass-2025")
    demo_id = db.session.scalars(
        select(Volunteer.id).where(Volunteer.username == "volunteer-demo")
    ).one()
    assert db.session.get_one(Vetting, demo_id).status == "approved"
    people = [(p.name, p.id_number, p.phone) for p in db.session.scalars(select(Person))]
    pages = ["/v/", "/v/shifts", "/v/hours"]
    home = html(web.get("/v/"))
    pages += [href for href in _links(home) if href.startswith("/v/signups/")]
    shifts = html(web.get("/v/shifts"))
    pages += [href for href in _links(shifts) if href.startswith("/v/shifts/")][:5]
    for path in pages:
        response = web.get(path)
        assert response.status_code == 200, path
        assert findings_in(html(response), people) == [], path


def _links(page: str) -> list[str]:
    import re

    return re.findall(r'href="(/v/[^"]+)"', page)
