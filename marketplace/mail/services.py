"""Queue e-mail in the outbox and deliver it by SMTP (or to the log when none is configured)."""

from __future__ import annotations

import logging
import smtplib
from collections.abc import Mapping
from email.message import EmailMessage
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from marketplace.bounds import one_line
from marketplace.mail.models import OutboxMessage
from marketplace.timeutil import utcnow

log = logging.getLogger(__name__)
MAX_ATTEMPTS = 5


def enqueue(session: Session, to: str, subject: str, body: str) -> OutboxMessage:
    """Add a message to the outbox; it is delivered by :func:`deliver_pending` after commit."""
    # A subject is a header: one line, whatever names went into it (a header with a line break
    # cannot even be built, and would let a name add headers of its own).
    message = OutboxMessage(to_address=one_line(to)[:254], subject=one_line(subject)[:200], body=body)
    session.add(message)
    session.flush()
    return message


def deliver_pending(session: Session, settings: Mapping[str, Any], limit: int = 100) -> int:
    """Deliver queued messages and commit each one's outcome; returns how many were delivered.

    Each message is isolated: whatever fails while one is built or sent is recorded on it
    (``last_error``) and the rest go on. A message that cannot be built is not retried.

    With no ``SMTP_HOST`` the message is written to the log (development and tests), which is
    how a developer gets a password-reset link without a mail server.
    """
    pending = session.scalars(
        select(OutboxMessage)
        .where(OutboxMessage.sent_at.is_(None), OutboxMessage.attempts < MAX_ATTEMPTS)
        .order_by(OutboxMessage.id)
        .limit(limit)
    ).all()
    delivered = 0
    for message in pending:
        message.attempts += 1
        try:
            transport = _send(message, settings)
        except Exception as exc:  # noqa: BLE001 - one bad message must never block the rest
            message.last_error = f"{type(exc).__name__}: {exc}"[:500]
            if not isinstance(exc, OSError | smtplib.SMTPException):
                message.attempts = MAX_ATTEMPTS  # it cannot be built: retrying will not help
            log.warning("mail delivery failed id=%s error=%s", message.id, message.last_error)
        else:
            message.sent_at = utcnow()
            message.transport = transport
            message.last_error = None
            delivered += 1
        session.commit()
    return delivered


def _send(message: OutboxMessage, settings: Mapping[str, Any]) -> str:
    if not settings.get("SMTP_HOST"):
        log.info(
            "mail (no SMTP configured) to=%s subject=%s\n%s",
            message.to_address,
            message.subject,
            message.body,
        )
        return "log"
    email = EmailMessage()
    email["From"] = settings["MAIL_FROM"]
    email["To"] = message.to_address
    email["Subject"] = message.subject
    email.set_content(message.body)
    with smtplib.SMTP(settings["SMTP_HOST"], settings["SMTP_PORT"], timeout=10) as smtp:
        if settings.get("SMTP_STARTTLS"):
            smtp.starttls()
        if settings.get("SMTP_USER"):
            smtp.login(settings["SMTP_USER"], settings["SMTP_PASSWORD"])
        smtp.send_message(email)
    return "smtp"


def deliver_after_commit() -> int:
    """Deliver what the request just committed to the outbox (failures stay queued)."""
    from flask import current_app

    from marketplace.extensions import db

    return deliver_pending(db.session, current_app.config)
