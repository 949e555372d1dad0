"""Skills training (技能培训): rounds and courses with their partners and sessions,
applications with ranked choices and priority points, seat allocation by the seat
engine (jobs_bases.seats), offers, waitlists and their cascade, attendance, completion,
certificates with a public check, and employment outcomes. docs/training.md.

Modules: `models`; `points` and `completion` (pure rules); `eligibility`; `courses`
(rounds, courses, sessions); `applications`; `allocation` (runs and publication);
`offers` (answers, expiry, the waitlist cascade); `classes` (trainees, attendance,
exams, closing); `certificates`; `outcomes`; `lifecycle`; `dashboard`; `queries` and
`details` (what pages read); `notify` (tasks and outbox notices for the office);
views in `views` (courses, rounds, runs), `application_views`, `class_views` and
`public_views` (the certificate check).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from flask import Flask

# The training settings and their defaults; the environment overrides each.
SETTINGS = {
    # Days after the day an offer is made that it may still be accepted.
    "TRAINING_OFFER_DAYS": 7,
    # How often the training job runs (offer expiry, the waitlist cascade, follow-ups).
    "TRAINING_JOB_INTERVAL_S": 900,
    # The public certificate check: this many lookups per address per window.
    "TRAINING_CHECKS_PER_WINDOW": 20,
    "TRAINING_CHECK_WINDOW_S": 600,
}


def run_periodic() -> None:
    """Expire offers and cascade their seats, catch up free seats, open follow-ups."""
    from jobs_bases.training import offers, outcomes

    offers.periodic()
    outcomes.open_outcome_tasks()


def init_app(app: Flask) -> None:
    from flask_babel import lazy_gettext as _l

    from core.users import CASEWORK_ROLES, Role
    from core.wings import (
        Count,
        DashboardPanel,
        NavItem,
        PeriodicJob,
        Urgency,
        apply_settings,
        registry,
    )
    from jobs_bases.lifecycle import follow_person
    from jobs_bases.partners.access import register_horizon
    from jobs_bases.training import (
        application_views,
        class_views,
        dashboard,
        lifecycle,
        notify,
        public_views,
        views,
    )
    from jobs_bases.training.scope import TRAINING_ROLES

    apply_settings(app, SETTINGS)
    for module in (views, application_views, class_views, public_views):
        app.register_blueprint(module.bp)
    wings = registry(app)
    wings.nav.append(
        NavItem("courses.index", _l("Training"), frozenset(TRAINING_ROLES), "/courses", order=46)
    )
    wings.jobs.append(
        PeriodicJob(
            "training",
            lambda config: int(config["TRAINING_JOB_INTERVAL_S"]),
            run_periodic,
            label=_l("Training offers and waiting lists"),
        )
    )
    wings.counts += [
        Count(
            _l("Training seats open"),
            CASEWORK_ROLES,
            dashboard.seats_open,
            "courses.index",
            urgency=Urgency.FIGURE,
        ),
        Count(
            _l("Training offers about to expire"),
            frozenset({Role.OFFICER}),
            dashboard.offers_expiring,
            "inbox.tasks_page",
            urgency=Urgency.NOW,
            order=30,
            params=(("kind", notify.OFFER_TASK_KIND), ("due", "soon")),
        ),
        Count(
            _l("Training applications pending"),
            CASEWORK_ROLES,
            dashboard.pending_applications,
            "course_applications.index",
        ),
        Count(
            _l("Class sessions today"),
            frozenset({Role.TRAINING_PARTNER}),
            dashboard.sessions_today,
            "courses.index",
            urgency=Urgency.NOW,
            order=10,
        ),
    ]
    wings.dashboard_panels += [
        DashboardPanel(
            "training/panel_offices.html", CASEWORK_ROLES, dashboard.office_panel, order=40
        ),
        DashboardPanel(
            "training/panel_partner.html",
            frozenset({Role.TRAINING_PARTNER}),
            dashboard.partner_panel,
            order=40,
        ),
    ]
    notify.register_notices()
    register_horizon(lifecycle.courses_end)
    follow_person(
        ended=lifecycle.on_person_ended,
        transferred=lifecycle.on_person_transferred,
        anonymised=lifecycle.on_person_anonymised,
    )
