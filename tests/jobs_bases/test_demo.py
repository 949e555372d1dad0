"""The wing's part of the Kaiping demo: 22 bases across the 15 towns, placements with hours
at every stage, employers and referrals at every stage, linked demo accounts."""

from __future__ import annotations

from sqlalchemy import func, select

from core.db import db
from core.tasks.models import Task
from core.towns import TOWN_NAMES
from core.users import user_by_username
from jobs_bases.bases.models import Base, BaseSession, Placement
from jobs_bases.bases.queries import idle_placements
from jobs_bases.jobs.models import Referral
from jobs_bases.partners.services import linked_base_id, linked_partner_id


def test_the_demo_seeds_bases_hours_and_referrals(ctx):
    result = ctx.test_cli_runner().invoke(args=["seed-demo"])
    assert result.exit_code == 0, result.output

    bases = db.session.scalars(select(Base)).all()
    assert len(bases) == 22 and {b.town for b in bases} == set(TOWN_NAMES)
    assert (db.session.scalar(select(func.count()).select_from(Placement)) or 0) >= 40
    statuses = set(db.session.scalars(select(BaseSession.status).distinct()))
    assert statuses == {"approved", "pending", "declined"}
    stages = set(db.session.scalars(select(Referral.status).distinct()))
    assert stages == {"referred", "hired", "not_hired", "left", "withdrawn"}
    assert db.session.scalars(select(Task).where(Task.kind == "retention_follow_up")).all()
    contact = user_by_username("base-contact")
    trainer = user_by_username("trainer")
    assert contact is not None and linked_base_id(contact) is not None
    assert trainer is not None and linked_partner_id(trainer) is not None
    admin = user_by_username("admin")
    assert admin is not None and idle_placements(admin)
