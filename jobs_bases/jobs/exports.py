"""Job openings, employers and referrals as files for people: CSV or XLSX, as the lists
filter them.

Chinese headers, wages in yuan written exactly from fen, statuses in words. A referral's
person is masked as on the list, and only referrals of people in the viewer's scope are
in the file.
"""

from __future__ import annotations

from flask_babel import gettext

from core.audit_actions import AuditAction
from core.export import Cell, Export
from core.list_export import ExportRequest, ListExport, audited_export, rows_of
from core.money import yuan_text
from core.privacy import mask_name
from jobs_bases.jobs.employers import list_employers
from jobs_bases.jobs.forms import STATUS_LABELS
from jobs_bases.jobs.models import Opening, OpeningStatus, Referral
from jobs_bases.jobs.queries import OpeningFilter, ReferralFilter, opening_query, referral_query


def export_openings(request: ExportRequest, filters: OpeningFilter) -> Export:
    """The job openings, filtered as the list is, newest first."""
    headers = [
        gettext("Number"),
        gettext("Job"),
        gettext("Employer"),
        gettext("Town"),
        gettext("Seats"),
        gettext("Lowest monthly wage (yuan)"),
        gettext("Highest monthly wage (yuan)"),
        gettext("Status"),
    ]
    rows: list[list[Cell]] = [
        [
            opening.id,
            opening.title,
            opening.employer.name,
            opening.town,
            opening.seats,
            yuan_text(opening.wage_min_fen),
            yuan_text(opening.wage_max_fen),
            gettext("Open") if opening.status == OpeningStatus.OPEN else gettext("Closed"),
        ]
        for opening in rows_of(opening_query(filters).order_by(Opening.id.desc()))
    ]
    kind = ListExport("openings", gettext("Job openings"), AuditAction.OPENING_EXPORT, "opening")
    return audited_export(request, kind, headers, rows)


def export_employers(request: ExportRequest) -> Export:
    """Every employer, by name, with its contact as the employers page shows it."""
    headers = [
        gettext("Employer"),
        gettext("Town"),
        gettext("Contact person"),
        gettext("Contact phone"),
        gettext("Status"),
    ]
    rows: list[list[Cell]] = [
        [
            employer.name,
            employer.town,
            employer.contact_name,
            employer.contact_phone,
            gettext("Active") if employer.active else gettext("Inactive"),
        ]
        for employer in list_employers()
    ]
    kind = ListExport("employers", gettext("Employers"), AuditAction.EMPLOYER_EXPORT, "employer")
    return audited_export(request, kind, headers, rows)


def export_referrals(request: ExportRequest, filters: ReferralFilter) -> Export:
    """The referrals of people in the asker's scope, filtered as the list is, newest first."""
    headers = [
        gettext("Number"),
        gettext("Person"),
        gettext("Job"),
        gettext("Employer"),
        gettext("Town"),
        gettext("Referred on"),
        gettext("Status"),
    ]
    rows: list[list[Cell]] = [
        [
            referral.id,
            mask_name(referral.person.name),
            referral.opening.title,
            referral.opening.employer.name,
            referral.opening.town,
            referral.referred_on.isoformat(),
            str(STATUS_LABELS.get(referral.status, referral.status)),
        ]
        for referral in rows_of(referral_query(request.actor, filters).order_by(Referral.id.desc()))
    ]
    kind = ListExport("referrals", gettext("Referrals"), AuditAction.REFERRAL_EXPORT, "referral")
    return audited_export(request, kind, headers, rows)
