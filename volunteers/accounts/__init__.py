"""Volunteer accounts: volunteers and organisations, registration, login and logout,
password reset, the volunteer's own session, messages to volunteers, and the home
page whose sections the wing's other packages register (`home.register_home_section`)."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from flask import Flask


def init_app(app: Flask) -> None:
    from flask_babel import lazy_gettext as _l

    from core.wings import PeriodicJob, registry
    from volunteers.accounts import identity, messages, views

    app.register_blueprint(views.bp)
    messages.init_messages(app)
    wings = registry(app)
    wings.error_renderers["/v/"] = views.render_volunteer_error
    wings.rotations.append(identity.ROTATED)
    wings.jobs.append(
        PeriodicJob(
            "volunteer-messages",
            lambda config: int(config["VOLUNTEER_MESSAGES_INTERVAL_S"]),
            messages.send_volunteer_messages,
            label=_l("Send messages to volunteers"),
        )
    )
