"""The monthly statistics report for the county justice bureau, as one XLSX workbook.

One service for the command (`flask --app portal monthly-report --month 2026-11 --out
file.xlsx`) and the button on /reports: the same sheets, the same stamp (who made it and
when, in the header rows and the file name), the same audit entry.

Core writes the casework sheets (the caseload at the month's end, what happened in the
month, by town and by category); each wing adds its own through the registry
(`core.wings.WingRegistry.monthly_sheets`). The bureau is the casework authority and sees
every office: the figures are exact, minors included, and name no one.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from flask_babel import gettext
from sqlalchemy import case, func, or_, select

from core import audit
from core.audit import Actor, AuditEvent
from core.audit_actions import AuditAction
from core.db import db, utcnow
from core.errors import NotFound
from core.export import Export, Sheet, Stamp, write_workbook
from core.money import yuan_text
from core.needs.labels import CATEGORY_LABELS
from core.needs.models import Need, NeedCategory
from core.people.models import Person, PersonKind
from core.reports.casework import Scope, need_counts, needs_written_in, town_order
from core.reports.figures import DateRange
from core.timeutil import to_local
from core.users import ALL_OFFICE_ROLES, User
from core.wings import MonthlySheet

MAKERS = tuple(ALL_OFFICE_ROLES)  # admin and auditor: the report covers every office
COUNTY = Scope(offices=None, minors=True, suppress=False)
# The steps counted in the month, in the order the summary lists them.
MONTH_STEPS = (
    AuditAction.NEED_SUBMIT,
    AuditAction.NEED_APPROVE,
    AuditAction.NEED_PUBLISH,
    AuditAction.NEED_FUNDED,
    AuditAction.NEED_DISBURSED,
)


@dataclass(frozen=True)
class Caseload:
    correction: int
    resettlement: int
    new: int
    ended: int


def _caseload_by_town(month: DateRange) -> dict[str, Caseload]:
    """Per town: people open at the month's end by kind, registered and ended in the month."""
    open_at_end = (Person.created_at < month.end_utc) & or_(
        Person.ended_on.is_(None), Person.ended_on > month.end
    )
    rows = db.session.execute(
        select(
            Person.town,
            func.sum(
                case((open_at_end & (Person.kind == PersonKind.CORRECTION.value), 1), else_=0)
            ),
            func.sum(
                case((open_at_end & (Person.kind == PersonKind.RESETTLEMENT.value), 1), else_=0)
            ),
            func.sum(
                case(
                    (
                        (Person.created_at >= month.start_utc)
                        & (Person.created_at < month.end_utc),
                        1,
                    ),
                    else_=0,
                )
            ),
            func.sum(
                case(
                    ((Person.ended_on >= month.start) & (Person.ended_on <= month.end), 1),
                    else_=0,
                )
            ),
        ).group_by(Person.town)
    ).all()
    return {
        str(town or ""): Caseload(*(int(value or 0) for value in values)) for town, *values in rows
    }


def _steps_in(month: DateRange) -> dict[str, int]:
    rows = db.session.execute(
        select(AuditEvent.action, func.count(func.distinct(AuditEvent.object_id)))
        .where(
            AuditEvent.object_type == "need",
            AuditEvent.action.in_([step.value for step in MONTH_STEPS]),
            AuditEvent.occurred_at >= month.start_utc,
            AuditEvent.occurred_at < month.end_utc,
        )
        .group_by(AuditEvent.action)
    ).all()
    return {str(action): int(n) for action, n in rows}


def casework_sheets(month: DateRange) -> list[Sheet]:
    """The caseload and the needs of the month: summary, by town, by category; 4 queries."""
    caseload = _caseload_by_town(month)
    steps = _steps_in(month)
    by_town = need_counts(db.session.execute(needs_written_in(COUNTY, month, Person.town)).all())
    by_category = need_counts(
        db.session.execute(needs_written_in(COUNTY, month, Need.category)).all()
    )
    total = Caseload(
        sum(c.correction for c in caseload.values()),
        sum(c.resettlement for c in caseload.values()),
        sum(c.new for c in caseload.values()),
        sum(c.ended for c in caseload.values()),
    )
    summary = Sheet(
        gettext("Overview"),
        [gettext("Indicator"), gettext("Value")],
        [
            [gettext("People under community correction at the month's end"), total.correction],
            [gettext("People in post-release resettlement at the month's end"), total.resettlement],
            [gettext("People registered in the month"), total.new],
            [gettext("Cases ended in the month"), total.ended],
            [gettext("Needs written in the month"), sum(c.needs for c in by_town.values())],
            [gettext("Needs submitted for review"), steps.get(AuditAction.NEED_SUBMIT.value, 0)],
            [gettext("Needs approved"), steps.get(AuditAction.NEED_APPROVE.value, 0)],
            [gettext("Needs published to donors"), steps.get(AuditAction.NEED_PUBLISH.value, 0)],
            [gettext("Needs fully funded"), steps.get(AuditAction.NEED_FUNDED.value, 0)],
            [gettext("Needs paid out"), steps.get(AuditAction.NEED_DISBURSED.value, 0)],
        ],
        [gettext("Counts of needs count each need once per step, whoever took it.")],
    )
    towns = town_order(set(caseload) | set(by_town))
    town_sheet = Sheet(
        gettext("By town"),
        [
            gettext("Town"),
            gettext("Community correction"),
            gettext("Post-release resettlement"),
            gettext("Registered in the month"),
            gettext("Ended in the month"),
            gettext("Needs written"),
            gettext("Needs fully funded"),
            gettext("Amount funded (yuan)"),
        ],
        [
            [
                town,
                caseload.get(town, Caseload(0, 0, 0, 0)).correction,
                caseload.get(town, Caseload(0, 0, 0, 0)).resettlement,
                caseload.get(town, Caseload(0, 0, 0, 0)).new,
                caseload.get(town, Caseload(0, 0, 0, 0)).ended,
                by_town[town].needs if town in by_town else 0,
                by_town[town].funded if town in by_town else 0,
                yuan_text(by_town[town].funded_fen if town in by_town else 0),
            ]
            for town in towns
        ],
    )
    category_sheet = Sheet(
        gettext("By category"),
        [
            gettext("Category"),
            gettext("Needs written"),
            gettext("Amount needed (yuan)"),
            gettext("Needs fully funded"),
            gettext("Amount funded (yuan)"),
        ],
        [
            [
                str(CATEGORY_LABELS[category.value]),
                by_category[category.value].needs if category.value in by_category else 0,
                yuan_text(
                    by_category[category.value].amount_fen if category.value in by_category else 0
                ),
                by_category[category.value].funded if category.value in by_category else 0,
                yuan_text(
                    by_category[category.value].funded_fen if category.value in by_category else 0
                ),
            ]
            for category in NeedCategory
        ],
    )
    return [summary, town_sheet, category_sheet]


def monthly_report(
    user: User | None,
    month: DateRange,
    wing_sheets: Sequence[MonthlySheet] = (),
    *,
    ip: str | None = None,
) -> Export:
    """The month's statistics workbook, stamped with who made it and when, and on the
    record. `user` is None for the command line (a system actor); otherwise an admin or
    auditor, anyone else gets NotFound."""
    if user is not None and not user.has_role(*MAKERS):
        raise NotFound("There is no such page or record.")
    now = utcnow()
    label = month.start.strftime("%Y-%m")
    who = user.display_name if user is not None else gettext("Command line")
    stamp = Stamp(
        title=gettext(
            "Community corrections and resettlement: monthly statistics %(month)s", month=label
        ),
        username=user.username if user is not None else "cli",
        exported_at=now,
        lines=[
            (gettext("Month"), label),
            (gettext("Exported by"), who),
            (gettext("Exported at"), to_local(now).strftime("%Y-%m-%d %H:%M")),
        ],
    )
    sheets = casework_sheets(month) + [sheet(month) for sheet in wing_sheets]
    export = write_workbook(f"monthly-report_{label}", sheets, stamp)
    actor = (
        Actor(user.id, user.username, ip) if user is not None else Actor.system("monthly-report")
    )
    audit.record(
        actor,
        AuditAction.REPORT_MONTHLY_EXPORT,
        "report",
        None,
        month=label,
        format="xlsx",
        sections=[sheet.title for sheet in sheets],
    )
    db.session.commit()
    return export
