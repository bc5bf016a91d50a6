"""Uploading, listing, deleting and reading documents, and who may read one (flush, never commit).

A member of the owning organization may read its documents. A document sent in a conversation is
read by both sides of that engagement. A library document is read by the provider of an engagement
only while the SME's consent in force on that engagement names it. Everyone else: it does not
exist (NotFound)."""

from __future__ import annotations

from pathlib import Path
from typing import IO, Any

from flask import current_app
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import exists, select
from sqlalchemy.orm import Session

from marketplace.accounts.models import User
from marketplace.bounds import json_record_id
from marketplace.documents import storage
from marketplace.documents.models import KINDS, Document
from marketplace.errors import NotFound, PermissionDenied, ValidationFailed
from marketplace.organizations.models import Membership, Organization

KIND_LABELS = {
    "business_licence": _l("Business licence"),
    "financial_statements": _l("Financial statements"),
    "pitch_deck": _l("Pitch deck"),
    "patent_certificate": _l("Patent certificate"),
    "other": _l("Other document"),
}
FILES_PER_MESSAGE = 5
LIBRARY_MAX = 50


def folder() -> Path:
    return Path(current_app.config["DOCUMENTS_FOLDER"])


def max_bytes() -> int:
    return int(current_app.config["DOCUMENT_MAX_BYTES"])


def kind_label(kind: str) -> str:
    return str(KIND_LABELS.get(kind, kind))


def refusal(error: storage.Refused, filename: str | None) -> str:
    """The user-facing sentence for a refused file."""
    name = filename or _("The file")
    if error.reason == "empty":
        return _("“%(name)s” is empty.", name=name)
    if error.reason == "too_large":
        from marketplace.templating import filesize

        return _("“%(name)s” is larger than %(limit)s.", name=name, limit=filesize(max_bytes()))
    if error.reason == "mismatch" and error.found == "?":
        return _("“%(name)s” is named as %(claimed)s but its content is not.", name=name, claimed=error.claimed)
    if error.reason == "mismatch":
        return _("“%(name)s” is named as %(claimed)s but its content is %(found)s.", name=name,
                 claimed=error.claimed, found=error.found)
    if error.found:
        return _("“%(name)s” is %(found)s, which is not accepted: send %(accepted)s.", name=name,
                 found=error.found, accepted=storage.accepted_labels())
    return _("“%(name)s” is not a file type we accept: send %(accepted)s.", name=name,
             accepted=storage.accepted_labels())


def store(session: Session, organization: Organization, user: User, stream: IO[bytes], filename: str | None,
          *, kind: str = "other", message_id: int | None = None, field: str = "file") -> Document:
    """Check and keep one uploaded file for ``organization``. Raises ValidationFailed naming
    ``field`` and the file (type, size, a name that disagrees with the content, kind)."""
    if kind not in KINDS:
        raise ValidationFailed(_("Please correct the marked fields."),
                               fields={"kind": [_("Choose one of: %(choices)s.", choices=", ".join(KINDS))]})
    try:
        stored = storage.save(folder(), stream, filename, max_bytes())
    except storage.Refused as error:
        raise ValidationFailed(refusal(error, filename), fields={field: [refusal(error, filename)]}) from error
    storage.track(session, folder(), written=stored.key)
    document = Document(organization_id=organization.id, uploaded_by_id=user.id, message_id=message_id, kind=kind,
                        filename=stored.filename, content_type=stored.content_type, size_bytes=stored.size,
                        sha256=stored.sha256, storage_key=stored.key)
    session.add(document)
    session.flush()
    return document


def upload_to_library(session: Session, organization: Organization | None, user: User, stream: IO[bytes],
                      filename: str | None, kind: Any) -> Document:
    """A member adds a document to the organization's library. Raises PermissionDenied (not a
    member), ValidationFailed (the file, the kind, a full library)."""
    if organization is None or organization.member(user) is None:
        raise PermissionDenied(_("You are not a member of this organization."))
    if len(library(session, organization.id)) >= LIBRARY_MAX:
        raise ValidationFailed(_("Your library holds %(n)d documents: delete one first.", n=LIBRARY_MAX),
                               fields={"file": [_("Your library holds %(n)d documents: delete one first.", n=LIBRARY_MAX)]})
    return store(session, organization, user, stream, filename, kind=kind if isinstance(kind, str) else "")


def library(session: Session, organization_id: int) -> list[Document]:
    """The organization's library: its documents not sent in a conversation, newest first."""
    return list(session.scalars(select(Document).where(Document.organization_id == organization_id,
                                                       Document.message_id.is_(None)).order_by(Document.id.desc())))


def by_id(session: Session, value: Any) -> Document | None:
    """The document whose id ``value`` is (as :func:`bounds.json_record_id` reads it), else None."""
    document_id = json_record_id(value)
    return session.get(Document, document_id) if document_id is not None else None


def delete(session: Session, document: Document, user: User) -> None:
    """A member removes a library document; consents that named it no longer do, and the file is
    removed once this is committed. Raises NotFound (not a member), PermissionDenied (a document
    sent in a conversation stays with it)."""
    if document.organization.member(user) is None:
        raise NotFound(_("There is no such document."))
    if document.message_id is not None:
        raise PermissionDenied(_("A document sent in a conversation stays in it."))
    storage.track(session, folder(), deleted=document.storage_key)
    session.delete(document)
    session.flush()


def _member_of(user: Any, *organization_ids: Any) -> Any:
    return exists().where(Membership.user_id == user.id, Membership.organization_id.in_(organization_ids))


def readable(session: Session, document_id: int, user: Any) -> Document:
    """The document if ``user`` may read it, else NotFound (it does not exist for them)."""
    from marketplace.engagements.models import (
        Consent,
        Engagement,
        EngagementMessage,
        consent_documents,
    )

    document = by_id(session, document_id)
    if document is None or not getattr(user, "is_authenticated", False):
        raise NotFound(_("There is no such document."))
    if document.organization.member(user) is not None:
        return document
    if document.message_id is not None:
        allowed = session.scalar(select(
            select(Engagement.id).join(EngagementMessage, EngagementMessage.engagement_id == Engagement.id)
            .where(EngagementMessage.id == document.message_id,
                   _member_of(user, Engagement.seeker_org_id, Engagement.provider_org_id)).exists()))
    else:
        allowed = session.scalar(select(
            select(Consent.id).join(consent_documents, consent_documents.c.consent_id == Consent.id)
            .join(Engagement, Engagement.id == Consent.engagement_id)
            .where(consent_documents.c.document_id == document.id, Consent.withdrawn_at.is_(None),
                   _member_of(user, Engagement.provider_org_id)).exists()))
    if not allowed:
        raise NotFound(_("There is no such document."))
    return document


def path(document: Document) -> Path:
    return storage.path_of(folder(), document.storage_key)
