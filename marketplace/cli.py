"""The ``marketplace`` command: Flask's commands plus the project's own."""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import click
from flask import Flask, current_app
from flask.cli import FlaskGroup

from marketplace.extensions import db


def _create_app() -> Flask:
    from marketplace import create_app

    return create_app()


@click.group(cls=FlaskGroup, create_app=_create_app)
def main() -> None:
    """SME service marketplace: run, migrate (db upgrade), load demo data, manage admins."""


admin_cli = click.Group("admin", help="Platform administrators.")
demo_cli = click.Group("demo", help="Demonstration data.")
mail_cli = click.Group("mail", help="The e-mail outbox.")


@admin_cli.command("create")
@click.argument("email")
@click.option("--name", default="", help="Display name (default: the part before @).")
@click.option(
    "--password",
    envvar="MARKETPLACE_ADMIN_PASSWORD",
    prompt=True,
    hide_input=True,
    confirmation_prompt=True,
    help="Asked for when not given (or set MARKETPLACE_ADMIN_PASSWORD).",
)
def create_admin(email: str, name: str, password: str) -> None:
    """Create a platform administrator, or make an existing account one."""
    from marketplace.accounts import services
    from marketplace.errors import ValidationFailed

    user = services.find_user_by_email(db.session, email)
    try:
        if user is None:
            user = services.create_user(
                db.session, email=email, password=password, display_name=name, is_admin=True
            )
            message = f"Created administrator {user.email}"
        else:
            user.is_admin = True
            message = f"{user.email} is now an administrator (password unchanged)"
    except ValidationFailed as exc:
        db.session.rollback()
        details = "; ".join(f"{f}: {', '.join(map(str, m))}" for f, m in exc.fields.items())
        raise click.ClickException(f"{exc.message} {details}".strip()) from exc
    db.session.commit()
    click.echo(message)


@demo_cli.command("load")
def load_demo() -> None:
    """Load demonstration organizations and logins (running it again changes nothing)."""
    from marketplace.demo import DEMO_PASSWORD, load

    logins = load(db.session)
    db.session.commit()
    click.echo(f"Demo logins (password for all: {DEMO_PASSWORD}):")
    for email, role, organization in logins:
        click.echo(f"  {email:<28} {role:<10} {organization}")


@mail_cli.command("send")
def send_mail() -> None:
    """Deliver the queued e-mail (by SMTP, or to the log when SMTP_HOST is not set)."""
    from marketplace.mail.services import deliver_pending

    sent = deliver_pending(db.session, current_app.config)
    click.echo(f"Delivered {sent} message(s).")


@contextmanager
def _input_path(file: str) -> Iterator[Path]:
    """The file to read, or for ``-`` standard input saved to a temporary file (read twice)."""
    if file != "-":
        yield Path(file)
        return
    with tempfile.NamedTemporaryFile(prefix="marketplace-import-", suffix=".jsonl") as spool:
        with click.open_file("-", "rb") as stdin:
            shutil.copyfileobj(stdin, spool)
        spool.flush()
        yield Path(spool.name)


@click.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, allow_dash=True))
@click.option("--dry-run", is_flag=True, help="Check the file and report what would change; write nothing.")
def import_command(file: str, dry_run: bool) -> None:
    """Import organizations, listings and needs from a JSON Lines FILE ('-' for stdin).

    Every line is checked first; if any is wrong, every error is listed (on stderr), nothing
    is written and the exit code is 1. Otherwise records are upserted by external_id in one
    transaction: new rows are created, changed rows updated, identical rows left alone.
    """
    from listings.importer import ImportConflict, ImportFailed, import_records

    try:
        with _input_path(file) as path:
            report = import_records(
                db.session, path, dry_run=dry_run, progress=lambda line: click.echo(line, err=True)
            )
    except ImportFailed as exc:
        db.session.rollback()
        for error in exc.errors:
            click.echo(str(error), err=True)
        click.echo(str(exc.message), err=True)
        click.get_current_context().exit(1)
    except ImportConflict as exc:
        db.session.rollback()
        raise click.ClickException(str(exc.message)) from exc
    except BaseException:
        db.session.rollback()
        raise
    if dry_run:
        db.session.rollback()
    else:
        db.session.commit()
    click.echo(
        f"{report.records:,} records checked in {report.check_seconds:.1f} s, "
        f"{'compared' if dry_run else 'written'} in {report.write_seconds:.1f} s",
        err=True,
    )
    click.echo(("Dry run, nothing written: " if dry_run else "") + report.summary())


@click.command("export")
@click.argument("file", type=click.Path(dir_okay=False, writable=True, allow_dash=True))
@click.option(
    "--type",
    "kinds",
    multiple=True,
    type=click.Choice(("organization", "listing", "need")),
    help="Export only this record type (repeatable); default: all three.",
)
def export_command(file: str, kinds: tuple[str, ...]) -> None:
    """Export organizations, then listings, then needs to a JSON Lines FILE ('-' for stdout)."""
    from listings.exporter import export_records
    from listings.importer import PLURALS

    with click.open_file(file, "w", encoding="utf-8", atomic=file != "-") as out:
        counts = export_records(db.session, out, kinds or PLURALS)
    click.echo("Exported " + ", ".join(f"{n} {PLURALS[k]}" for k, n in counts.items()), err=True)


def register(app: Flask) -> None:
    for group in (admin_cli, demo_cli, mail_cli):
        app.cli.add_command(group)
    for command in (import_command, export_command):
        app.cli.add_command(command)
    from marketplace.events.cli import events_cli
    from marketplace.recommendations.cli import COMMANDS
    from marketplace.search.cli import search_cli

    for command in COMMANDS:
        app.cli.add_command(command)
    app.cli.add_command(search_cli)
    app.cli.add_command(events_cli)
