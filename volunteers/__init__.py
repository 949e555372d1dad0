"""The volunteers wing: volunteer accounts and their own pages, vetting, programmes,
activities and shifts, sign-ups and hours, mentoring, and the pairing engine.

Domain packages (each with its models, services, forms, views and templates where it
has them): `accounts/` (volunteers and organisations, registration, login, password
reset, the volunteer's session and home page), `vetting/` (documents, interview,
confidentiality pledge, training, juvenile clearance, decisions), `programmes/`
(programmes, activities, shifts, sign-ups, waitlists, hours and certificates),
`mentoring/` (pairs and meetings) and `pairing` (the pure engine).

Inside the wing, imports point down: mentoring -> programmes -> vetting -> accounts
(a contract in pyproject.toml). A lower package tells a higher one what happened
through a signal (`vetting.signals.volunteer_suspended`) or a registry (the home page's
sections, `accounts.home`), never by importing it.

Nothing is imported at module level: `python -m volunteers.pairing` must not pay for
Flask and SQLAlchemy. `init_app` wires the wing into the portal.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from flask import Flask


# The wing's settings and their defaults; the environment overrides each (docs/volunteers.md).
SETTINGS = {
    # A volunteer's login lasts this long (seconds) without logging in again.
    "VOLUNTEER_SESSION_LIFETIME_S": 7 * 24 * 3600,
    # A password-reset link works once, for this long (seconds).
    "VOLUNTEER_RESET_TOKEN_TTL_S": 3600,
    # The code of conduct a volunteer agrees to when registering.
    "VOLUNTEER_CONDUCT_VERSION": "2025-01",
    # Sign-ups close, and cancelling ends, this many hours before a shift starts.
    "VOLUNTEER_SIGNUP_CUTOFF_H": 24,
    # Reminders of a shift go out this many hours before it starts.
    "VOLUNTEER_REMINDER_LEAD_H": 24,
    "VOLUNTEER_REMINDER_INTERVAL_S": 900,
    "VOLUNTEER_MESSAGES_INTERVAL_S": 30,
    # Where links in messages point; empty means this machine's portal port.
    "VOLUNTEER_BASE_URL": "",
    # Email through an SMTP relay when a host is set; else messages are files under
    # instance/volunteer-messages (development).
    "VOLUNTEER_SMTP_HOST": "",
    "VOLUNTEER_SMTP_PORT": 25,
    "VOLUNTEER_MAIL_FROM": "volunteers@localhost",
}


def load_models() -> None:
    """Every table of the wing on the shared metadata (for the mapper and Alembic)."""
    import volunteers.accounts.models
    import volunteers.mentoring.models
    import volunteers.programmes.models
    import volunteers.vetting.models  # noqa: F401


def init_app(app: Flask) -> None:
    """Settings, blueprints, signals, navigation, dashboard counts, jobs and demo seeding
    of each domain package: each package's own `init_app` says what it adds."""
    from core.wings import apply_settings, registry
    from volunteers import accounts, demo, mentoring, programmes, vetting

    load_models()
    apply_settings(app, SETTINGS)
    for package in (accounts, vetting, programmes):
        package.init_app(app)
    registry(app).demo_seeders.append(demo.seed_demo_volunteers)
    mentoring.init_app(app)  # after the volunteers' demo: its seeder pairs their volunteers
