"""Completion certificates: an unguessable number, a PNG drawn by core's certificate sheet
(a PDF is the same image in a PDF page, written by Pillow), and the public check by
number.

What a certificate and its public check say: the holder's name (masked in public), the
course, its certificate type, the partner who ran it and the date. Never the centre,
an office, or anything that would tell an employer the holder is under corrections or
in resettlement: course titles and certificate types are checked for that when saved.
"""

from __future__ import annotations

import io
import re
import secrets
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from flask import current_app
from PIL import Image
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from core import audit
from core.audit import Actor, AuditEvent
from core.audit_actions import AuditAction
from core.db import db, utcnow
from core.drawing import draw_certificate
from core.errors import NotFound, PermissionDenied
from core.people.models import Person
from core.privacy import mask_name
from core.users import User
from jobs_bases.training.completion import attendance_pct
from jobs_bases.training.models import (
    Attendance,
    Certificate,
    Course,
    CourseSession,
    Enrolment,
)
from jobs_bases.training.scope import sees_person_row

# Crockford's base 32: no I, L, O or U to misread when typed from paper.
ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
RANDOM_CHARS = 12  # 60 random bits
_NUMBER = re.compile(r"^T\d{4}-[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}$")
LINE_CHARS = 26  # what fits on one line of the certificate sheet


def new_number(year: int) -> str:
    """T2025-7K3M-Q9ZD-XW2H: the year, then 60 random bits in three groups."""
    body = "".join(secrets.choice(ALPHABET) for _ in range(RANDOM_CHARS))
    return f"T{year}-{body[:4]}-{body[4:8]}-{body[8:]}"


def normalise_number(raw: str) -> str | None:
    """What a person typed, as a certificate number (None when it cannot be one)."""
    number = re.sub(r"\s+", "", raw or "").upper()[:40]
    return number if _NUMBER.match(number) else None


def issue_certificate(enrolment: Enrolment, issued_on: date) -> Certificate:
    """Number and issue the certificate of a completed enrolment (caller's transaction)."""
    for _attempt in range(5):
        certificate = Certificate(
            enrolment_id=enrolment.id,
            number=new_number(issued_on.year),
            issued_on=issued_on,
            issued_at=utcnow(),
        )
        try:
            with db.session.begin_nested():
                db.session.add(certificate)
        except IntegrityError:
            continue  # 1 in 2**60: draw again
        return certificate
    raise RuntimeError("no free certificate number after five draws")


@dataclass(frozen=True)
class CertificateText:
    number: str
    holder: str
    course_title: str
    certificate_type: str
    partner: str
    starts_on: date
    ends_on: date
    issued_on: date
    attendance_pct: int


def _text(certificate: Certificate) -> CertificateText:
    enrolment = certificate.enrolment
    course: Course = enrolment.course
    person = db.session.get_one(Person, enrolment.person_id)
    sessions = db.session.scalar(
        select(func.count()).select_from(CourseSession).where(CourseSession.course_id == course.id)
    )
    present = db.session.scalar(
        select(func.count())
        .select_from(Attendance)
        .where(Attendance.enrolment_id == enrolment.id, Attendance.present.is_(True))
    )
    return CertificateText(
        number=certificate.number,
        holder=str(person.name or ""),
        course_title=course.title,
        certificate_type=course.certificate_type,
        partner=course.partner.name,
        starts_on=course.starts_on,
        ends_on=course.ends_on,
        issued_on=certificate.issued_on,
        attendance_pct=attendance_pct(present or 0, sessions or 0),
    )


def _wrap(text: str) -> list[str]:
    return [text[i : i + LINE_CHARS] for i in range(0, len(text), LINE_CHARS)] or [""]


def _day(value: date) -> str:
    return f"{value.year}年{value.month}月{value.day}日"


def certificate_lines(text: CertificateText) -> list[str]:
    """What the certificate says, line by line."""
    sentence = (
        f"{text.holder}于{_day(text.starts_on)}至{_day(text.ends_on)}参加"
        f"“{text.course_title}”培训，出勤率{text.attendance_pct}%，"
        "经考核合格，准予结业。"
    )
    return [*_wrap(sentence), f"证书类型：{text.certificate_type}", "特发此证。"]


def certificate_png(text: CertificateText) -> bytes:
    """Raises core.drawing.FontMissing when no CJK font is installed."""
    return draw_certificate(
        "培训结业证书", certificate_lines(text), text.number, text.issued_on, text.partner
    )


def png_to_pdf(png: bytes) -> bytes:
    """The same sheet as a one-page PDF (A4 landscape at this resolution)."""
    image = Image.open(io.BytesIO(png)).convert("RGB")
    out = io.BytesIO()
    image.save(out, format="PDF", resolution=120.0)
    return out.getvalue()


def download_certificate(
    actor: User, enrolment_id: int, fmt: str, *, ip: str | None = None
) -> tuple[CertificateText, bytes]:
    """The certificate as PNG or PDF, for staff who may reveal the holder's name within
    their scope (it shows the name in clear); audited as a reveal."""
    certificate = db.session.scalar(
        select(Certificate).where(Certificate.enrolment_id == enrolment_id)
    )
    if certificate is None:
        raise NotFound("No such certificate.")
    enrolment = certificate.enrolment
    person = db.session.get_one(Person, enrolment.person_id)
    if not sees_person_row(actor, enrolment.office_id, person.is_minor):
        raise NotFound("No such certificate.")
    if not actor.may_reveal:
        raise PermissionDenied("Your role cannot print names in clear.")
    text = _text(certificate)
    png = certificate_png(text)
    body = png if fmt == "png" else png_to_pdf(png)
    audit.record(
        Actor(actor.id, actor.username, ip),
        AuditAction.TRAINING_CERTIFICATE_DOWNLOAD,
        "training_certificate",
        certificate.id,
        office_id=enrolment.office_id,
        format=fmt,
    )
    db.session.commit()
    return text, body


# -- the public check ---------------------------------------------------------------------


@dataclass(frozen=True)
class PublicCertificate:
    """All the public check tells: nothing of offices, the centre or the person's case."""

    number: str
    masked_name: str
    course_title: str
    certificate_type: str
    partner: str
    issued_on: date


class TooManyChecks(Exception):
    """This address checked too many numbers lately: answer 429."""


def _recent_checks(ip: str, now: datetime) -> int:
    since = now - timedelta(seconds=int(current_app.config["TRAINING_CHECK_WINDOW_S"]))
    return (
        db.session.scalar(
            select(func.count())
            .select_from(AuditEvent)
            .where(
                AuditEvent.action == AuditAction.TRAINING_CERTIFICATE_CHECK,
                AuditEvent.ip == ip,
                AuditEvent.occurred_at >= since,
            )
        )
        or 0
    )


def check_certificate(
    raw_number: str, ip: str, *, now: datetime | None = None
) -> PublicCertificate | None:
    """Look a certificate up by number for anyone (no login). Each check is audited with
    the address; an address may check TRAINING_CHECKS_PER_WINDOW numbers per
    TRAINING_CHECK_WINDOW_S seconds, so numbers cannot be tried in bulk (past it:
    TooManyChecks, and nothing is recorded)."""
    now = now or utcnow()
    if _recent_checks(ip, now) >= int(current_app.config["TRAINING_CHECKS_PER_WINDOW"]):
        db.session.rollback()
        raise TooManyChecks
    number = normalise_number(raw_number)
    certificate = (
        None
        if number is None
        else db.session.scalar(select(Certificate).where(Certificate.number == number))
    )
    audit.record(
        Actor(None, "public", ip),
        AuditAction.TRAINING_CERTIFICATE_CHECK,
        "training_certificate",
        None if certificate is None else certificate.id,
        found=certificate is not None,
    )
    found = None
    if certificate is not None:
        text = _text(certificate)
        found = PublicCertificate(
            number=text.number,
            masked_name=mask_name(text.holder),
            course_title=text.course_title,
            certificate_type=text.certificate_type,
            partner=text.partner,
            issued_on=text.issued_on,
        )
    db.session.commit()
    return found


def certificate_of(enrolment_id: int) -> Certificate | None:
    return db.session.scalar(select(Certificate).where(Certificate.enrolment_id == enrolment_id))
