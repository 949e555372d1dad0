"""The donations wing: fundraising projects, donations and the ledger, the payment
provider and WeChat, allocation of pools to needs, payouts, and the mini-program API.

Domain packages (each with its models, services, forms, views and templates where
it has them): `projects/` (projects, pools, needs listed on the map, need cards),
`giving/` (donations, provider events and the webhook, refunds, reconciliation),
`donors/` (donor accounts, messages, certificates, official receipts, moderation,
impact), `ledger/`, `payments/` (the provider's client), `wechat/` (the WeChat
interface), `allocation/` (the pure engine), `proposals/` (allocation proposals and
their approval), `disbursements/` (payouts, evidence, closing needs), `reports/` (money
figures from the ledger: report sections, the monthly sheet), `disclosure/` (the public
disclosure of each project), `api/`.

Nothing is imported at module level: `python -m donations.allocation` must not pay
for Flask and SQLAlchemy. `init_app` wires the wing into the portal.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from flask import Flask


# The wing's settings and their defaults; the environment overrides each (docs/operations.md).
SETTINGS = {
    "RECONCILE_INTERVAL_S": 600,
    "CLOSE_NEEDS_INTERVAL_S": 3600,
    # Allocation proposals above this need a second approval by an admin (¥50,000).
    "ALLOCATION_SECOND_APPROVAL_FEN": 5_000_000,
    # Payout evidence, outside the web root; empty means `instance/evidence`.
    "EVIDENCE_DIR": "",
    # Requests of one portal process that may wait for a payment at once
    # (GET /api/mp/v1/donations/{id}?wait=); keep it below the process's threads. 0: off.
    "DONATION_WAIT_SLOTS": 8,
    # Certificate images drawn in the background, kept this long; empty: instance/certificates.
    "CERTIFICATE_IMAGE_DIR": "",
    "CERTIFICATE_IMAGE_DAYS": 30,
}

# Their defaults are the sandboxes' published keys: production refuses them (docs/operations.md).
DEVELOPMENT_SECRETS = (
    "PAYMENT_SECRET_KEY",
    "PAYMENT_PUBLISHABLE_KEY",
    "PAYMENT_WEBHOOK_SECRETS",
    "WECHAT_SECRET",
)


def load_models() -> None:
    """Every table of the wing on the shared metadata (for the mapper and Alembic)."""
    import donations.disbursements.models
    import donations.donors.models
    import donations.giving.models
    import donations.ledger.models
    import donations.projects.models
    import donations.proposals.models  # noqa: F401


def init_app(app: Flask) -> None:
    """Settings, gateways, blueprints, commands, CSRF exemptions, error mapping, periodic
    jobs, navigation, dashboard counts and demo seeding of the wing."""
    import os

    from flask_babel import lazy_gettext as _l

    from core import outbox, signals
    from core.users import Role
    from core.wings import (
        Count,
        NavItem,
        PeriodicJob,
        Urgency,
        apply_settings,
        exempt_from_csrf,
        registry,
    )
    from donations import cli, demo
    from donations.api import routes as api_routes
    from donations.api.errors import http_error_for_api, register_api_errors
    from donations.disbursements import closing
    from donations.disbursements import services as disbursement_services
    from donations.disbursements import views as disbursement_views
    from donations.disclosure import views as disclosure_views
    from donations.donors import certificate_images, messages, moderation, receipts
    from donations.donors import views as donor_views
    from donations.giving import discrepancies, reconciliation, webhook
    from donations.giving import views as giving_views
    from donations.ledger import views as ledger_views
    from donations.payments.config import DEFAULTS as PAYMENT_DEFAULTS
    from donations.payments.config import current_gateway, make_gateway
    from donations.projects import history as project_history
    from donations.projects import queries as project_queries
    from donations.projects import services as project_services
    from donations.projects import views as project_views
    from donations.proposals import services as proposal_services
    from donations.proposals import views as proposal_views
    from donations.reports import monthly as money_monthly
    from donations.reports import sections as money_sections
    from donations.wechat.config import DEFAULTS as WECHAT_DEFAULTS
    from donations.wechat.config import current_wechat, make_wechat, subscribe_templates

    load_models()
    # `make run` moves the stand-ins with their ports; explicit base URLs win.
    if "PAYMENT_API_BASE" not in os.environ and "SANDBOX_PORT" in os.environ:
        app.config.setdefault("PAYMENT_API_BASE", f"http://127.0.0.1:{os.environ['SANDBOX_PORT']}")
    if "WECHAT_API_BASE" not in os.environ and "WECHAT_PORT" in os.environ:
        app.config.setdefault("WECHAT_API_BASE", f"http://127.0.0.1:{os.environ['WECHAT_PORT']}/")
    apply_settings(
        app, {**SETTINGS, **PAYMENT_DEFAULTS, **WECHAT_DEFAULTS}, secrets=DEVELOPMENT_SECRETS
    )
    app.config["EVIDENCE_DIR"] = app.config["EVIDENCE_DIR"] or os.path.join(
        app.instance_path, "evidence"
    )
    app.extensions["payment_gateway"] = make_gateway(app.config)
    app.extensions["wechat"] = make_wechat(app.config)

    # The provider signs its requests and donors send bearer tokens: no cookies, no CSRF.
    for blueprint in (webhook.bp, api_routes.bp):
        exempt_from_csrf(app, blueprint)
    for module in (
        webhook,
        api_routes,
        project_views,
        giving_views,
        ledger_views,
        donor_views,
        proposal_views,
        disbursement_views,
        disclosure_views,
    ):
        app.register_blueprint(module.bp)
    register_api_errors(app)
    cli.register_commands(app)

    wings = registry(app)
    wings.error_renderers["/api/"] = http_error_for_api
    money = frozenset({Role.ADMIN, Role.AUDITOR, Role.FINANCE})
    wings.nav += [
        NavItem(
            "projects.projects",
            _l("Projects"),
            frozenset({Role.ADMIN, Role.AUDITOR, Role.FINANCE, Role.COORDINATOR}),
            "/projects",
            order=30,
        ),
        NavItem(
            "donors.moderation",
            _l("Messages"),
            frozenset({Role.ADMIN, Role.FINANCE, Role.COORDINATOR}),
            "/moderation",
            order=31,
        ),
        NavItem("giving.index", _l("Donations"), money, "/donations", order=32),
        NavItem("giving.reconciliation", _l("Reconciliation"), money, "/finance", order=33),
        NavItem(
            "proposals.allocations",
            _l("Allocations"),
            frozenset({Role.ADMIN, Role.AUDITOR, Role.FINANCE, Role.OFFICER, Role.SOCIAL_WORKER}),
            "/allocations",
            order=34,
        ),
        NavItem("disbursements.disbursements", _l("Payouts"), money, "/disbursements", order=35),
    ]
    wings.jobs += [
        PeriodicJob(
            "donor-messages",
            lambda _config: 5,
            lambda: outbox.send_pending(messages.senders(current_wechat(), subscribe_templates())),
            label=_l("Send messages to donors"),
        ),
        PeriodicJob(
            "certificates",
            lambda _config: 5,
            certificate_images.draw_pending,
            label=_l("Draw donation certificates"),
        ),
        PeriodicJob(
            "certificate-images",
            lambda _config: 86400,
            certificate_images.prune,
            label=_l("Remove old certificate images"),
        ),
        PeriodicJob(
            "reconcile",
            lambda config: int(config["RECONCILE_INTERVAL_S"]),
            lambda: reconciliation.scheduled_reconciliation(current_gateway()),
            label=_l("Reconcile with the payment provider"),
        ),
        PeriodicJob(
            "close-needs",
            lambda config: int(config["CLOSE_NEEDS_INTERVAL_S"]),
            closing.close_expired_and_cancelled,
            label=_l("Close expired needs"),
        ),
    ]
    wings.counts += [
        Count(
            _l("Allocation proposals to approve"),
            frozenset({Role.FINANCE, Role.ADMIN}),
            proposal_services.awaiting_count,
            "proposals.allocations",
            urgency=Urgency.NOW,
            order=20,
            params=(("awaiting", "me"),),
        ),
        Count(
            _l("Payouts to approve"),
            frozenset({Role.FINANCE}),
            disbursement_services.awaiting_count,
            "disbursements.disbursements",
            urgency=Urgency.NOW,
            order=21,
            params=(("awaiting", "me"),),
        ),
        Count(
            _l("Discrepancies to settle"),
            frozenset({Role.FINANCE}),
            discrepancies.open_count,
            "giving.reconciliation",
            urgency=Urgency.NOW,
            order=22,
            params=(("_anchor", "open-discrepancies"),),
        ),
        Count(_l("Receipt requests"), money, receipts.pending_count, "donors.receipts", order=30),
        Count(
            _l("Messages to moderate"),
            frozenset({Role.ADMIN, Role.FINANCE, Role.COORDINATOR}),
            moderation.pending_count,
            "donors.moderation",
            order=31,
        ),
    ]
    signals.need_cancelled.connect(closing.on_need_cancelled)
    signals.need_amount_changing.connect(project_services.on_need_amount_changing)
    signals.need_published.connect(project_services.on_need_published)
    wings.publication_destinations.append(project_services.publication_choices)
    wings.report_sections += money_sections.sections()
    wings.monthly_sheets.append(money_monthly.money_sheet)
    wings.need_history.append(project_history.money_history)
    wings.audit_names["listing"] = project_queries.listing_names
    wings.demo_seeders.append(demo.seed_demo_project)
    wings.live_demo.append(demo.seed_live_demo)
