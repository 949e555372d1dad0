"""Training partners (the labour bureau, schools) and the staff accounts linked to a
partner or to a base, with their access period."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from flask import Flask


def init_app(app: Flask) -> None:
    from flask_babel import lazy_gettext as _l

    from core.users import Role
    from core.wings import NavItem, PeriodicJob, StaffLinkOption, UserPanel, registry
    from jobs_bases.partners import access, services, views

    app.register_blueprint(views.bp)
    wings = registry(app)
    wings.nav.append(
        NavItem(
            "partners.partners",
            _l("Partners"),
            frozenset({Role.ADMIN, Role.AUDITOR}),
            "/partners",
            order=44,
        )
    )
    wings.staff_links += [
        StaffLinkOption(
            "partner",
            "Training partner (name or id) of a training_partner account.",
            frozenset({Role.TRAINING_PARTNER}),
            services.link_new_account_to_partner,
        ),
        StaffLinkOption(
            "base",
            "Base (name or id) of a base_contact account.",
            frozenset({Role.BASE_CONTACT}),
            services.link_new_account_to_base,
        ),
    ]
    wings.user_panels.append(UserPanel("partners/user_panel.html", views.user_panel_context))
    wings.jobs.append(
        PeriodicJob(
            "partner-access",
            lambda config: int(config["JOBS_BASES_INTERVAL_S"]),
            access.expire_and_remind,
            label=_l("Expire partner access and remind"),
        )
    )
