"""The jobs and bases wing: bases, placements and hours; employers, openings, referrals
and retention; training partners and the staff accounts linked to them; consent per
enrolment, placement and referral; skills training and the seat-allocation engine.

Domain packages (each with its models, services, forms, views and templates where it
has them, and its own `init_app(app)`): `partners/` (training partners, the links of
partner and base-contact accounts, their access period), `consent/` (what may be shared
about one person for one enrolment, placement or referral), `bases/` (bases, placements,
sessions and hours), `jobs/` (employers, openings, referrals, outcomes, follow-ups),
`training/` (courses, applications, seats, offers, attendance, certificates), `seats`
(the pure engine). `lifecycle.py` is how each domain follows a person's case (ended,
transferred, anonymised) in the same transaction.

Nothing is imported at module level: `python -m jobs_bases.seats` must not pay for
Flask and SQLAlchemy. `init_app` wires the wing into the portal.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from flask import Flask


# The wing's settings and their defaults; the environment overrides each (docs/jobs_bases.md).
SETTINGS = {
    # A partner or base-contact account linked before anything is scheduled for its
    # partner or base gets this many days of access; renewal then follows the schedule.
    "ACCESS_GRACE_DAYS": 30,
    # Admins get a task this many days before such an account's access ends.
    "ACCESS_REMIND_DAYS": 14,
    # How often the wing's periodic jobs (follow-up tasks, access expiry) run.
    "JOBS_BASES_INTERVAL_S": 3600,
    # The longest session at a base one log may record.
    "MAX_SESSION_HOURS": 12,
}


def load_models() -> None:
    """Every table of the wing on the shared metadata (for the mapper and Alembic)."""
    import jobs_bases.bases.models
    import jobs_bases.consent.models
    import jobs_bases.jobs.models
    import jobs_bases.partners.models
    import jobs_bases.training.models  # noqa: F401


def init_app(app: Flask) -> None:
    """Settings, then each domain's own `init_app` (blueprints, commands, periodic jobs,
    navigation, dashboard counts, lifecycle handlers, demo seeding)."""
    from core.wings import apply_settings, registry
    from jobs_bases import bases, consent, demo, jobs, partners, reports, training

    load_models()
    apply_settings(app, SETTINGS)
    for domain in (partners, consent, bases, jobs, training):
        domain.init_app(app)
    registry(app).demo_seeders.append(demo.seed_demo)
    registry(app).report_sections += reports.sections()
    registry(app).monthly_sheets.append(reports.monthly_sheet)
