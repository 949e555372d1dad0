"""A donor may delete their account: their identity goes, their gifts stay in the books
without a name or message, the token stops working, and the deletion is audited."""

from __future__ import annotations

from core.audit_actions import AuditAction
from donations.donors.models import Donor
from donations.giving.models import Donation
from tests.api.support import MpApi
from tests.donations.factories import make_project
from tests.factories import audit_events, fresh


def test_a_deleted_account_keeps_its_gifts_anonymous_and_is_on_the_record(api: MpApi) -> None:
    token = api.login()
    body = {"project_id": make_project(), "amount_fen": 5_000, "message": "加油，早日康复"}
    gift_id = api.donate(token, body).expect(201)["donation"]["id"]
    donor_id = api.patch("/me", {"display_name": "开平老街坊"}, token=token).expect(200)["id"]

    assert api.delete("/me", token=token).status == 204

    assert api.get("/me/donations", token=token).status == 401
    donor = fresh(Donor, donor_id)
    assert (donor.openid, donor.display_name) == (None, None)
    assert donor.deleted_at is not None
    gift = fresh(Donation, gift_id)
    assert (gift.amount_fen, gift.message, gift.anonymous) == (5_000, None, True)
    [entry] = audit_events(AuditAction.DONOR_DELETE, donor_id)
    assert (entry.actor_id, entry.actor_label, entry.object_type) == (None, "donor", "donor")
