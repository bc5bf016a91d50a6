"""The ``marketplace`` command: Flask's commands plus the project's own."""

from __future__ import annotations

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


def register(app: Flask) -> None:
    for group in (admin_cli, demo_cli, mail_cli):
        app.cli.add_command(group)
