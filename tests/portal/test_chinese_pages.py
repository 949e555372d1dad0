"""Every page staff and volunteers read in Chinese says it in Chinese.

Each staff role (and a volunteer, and a visitor not signed in) opens every GET page of
the URL map it may open, on the demo's data plus gifts, an allocation, a payout and a
reconciliation, with the portal in zh_CN. The visible text (tags, scripts and styles
stripped; of the attributes only those shown as words: tooltips, placeholders, image
text) must hold no English word outside a short allowlist, no raw code (`training`,
`pending_review`, `pool:1`) and no UUID. The routes come from the URL map: a new page is covered without a change here,
and a page whose URL parameters this module cannot fill fails until it is listed in
UNFILLABLE with the reason.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from typing import Any, ClassVar
from urllib.parse import quote

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import Select, select
from werkzeug.routing import Rule

from core.db import db, utcnow
from core.needs.models import Need
from core.people.models import Person
from core.timeutil import local_today
from core.users import Role, User, user_by_username
from core.wings import registry
from donations.demo import PROJECT_TITLE, seed_demo_allocation_and_payout
from donations.disbursements.models import Disbursement
from donations.giving.models import Discrepancy, DiscrepancyKind, Donation, ReconcileRun
from donations.projects.models import NeedListing, Project
from donations.proposals.models import AllocationProposal
from jobs_bases.bases.models import Base, Placement
from jobs_bases.jobs.models import Employer, Opening, Referral
from jobs_bases.partners.models import TrainingPartner
from jobs_bases.partners.services import linked_base_id, linked_partner_id
from jobs_bases.training.models import (
    AllocationRun,
    Application,
    Certificate,
    Course,
    CourseSession,
    Enrolment,
    TrainingRound,
)
from portal.demo import seed_demo
from portal.demo.seed import DEMO_PASSWORD
from tests.donations.factories import give
from tests.pages import login
from tests.portal import test_web_harness as harness
from tests.volunteers.factories import volunteer_login
from volunteers.accounts.models import Volunteer
from volunteers.mentoring.models import Meeting, MentorPair, PairingRun
from volunteers.programmes.models import Activity, Programme, Shift, Signup

web = harness.web

# Who opens the pages: the demo's accounts, one per staff role.
STAFF = {
    Role.ADMIN: "admin",
    Role.OFFICER: "officer-chikan",
    Role.SOCIAL_WORKER: "social-worker",
    Role.FINANCE: "finance",
    Role.COORDINATOR: "coordinator",
    Role.AUDITOR: "auditor",
    Role.TRAINING_PARTNER: "trainer",
    Role.BASE_CONTACT: "base-contact",
}

# Pages not checked here, each with the reason.
UNFILLABLE = {
    "static": "files, not pages",
    "bases.static": "files, not pages",
    "courses.static": "files, not pages",
    "volunteer_accounts.static": "files, not pages",
    "favicon": "an icon",
    "healthz": "a health check for the load balancer, not read by people",
    "auth.set_language": "switches the language and redirects",
    "volunteer_accounts.reset_password": "needs a one-time token sent by email "
    "(tests/volunteers/test_password_reset.py)",
}
# The donor API answers JSON to the mini-program (tests/api checks its messages).
NOT_PAGES = ("/api/",)

# Words that are Chinese staff's own: file formats, brands, units.
ALLOWED_WORDS = {
    "CSV",
    "XLSX",
    "ID",
    "WeChat",
    "API",
    "PDF",
    "PNG",
    "SVG",
    "OpenAPI",
    "km",
    "kg",
    "cm",
    "GB",
    "MB",
    "KB",
    "Excel",
    "JPEG",
    # The language switch names each language in its own tongue.
    "EN",
    "English",
}

# A mentee as their volunteer knows them: 学员 and four random characters (学员K7Q2).
_PSEUDONYM = re.compile(r"学员[A-Z0-9]{4}")
_FILE_NAME = re.compile(r"\S+\.(?:png|jpe?g|pdf|csv|xlsx)\b", re.I)
_ADDRESS = re.compile(r"@|://|^www\.|\.(?:com|org|net|cn|gov)\b", re.I)
# Capitals joined by hyphens: a placement's code (P- and six hex digits), a reference.
_REFERENCE = re.compile(r"^[A-Z]+(?:-[A-Z0-9]+)+$")
_UUID = re.compile(r"[0-9a-f]{8}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{12}", re.I)
_ACCOUNT_CODE = re.compile(r"\b[a-z_]+:[0-9A-Za-z_-]+")
# A run of Latin letters, digits and the joiners codes use.
_CHUNK = re.compile(r"[A-Za-z0-9_][A-Za-z0-9_.:/@'+*-]*")
_WORD = re.compile(r"[A-Za-z]+(?:_[A-Za-z]+)*")


class _VisibleText(HTMLParser):
    """The text a reader sees: data outside <script>, <style> and <template>, and the
    attributes shown as words (a tooltip, a placeholder, an image's text)."""

    HIDDEN: ClassVar[set[str]] = {"script", "style", "template"}
    SHOWN: ClassVar[set[str]] = {"title", "placeholder", "alt", "aria-label"}

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._hidden = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in self.HIDDEN:
            self._hidden += 1
        elif not self._hidden:
            self.parts += [value for name, value in attrs if name in self.SHOWN and value]

    def handle_endtag(self, tag: str) -> None:
        if tag in self.HIDDEN and self._hidden:
            self._hidden -= 1

    def handle_data(self, data: str) -> None:
        if not self._hidden and data.strip():
            self.parts.append(data.strip())


def visible_text(markup: str) -> list[str]:
    parser = _VisibleText()
    parser.feed(markup)
    parser.close()
    return parser.parts


def problems_in(parts: Iterable[str], data_words: set[str]) -> list[str]:
    """What a Chinese reader should not see in these pieces of text."""
    found: list[str] = []
    for part in parts:
        for uuid in _UUID.findall(part):
            found.append(f"UUID {uuid!r} in {part!r}")
        for code in _ACCOUNT_CODE.findall(part):
            found.append(f"code {code!r} in {part!r}")
        english: list[str] = []
        words = _FILE_NAME.sub("", _PSEUDONYM.sub("", _UUID.sub("", part)))
        for chunk in _CHUNK.findall(words):
            chunk = chunk.rstrip(".:/'+-")
            # Serial numbers, references (P-BFAFFB), times, emails and web addresses: data.
            if any(c.isdigit() for c in chunk) or _ADDRESS.search(chunk) or _REFERENCE.match(chunk):
                continue
            if chunk in data_words:
                continue
            for word in _WORD.findall(chunk):
                if word in ALLOWED_WORDS or word in data_words or len(word) == 1:
                    continue
                english.append(word)
        if english:
            found.append(f"English {' '.join(english)!r} in {part!r}")
    return found


@pytest.mark.parametrize(
    ("text", "wrong"),
    [
        ("技能培训", False),
        ("学员K7Q2 · 导出 CSV、XLSX", False),
        ("付款回单.png", False),
        ("参考号 DEMO-0001，证书 T2026-0ETW-S5MB", False),
        ("P-BFAFFB", False),  # a placement's code, all six hex digits letters this time
        ("admin", False),  # a sign-in name
        ("training", True),
        ("状态：pending_review", True),
        ("training.apply", True),
        ("pool:1", True),
        ("捐赠 fc2dc122-82aa-4463-bc8b-3c7596dbba64", True),
        ("Disbursed to payees", True),
    ],
)
def test_the_check_tells_codes_and_english_from_chinese(text, wrong):
    assert bool(problems_in([text], {"admin"})) is wrong


# -- the rows the URL parameters are filled with -----------------------------------------------


def _ids(query: Select[Any]) -> list[Any]:
    return [value for value in db.session.scalars(query.limit(1)) if value is not None]


@dataclass
class Scene:
    """Candidate values for each URL parameter: a row any role may see first, then rows
    inside a scoped role's reach (the officer's office, the contact's base, the trainer's
    partner). A role opens a page with the first candidate it is allowed to see."""

    by_name: dict[str, list[Any]] = field(default_factory=dict)
    by_rule: dict[tuple[str, str], list[Any]] = field(default_factory=dict)
    data_words: set[str] = field(default_factory=set)
    volunteer_login: str = ""

    def candidates(self, rule: Rule, name: str) -> list[Any] | None:
        found = self.by_rule.get((rule.endpoint, name), self.by_name.get(name))
        return list(dict.fromkeys(found)) if found else None


def _firsts(column: Any, *wheres: Any) -> list[Any]:
    found: list[Any] = []
    for where in (None, *wheres):
        query = select(column).order_by(column)
        if where is not None:
            query = query.where(where)
        found += _ids(query)
    return found


def _reconciliation() -> None:
    """A reconciliation run that booked missed events, and discrepancies open and settled,
    as the payment provider's sandbox would leave them."""
    gifts = list(db.session.scalars(select(Donation).order_by(Donation.id).limit(2)))
    finance = user_by_username(STAFF[Role.FINANCE])
    assert finance is not None
    today = local_today().isoformat()
    db.session.add(
        ReconcileRun(
            finished_at=utcnow(),
            events_seen=12,
            applied=2,
            ok=False,
            report={
                "days": [
                    {
                        "day": today,
                        "provider_fen": 9_000,
                        "ledger_fen": 8_000,
                        "difference_fen": 1_000,
                    }
                ],
                "differences": [
                    {
                        "day": today,
                        "kind": "payment",
                        "object": "pi_3Nx",
                        "provider_fen": 1_000,
                        "ledger_fen": 0,
                    }
                ],
            },
        )
    )
    for n, (gift, kind, settled) in enumerate(
        [
            (gifts[0], DiscrepancyKind.PAYMENT_DIFFERS, None),
            (gifts[1], DiscrepancyKind.REFUND_SHORTFALL, utcnow()),
        ]
    ):
        db.session.add(
            Discrepancy(
                kind=kind,
                object_id=f"pi_scene_{n}",
                donation_id=gift.id,
                amount_fen=gift.amount_fen,
                provider_fen=gift.amount_fen - 100,
                provider_status="requires_payment_method",
                settled_at=settled,
                settled_by_id=finance.id if settled else None,
                settlement_note="已由慈善会非限定资金补足" if settled else "",
            )
        )
    db.session.commit()


def build_scene(app: Flask, evidence_dir: Path) -> Scene:
    assert seed_demo()
    project_id = db.session.scalar(select(Project.id).where(Project.title == PROJECT_TITLE))
    assert project_id is not None
    listings = list(db.session.scalars(select(NeedListing).order_by(NeedListing.id)))
    for n in range(12):
        give(project_id, 50_000 + n * 10_000)
    for listing in listings[:4]:
        give(project_id, 20_000, listing_id=listing.id)
    assert seed_demo_allocation_and_payout(evidence_dir)
    _reconciliation()

    officer = user_by_username(STAFF[Role.OFFICER])
    contact = user_by_username(STAFF[Role.BASE_CONTACT])
    trainer = user_by_username(STAFF[Role.TRAINING_PARTNER])
    assert officer is not None and contact is not None and trainer is not None
    office = officer.scope_unit_id
    base = linked_base_id(contact)
    partner = linked_partner_id(trainer)
    assert base is not None and partner is not None

    pair = db.session.scalars(select(MentorPair).order_by(MentorPair.id)).first()
    assert pair is not None
    volunteer = db.session.get_one(Volunteer, pair.volunteer_id)
    signup = db.session.scalars(
        select(Signup).where(Signup.volunteer_id == volunteer.id).order_by(Signup.id)
    ).first()
    shifts = [signup.shift_id] if signup else []
    shifts += _ids(select(Shift.id).order_by(Shift.starts_at.desc()))
    public_shifts = [db.session.get_one(Shift, shift_id).public_id for shift_id in shifts]
    certificate = db.session.scalars(select(Certificate.number)).first()
    donation = db.session.scalars(
        select(Donation.id).where(Donation.certificate_no.is_not(None))
    ).first() or db.session.scalar(select(Donation.id))

    scene = Scene(volunteer_login=volunteer.username)
    scene.by_name = {
        "person_id": _firsts(
            Person.id, (Person.office_id == office) & (Person.is_minor.is_(False))
        ),
        "need_id": _firsts(
            Need.id,
            Need.person_id.in_(
                select(Person.id).where(Person.office_id == office, Person.is_minor.is_(False))
            ),
        ),
        "user_id": _firsts(User.id),
        "proposal_id": _firsts(AllocationProposal.id),
        "disbursement_id": _firsts(Disbursement.id),
        "project_id": [project_id],
        "donation_id": [donation],
        "base_id": _firsts(Base.id, Base.id == base),
        "placement_id": _firsts(
            Placement.id, Placement.base_id == base, Placement.office_id == office
        ),
        "employer_id": _firsts(Employer.id),
        "opening_id": _firsts(Opening.id),
        "referral_id": _firsts(Referral.id, Referral.office_id == office),
        "partner_id": _firsts(TrainingPartner.id, TrainingPartner.id == partner),
        "course_id": _firsts(Course.id, Course.partner_id == partner),
        "round_id": _firsts(TrainingRound.id),
        "application_id": _firsts(Application.id, Application.office_id == office),
        "enrolment_id": _firsts(
            Enrolment.id,
            Enrolment.id.in_(select(Certificate.enrolment_id)),
            Enrolment.course_id.in_(select(Course.id).where(Course.partner_id == partner)),
            Enrolment.office_id == office,
        ),
        "session_id": _firsts(
            CourseSession.id,
            CourseSession.course_id.in_(select(Course.id).where(Course.partner_id == partner)),
        ),
        "programme_id": _firsts(Programme.id),
        "activity_id": _firsts(Activity.id),
        "volunteer_id": _firsts(Volunteer.id),
        "meeting_id": _firsts(Meeting.id, Meeting.concern.is_(True)),
        "pair_id": _firsts(MentorPair.id),
        "key": [section.key for section in registry(app).report_sections],
        "number": [certificate] if certificate else [],
        "fmt": ["png"],
        "year": [signup.shift.starts_at.year] if signup else [],
        "public_id": [pair.public_id],
    }
    scene.by_rule = {
        ("courses.run", "run_id"): _firsts(AllocationRun.id),
        ("mentoring.run_detail", "run_id"): _firsts(PairingRun.id),
        ("programmes.shift", "shift_id"): shifts,
        ("volunteer_shifts.shift", "shift_id"): public_shifts,
        ("volunteer_shifts.signup", "signup_id"): [signup.public_id] if signup else [],
        ("mentoring.mentee", "person_id"): _firsts(MentorPair.person_id),
    }
    # Words that are data, not wording: sign-in names.
    scene.data_words = {
        *db.session.scalars(select(User.username)),
        *db.session.scalars(select(Volunteer.username)),
    }
    return scene


# -- walking the URL map ------------------------------------------------------------------------


def page_rules(app: Flask) -> list[Rule]:
    return sorted(
        (
            rule
            for rule in app.url_map.iter_rules()
            if "GET" in (rule.methods or ())
            and not rule.rule.startswith(NOT_PAGES)
            and rule.endpoint not in UNFILLABLE
        ),
        key=lambda rule: rule.rule,
    )


def urls_for(rule: Rule, scene: Scene) -> list[str] | None:
    """The URLs to try for a rule, first candidate first; None when a parameter has none."""
    if not rule.arguments:
        return [rule.rule]
    values: dict[str, list[Any]] = {}
    for name in rule.arguments:
        found = scene.candidates(rule, name)
        if not found:
            return None
        values[name] = found
    depth = max(len(found) for found in values.values())
    urls = []
    for n in range(depth):

        def fill(match: re.Match[str], n: int = n) -> str:
            found = values[match.group(1)]
            return quote(str(found[min(n, len(found) - 1)]), safe="")

        urls.append(re.sub(r"<(?:[^:<>]+:)?([^<>]+)>", fill, rule.rule))
    return list(dict.fromkeys(urls))


def _is_volunteer_page(rule: Rule) -> bool:
    return rule.rule.startswith("/v/")


@dataclass
class Walk:
    opened: set[str] = field(default_factory=set)
    problems: list[str] = field(default_factory=list)


def walk(
    client: FlaskClient,
    who: str,
    rules: list[Rule],
    scene: Scene,
    result: Walk,
    keep: Callable[[Rule], bool],
) -> None:
    for rule in rules:
        if not keep(rule):
            continue
        urls = urls_for(rule, scene)
        assert urls is not None
        # The first URL a role may open; every report section, each its own page.
        for url in urls:
            response = client.get(url)
            status, kind, body = response.status_code, response.mimetype, response.get_data()
            response.close()  # a file sent from disk is open until then
            assert status < 500, f"{who} {url}: {status}"
            if status != 200:
                continue
            result.opened.add(rule.endpoint)
            if kind not in ("text/html", "image/svg+xml"):
                continue
            parts = visible_text(body.decode())
            result.problems += [f"{who} {url}: {p}" for p in problems_in(parts, scene.data_words)]
            if not rule.endpoint.startswith("reports."):
                break


def test_every_route_with_parameters_can_be_filled_or_is_listed(app, ctx, tmp_path):
    scene = build_scene(app, tmp_path)
    unknown = [
        f"{rule.rule} ({rule.endpoint})"
        for rule in page_rules(app)
        if urls_for(rule, scene) is None
    ]
    assert not unknown, (
        "pages whose URL parameters this test cannot fill: give Scene a row for them, or list "
        "them in UNFILLABLE with the reason:\n" + "\n".join(unknown)
    )
    endpoints = {rule.endpoint for rule in app.url_map.iter_rules()}
    stale = sorted(set(UNFILLABLE) - endpoints)
    assert not stale, f"UNFILLABLE names pages that are gone: {stale}"


def test_every_page_speaks_chinese(app, ctx, web, tmp_path, monkeypatch):
    monkeypatch.setitem(app.config, "EVIDENCE_DIR", str(tmp_path))
    scene = build_scene(app, tmp_path)
    rules = page_rules(app)
    result = Walk()
    for role, username in STAFF.items():
        client = harness.new_client(app)
        login(client, username, DEMO_PASSWORD)
        walk(client, role.value, rules, scene, result, lambda rule: not _is_volunteer_page(rule))
    volunteer = harness.new_client(app)
    volunteer_login(volunteer, scene.volunteer_login, DEMO_PASSWORD)
    walk(volunteer, "volunteer", rules, scene, result, _is_volunteer_page)
    anonymous = harness.new_client(app)
    walk(anonymous, "anonymous", rules, scene, result, lambda rule: True)

    assert not result.problems, "\n".join(sorted(set(result.problems)))
    never = sorted(rule.endpoint for rule in rules if rule.endpoint not in result.opened)
    assert not never, f"pages no one could open with the scene's rows: {never}"
    assert not result.problems, "\n".join(sorted(set(result.problems)))
