"""The donor's whole journey over real HTTP: the live portal, the payment sandbox posting
its webhooks with faults switched on, the WeChat stand-in, and reconciliation."""

from __future__ import annotations

import io
import re
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any, TypeVar

import httpx
from PIL import Image, ImageChops, ImageFont
from sqlalchemy import func, select

from core.db import db
from core.drawing import font_path
from core.outbox import send_pending
from donations.donors.messages import senders
from donations.donors.models import Donor
from donations.giving.models import Donation, ProviderEvent
from donations.ledger.models import EntryKind, JournalEntry
from donations.wechat.config import current_wechat, subscribe_templates
from tests.api.conftest import LiveStack
from tests.api.support import MpApi, confirm_payment, new_key, new_name, provider_events
from tests.donations.factories import KAIPING, list_need, make_project
from tests.factories import make_office
from tests.sandboxes.conftest import payments_wait_until

T = TypeVar("T")
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
CERTIFICATE_NUMBER = re.compile(r"^KP[0-9A-F]{6}-\d{4}-\d{6}$")
AMOUNT_LINE = (110, 390, 1090, 445)  # where the certificate draws the amount
TITLE_AREA = (200, 80, 1000, 180)


def ended(read: Callable[[], T]) -> T:
    """Read in a short transaction and end it: on SQLite an open one holds the write lock
    (BEGIN IMMEDIATE) that the webhook handler needs."""
    try:
        return read()
    finally:
        db.session.rollback()


def set_up_projects() -> tuple[str, str, str]:
    """A project near the donor with one need on it, and one further away."""
    office = make_office()
    near = make_project(lat=KAIPING[0], lng=KAIPING[1] + 0.02, title="开平帮扶项目 近")
    far = make_project(lat=KAIPING[0] + 0.5, lng=KAIPING[1], title="开平帮扶项目 远")
    need = list_need(office, near, 10_000)
    db.session.rollback()
    return near, far, need


def wait_for_status(api: MpApi, token: str, donation_id: str, status: str) -> dict[str, Any]:
    def current() -> dict[str, Any] | None:
        donation: dict[str, Any] = api.get(f"/donations/{donation_id}", token=token).expect(200)
        return donation if donation["status"] == status else None

    found: dict[str, Any] = payments_wait_until(
        current, what=f"donation {donation_id} to be {status}"
    )
    return found


def wait_until_delivered(live: LiveStack) -> None:
    payments_wait_until(lambda: live.flush()["pending"] == 0, what="every webhook to be delivered")


def png_of(api: MpApi, token: str, donation_id: str) -> Image.Image:
    reply = api.get(f"/me/donations/{donation_id}/certificate?format=png", token=token)
    assert reply.status == 200
    assert reply.headers["content-type"] == "image/png"
    assert reply.content.startswith(PNG_SIGNATURE)
    image = Image.open(io.BytesIO(reply.content))
    image.load()
    assert image.format == "PNG"
    assert image.size == (1200, 850)
    return image.convert("RGB")


def assert_font_draws_chinese() -> None:
    """The certificate's font has real CJK glyphs, not one empty box for every character."""
    font = ImageFont.truetype(font_path(), 40, index=2)
    left, top, right, bottom = font.getbbox("壹")
    assert right - left > 20 and bottom - top > 20
    one, two = font.getmask("壹"), font.getmask("贰")
    assert bytes(one) != bytes(two)
    assert sum(bytes(one)) > 0


def wechat_messages(live: LiveStack, openid: str) -> list[dict[str, Any]]:
    answer = httpx.get(
        live.wechat_url + "_sandbox/messages", params={"touser": openid}, trust_env=False
    )
    answer.raise_for_status()
    messages: list[dict[str, Any]] = answer.json()["data"]
    return messages


def openid_of(donor_id: str) -> str:
    def read() -> str:
        donor = db.session.get(Donor, donor_id)
        assert donor is not None and donor.openid
        return donor.openid

    return ended(read)


def test_the_whole_donor_journey_with_faulty_webhooks_and_reconciliation(
    live: LiveStack,
) -> None:
    api = live.api()
    near, far, need = set_up_projects()

    # -- privacy notice, login, profile, message grant --
    notice = api.get("/privacy").expect(200)
    assert notice["version"] == live.app.config["PRIVACY_VERSION"] and notice["text"]
    name = new_name()
    login = api.post(
        "/auth/login", {"code": f"test-{name}.1", "privacy_version": notice["version"]}
    ).expect(200)
    assert login["privacy_accepted"] is True
    assert login["expires_in"] == live.app.config["MP_TOKEN_TTL_S"]
    token = login["token"]
    me = api.patch("/me", {"display_name": "  热心的小林 "}, token=token).expect(200)
    assert me["display_name"] == "热心的小林"
    template = subscribe_templates()["donation_succeeded"]
    grant = api.post("/me/subscriptions", {"template_ids": [template]}, token=token)
    assert grant.expect(201) == {"recorded": 1}

    # -- the map and the project --
    listed = api.get(f"/projects?lat={KAIPING[0]}&lng={KAIPING[1]}").expect(200)
    mine = [p for p in listed["data"] if p["id"] in (near, far)]
    assert [p["id"] for p in mine] == [near, far]
    assert mine[0]["distance_km"] == 2.1  # 0.02 degrees of longitude at 22.4 degrees north
    assert mine[1]["distance_km"] == 55.6
    project = api.get(f"/projects/{near}").expect(200)
    assert [c["id"] for c in project["needs"]] == [need]
    assert (project["needs"][0]["raised_fen"], project["needs"][0]["status"]) == (0, "published")

    # -- a designated gift, paid while webhooks come twice, late and shuffled --
    live.set_faults(
        webhook_duplicate_rate=1.0, webhook_reorder=True, webhook_delay_ms=[50, 400], seed=11
    )
    key = new_key()
    body = {"project_id": near, "need_id": need, "amount_fen": 10_000, "message": "早日康复"}
    created = api.donate(token, body, key).expect(201)
    assert api.donate(token, body, key).expect(200) == created
    donation_id = created["donation"]["id"]
    payment = created["payment"]
    assert payment["api_base"] == live.payments_url
    confirmed = confirm_payment(payment)
    assert confirmed.status_code == 200 and confirmed.json()["status"] == "succeeded"
    paid = wait_for_status(api, token, donation_id, "succeeded")
    assert paid["paid_at"] is not None and paid["redirected_to_pool"] is False

    # -- a second donor, with no message grant, gives to the pool --
    other = api.login()
    pool_gift = api.donate(other, {"project_id": near, "amount_fen": 2_000}).expect(201)
    assert confirm_payment(pool_gift["payment"]).status_code == 200
    wait_for_status(api, other, pool_gift["donation"]["id"], "succeeded")
    assert api.get(f"/donations/{donation_id}", token=other).status == 404

    wait_until_delivered(live)
    [event] = provider_events(
        live.payments_url, "payment_intent.succeeded", payment["payment_intent"]
    )
    deliveries = live.sandbox("GET", "/_sandbox/deliveries", params={"event": event["id"]})
    assert sum(d["duplicates"] for d in deliveries.json()["data"]) >= 1

    def books() -> tuple[int, str | None]:
        entries = db.session.scalar(
            select(func.count())
            .select_from(JournalEntry)
            .where(
                JournalEntry.donation_id == donation_id,
                JournalEntry.kind == EntryKind.DONATION_RECEIVED,
            )
        )
        stored = db.session.get(ProviderEvent, event["id"])
        return int(entries or 0), None if stored is None else stored.outcome

    assert ended(books) == (1, "applied")

    # -- what the donor sees afterwards --
    history = api.get("/me/donations", token=token).expect(200)
    assert [d["id"] for d in history["data"]] == [donation_id]
    assert history["data"][0]["went_to"] == [
        {
            "need_alias": project["needs"][0]["alias"],
            "category": project["needs"][0]["category"],
            "town": project["needs"][0]["town"],
            "amount_fen": 10_000,
            "status": "funded",
        }
    ]
    card = api.get(f"/needs/{need}").expect(200)
    assert (card["raised_fen"], card["status"]) == (10_000, "funded")

    certificate = api.get(f"/me/donations/{donation_id}/certificate", token=token).expect(200)
    assert CERTIFICATE_NUMBER.match(certificate["number"])
    assert certificate["amount_fen"] == 10_000
    assert certificate["amount_in_words"] == "壹佰元整"
    assert certificate["donor_display_name"] == "热心的小林"
    assert certificate["project_title"] == "开平帮扶项目 近"
    first_png = png_of(api, token, donation_id)
    assert_font_draws_chinese()

    receipt = {"name": "林某某"}
    path = f"/me/donations/{donation_id}/receipt-request"
    first_request = api.post(path, receipt, token=token).expect(201)
    assert api.post(path, receipt, token=token).expect(200)["id"] == first_request["id"]

    # -- every webhook lost: the payment is only found by reconciliation --
    live.set_faults(webhook_drop_rate=1.0)
    lost = api.donate(token, {"project_id": near, "amount_fen": 5_000}).expect(201)
    lost_id = lost["donation"]["id"]
    assert confirm_payment(lost["payment"]).status_code == 200
    flushed = live.flush()
    assert flushed["pending"] == 0
    assert api.get(f"/donations/{lost_id}", token=token).expect(200)["status"] == "pending"
    result = live.app.test_cli_runner().invoke(args=["reconcile"])
    db.session.rollback()
    assert result.exit_code == 0, result.output
    assert re.search(r"[1-9]\d* applied", result.output), result.output
    assert api.get(f"/donations/{lost_id}", token=token).expect(200)["status"] == "succeeded"
    second_certificate = api.get(f"/me/donations/{lost_id}/certificate", token=token).expect(200)
    assert second_certificate["amount_in_words"] == "伍拾元整"
    assert second_certificate["number"] != certificate["number"]
    second_png = png_of(api, token, lost_id)
    assert ImageChops.difference(
        first_png.crop(AMOUNT_LINE), second_png.crop(AMOUNT_LINE)
    ).getbbox()
    assert not ImageChops.difference(
        first_png.crop(TITLE_AREA), second_png.crop(TITLE_AREA)
    ).getbbox()
    live.set_faults()

    # -- subscribe messages: one grant, one message; no grant, none --
    donor_id = me["id"]
    openid = openid_of(donor_id)
    other_openid = openid_of(api.patch("/me", {}, token=other).expect(200)["id"])
    sent = ended(lambda: send_pending(senders(current_wechat(), subscribe_templates())))
    assert sent == 1
    messages = wechat_messages(live, openid)
    assert [m["template_id"] for m in messages] == [template]
    assert wechat_messages(live, other_openid) == []
    assert ended(lambda: send_pending(senders(current_wechat(), subscribe_templates()))) == 0
    assert len(wechat_messages(live, openid)) == 1

    # -- leaving: the identity goes, the donations stay --
    assert api.delete("/me", token=token).status == 204
    for reply in (
        api.get("/me/donations", token=token),
        api.get(f"/donations/{donation_id}", token=token),
        api.patch("/me", {}, token=token),
    ):
        assert (reply.status, reply.error_code) == (401, "invalid_token")

    def after_deletion() -> tuple[int, Donor | None, list[Donation]]:
        donations = list(db.session.scalars(select(Donation).where(Donation.donor_id == donor_id)))
        return len(donations), db.session.get(Donor, donor_id), donations

    def check_deletion() -> None:
        count, donor, donations = after_deletion()
        assert count == 2
        assert donor is not None
        assert (donor.openid, donor.display_name) == (None, None)
        assert donor.deleted_at is not None
        assert all(d.message is None and d.anonymous for d in donations)
        assert {d.status for d in donations} == {"succeeded"}

    ended(check_deletion)
    # The same WeChat user coming back is a new donor with no history.
    again = api.login(name)
    assert api.get("/me/donations", token=again).expect(200)["data"] == []
    card = api.get(f"/needs/{need}").expect(200)
    assert card["raised_fen"] == 10_000


def test_gifts_paid_at_the_same_moment_never_overfill_a_need(live: LiveStack) -> None:
    """Both webhooks race for the need's row: one gift fills what is left, the other's
    overshoot goes to the pool, whichever lands first."""
    api = live.api()
    project = make_project()
    need = list_need(make_office(), project, 10_000)
    db.session.rollback()
    live.set_faults(webhook_delay_ms=[0, 50], seed=3)
    donors = [api.login(), api.login()]
    gifts = [
        api.donate(token, {"project_id": project, "need_id": need, "amount_fen": 7_000}).expect(201)
        for token in donors
    ]
    with ThreadPoolExecutor(max_workers=2) as pool:
        confirmations = list(pool.map(lambda g: confirm_payment(g["payment"]), gifts))
    assert [c.status_code for c in confirmations] == [200, 200]
    paid = [
        wait_for_status(api, token, gift["donation"]["id"], "succeeded")
        for token, gift in zip(donors, gifts, strict=True)
    ]
    assert sorted(d["redirected_to_pool"] for d in paid) == [False, True]
    card = api.get(f"/needs/{need}").expect(200)
    assert (card["raised_fen"], card["amount_fen"], card["status"]) == (10_000, 10_000, "funded")
    redirected = next(
        (token, d) for token, d in zip(donors, paid, strict=True) if d["redirected_to_pool"]
    )
    history = api.get("/me/donations", token=redirected[0]).expect(200)["data"]
    assert sorted((w["amount_fen"], w["status"]) for w in history[0]["went_to"]) == [
        (3_000, "funded"),
        (4_000, "in_pool"),
    ]
