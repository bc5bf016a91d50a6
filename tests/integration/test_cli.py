"""The project's CLI commands."""

from __future__ import annotations

import smtplib

from sqlalchemy import func, select

from listings.models import Listing, Need
from marketplace.accounts.models import User
from marketplace.demo import DEMO, DEMO_PASSWORD, DEMO_POSTINGS
from marketplace.extensions import db
from marketplace.mail import services as mail
from marketplace.mail.models import OutboxMessage
from marketplace.organizations.kinds import KINDS
from marketplace.organizations.models import Organization


def test_admin_create_and_promote(runner, make_user):
    result = runner.invoke(args=["admin", "create", "root@example.cn", "--password", "admin-pass-1"])
    assert result.exit_code == 0, result.output
    admin = db.session.scalar(select(User).where(User.email == "root@example.cn"))
    assert admin.is_admin
    existing = make_user("someone@example.cn")
    result = runner.invoke(args=["admin", "create", "someone@example.cn", "--password", "ignored-pass"])
    assert result.exit_code == 0
    db.session.refresh(existing)
    assert existing.is_admin


def test_admin_create_asks_for_password_and_rejects_short_one(runner):
    result = runner.invoke(args=["admin", "create", "a@example.cn"], input="short\nshort\n")
    assert result.exit_code != 0
    assert "8" in result.output
    assert db.session.scalar(select(func.count()).select_from(User)) == 0


def test_demo_load_is_idempotent_and_covers_every_kind(runner, client):
    first = runner.invoke(args=["demo", "load"])
    assert first.exit_code == 0, first.output
    assert DEMO_PASSWORD in first.output and "sme@demo.gd.cn" in first.output
    def counts():
        return tuple(
            db.session.scalar(select(func.count()).select_from(model))
            for model in (Organization, User, Listing, Need)
        )

    from marketplace.events.models import Event, Participant

    def event_counts():
        return tuple(db.session.scalar(select(func.count()).select_from(model)) for model in (Event, Participant))

    first_counts = counts()
    versions = sorted(db.session.scalars(select(Listing.version)))
    lines = DEMO_POSTINGS.read_text(encoding="utf-8").splitlines()
    expected = (
        len(DEMO),
        len(DEMO),
        sum('"type": "listing"' in line for line in lines),
        sum('"type": "need"' in line for line in lines),
    )
    assert first_counts == expected
    demo_event = db.session.scalar(select(Event))
    assert demo_event.phase == "registration" and len(demo_event.slots) == 5  # 09:30-12:00, 20+5 min, a break
    registered = event_counts()
    assert registered[1] >= 6  # the demo SMEs and financing providers
    assert runner.invoke(args=["demo", "load"]).exit_code == 0
    assert counts() == expected and event_counts() == registered
    assert sorted(db.session.scalars(select(Listing.version))) == versions  # nothing rewritten
    assert set(db.session.scalars(select(Organization.kind))) == set(KINDS)
    smes = db.session.scalars(select(Organization).where(Organization.kind == "sme")).all()
    assert {o.size_class for o in smes} == {"micro", "small", "medium"}
    response = client.post("/login", data={"email": "sme@demo.gd.cn", "password": DEMO_PASSWORD})
    assert response.status_code == 302


def test_failed_smtp_delivery_stays_queued(app, monkeypatch):
    class Refusing:
        def __init__(self, *args, **kwargs):
            raise smtplib.SMTPConnectError(421, "try later")

    monkeypatch.setattr(smtplib, "SMTP", Refusing)
    mail.enqueue(db.session, "x@example.cn", "subject", "body")
    db.session.commit()
    settings = {**app.config, "SMTP_HOST": "smtp.invalid"}
    assert mail.deliver_pending(db.session, settings) == 0
    message = db.session.scalars(select(OutboxMessage)).one()
    assert message.sent_at is None and message.attempts == 1 and "try later" in message.last_error
    # Without SMTP configured the message goes to the log and counts as delivered.
    assert mail.deliver_pending(db.session, app.config) == 1


def test_mail_send_command(runner):
    mail.enqueue(db.session, "x@example.cn", "subject", "body")
    db.session.commit()
    result = runner.invoke(args=["mail", "send"])
    assert result.exit_code == 0 and result.output == "Delivered 1 message(s).\n"
    message = db.session.scalars(select(OutboxMessage)).one()
    assert message.sent_at is not None and message.transport == "log"
    assert runner.invoke(args=["mail", "send"]).output == "Delivered 0 message(s).\n"  # nothing is sent twice
