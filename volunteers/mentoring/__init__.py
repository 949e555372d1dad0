"""Mentoring pairs (黄丝带帮教): the mentee's profile, consent and conflicts kept by
casework staff; pairing runs that score candidates (volunteers.pairing.scoring) and
let the engine (volunteers.pairing) choose; the coordinator's approval and, for a
minor, the officer's confirmation; the volunteer's mentee page and meeting log with
its concern flag; and the ends: consent withdrawn, case ended, transfer,
anonymisation, volunteer suspended. docs/mentoring.md says how and why.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from flask import Flask

SETTINGS = {
    # Mentees a volunteer takes at once until a coordinator sets their own number.
    "MENTORING_DEFAULT_CAPACITY": 1,
}


def init_app(app: Flask) -> None:
    from flask_babel import lazy_gettext as _l

    from core import signals
    from core.wings import Count, NavItem, Urgency, apply_settings, registry
    from volunteers.accounts.home import HomeSection, register_home_section
    from volunteers.mentoring import demo, lifecycle, queries, views, volunteer_views
    from volunteers.mentoring.access import CASEWORKERS, COORDINATORS, STAFF
    from volunteers.vetting.signals import volunteer_suspended

    apply_settings(app, SETTINGS)
    app.register_blueprint(views.bp)
    app.register_blueprint(volunteer_views.bp)
    register_home_section(app, HomeSection("mentoring", 30, volunteer_views.render_home_section))
    signals.person_ended.connect(lifecycle.on_person_ended)
    signals.person_transferred.connect(lifecycle.on_person_transferred)
    signals.person_anonymised.connect(lifecycle.on_person_anonymised)
    volunteer_suspended.connect(lifecycle.on_volunteer_suspended)

    wings = registry(app)
    wings.nav.append(
        NavItem("mentoring.index", _l("Mentoring"), STAFF, "/volunteers/mentoring", order=53)
    )
    wings.counts += [
        Count(
            _l("Mentoring pairs to approve"),
            COORDINATORS,
            queries.to_approve_count,
            "mentoring.index",
            params=(("_anchor", "to-approve"),),
        ),
        Count(
            _l("Mentoring pairs awaiting your confirmation"),
            CASEWORKERS,
            queries.awaiting_confirmation_count,
            "mentoring.index",
            params=(("_anchor", "awaiting-officer"),),
        ),
        Count(
            _l("Mentoring concerns open"),
            CASEWORKERS,
            queries.open_concern_count,
            "mentoring.concerns",
            urgency=Urgency.NOW,
            order=15,
        ),
    ]
    wings.demo_seeders.append(demo.seed_demo_mentoring)
