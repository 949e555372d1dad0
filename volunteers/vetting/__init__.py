"""Vetting of volunteers: documents seen, interview, confidentiality pledge, training,
juvenile clearance, and the decisions (approved, rejected, suspended) with reasons.
Staff pages under `/volunteers`.

A suspension is announced by `signals.volunteer_suspended`, in its transaction.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from flask import Flask


def init_app(app: Flask) -> None:
    from flask_babel import lazy_gettext as _l

    from core.wings import Count, NavItem, registry
    from volunteers.accounts.home import HomeSection, register_home_section
    from volunteers.accounts.signals import volunteer_registered
    from volunteers.vetting import services, views

    app.register_blueprint(views.bp)
    volunteer_registered.connect(services.on_volunteer_registered)
    register_home_section(
        app, HomeSection("vetting", 10, lambda me: views.render_status_section(me.id))
    )
    wings = registry(app)
    wings.nav.append(
        NavItem("vetting.volunteers", _l("Volunteers"), services.READERS, "/volunteers", order=50)
    )
    wings.counts.append(
        Count(
            _l("Volunteers awaiting vetting"),
            services.VETTERS,
            services.awaiting_count,
            "vetting.volunteers",
        )
    )
