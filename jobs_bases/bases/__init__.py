"""Bases (教育基地, 公益基地, 就业基地): the bases themselves, the people placed at them for a
period, and the sessions they log there, approved or declined."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from flask import Flask


def init_app(app: Flask) -> None:
    from flask_babel import lazy_gettext as _l

    from core.users import Role
    from core.wings import Count, NavItem, PersonPanel, Urgency, registry
    from jobs_bases.bases import lifecycle, panel, placement_views, queries, views
    from jobs_bases.lifecycle import follow_person
    from jobs_bases.partners.access import register_horizon
    from jobs_bases.views_common import BASE_READERS, STAFF_READERS, STAFF_WRITERS

    app.register_blueprint(views.bp)
    app.register_blueprint(placement_views.bp)
    register_horizon(lifecycle.placements_end)
    follow_person(
        ended=lifecycle.on_person_ended,
        transferred=lifecycle.on_person_transferred,
        anonymised=lifecycle.on_person_anonymised,
    )
    wings = registry(app)
    wings.nav.append(
        NavItem("bases.index", _l("Bases"), frozenset(BASE_READERS), "/bases", order=40)
    )
    wings.counts += [
        Count(
            _l("Hours approved this month"),
            frozenset(STAFF_READERS),
            queries.hours_this_month,
            "placements.activity",
            urgency=Urgency.FIGURE,
        ),
        Count(
            _l("People placed at bases"),
            frozenset(STAFF_READERS),
            queries.people_placed,
            "placements.index",
            urgency=Urgency.FIGURE,
        ),
        Count(
            _l("Sessions awaiting approval"),
            frozenset({*STAFF_WRITERS, Role.BASE_CONTACT}),
            queries.pending_sessions,
            "placements.index",
            order=30,
            params=(("pending", "hours"),),
        ),
    ]
    wings.person_panels.append(PersonPanel("bases/person_panel.html", panel.person_panel_context))
