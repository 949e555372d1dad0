"""Who opens which page of the wing: outside a user's scope answers 404, like a missing
record; a base contact sees their own base only, by name only where consent allows."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from core.audit_actions import AuditAction
from core.db import db
from core.users import Role, User
from jobs_bases.bases.placements import subject_of
from jobs_bases.consent.models import SharedField
from jobs_bases.consent.services import withdraw_consent
from tests.factories import audit_events, make_unit, make_user
from tests.jobs_bases.factories import (
    Scene,
    log,
    make_base_contact,
    make_base_row,
    make_opening,
    make_partner_user,
    make_scene,
    refer,
)
from tests.pages import english, html, login

PAGES = ("bases", "base", "placements", "placement", "activity", "jobs", "referral", "person")


@dataclass(frozen=True)
class Viewer:
    make: str
    expected: tuple[int, ...]  # one status per page, in PAGES order


VIEWERS = {
    "admin": Viewer("admin", (200, 200, 200, 200, 200, 200, 200, 200)),
    "officer_own_office": Viewer("own", (200, 200, 200, 200, 200, 200, 200, 200)),
    "officer_other_office": Viewer("other", (200, 200, 200, 404, 200, 200, 404, 404)),
    "base_contact_own_base": Viewer("contact", (200, 200, 200, 200, 404, 404, 404, 404)),
    "base_contact_other_base": Viewer("other_contact", (200, 404, 200, 404, 404, 404, 404, 404)),
    "training_partner": Viewer("partner", (404,) * 8),
    "finance": Viewer("finance", (404,) * 8),
    "coordinator": Viewer("coordinator", (404,) * 8),
}


def _viewer(kind: str, scene: Scene) -> User:
    if kind == "admin":
        return make_user(Role.ADMIN)
    if kind == "own":
        return scene.officer
    if kind == "other":
        return make_user(Role.OFFICER, make_unit(town="水口镇"))
    if kind == "contact":
        return scene.contact
    if kind == "other_contact":
        return make_base_contact(make_base_row())
    if kind == "partner":
        return make_partner_user()
    return make_user(Role.FINANCE if kind == "finance" else Role.COORDINATOR)


@pytest.mark.parametrize(
    ("viewer", "page", "expected"),
    [
        pytest.param(name, page, v.expected[i], id=f"{name}-{page}")
        for name, v in VIEWERS.items()
        for i, page in enumerate(PAGES)
    ],
)
def test_pages_answer_by_role_and_scope(web, ctx, viewer, page, expected):
    scene = make_scene(shares=(SharedField.NAME,))
    referral = refer(scene.officer, scene.person, make_opening())
    user = _viewer(VIEWERS[viewer].make, scene)
    url = {
        "bases": "/bases",
        "base": f"/bases/{scene.base_id}",
        "placements": "/bases/placements",
        "placement": f"/bases/placements/{scene.placement_id}",
        "activity": "/bases/activity",
        "jobs": "/jobs",
        "referral": f"/jobs/referrals/{referral.id}",
        "person": f"/persons/{scene.person_id}",
    }[page]
    login(web, user.username)

    assert web.get(url).status_code == expected


def test_the_other_base_contact_list_does_not_show_this_placement(web, ctx):
    scene = make_scene(shares=(SharedField.NAME,))
    stranger = make_base_contact(make_base_row()).username
    name = str(scene.person.name)
    login(web, stranger)

    listing = html(web.get("/bases/placements"))

    assert name not in listing and scene.placement.alias not in listing


def test_a_base_contact_sees_the_name_only_with_consent_and_each_view_is_audited(web, ctx):
    named = make_scene(shares=(SharedField.NAME, SharedField.PHONE))
    name, phone = str(named.person.name), str(named.person.phone)
    login(web, named.contact.username)
    english(web)

    page = html(web.get(f"/bases/placements/{named.placement_id}"))

    assert name in page and phone in page
    assert "Community corrections" not in page  # the status was not consented
    [viewed] = audit_events(AuditAction.PLACEMENT_VIEW, named.placement_id)
    assert viewed.actor_id == named.contact_id and viewed.detail["shared"] == ["name", "phone"]


def test_without_consent_the_base_contact_sees_the_alias(web, ctx):
    scene = make_scene()
    name, alias = str(scene.person.name), scene.placement.alias
    login(web, scene.contact.username)

    page = html(web.get(f"/bases/placements/{scene.placement_id}"))
    listing = html(web.get("/bases/placements"))

    assert alias in page and name not in page
    assert alias in listing and name not in listing


def test_a_minor_is_shown_by_alias_whatever_the_consent(web, ctx):
    scene = make_scene(shares=(SharedField.NAME,), minor=True)
    name, alias = str(scene.person.name), scene.placement.alias
    login(web, scene.contact.username)

    page = html(web.get(f"/bases/placements/{scene.placement_id}"))

    assert alias in page and name not in page


def test_withdrawing_consent_ends_the_base_contacts_view_at_once(web, ctx):
    scene = make_scene(shares=(SharedField.NAME, SharedField.PHONE))
    name, phone = str(scene.person.name), str(scene.person.phone)
    login(web, scene.contact.username)
    assert name in html(web.get(f"/bases/placements/{scene.placement_id}"))

    withdraw_consent(scene.officer, scene.person_id, subject_of(scene.placement))
    page = html(web.get(f"/bases/placements/{scene.placement_id}"))

    assert name not in page and phone not in page
    assert scene.placement.alias in page


def test_a_base_contact_never_opens_persons(web, ctx):
    scene = make_scene(shares=tuple(SharedField))
    login(web, scene.contact.username)

    assert web.get("/persons").status_code == 404
    assert web.get(f"/persons/{scene.person_id}").status_code == 404
    assert web.get("/needs").status_code == 404


def test_the_base_contact_logs_and_approves_on_their_own_base_only(web, ctx):
    scene = make_scene()
    other = make_scene()
    session = log(other.officer, other.placement)
    session_id = session.id
    login(web, scene.contact.username)

    assert web.post(f"/bases/sessions/{session_id}/approve").status_code == 404
    assert web.post(f"/bases/placements/{other.placement_id}/sessions", data={}).status_code == 404
    db.session.expire_all()
    assert db.session.get_one(type(session), session_id).status == "pending"
