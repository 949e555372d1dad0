"""Demo training partners; the demo `trainer` account speaks for the labour bureau."""

from __future__ import annotations

from core.users import User, user_by_username
from jobs_bases.partners.models import PartnerKind
from jobs_bases.partners.services import PartnerInput, link_account, save_partner

PARTNERS = (
    ("开平市人力资源和社会保障局", PartnerKind.LABOUR_BUREAU, "培训股 梁科长", "0750-2212345"),
    ("开平市高级技工学校", PartnerKind.SCHOOL, "教务处 周老师", "0750-2298765"),
)


def seed_partners(admin: User) -> None:
    saved = [
        save_partner(admin, None, PartnerInput(name, kind, contact, phone))
        for name, kind, contact, phone in PARTNERS
    ]
    trainer = user_by_username("trainer")
    if trainer is not None:
        link_account(admin, trainer.id, partner_id=saved[0].id)
