"""The donations wing's commands: ledger-check, reconcile, close-needs, seed-demo-donations."""

from __future__ import annotations

import sys

import click
from flask import Flask

from core.db import db
from donations.demo import seed_demo_donations
from donations.disbursements.closing import close_expired_and_cancelled
from donations.giving.reconciliation import reconcile
from donations.ledger.check import check_ledger, format_report
from donations.payments.config import current_gateway
from donations.payments.gateway import PaymentError


def register_commands(app: Flask) -> None:
    @app.cli.command("ledger-check")
    def ledger_check_command() -> None:
        """Verify every ledger invariant; exit 1 if any fails."""
        report = check_ledger()
        db.session.rollback()
        click.echo(format_report(report))
        if not report.ok:
            sys.exit(1)

    @app.cli.command("seed-demo-donations")
    @click.option("--count", default=60, show_default=True)
    def seed_demo_donations_command(count: int) -> None:
        """Make the demo's donation history through the running payment sandbox."""
        made = seed_demo_donations(current_gateway(), count)
        click.echo(f"{made} demo payments confirmed at the sandbox")

    @app.cli.command("close-needs")
    def close_needs_command() -> None:
        """Expire needs past their deadline and move money of closed needs as donors chose."""
        click.echo(f"closed {close_expired_and_cancelled()} needs")

    @app.cli.command("reconcile")
    def reconcile_command() -> None:
        """Compare the ledger with the provider both ways; exit 1 while anything is open."""
        try:
            run = reconcile(current_gateway())
        except PaymentError as error:
            raise click.ClickException(f"payment provider unavailable: {error}") from error
        unsettled: list[dict[str, object]] = run.report.get("open_discrepancies", [])  # type: ignore[assignment]
        click.echo(
            f"reconcile: {run.events_seen} provider events, {run.applied} applied, "
            f"{len(run.report.get('differences', []))} differences, "  # type: ignore[arg-type]
            f"{len(unsettled)} open discrepancies"
        )
        for day in run.report.get("days", []):  # type: ignore[attr-defined]
            click.echo(
                f"  {day['day']}: provider {day['provider_fen']} fen, ledger {day['ledger_fen']} fen"
            )
        for found in unsettled:
            click.echo(
                f"  open: {found['kind']} {found['object']}, ledger {found['ledger_fen']} fen"
            )
        # Non-zero while anything is unsettled: a payment the provider does not know is
        # never silently kept.
        if not run.ok or unsettled:
            sys.exit(1)
