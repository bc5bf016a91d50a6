"""Document pages: an organization's library (members only), and the download of one document
to whoever may read it (:func:`services.readable`): always as an attachment with its sniffed type,
never shown inline, so an uploaded file can never run as a page of this site."""

from __future__ import annotations

import io

from flask import Blueprint, abort, flash, redirect, render_template, send_file, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import current_user, login_required
from werkzeug.wrappers import Response

from marketplace.documents import services, storage
from marketplace.documents.forms import DeleteForm, UploadForm
from marketplace.errors import NotFound
from marketplace.extensions import db, talisman
from marketplace.forms import attach_errors
from marketplace.organizations.models import Organization
from marketplace.pages import act, attempt

bp = Blueprint("documents", __name__)


def _own(org_id: int) -> Organization:
    organization = db.session.get(Organization, org_id)
    if organization is None or organization.member(current_user) is None:
        abort(404)
    return organization


def _library(organization: Organization, form: UploadForm, status: int = 200) -> ResponseReturnValue:
    return render_template("documents/library.html", organization=organization, form=form, delete_form=DeleteForm(),
                           documents=services.library(db.session, organization.id),
                           accept=storage.accepted_extensions()), status


@bp.get("/orgs/<int:org_id>/documents")
@login_required
def library(org_id: int) -> ResponseReturnValue:
    return _library(_own(org_id), UploadForm(formdata=None))


@bp.post("/orgs/<int:org_id>/documents")
@login_required
def upload(org_id: int) -> ResponseReturnValue:
    organization = _own(org_id)
    form = UploadForm()
    if not form.validate():
        return _library(organization, form, 422)
    upload = form.file.data
    if upload is None or not getattr(upload, "filename", None):
        form.file.errors = [_("Choose a file.")]
        return _library(organization, form, 422)
    done, errors = attempt(lambda: services.upload_to_library(db.session, organization, current_user, upload.stream,
                                                              upload.filename, form.kind.data))
    if errors:
        attach_errors(form, errors)
        return _library(organization, form, 422)
    if done:
        flash(_("“%(name)s” is in your library.", name=upload.filename), "success")
    return redirect(url_for("documents.library", org_id=organization.id))


@bp.post("/orgs/<int:org_id>/documents/<int:document_id>/delete")
@login_required
def delete(org_id: int, document_id: int) -> ResponseReturnValue:
    organization = _own(org_id)
    document = services.by_id(db.session, document_id)
    if document is None or document.organization_id != organization.id:
        abort(404)
    return act(lambda: services.delete(db.session, document, current_user), _("The document is deleted."),
               url_for("documents.library", org_id=organization.id))


def download_response(document_id: int, user: object) -> Response:
    """The document as a download for ``user``; NotFound for anyone who may not read it."""
    document = services.readable(db.session, document_id, user)
    path = services.path(document)
    if not path.is_file():
        raise NotFound(_("There is no such document."))
    # Read whole (at most DOCUMENT_MAX_BYTES): no file handle outlives the request.
    response = send_file(io.BytesIO(path.read_bytes()), mimetype=document.content_type, as_attachment=True,
                         download_name=document.filename, max_age=0, etag=document.sha256, conditional=True)
    response.headers["Cache-Control"] = "private, no-store"
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response


# Should a browser still show a download, it may run nothing of it (the app's policy is per view).
DOWNLOAD_POLICY = "default-src 'none'; sandbox"


@bp.get("/documents/<int:document_id>/download")
@talisman(content_security_policy=DOWNLOAD_POLICY)
@login_required
def download(document_id: int) -> ResponseReturnValue:
    try:
        return download_response(document_id, current_user)
    except NotFound:
        abort(404)
