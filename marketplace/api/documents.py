"""/api/v1 documents: an organization's library (members), one document's facts and content (to
whoever may read it: its organization; both sides of the conversation it was sent in; the
provider an SME shared it with, while the consent is in force), uploads as multipart/form-data."""

from __future__ import annotations

from typing import Any

from flask import jsonify, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _

from marketplace.api.auth import require_caller
from marketplace.api.blueprint import bp
from marketplace.api.errors import ApiError
from marketplace.api.http import check_parameters, commit
from marketplace.documents import services
from marketplace.documents.models import Document
from marketplace.documents.views import DOWNLOAD_POLICY, download_response
from marketplace.errors import NotFound, PermissionDenied, ValidationFailed
from marketplace.extensions import db, talisman
from marketplace.organizations.models import Organization


def representation(document: Document) -> dict[str, Any]:
    return {"id": document.id, "kind": document.kind, "filename": document.filename,
            "content_type": document.content_type, "size_bytes": document.size_bytes, "sha256": document.sha256,
            "created_at": document.created_at.isoformat(),
            "content_url": url_for("api.documents_content", document_id=document.id, _external=True)}


def multipart(allowed_fields: tuple[str, ...], allowed_files: tuple[str, ...]) -> tuple[dict[str, str], dict[str, list[Any]]]:
    """The form fields and files of a multipart/form-data body. Raises ApiError 415 for another
    body type and ValidationFailed naming unknown or repeated fields."""
    if request.mimetype != "multipart/form-data":
        raise ApiError(415, "unsupported_media_type", _("Send the file as multipart/form-data."))
    errors: dict[str, list[str]] = {}
    fields: dict[str, str] = {}
    for name in request.form:
        values = request.form.getlist(name)
        if name not in allowed_fields:
            errors[name] = [_("unknown field")]
        elif len(values) > 1:
            errors[name] = [_("Give it once.")]
        else:
            fields[name] = values[0]
    files: dict[str, list[Any]] = {}
    for name in request.files:
        if name not in allowed_files:
            errors[name] = [_("unknown field")]
        else:
            files[name] = [f for f in request.files.getlist(name) if f.filename or f.content_length]
    if errors:
        raise ValidationFailed(_("Please correct the marked fields."), fields=errors)
    return fields, files


def _library_of(org_id: int, user: Any) -> Organization:
    organization = db.session.get(Organization, org_id)
    if organization is None:
        raise NotFound(_("There is no such organization."))
    if organization.member(user) is None:
        raise PermissionDenied(_("You are not a member of this organization."))
    return organization


@bp.get("/organizations/<int:org_id>/documents")
def organizations_documents(org_id: int) -> ResponseReturnValue:
    user = require_caller()
    check_parameters(())
    organization = _library_of(org_id, user)
    return jsonify({"items": [representation(d) for d in services.library(db.session, organization.id)]})


@bp.post("/organizations/<int:org_id>/documents")
def organizations_upload_document(org_id: int) -> ResponseReturnValue:
    user = require_caller()
    organization = _library_of(org_id, user)
    fields, files = multipart(("kind",), ("file",))
    chosen = files.get("file", [])
    if len(chosen) != 1:
        raise ValidationFailed(_("Please correct the marked fields."), fields={"file": [_("Send one file.")]})
    document = services.upload_to_library(db.session, organization, user, chosen[0].stream, chosen[0].filename,
                                          fields.get("kind", "other"))
    commit()
    response = jsonify(representation(document))
    response.status_code = 201
    response.headers["Location"] = url_for("api.documents_show", document_id=document.id, _external=True)
    return response


@bp.get("/documents/<int:document_id>")
def documents_show(document_id: int) -> ResponseReturnValue:
    user = require_caller()
    check_parameters(())
    return jsonify(representation(services.readable(db.session, document_id, user)))


@bp.get("/documents/<int:document_id>/content")
@talisman(content_security_policy=DOWNLOAD_POLICY)
def documents_content(document_id: int) -> ResponseReturnValue:
    user = require_caller()
    check_parameters(())
    return download_response(document_id, user)


@bp.delete("/documents/<int:document_id>")
def documents_delete(document_id: int) -> ResponseReturnValue:
    user = require_caller()
    document = services.readable(db.session, document_id, user)
    services.delete(db.session, document, user)
    commit()
    return "", 204
