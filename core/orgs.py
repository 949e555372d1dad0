"""Organisation units: a county bureau, its corrections centre, and one judicial office per town."""

from __future__ import annotations

import enum

from sqlalchemy import ForeignKey, String, select
from sqlalchemy.orm import Mapped, mapped_column

from core.db import Base, db


class UnitKind(enum.StrEnum):
    BUREAU = "bureau"
    CENTRE = "centre"
    OFFICE = "office"


class OrgUnit(Base):
    __tablename__ = "org_unit"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(16))
    name: Mapped[str] = mapped_column(String(120))
    code: Mapped[str] = mapped_column(String(64), unique=True)
    town: Mapped[str | None] = mapped_column(String(64))
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("org_unit.id"), index=True)

    def __repr__(self) -> str:
        return f"<OrgUnit {self.code}>"


def all_offices() -> list[OrgUnit]:
    return list(
        db.session.scalars(
            select(OrgUnit).where(OrgUnit.kind == UnitKind.OFFICE).order_by(OrgUnit.id)
        )
    )


def offices_under(unit_id: int) -> list[int]:
    """Ids of the offices at or below a unit (a bureau scope sees all its offices)."""
    units = list(db.session.execute(select(OrgUnit.id, OrgUnit.parent_id, OrgUnit.kind)))
    children: dict[int | None, list[int]] = {}
    kinds: dict[int, str] = {}
    for unit_id_, parent_id, kind in units:
        children.setdefault(parent_id, []).append(unit_id_)
        kinds[unit_id_] = kind
    found: list[int] = []
    stack = [unit_id]
    while stack:
        current = stack.pop()
        if kinds.get(current) == UnitKind.OFFICE:
            found.append(current)
        stack.extend(children.get(current, []))
    return sorted(found)


def units_under(unit_id: int) -> list[int]:
    """Ids of every unit at or below a unit, whatever its kind."""
    children: dict[int | None, list[int]] = {}
    for unit_id_, parent_id in db.session.execute(select(OrgUnit.id, OrgUnit.parent_id)):
        children.setdefault(parent_id, []).append(unit_id_)
    found: list[int] = []
    stack = [unit_id]
    while stack:
        current = stack.pop()
        found.append(current)
        stack.extend(children.get(current, []))
    return sorted(found)


def all_units() -> list[OrgUnit]:
    """Every unit, bureau and centre included (what a staff scope may be)."""
    return list(db.session.scalars(select(OrgUnit).order_by(OrgUnit.id)))
