"""One message that cannot be built or sent never blocks the others (a poisoned mail queue)."""

from __future__ import annotations

import smtplib

from sqlalchemy import select

from marketplace.extensions import db
from marketplace.mail import services as mail
from marketplace.mail.models import OutboxMessage


class RecordingSMTP:
    """Stands in for smtplib.SMTP: records what would be sent."""

    sent: list = []

    def __init__(self, *args, **kwargs):
        pass

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False

    def starttls(self):
        pass

    def send_message(self, message):
        RecordingSMTP.sent.append(message)


def test_a_message_that_cannot_be_built_is_set_aside_and_the_rest_go_out(app, monkeypatch):
    RecordingSMTP.sent = []
    monkeypatch.setattr(smtplib, "SMTP", RecordingSMTP)
    # A subject with a line break, written past enqueue() (as rows stored before the fix were).
    db.session.add(OutboxMessage(to_address="a@example.cn", subject="验证\r\nBcc: evil@example.cn", body="x"))
    mail.enqueue(db.session, "b@example.cn", "重置密码", "link")
    db.session.commit()
    settings = {**app.config, "SMTP_HOST": "smtp.example.cn", "SMTP_STARTTLS": False}
    assert mail.deliver_pending(db.session, settings) == 1
    assert [m["To"] for m in RecordingSMTP.sent] == ["b@example.cn"]
    bad = db.session.scalars(select(OutboxMessage).where(OutboxMessage.to_address == "a@example.cn")).one()
    assert bad.sent_at is None and bad.last_error and bad.attempts == mail.MAX_ATTEMPTS  # not retried
    # The next run does not try it again, and new mail still goes out.
    mail.enqueue(db.session, "c@example.cn", "欢迎", "hello")
    db.session.commit()
    assert mail.deliver_pending(db.session, settings) == 1
    assert [m["To"] for m in RecordingSMTP.sent] == ["b@example.cn", "c@example.cn"]


def test_subjects_are_one_line_whatever_names_went_into_them(app):
    message = mail.enqueue(db.session, "a@example.cn", "甲公司\r\nBcc: evil@example.cn 的验证结果", "body")
    assert message.subject == "甲公司 Bcc: evil@example.cn 的验证结果"
