"""The engagements part of the OpenAPI document: its paths (built with the document's own
operation helper, passed in) and its schemas."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask_babel import lazy_gettext as _l

from marketplace.api.openapi_schemas import nullable, page_schema, ref
from marketplace.bounds import MAX_ID
from marketplace.documents.models import KINDS as DOCUMENT_KINDS
from marketplace.documents.services import FILES_PER_MESSAGE
from marketplace.engagements.consent import SHARE_MAX
from marketplace.engagements.models import DEAL_KINDS, SHARE_FIELDS, SIDES, STAGES
from marketplace.engagements.services import MESSAGE_MAX, REASON_MAX

INSTANT = {"type": "string", "format": "date-time"}
NOT_A_SIDE = _l("An organization that is not a side of the engagement gets 404.")
SHARE_HELP = ("What the provider may see: profile field names and ids of documents in the SME's library. "
              "Recorded with its time; replaces the consent in force (an empty list withdraws it).")
FILE_HELP = ("PDF, PNG, JPEG, .docx, .xlsx or .pptx, at most DOCUMENT_MAX_BYTES (10 MB) each; the type is read from "
             "the content, and a name whose extension disagrees with it is refused.")


def _object(properties: dict[str, Any], required: list[str] | None = None) -> dict[str, Any]:
    return {"type": "object", "properties": properties, "required": list(properties) if required is None else required,
            "additionalProperties": False}


def _side() -> dict[str, Any]:
    return _object({"id": {"type": "integer"}, "external_id": {"type": "string"}, "name": {"type": "string"},
                    "kind": {"type": "string"}, "contact_email": nullable({"type": "string"}),
                    "contact_phone": nullable({"type": "string"}), "website": nullable({"type": "string"})})


def schemas() -> dict[str, Any]:
    posting = _object({"id": {"type": "integer"}, "title": {"type": "string"}})
    engagement = {
        "id": {"type": "integer"}, "stage": {"enum": list(STAGES)}, "your_side": {"enum": list(SIDES)},
        "started_by": {"enum": list(SIDES)}, "listing": posting, "need": nullable(posting),
        "seeker": _side(), "provider": _side(), "deal_kind": nullable({"enum": list(DEAL_KINDS)}),
        "amount_cny": nullable({"type": "integer", "minimum": 0}), "lost_reason": nullable({"type": "string"}),
        "created_at": INSTANT, "updated_at": INSTANT, "closed_at": nullable(INSTANT),
        "first_response_at": nullable(INSTANT), "last_message_at": nullable(INSTANT),
        "unread": {"type": "integer", "minimum": 0}, "waiting_days": nullable({"type": "integer"}),
        "allowed_stages": {"type": "array", "items": {"enum": list(STAGES)}}, "version": {"type": "integer"},
    }
    history = {"type": "array", "items": _object({"side": {"enum": list(SIDES)}, "from_stage": nullable({"enum": list(STAGES)}),
                                                  "to_stage": {"enum": list(STAGES)}, "note": nullable({"type": "string"}),
                                                  "at": INSTANT})}
    message = _object({"id": {"type": "integer"}, "side": {"enum": list(SIDES)}, "author": nullable({"type": "string"}),
                       "body": {"type": "string"}, "created_at": INSTANT,
                       "attachments": {"type": "array", "items": ref("Document")}})
    share = {"type": "array", "maxItems": SHARE_MAX, "description": SHARE_HELP,
             "items": {"anyOf": [{"enum": list(SHARE_FIELDS)}, {"type": "integer", "minimum": 1, "maximum": MAX_ID}]}}
    consent = nullable(_object({"fields": {"type": "array", "items": {"enum": list(SHARE_FIELDS)}},
                                "documents": {"type": "array", "items": {"type": "integer"}}, "granted_at": INSTANT}))
    shared = nullable(_object({"fields": {"type": "object", "properties": {name: {} for name in SHARE_FIELDS},
                                          "additionalProperties": False},
                               "documents": {"type": "array", "items": ref("Document")}}))
    text = {"type": "string", "minLength": 1, "maxLength": MESSAGE_MAX}
    return {
        "Engagement": _object({**engagement, "history": history, "consent": consent, "shared": shared},
                              required=list(engagement)),
        "EngagementPage": page_schema("Engagement"),
        "InquiryCreate": _object({"message": text, "need_id": nullable({"type": "integer", "minimum": 1, "maximum": MAX_ID}),
                                  "share": share,
                                  "organization": {"type": "string", "description": "external_id of the caller's SME"}},
                                 required=["message"]),
        "ProposalCreate": _object({"message": text, "listing_id": {"type": "integer", "minimum": 1, "maximum": MAX_ID},
                                   "organization": {"type": "string", "description": "external_id of the caller's organization"}},
                                  required=["message", "listing_id"]),
        "EngagementPatch": _object({"stage": {"enum": list(STAGES)}, "deal_kind": {"enum": list(DEAL_KINDS)},
                                    "amount_cny": {"type": "integer", "minimum": 0},
                                    "reason": {"type": "string", "maxLength": REASON_MAX},
                                    "version": {"type": "integer", "minimum": 1}}, required=["stage"]),
        "EngagementMessage": message,
        "EngagementMessages": _object({"items": {"type": "array", "items": ref("EngagementMessage")}}),
        "MessageCreate": _object({"body": text}),
        "ConsentUpdate": _object({"share": share}),
        "Document": _object({"id": {"type": "integer"}, "kind": {"enum": list(DOCUMENT_KINDS)}, "filename": {"type": "string"},
                             "content_type": {"type": "string"}, "size_bytes": {"type": "integer", "minimum": 1},
                             "sha256": {"type": "string"}, "created_at": INSTANT,
                             "content_url": {"type": "string", "format": "uri"}}),
        "Documents": _object({"items": {"type": "array", "items": ref("Document")}}),
        "ReviewCreate": _object({"rating": {"type": "integer", "minimum": 1, "maximum": 5},
                                 "text": {"type": "string", "minLength": 1, "maxLength": 2000}}),
        "Review": _object({"id": {"type": "integer"}, "engagement_id": {"type": "integer"}, "rating": {"type": "integer"},
                           "text": {"type": "string"}, "created_at": INSTANT, "reply": nullable({"type": "string"}),
                           "reply_at": nullable(INSTANT), "hidden": {"type": "boolean"}}),
    }


def paths(operation: Callable[..., dict[str, Any]], json: Callable[[str, Any], dict[str, Any]],
          errors: Callable[..., dict[str, Any]], path_id: Callable[[str], dict[str, Any]],
          query: Callable[..., dict[str, Any]]) -> dict[str, Any]:
    """The engagement paths, made with the document's helpers (``operation``, ``json``, ``errors``,
    ``path_id``, ``query``) so they look like every other."""
    item = path_id("engagement_id")
    created = {"201": {**json("Engagement", _l("Created: the engagement.")), "headers": {
        "ETag": {"$ref": "#/components/headers/ETag"}, "Location": {"schema": {"type": "string", "format": "uri"}}}}}
    one = {"200": {**json("Engagement", _l("The engagement, with its history.")),
                   "headers": {"ETag": {"$ref": "#/components/headers/ETag"}}}}

    def secured(op: dict[str, Any]) -> dict[str, Any]:
        op["security"] = [{"bearerAuth": []}, {"cookieAuth": []}]
        op["description"] = str(NOT_A_SIDE)
        return op

    return {
        "/listings/{listing_id}/inquiries": {"post": operation(
            "create_inquiry", "engagements", _l("Ask about or apply for a listing (an SME)"),
            {**created, **errors("NotFound", "Conflict", "ValidationFailed")},
            parameters=[path_id("listing_id")], body="InquiryCreate", write=True)},
        "/needs/{need_id}/proposals": {"post": operation(
            "create_proposal", "engagements", _l("Propose one of your listings for a need (a provider)"),
            {**created, **errors("NotFound", "Conflict", "ValidationFailed")},
            parameters=[path_id("need_id")], body="ProposalCreate", write=True)},
        "/engagements": {"get": secured(operation(
            "list_engagements", "engagements", _l("Your engagements, on both sides, latest activity first"),
            {"200": json("EngagementPage", _l("One page of engagements.")), **errors("BadRequest", "Unauthorized")},
            parameters=[query("stage", {"enum": list(STAGES)}), query("side", {"enum": list(SIDES)}),
                        {"$ref": "#/components/parameters/page"}, {"$ref": "#/components/parameters/per_page"}]))},
        "/engagements/{engagement_id}": {
            "get": secured(operation("get_engagement", "engagements", _l("Read an engagement"),
                                     {**one, **errors("Unauthorized", "NotFound")}, parameters=[item])),
            "patch": secured(operation(
                "update_engagement", "engagements", _l("Move an engagement to another stage (the rule is named when refused)"),
                {**one, **errors("NotFound", "Conflict", "ValidationFailed")},
                parameters=[item, {"$ref": "#/components/parameters/if_match"}], body="EngagementPatch", write=True)),
        },
        "/engagements/{engagement_id}/messages": {
            "get": secured(operation("list_engagement_messages", "engagements", _l("The conversation (marks it read)"),
                                     {"200": json("EngagementMessages", _l("The messages, oldest first.")),
                                      **errors("BadRequest", "Unauthorized", "NotFound")}, parameters=[item])),
            "post": _with_files(secured(operation("create_engagement_message", "engagements",
                                                  _l("Write to the other side, with documents as multipart/form-data"),
                                                  {"201": json("EngagementMessage", _l("The message.")),
                                                   **errors("NotFound", "Conflict", "ValidationFailed")},
                                                  parameters=[item], body="MessageCreate", write=True))),
        },
        "/engagements/{engagement_id}/review": {"post": secured(operation(
            "create_engagement_review", "engagements", _l("Rate the provider after a finished engagement (the SME, once)"),
            {"201": json("Review", _l("The review.")), **errors("NotFound", "Conflict", "ValidationFailed")},
            parameters=[item], body="ReviewCreate", write=True))},
        "/engagements/{engagement_id}/consent": {
            "put": secured(operation(
                "share_in_engagement", "engagements", _l("Choose what the provider may see (the SME): recorded with its time"),
                {**one, **errors("NotFound", "Conflict", "ValidationFailed")}, parameters=[item], body="ConsentUpdate",
                write=True)),
            "delete": secured(operation(
                "withdraw_consent", "engagements", _l("Withdraw the consent in force (the SME)"),
                {**one, **errors("NotFound", "Conflict")}, parameters=[item], write=True)),
        },
        "/organizations/{org_id}/documents": {
            "get": secured(operation("list_documents", "documents", _l("The organization's document library (members)"),
                                     {"200": json("Documents", _l("The documents, newest first.")),
                                      **errors("BadRequest", "Unauthorized", "Forbidden", "NotFound")},
                                     parameters=[path_id("org_id")])),
            "post": _multipart(secured(operation(
                "upload_document", "documents", _l("Add a document to the library (members)"),
                {"201": json("Document", _l("The document.")), **errors("NotFound", "ValidationFailed", "UnsupportedMediaType")},
                parameters=[path_id("org_id")], write=True)), {"file": {"type": "string", "format": "binary"},
                                                                "kind": {"enum": list(DOCUMENT_KINDS)}}, ["file"]),
        },
        "/documents/{document_id}": {
            "get": secured(operation("get_document", "documents", _l("A document's facts (to whoever may read it)"),
                                     {"200": json("Document", _l("The document.")),
                                      **errors("BadRequest", "Unauthorized", "NotFound")}, parameters=[path_id("document_id")])),
            "delete": secured(operation("delete_document", "documents", _l("Delete a library document (members)"),
                                        {"204": {"description": str(_l("Deleted."))}, **errors("NotFound", "Forbidden")},
                                        parameters=[path_id("document_id")], write=True)),
        },
        "/documents/{document_id}/content": {"get": secured(operation(
            "download_document", "documents", _l("Download a document (always as an attachment)"),
            {"200": {"description": str(_l("The file, with its sniffed type.")),
                     "content": {"application/octet-stream": {"schema": {"type": "string", "format": "binary"}}}},
             **errors("BadRequest", "Unauthorized", "NotFound")}, parameters=[path_id("document_id")]))},
    }


def _multipart(op: dict[str, Any], properties: dict[str, Any], required: list[str]) -> dict[str, Any]:
    """An operation whose body is multipart/form-data with ``properties`` (files are binary)."""
    op["requestBody"] = {"required": True, "content": {"multipart/form-data": {"schema": {
        "type": "object", "properties": properties, "required": required, "additionalProperties": False},
        "encoding": {name: {"contentType": "application/octet-stream"} for name, p in properties.items()
                     if p.get("format") == "binary" or p.get("items", {}).get("format") == "binary"}}}}
    op["description"] = f"{op.get('description', '')} {FILE_HELP}".strip()
    return op


def _with_files(op: dict[str, Any]) -> dict[str, Any]:
    """The message operation: a JSON body, or multipart/form-data with the text and the files."""
    json_body = op["requestBody"]["content"]["application/json"]
    _multipart(op, {"body": {"type": "string", "maxLength": MESSAGE_MAX},
                    "files": {"type": "array", "maxItems": FILES_PER_MESSAGE,
                              "items": {"type": "string", "format": "binary"}}}, [])
    op["requestBody"]["content"]["application/json"] = json_body
    return op
