"""The donations wing's commands, registered by the portal: ledger-check, reconcile."""

from __future__ import annotations

import sys

import click
from flask import Flask

from core.db import db
from donations.ledger.check import check_ledger, format_report
from donations.payments.config import current_gateway
from donations.payments.gateway import PaymentError
from donations.reconcile import reconcile


def register_commands(app: Flask) -> None:
    @app.cli.command("ledger-check")
    def ledger_check_command() -> None:
        """Verify every ledger invariant; exit 1 if any fails."""
        report = check_ledger()
        db.session.rollback()
        click.echo(format_report(report))
        if not report.ok:
            sys.exit(1)

    @app.cli.command("close-needs")
    def close_needs_command() -> None:
        """Expire needs past their deadline and move money of closed needs as donors chose."""
        from donations.closing import close_expired_and_cancelled

        click.echo(f"closed {close_expired_and_cancelled()} needs")

    @app.cli.command("reconcile")
    def reconcile_command() -> None:
        """Compare the ledger with the provider's event list and apply what is missing."""
        try:
            run = reconcile(current_gateway())
        except PaymentError as error:
            raise click.ClickException(f"payment provider unavailable: {error}") from error
        click.echo(
            f"reconcile: {run.events_seen} provider events, {run.applied} applied, "
            f"{len(run.report.get('differences', []))} differences"  # type: ignore[arg-type]
        )
        for day in run.report.get("days", []):  # type: ignore[attr-defined]
            click.echo(
                f"  {day['day']}: provider {day['provider_fen']} fen, ledger {day['ledger_fen']} fen"
            )
        if not run.ok:
            sys.exit(1)
