"""Consent per enrolment, placement and referral: what may be told about one person,
for one subject, to the partner, the base or the employer."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from flask import Flask


def init_app(app: Flask) -> None:
    from jobs_bases.consent import services
    from jobs_bases.lifecycle import follow_person

    follow_person(ended=services.on_person_ended, anonymised=services.on_person_anonymised)
