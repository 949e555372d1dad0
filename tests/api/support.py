"""Helpers for the mini-program API tests: one client for both transports, builders, sandboxes.

`MpApi` talks to `/api/mp/v1` either in process (Flask's test client, inside the
harness's rolled-back transaction) or over real HTTP (httpx against the live
server), and records every donor-facing answer in `RECORDED`, so that the end
of a whole run can scan them all for personal data and check them against the
OpenAPI document (tests/api/answer_checks.py). `PEOPLE` collects the names,
phones and ID numbers of every person the builders create.
"""

from __future__ import annotations

import itertools
import json
import time
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

import httpx
from flask.testing import FlaskClient
from sqlalchemy import select

from core.db import db
from core.idcard import make_id_number
from core.needs import services as need_services
from core.orgs import OrgUnit
from core.people import services as people_services
from core.people.models import Person
from core.timeutil import local_today
from core.users import Role, User
from donations.payments.signature import sign
from donations.projects.models import NeedListing, ProjectStatus
from donations.projects.services import (
    ProjectInput,
    list_need_on_project,
    save_project,
    set_project_status,
)
from tests.factories import approved_need, make_person, make_unit, make_user

API = "/api/mp/v1"
WEBHOOK_PATH = "/api/payments/webhook"
SECRET_KEY = "sk_test_sandbox"
DEADLINE_S = 20.0
KAIPING = (22.376, 112.698)

# -- what the privacy scan and the OpenAPI check read ---------------------------------------


@dataclass(frozen=True)
class Recorded:
    via: str
    method: str
    path: str
    status: int
    content_type: str
    body: bytes


@dataclass
class People:
    names: set[str] = field(default_factory=set)
    phones: set[str] = field(default_factory=set)
    id_numbers: set[str] = field(default_factory=set)


RECORDED: list[Recorded] = []
PEOPLE = People()


# -- one reply shape for both transports ------------------------------------------------------


@dataclass(frozen=True)
class Reply:
    status: int
    headers: dict[str, str]  # names in lower case
    content: bytes

    @property
    def json(self) -> Any:
        return json.loads(self.content)

    @property
    def error_code(self) -> str:
        body = self.json
        assert set(body) == {"error"}, body
        assert set(body["error"]) >= {"code", "message"}, body
        assert isinstance(body["error"]["message"], str) and body["error"]["message"]
        code: str = body["error"]["code"]
        return code

    def expect(self, status: int) -> Any:
        assert self.status == status, (self.status, self.content[:500])
        return self.json if self.content else None


def _lower(headers: Iterable[tuple[str, str]]) -> dict[str, str]:
    return {name.lower(): value for name, value in headers}


Sender = Callable[[str, str, dict[str, str], bytes | None], Reply]


def flask_sender(client: FlaskClient) -> Sender:
    def send(method: str, url: str, headers: dict[str, str], body: bytes | None) -> Reply:
        answer = client.open(url, method=method, headers=headers, data=body)
        return Reply(answer.status_code, _lower(answer.headers.items()), answer.get_data())

    return send


def httpx_sender(http: httpx.Client) -> Sender:
    def send(method: str, url: str, headers: dict[str, str], body: bytes | None) -> Reply:
        answer = http.request(method, url, headers=headers, content=body)
        return Reply(answer.status_code, _lower(answer.headers.items()), answer.content)

    return send


_codes = itertools.count(1)


class MpApi:
    """The mini-program's side of `/api/mp/v1`; every answer is recorded."""

    def __init__(self, send: Sender, via: str) -> None:
        self._send = send
        self.via = via

    def call(
        self,
        method: str,
        path: str,
        *,
        json_body: Any = None,
        raw: bytes | None = None,
        token: str | None = None,
        headers: dict[str, str] | None = None,
    ) -> Reply:
        sent = dict(headers or {})
        body = raw
        if json_body is not None:
            body = json.dumps(json_body, ensure_ascii=False).encode()
        if body is not None:
            sent.setdefault("Content-Type", "application/json")
        if token is not None:
            sent["Authorization"] = f"Bearer {token}"
        reply = self._send(method, API + path, sent, body)
        RECORDED.append(
            Recorded(
                self.via,
                method,
                path.split("?", 1)[0],
                reply.status,
                reply.headers.get("content-type", ""),
                reply.content,
            )
        )
        return reply

    def get(self, path: str, **kw: Any) -> Reply:
        return self.call("GET", path, **kw)

    def post(self, path: str, body: Any = None, **kw: Any) -> Reply:
        return self.call("POST", path, json_body=body, **kw)

    def patch(self, path: str, body: Any = None, **kw: Any) -> Reply:
        return self.call("PATCH", path, json_body=body, **kw)

    def delete(self, path: str, **kw: Any) -> Reply:
        return self.call("DELETE", path, **kw)

    # -- the mini-program's usual steps --

    def privacy_version(self) -> str:
        version: str = self.get("/privacy").expect(200)["version"]
        return version

    def login(self, name: str | None = None, *, accept: bool = True) -> str:
        """Log a donor in with a fresh one-time code; a new NAME is a new donor."""
        name = name or new_name()
        body: dict[str, Any] = {"code": f"test-{name}.{next(_codes)}"}
        if accept:
            body["privacy_version"] = self.privacy_version()
        answer = self.post("/auth/login", body).expect(200)
        assert answer["privacy_accepted"] is accept
        token: str = answer["token"]
        return token

    def donate(self, token: str, body: dict[str, Any], key: str | None = None) -> Reply:
        headers = {"Idempotency-Key": key or new_key()}
        return self.post("/donations", body, token=token, headers=headers)


def new_name() -> str:
    return f"donor-{uuid.uuid4().hex[:12]}"


def new_key() -> str:
    return f"key-{uuid.uuid4().hex}"


def wait_until(condition: Callable[[], Any], what: str, timeout: float = DEADLINE_S) -> Any:
    deadline = time.monotonic() + timeout
    while True:
        result = condition()
        if result:
            return result
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout} s waiting for {what}")
        time.sleep(0.05)


# -- paying as the mini-program pays, and the provider's events -------------------------------


def confirm_payment(payment: dict[str, Any], method: str = "pm_card_visa") -> httpx.Response:
    """Confirm at the provider with the `payment` object POST /donations answered."""
    url = f"{payment['api_base']}/v1/payment_intents/{payment['payment_intent']}/confirm"
    return httpx.post(
        url,
        data={"payment_method": method, "client_secret": payment["client_secret"]},
        headers={"Authorization": f"Bearer {payment['publishable_key']}"},
        timeout=30,
        trust_env=False,
    )


def provider_events(api_base: str, event_type: str, object_id: str) -> list[dict[str, Any]]:
    """The provider's recent events of one type about one object (secret key)."""
    answer = httpx.get(
        f"{api_base}/v1/events",
        params={"type": event_type, "limit": 100},
        headers={"Authorization": f"Bearer {SECRET_KEY}"},
        timeout=30,
        trust_env=False,
    )
    answer.raise_for_status()
    return [e for e in answer.json()["data"] if e["data"]["object"]["id"] == object_id]


def deliver(
    client: FlaskClient,
    payment: dict[str, Any],
    secret: str,
    event_type: str = "payment_intent.succeeded",
) -> None:
    """Hand the provider's event about this payment to the in-process webhook, signed."""
    events = provider_events(payment["api_base"], event_type, payment["payment_intent"])
    assert len(events) == 1, events
    raw = json.dumps(events[0]).encode()
    answer = client.post(
        WEBHOOK_PATH,
        data=raw,
        headers={"Stripe-Signature": sign(raw, secret), "Content-Type": "application/json"},
    )
    assert answer.status_code == 200, answer.get_data()


def pay(client: FlaskClient, created: dict[str, Any], secret: str) -> None:
    """Confirm with a test card and deliver the resulting event (in-process stack)."""
    confirmed = confirm_payment(created["payment"])
    assert confirmed.status_code == 200, confirmed.text
    assert confirmed.json()["status"] == "succeeded"
    deliver(client, created["payment"], secret)


def decline(client: FlaskClient, created: dict[str, Any], secret: str) -> None:
    """Confirm with a declined test card and deliver `payment_intent.payment_failed`."""
    declined = confirm_payment(created["payment"], "pm_card_chargeDeclined")
    assert declined.status_code == 402, declined.text
    deliver(client, created["payment"], secret, "payment_intent.payment_failed")


# -- builders on the current db.session --------------------------------------------------------

_SURNAMES = ("黎", "关", "谭", "司徒", "梁", "周", "吴", "区")
_GIVEN = ("志强", "美华", "国荣", "秀英", "建明", "丽娟", "家豪", "嘉欣", "锦棠", "惠芳")
_people = itertools.count(1)


@dataclass(frozen=True)
class Staff:
    office_id: int
    admin_id: int
    author_id: int
    reviewer_id: int

    def user(self, user_id: int) -> User:
        user = db.session.get(User, user_id)
        assert user is not None
        return user

    @property
    def admin(self) -> User:
        return self.user(self.admin_id)

    @property
    def author(self) -> User:
        return self.user(self.author_id)

    @property
    def reviewer(self) -> User:
        return self.user(self.reviewer_id)

    @property
    def office(self) -> OrgUnit:
        office = db.session.get(OrgUnit, self.office_id)
        assert office is not None
        return office


def make_staff(town: str = "赤坎镇") -> Staff:
    office = make_unit(town=town)
    admin = make_user(Role.ADMIN)
    author = make_user(Role.OFFICER, office)
    reviewer = make_user(Role.OFFICER, office)
    return Staff(office.id, admin.id, author.id, reviewer.id)


def make_someone(staff: Staff, **overrides: Any) -> Person:
    """A person with a name, phone and ID number of their own, remembered for the scan."""
    n = next(_people)
    name = _SURNAMES[n % len(_SURNAMES)] + _GIVEN[(n // len(_SURNAMES)) % len(_GIVEN)]
    phone = f"139{(n * 7919) % 10**8:08d}"
    person = make_person(staff.author, staff.office, name=name, phone=phone, **overrides)
    PEOPLE.names.add(name)
    PEOPLE.phones.add(phone)
    PEOPLE.id_numbers.add(str(person.id_number))
    return person


def make_project(
    staff: Staff, *, lat: float = KAIPING[0], lng: float = KAIPING[1], **rules: Any
) -> str:
    """An active project open today; its id (rules: min_fen, max_fen, daily_max_fen, ...).

    Builders answer ids: each request through the test client ends its app context,
    which closes the session and detaches every object loaded before it.
    """
    today = local_today()
    data = ProjectInput(
        title=rules.pop("title", f"社区矫正和安置帮教公益帮扶项目 {uuid.uuid4().hex[:6]}"),
        summary="帮助社区矫正对象和刑满释放人员渡过难关。",
        charity_name="开平市慈善会",
        fundraising_reg_no="53440783MJL0000001",
        lat=lat,
        lng=lng,
        goal_fen=10_000_000,
        starts_on=rules.pop("starts_on", today - timedelta(days=30)),
        ends_on=rules.pop("ends_on", today + timedelta(days=300)),
        **rules,
    )
    project = save_project(staff.admin, data)
    return set_project_status(staff.admin, project.id, ProjectStatus.ACTIVE).id


def list_need(staff: Staff, project_id: str, amount_fen: int, person_id: int | None = None) -> str:
    """A need written, reviewed by a second officer, published and listed; the listing's id."""
    person = db.session.get(Person, person_id) if person_id else make_someone(staff)
    assert person is not None
    need = approved_need(staff.author, staff.reviewer, person, amount_fen=amount_fen)
    need_services.publish_need(staff.author, need.id)
    return list_need_on_project(staff.admin, need.id, project_id).id


def rewrite_person(staff: Staff, person: Person, **changes: Any) -> Person:
    """Edit a person through the people service, keeping every other field."""
    data = people_services.PersonInput(
        name=str(person.name),
        id_number=str(person.id_number),
        office_id=person.office_id,
        kind=person.kind,
        sex=person.sex,
        birth_date=person.birth_date,
        phone=str(person.phone or ""),
        address=str(person.address or ""),
        correction_type=person.correction_type,
        term_start=person.term_start,
        term_end=person.term_end,
        consent_publication=person.consent_publication,
    )
    for key, value in changes.items():
        setattr(data, key, value)
    updated = people_services.update_person(staff.author, person.id, data)
    PEOPLE.id_numbers.add(str(updated.id_number))
    return updated


def minor_birth_date(term_start: date) -> date:
    return term_start - timedelta(days=16 * 365)


def corrected_id_number(birth: date) -> str:
    return make_id_number("440783", birth, 911)


def listing_row(listing_id: str) -> NeedListing:
    listing = db.session.scalar(
        select(NeedListing)
        .where(NeedListing.id == listing_id)
        .execution_options(populate_existing=True)
    )
    assert listing is not None
    return listing
