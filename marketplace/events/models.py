"""Matchmaking events: the event and its time slots, participants (delegates), meeting
requests, meetings with their seats, pairs that must not meet, outcomes.

The database enforces what it can: one meeting per pair, one meeting per table and slot, and
(through ``meeting_seats``) never two meetings for one participant in one slot, even when two
requests race. ``Event.version`` stops two organizers from overwriting each other's changes.
"""

from __future__ import annotations

import secrets
from datetime import datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    CheckConstraint,
    ColumnElement,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    and_,
    not_,
)
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.ext.hybrid import hybrid_property
from sqlalchemy.orm import Mapped, mapped_column, relationship

from marketplace.columns import UTCDateTime
from marketplace.extensions import db
from marketplace.timeutil import utcnow

if TYPE_CHECKING:
    from marketplace.accounts.models import User
    from marketplace.organizations.models import Organization

JSONValue = JSON().with_variant(JSONB(), "postgresql")

PHASES = ("draft", "registration", "requests", "scheduling", "published", "live", "closed")
ROLES = ("seeker", "provider")
APPROVALS = ("open", "approval")
PARTICIPANT_STATUSES = ("pending", "approved", "declined", "cancelled")
REQUEST_STATUSES = ("pending", "accepted", "declined", "withdrawn", "expired")
MEETING_SOURCES = ("request", "organizer", "recommended")
MEETING_STATUSES = ("planned", "held", "no_show", "cancelled")
PROPOSAL_ANSWERS = ("", "accepted", "declined")  # a side's answer to a recommended meeting ("" = none yet)
RESULTS = ("no_contact", "follow_up", "negotiation", "financing_granted", "contract_signed", "licence")
DEAL_RESULTS = ("financing_granted", "contract_signed", "licence")


def _in(values: tuple[str, ...]) -> str:
    return "(" + ", ".join(f"'{v}'" for v in values) + ")"


def new_code() -> str:
    """A participant's check-in code (printed on the agenda, typed or scanned at the desk)."""
    return secrets.token_hex(4).upper()


class Event(db.Model):  # type: ignore[name-defined,misc]
    __tablename__ = "events"
    __table_args__ = (
        CheckConstraint(f"phase IN {_in(PHASES)}", name="phase"),
        CheckConstraint(f"approval IN {_in(APPROVALS)}", name="approval"),
        CheckConstraint("tables >= 1", name="tables_positive"),
        CheckConstraint("meeting_minutes >= 5", name="meeting_length"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    organization_id: Mapped[int] = mapped_column(ForeignKey("organizations.id", ondelete="CASCADE"), index=True)
    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    venue: Mapped[str] = mapped_column(String(300), default="")
    online_url: Mapped[str] = mapped_column(String(500), default="")
    timezone: Mapped[str] = mapped_column(String(40), default="Asia/Shanghai")
    # How the slots were generated: {"days": [...], "start": "09:00", "end": "12:00",
    # "meeting_minutes": 20, "gap_minutes": 5, "breaks": [["10:30", "10:45"]]}.
    slot_plan: Mapped[dict[str, Any]] = mapped_column(JSONValue, default=dict)
    meeting_minutes: Mapped[int] = mapped_column(Integer, default=20)
    tables: Mapped[int] = mapped_column(Integer, default=10)
    table_names: Mapped[list[str]] = mapped_column(JSONValue, default=list)
    capacity: Mapped[int | None] = mapped_column(Integer)
    registration_opens_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    registration_closes_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    requests_close_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    approval: Mapped[str] = mapped_column(String(10), default="open")
    # organization kind -> role it attends as; kinds not listed may not register.
    roles: Mapped[dict[str, str]] = mapped_column(JSONValue, default=dict)
    max_requests: Mapped[int] = mapped_column(Integer, default=10)
    max_meetings: Mapped[int] = mapped_column(Integer, default=8)
    fee_cny: Mapped[int] = mapped_column(BigInteger, default=0)
    fill_recommended: Mapped[bool] = mapped_column(Boolean, default=False)
    include_unanswered: Mapped[bool] = mapped_column(Boolean, default=False)
    phase: Mapped[str] = mapped_column(String(12), default="draft", index=True)
    schedule_objective: Mapped[float | None]
    schedule_bound: Mapped[float | None]
    scheduled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    survey_sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
    version: Mapped[int] = mapped_column(Integer, default=1)

    __mapper_args__ = {"version_id_col": version}  # a concurrent change raises StaleDataError

    organization: Mapped[Organization] = relationship()
    slots: Mapped[list[EventSlot]] = relationship(back_populates="event", order_by="EventSlot.starts_at",
                                                  cascade="all, delete-orphan")

    def table_name(self, number: int) -> str:
        names = self.table_names or []
        return names[number - 1] if 0 < number <= len(names) and names[number - 1] else str(number)


class EventSlot(db.Model):  # type: ignore[name-defined,misc]
    __tablename__ = "event_slots"
    __table_args__ = (
        UniqueConstraint("event_id", "starts_at", name="uq_event_slots_start"),
        CheckConstraint("ends_at > starts_at", name="positive_length"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"), index=True)
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime)
    ends_at: Mapped[datetime] = mapped_column(UTCDateTime)

    event: Mapped[Event] = relationship(back_populates="slots")


class Participant(db.Model):  # type: ignore[name-defined,misc]
    """A delegate: one person of an organization attending in one role."""

    __tablename__ = "event_participants"
    __table_args__ = (
        UniqueConstraint("event_id", "user_id", name="uq_event_participants_user"),
        UniqueConstraint("code", name="uq_event_participants_code"),
        CheckConstraint(f"role IN {_in(ROLES)}", name="role"),
        CheckConstraint(f"status IN {_in(PARTICIPANT_STATUSES)}", name="status"),
        Index("ix_event_participants_event_status", "event_id", "status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"))
    organization_id: Mapped[int] = mapped_column(ForeignKey("organizations.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    delegate_name: Mapped[str] = mapped_column(String(100))
    delegate_title: Mapped[str] = mapped_column(String(100), default="")
    role: Mapped[str] = mapped_column(String(10))
    status: Mapped[str] = mapped_column(String(10), default="pending")
    # What they bring: ids of their organization's listings and needs, and event-only texts.
    listing_ids: Mapped[list[int]] = mapped_column(JSONValue, default=list)
    need_ids: Mapped[list[int]] = mapped_column(JSONValue, default=list)
    offer_text: Mapped[str] = mapped_column(Text, default="")
    request_text: Mapped[str] = mapped_column(Text, default="")
    unavailable_slot_ids: Mapped[list[int]] = mapped_column(JSONValue, default=list)
    max_meetings: Mapped[int | None] = mapped_column(Integer)
    code: Mapped[str] = mapped_column(String(16), default=new_code)
    checked_in_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    event: Mapped[Event] = relationship()
    organization: Mapped[Organization] = relationship()
    user: Mapped[User] = relationship()


class MeetingRequest(db.Model):  # type: ignore[name-defined,misc]
    __tablename__ = "meeting_requests"
    __table_args__ = (
        UniqueConstraint("event_id", "sender_id", "recipient_id", name="uq_meeting_requests_pair"),
        CheckConstraint("sender_id <> recipient_id", name="not_self"),
        CheckConstraint(f"status IN {_in(REQUEST_STATUSES)}", name="status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"), index=True)
    sender_id: Mapped[int] = mapped_column(ForeignKey("event_participants.id", ondelete="CASCADE"), index=True)
    recipient_id: Mapped[int] = mapped_column(ForeignKey("event_participants.id", ondelete="CASCADE"), index=True)
    message: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[str] = mapped_column(String(10), default="pending")
    reason: Mapped[str] = mapped_column(String(500), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    answered_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    sender: Mapped[Participant] = relationship(foreign_keys=[sender_id])
    recipient: Mapped[Participant] = relationship(foreign_keys=[recipient_id])

    def other_side(self, participant_id: int) -> Participant:
        return self.recipient if participant_id == self.sender_id else self.sender


class Exclusion(db.Model):  # type: ignore[name-defined,misc]
    """A pair the organizer says must not meet (competitors, a conflict of interest)."""

    __tablename__ = "event_exclusions"
    __table_args__ = (
        UniqueConstraint("event_id", "low_id", "high_id", name="uq_event_exclusions_pair"),
        CheckConstraint("low_id < high_id", name="ordered"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"), index=True)
    low_id: Mapped[int] = mapped_column(ForeignKey("event_participants.id", ondelete="CASCADE"))
    high_id: Mapped[int] = mapped_column(ForeignKey("event_participants.id", ondelete="CASCADE"))


class Meeting(db.Model):  # type: ignore[name-defined,misc]
    """A one-to-one meeting of two participants (``low_id`` < ``high_id``), with its place once
    scheduled (``slot_id``/``table``) and the place last published to them."""

    __tablename__ = "meetings"
    __table_args__ = (
        UniqueConstraint("event_id", "low_id", "high_id", name="uq_meetings_pair"),
        UniqueConstraint("slot_id", "table", name="uq_meetings_place"),
        CheckConstraint("low_id < high_id", name="ordered"),
        CheckConstraint(f"source IN {_in(MEETING_SOURCES)}", name="source"),
        CheckConstraint(f"status IN {_in(MEETING_STATUSES)}", name="status"),
        CheckConstraint("(slot_id IS NULL) = (\"table\" IS NULL)", name="place_complete"),
        CheckConstraint(f"low_answer IN {_in(PROPOSAL_ANSWERS)}", name="low_answer"),
        CheckConstraint(f"high_answer IN {_in(PROPOSAL_ANSWERS)}", name="high_answer"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"), index=True)
    low_id: Mapped[int] = mapped_column(ForeignKey("event_participants.id", ondelete="CASCADE"), index=True)
    high_id: Mapped[int] = mapped_column(ForeignKey("event_participants.id", ondelete="CASCADE"), index=True)
    source: Mapped[str] = mapped_column(String(12))
    request_id: Mapped[int | None] = mapped_column(ForeignKey("meeting_requests.id", ondelete="SET NULL"))
    priority: Mapped[float] = mapped_column(default=1.0)
    pinned: Mapped[bool] = mapped_column(Boolean, default=False)
    slot_id: Mapped[int | None] = mapped_column(ForeignKey("event_slots.id", ondelete="SET NULL"))
    table: Mapped[int | None] = mapped_column("table", Integer)
    published_slot_id: Mapped[int | None] = mapped_column(ForeignKey("event_slots.id", ondelete="SET NULL"))
    published_table: Mapped[int | None] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(10), default="planned")
    unscheduled_reason: Mapped[str] = mapped_column(String(300), default="")
    reason_text: Mapped[str] = mapped_column(String(500), default="")
    # A recommended meeting is a proposal until both sides accept it (see events.proposals).
    low_answer: Mapped[str] = mapped_column(String(10), default="", server_default="")
    high_answer: Mapped[str] = mapped_column(String(10), default="", server_default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    low: Mapped[Participant] = relationship(foreign_keys=[low_id])
    high: Mapped[Participant] = relationship(foreign_keys=[high_id])
    slot: Mapped[EventSlot | None] = relationship(foreign_keys=[slot_id])
    published_slot: Mapped[EventSlot | None] = relationship(foreign_keys=[published_slot_id])

    def other(self, participant_id: int) -> Participant:
        return self.high if participant_id == self.low_id else self.low

    @hybrid_property
    def agreed(self) -> bool:
        """Both sides accepted (what a recommended meeting needs to be on the agenda)."""
        return self.low_answer == self.high_answer == "accepted"

    @agreed.inplace.expression
    @classmethod
    def _agreed_sql(cls) -> ColumnElement[bool]:
        return and_(cls.low_answer == "accepted", cls.high_answer == "accepted")

    @hybrid_property
    def proposal(self) -> bool:
        """A meeting the platform recommended that both sides have not yet accepted (also in SQL)."""
        return self.source == "recommended" and not self.agreed

    @proposal.inplace.expression
    @classmethod
    def _proposal_sql(cls) -> ColumnElement[bool]:
        return and_(cls.source == "recommended", not_(cls.agreed))

    def answer_of(self, participant_id: int) -> str:
        return self.low_answer if participant_id == self.low_id else self.high_answer


class MeetingSeat(db.Model):  # type: ignore[name-defined,misc]
    """One participant's place in a scheduled meeting: unique per participant and slot, so no
    one is ever booked twice at the same time (the database says no to the second writer)."""

    __tablename__ = "meeting_seats"
    __table_args__ = (UniqueConstraint("participant_id", "slot_id", name="uq_meeting_seats_busy"),)

    meeting_id: Mapped[int] = mapped_column(ForeignKey("meetings.id", ondelete="CASCADE"), primary_key=True)
    participant_id: Mapped[int] = mapped_column(ForeignKey("event_participants.id", ondelete="CASCADE"), primary_key=True)
    slot_id: Mapped[int] = mapped_column(ForeignKey("event_slots.id", ondelete="CASCADE"), index=True)


class Outcome(db.Model):  # type: ignore[name-defined,misc]
    """What one side says came of a meeting."""

    __tablename__ = "meeting_outcomes"
    __table_args__ = (
        UniqueConstraint("meeting_id", "participant_id", name="uq_meeting_outcomes_side"),
        CheckConstraint(f"result IN {_in(RESULTS)}", name="result"),
        CheckConstraint("rating IS NULL OR (rating BETWEEN 1 AND 5)", name="rating_range"),
        CheckConstraint("amount_cny IS NULL OR amount_cny >= 0", name="amount_nonneg"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meetings.id", ondelete="CASCADE"), index=True)
    participant_id: Mapped[int] = mapped_column(ForeignKey("event_participants.id", ondelete="CASCADE"))
    result: Mapped[str] = mapped_column(String(20))
    amount_cny: Mapped[int | None] = mapped_column(BigInteger)
    rating: Mapped[int | None] = mapped_column(Integer)
    note: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
