"""Programmes, their activities and shifts; sign-ups with a waitlist; check-in and
check-out; hours, their approval, certificates and exports.

Staff pages (`/programs`, `/activities`) are in `views.py`; the volunteer's shift pages
(`/v/shifts`, `/v/signups`, `/v/hours`, `/v/certificates`) in `volunteer_views.py`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from flask import Flask


def init_app(app: Flask) -> None:
    from flask_babel import lazy_gettext as _l

    from core.wings import Count, NavItem, PeriodicJob, registry
    from volunteers.accounts.home import HomeSection, register_home_section
    from volunteers.programmes import hours, reminders, reports, signups, views, volunteer_views
    from volunteers.programmes.scope import CREATORS, STAFF
    from volunteers.vetting.signals import volunteer_suspended

    app.register_blueprint(views.bp)
    app.register_blueprint(volunteer_views.bp)
    app.jinja_env.filters["hours"] = hours.format_hours
    reminders.register_texts(app)
    register_home_section(
        app, HomeSection("shifts", 20, lambda me: volunteer_views.render_home_section(me.id))
    )
    volunteer_suspended.connect(signups.on_volunteer_suspended)
    wings = registry(app)
    wings.report_sections += reports.sections()
    wings.monthly_sheets.append(reports.monthly_sheet)
    wings.nav += [
        NavItem("programmes.programmes", _l("Programs"), STAFF, "/programs", order=51),
        NavItem("programmes.activities", _l("Activities"), STAFF, "/activities", order=52),
    ]
    wings.counts.append(
        Count(
            _l("Volunteer hours to approve"),
            CREATORS,
            hours.pending_count,
            "programmes.hours_to_approve",
        )
    )
    wings.jobs.append(
        PeriodicJob(
            "volunteer-reminders",
            lambda config: int(config["VOLUNTEER_REMINDER_INTERVAL_S"]),
            reminders.run_reminders,
            label=_l("Remind volunteers of their shifts"),
        )
    )
