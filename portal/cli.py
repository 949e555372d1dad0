"""Command-line commands: `flask --app portal <command>`."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click
from flask import Flask, current_app
from flask.cli import with_appcontext
from flask_babel import force_locale, gettext

from core import audit
from core.crypto import Keyring, install_keyring
from core.db import db
from core.errors import DomainError
from core.orgs import OrgUnit
from core.people.retention import anonymise_ended
from core.reports.figures import parse_month
from core.reports.monthly import monthly_report
from core.rotation import PEOPLE, rotate_batch, stale_ids
from core.staff import create_user
from core.users import Role, User
from core.wings import StaffLinkOption, registry


def _audit_key() -> bytes:
    return str(current_app.config["AUDIT_KEY"]).encode()


def register_commands(app: Flask) -> None:
    @app.cli.command("seed-demo")
    @click.option("--force", is_flag=True, help="Seed even if the database already has data.")
    @click.option(
        "--quiet", is_flag=True, help="Say nothing when the database already has data (make run)."
    )
    def seed_demo_command(force: bool, quiet: bool) -> None:
        """Load the Kaiping demo (only into an empty database)."""
        from portal.demo import seed_demo

        if not seed_demo(force=force):
            if not quiet:
                click.echo(
                    "Database already has data; demo not loaded (use --force to add anyway)."
                )
            return
        click.echo("Kaiping demo loaded.")

    app.cli.add_command(_create_user_command(registry(app).staff_links))

    @app.cli.command("rotate-key")
    @click.option(
        "--generate",
        is_flag=True,
        help="Development: add a new key to instance/secrets.json and make it current.",
    )
    @click.option("--batch-size", default=200, show_default=True)
    def rotate_key_command(generate: bool, batch_size: int) -> None:
        """Re-encrypt every field and blind index under the current key (resumable)."""
        if generate:
            _generate_dev_key()
        for rotated in [PEOPLE, *registry(app).rotations]:
            total = 0
            while done := rotate_batch(batch_size, rotated):
                total += done
                click.echo(f"{rotated.name}: rotated {total}")
            left = len(stale_ids(rotated, 1))
            click.echo(f"done: {total} {rotated.name} rows re-encrypted; {left} left on old keys")

    @app.cli.command("anonymise-ended")
    @click.option(
        "--older-than", "years", type=int, required=True, help="Years since the case ended."
    )
    def anonymise_command(years: int) -> None:
        """Remove personal data of cases that ended long ago, keeping statistics."""
        try:
            count = anonymise_ended(years)
        except DomainError as error:
            raise click.ClickException(error.message) from error
        click.echo(f"anonymised {count} people")

    @app.cli.command("audit-seal")
    def audit_seal_command() -> None:
        """Seal pending audit entries into the chain now."""
        sealed = audit.seal_all(_audit_key())
        click.echo(f"sealed {sealed} entries")

    @app.cli.command("audit-verify")
    @click.option("--seal/--no-seal", default=True, help="Seal pending entries first.")
    def audit_verify_command(seal: bool) -> None:
        """Recompute the audit chain; exit 1 on any edited, removed or cut-off entry."""
        report = audit.verify_and_record(_audit_key(), audit.Actor.system("cli"), seal=seal)
        for problem in report.problems:
            click.echo(f"PROBLEM: {problem}")
        if report.ok:
            click.echo(f"audit chain intact: {report.checked} entries")
        else:
            click.echo(
                f"audit chain BROKEN: {len(report.problems)} problems in {report.checked} entries"
            )
            sys.exit(1)

    @app.cli.command("monthly-report")
    @click.option("--month", required=True, help="The month, YYYY-MM (e.g. 2026-11).")
    @click.option(
        "--out",
        "out",
        required=True,
        type=click.Path(dir_okay=False, path_type=Path),
        help="Where to write the XLSX workbook.",
    )
    def monthly_report_command(month: str, out: Path) -> None:
        """The month's statistics for the county bureau, as XLSX (the same as /reports)."""
        # No request here: the bureau reads Chinese, whatever the staff's language.
        with force_locale("zh_CN"):
            try:
                period = parse_month(month)
            except DomainError as error:
                raise click.ClickException(gettext(error.message)) from error
            export = monthly_report(None, period, registry(current_app).monthly_sheets)
        out.write_bytes(export.body)
        click.echo(f"wrote {out} ({len(export.body)} bytes; {export.filename})")


def _create_user_command(links: list[StaffLinkOption]) -> click.Command:
    """`create-user`, with the options the wings registered (`--partner`, `--base`):
    so registered before the portal's commands are (see `create_app`)."""

    def create_user_command(
        username: str,
        display_name: str,
        role: str,
        scope_code: str | None,
        juvenile: bool,
        password: str,
        **linked: str | None,
    ) -> None:
        """Create a staff account (the way real deployments create accounts)."""
        chosen = [(option, linked.get(option.name)) for option in links]
        for option, value in chosen:
            if not value and Role(role) in option.required_for:
                raise click.ClickException(f"a {role} account needs --{option.name}")
        scope_id = None
        if scope_code:
            unit = db.session.scalar(db.select(OrgUnit).where(OrgUnit.code == scope_code))
            if unit is None:
                raise click.ClickException(f"no organisation unit with code {scope_code!r}")
            scope_id = unit.id

        def link(user: User) -> None:
            for option, value in chosen:
                if value:
                    option.apply(user, value)

        try:
            user = create_user(
                None, username, display_name, password, role, scope_id, juvenile, link=link
            )
        except DomainError as error:
            db.session.rollback()
            raise click.ClickException(
                error.message % error.params if error.params else error.message
            ) from error
        click.echo(f"created {user.username} ({user.role})")

    for option in links:
        create_user_command = click.option(
            f"--{option.name}", option.name, default=None, help=option.help
        )(create_user_command)
    decorated = click.password_option(prompt="Password", confirmation_prompt=True)(
        create_user_command
    )
    decorated = click.option("--juvenile", is_flag=True, help="Grant the juvenile permission.")(
        decorated
    )
    decorated = click.option(
        "--scope", "scope_code", default=None, help="Org unit code, e.g. office-chikan."
    )(decorated)
    decorated = click.option("--role", type=click.Choice([r.value for r in Role]), required=True)(
        decorated
    )
    decorated = click.option("--display-name", required=True)(decorated)
    decorated = click.option("--username", required=True)(decorated)
    return click.command("create-user")(with_appcontext(decorated))


def _generate_dev_key() -> None:
    if current_app.config["PORTAL_ENV"] == "production":
        raise click.ClickException("--generate is for development; set FIELD_KEYS in production")
    path = Path(current_app.instance_path) / "secrets.json"
    if not path.exists():
        raise click.ClickException("no instance/secrets.json: keys come from the environment")
    data = json.loads(path.read_text())
    ring = Keyring.from_spec(data["FIELD_KEYS"])
    new_id = f"k{len(ring.key_ids) + 1}"
    while new_id in ring.key_ids:
        new_id += "x"
    data["FIELD_KEYS"] = Keyring.new_key_spec(new_id) + "," + data["FIELD_KEYS"]
    path.write_text(json.dumps(data))
    install_keyring(Keyring.from_spec(data["FIELD_KEYS"]))
    current_app.config["FIELD_KEYS"] = data["FIELD_KEYS"]
    click.echo(f"new current key {new_id}")
