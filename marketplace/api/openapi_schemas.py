"""``components/schemas`` of the OpenAPI document.

The records schema's ``$defs`` are reused as they are (OpenAPI 3.1 is JSON Schema 2020-12); the
request and response schemas of the API are derived from them, so that the API and the import
format cannot drift apart.
"""

from __future__ import annotations

import copy
from typing import Any

from listings.validation import records_schema
from marketplace.api.organizations import MAX_TAG_LENGTH, MAX_TAGS, NUMBER_FIELDS, TEXT_FIELDS
from marketplace.api.representations import MEMBER_ORGANIZATION_FIELDS, PUBLIC_ORGANIZATION_FIELDS
from marketplace.bounds import MAX_CNY
from marketplace.organizations.kinds import MEMBER_ROLES, VERIFICATION_STATUSES
from marketplace.organizations.services import EMPLOYEES_MAX, TAX_CREDIT_LEVELS
from matching import RULES

REF = "#/components/schemas/"
NULL = {"type": "null"}
RECORD_FIELDS = ("type", "external_id", "organization")


def ref(name: str) -> dict[str, str]:
    return {"$ref": REF + name}


def _relocate(node: Any) -> Any:
    """The node with ``#/$defs/x`` references pointing at ``#/components/schemas/x``."""
    if isinstance(node, dict):
        return {
            k: (REF + v.removeprefix("#/$defs/") if k == "$ref" and isinstance(v, str) else _relocate(v))
            for k, v in node.items()
        }
    if isinstance(node, list):
        return [_relocate(v) for v in node]
    return node


def nullable(schema: dict[str, Any]) -> dict[str, Any]:
    return {"anyOf": [schema, NULL]}


def _instant() -> dict[str, Any]:
    return nullable({"type": "string", "format": "date-time"})


def _posting_request(defs: dict[str, Any], kind: str, *, patch: bool) -> dict[str, Any]:
    schema = copy.deepcopy(defs[kind])
    schema["required"] = [] if patch else [f for f in schema["required"] if f not in RECORD_FIELDS]
    schema["properties"]["type"] = {"const": kind, "description": "Optional; the collection decides."}
    if patch:
        schema["description"] = (
            f"Fields of the {kind} to change; type, external_id and organization may be sent "
            "only unchanged. version (or the If-Match header) enables the optimistic lock."
        )
        schema["properties"]["version"] = {"type": "integer", "minimum": 1}
    else:
        schema["description"] = (
            f"A {kind} in the records format. external_id is generated when absent; organization "
            "(an external_id) defaults to the caller's organization; status defaults to published."
        )
    return schema


STANDING = {
    "rating": nullable({"type": "number", "minimum": 1, "maximum": 5,
                        "description": "Average of the visible reviews (one decimal); null without reviews."}),
    "review_count": {"type": "integer", "minimum": 0},
    "response_rate": nullable({"type": "number", "minimum": 0, "maximum": 1,
                               "description": "Share of the engagements others started with it that it answered (last 365 days)."}),
}


def _posting_response(defs: dict[str, Any], kind: str) -> dict[str, Any]:
    record = defs[kind]["properties"]
    properties: dict[str, Any] = {
        "id": {"type": "integer"},
        "organization_id": {"type": "integer"},
    }
    for name, schema in record.items():
        properties[name] = schema if name in RECORD_FIELDS else nullable(schema)
    properties.update(
        version={"type": "integer", "description": "Send it back in If-Match to update safely."},
        expired={"type": "boolean", "description": "Its deadline (or end date) is before today."},
        archived={"type": "boolean"},
        hidden={"type": "boolean", "description": "Taken off the marketplace by a moderator."},
        hidden_reason=nullable({"type": "string", "description": "Shown to members only."}),
        published_at=_instant(),
        closed_at=_instant(),
        created_at={"type": "string", "format": "date-time"},
        updated_at={"type": "string", "format": "date-time"},
        url={"type": "string", "format": "uri", "description": "Its page on the site."},
    )
    if kind == "listing":
        properties.update(STANDING)
    return {
        "type": "object",
        "properties": properties,
        "required": [name for name in properties if name != "hidden_reason"],
        "additionalProperties": False,
    }


def _organization_response(defs: dict[str, Any]) -> dict[str, Any]:
    record = defs["organization"]["properties"]
    properties: dict[str, Any] = {"id": {"type": "integer"}, "type": record["type"], "external_id": record["external_id"]}
    for name in PUBLIC_ORGANIZATION_FIELDS:
        schema = record.get(name) or {"$ref": REF + name}
        properties[name] = schema if name in ("name", "kind") else nullable(schema)
    properties.update(
        verification_status={"enum": list(VERIFICATION_STATUSES)},
        verified={"type": "boolean"},
        created_at={"type": "string", "format": "date-time"},
        updated_at={"type": "string", "format": "date-time"},
        url={"type": "string", "format": "uri"},
        **STANDING,
    )
    required = list(properties)
    for name in MEMBER_ORGANIZATION_FIELDS:
        properties[name] = nullable(record.get(name) or {"type": "string"})
    properties["tax_credit_level"] = nullable(TAX_CREDIT_LEVEL)
    properties["members"] = {
        "type": "array",
        "description": "Members only, like the fields above that are not required.",
        "items": {
            "type": "object",
            "properties": {
                "user_id": {"type": "integer"},
                "display_name": {"type": "string"},
                "email": {"type": "string"},
                "role": {"enum": list(MEMBER_ROLES)},
            },
            "required": ["user_id", "display_name", "email", "role"],
        },
    }
    return {"type": "object", "properties": properties, "required": required, "additionalProperties": False}


TAX_CREDIT_LEVEL = {"enum": list(TAX_CREDIT_LEVELS),
                    "description": "纳税信用等级 as the tax authority grades it (members only, or shared by consent)."}


def _organization_patch() -> dict[str, Any]:
    properties: dict[str, Any] = {
        name: nullable({"type": "string", "maxLength": length}) for name, length in TEXT_FIELDS.items()
    }
    limits = {"employees": (0, EMPLOYEES_MAX), "annual_revenue_cny": (0, MAX_CNY), "total_assets_cny": (0, MAX_CNY),
              "founded_year": (1900, 2100)}
    properties.update({
        name: nullable({"type": "integer", "minimum": limits[name][0], "maximum": limits[name][1]}) for name in NUMBER_FIELDS
    })
    properties["name"] = nullable({"type": "string", "minLength": 1, "maxLength": TEXT_FIELDS["name"],
                                   "description": "One line, with a visible character. Owners only; changing it "
                                                  "sends a verified organization back to verification."})
    properties["credit_code"] = nullable({"type": "string", "maxLength": TEXT_FIELDS["credit_code"],
                                          "description": "Owners only, like the name."})
    properties["website"] = nullable({"type": "string", "maxLength": TEXT_FIELDS["website"],
                                      "description": "An http(s) address (https:// is added to a bare host name)."})
    properties["contact_email"] = nullable({"type": "string", "maxLength": TEXT_FIELDS["contact_email"], "format": "email"})
    properties["tags"] = nullable(
        {"type": "array", "items": {"type": "string", "maxLength": MAX_TAG_LENGTH}, "maxItems": MAX_TAGS}
    )
    properties["tax_credit_level"] = nullable(TAX_CREDIT_LEVEL)
    return {
        "type": "object",
        "description": "Profile fields to change (members of the organization only).",
        "properties": properties,
        "additionalProperties": False,
    }


def page_schema(item: str) -> dict[str, Any]:
    return {
        "type": "object",
        "properties": {
            "items": {"type": "array", "items": ref(item)},
            "page": {"type": "integer", "minimum": 1},
            "per_page": {"type": "integer", "minimum": 1, "maximum": 100},
            "total": {"type": "integer", "minimum": 0},
            "pages": {"type": "integer", "minimum": 1},
        },
        "required": ["items", "page", "per_page", "total", "pages"],
        "additionalProperties": False,
    }


ERROR = {
    "type": "object",
    "properties": {
        "error": {
            "type": "object",
            "properties": {
                "code": {"type": "string", "examples": ["validation_failed"]},
                "message": {"type": "string"},
                "fields": {
                    "type": "object",
                    "description": "Messages per field (or query parameter); empty when none.",
                    "additionalProperties": {"type": "array", "items": {"type": "string"}},
                },
            },
            "required": ["code", "message", "fields"],
            "additionalProperties": False,
        }
    },
    "required": ["error"],
    "additionalProperties": False,
}

ME = {
    "type": "object",
    "properties": {
        "id": {"type": "integer"},
        "email": {"type": "string"},
        "display_name": {"type": "string"},
        "auth": {"enum": ["token", "session"]},
        "organizations": {
            "type": "array",
            "items": {
                "type": "object",
                "properties": {
                    "id": {"type": "integer"},
                    "external_id": ref("external_id"),
                    "name": {"type": "string"},
                    "kind": {"type": "string"},
                    "role": {"enum": list(MEMBER_ROLES)},
                },
                "required": ["id", "external_id", "name", "kind", "role"],
            },
        },
        "csrf_token": {"type": "string", "description": "Session callers only: send it as X-CSRFToken."},
    },
    "required": ["id", "email", "display_name", "auth", "organizations"],
    "additionalProperties": False,
}

VERSION_BODY = {
    "type": "object",
    "description": "Optional: the version you last saw (or send If-Match).",
    "properties": {"version": {"type": "integer", "minimum": 1}},
    "additionalProperties": False,
}


def _posting_reference(**extra: Any) -> dict[str, Any]:
    properties = {"id": {"type": "integer"}, "external_id": ref("external_id"), **extra}
    return {"type": "object", "properties": properties, "required": list(properties), "additionalProperties": False}


SENTENCES = {"zh": {"type": "string"}, "en": {"type": "string"}}

REASON = {
    "type": "object",
    "description": "Why a result fits (or, when negative, what speaks against it), in both languages.",
    "properties": {
        "code": {"type": "string", "examples": ["subcategory", "same_city", "over_budget"]},
        "params": {"type": "object", "description": "The values the sentences name (codes, amounts, dates)."},
        "negative": {"type": "boolean"},
        **SENTENCES,
    },
    "required": ["code", "params", "negative", "zh", "en"],
    "additionalProperties": False,
}


def _recommended(key: str, schema: str) -> dict[str, Any]:
    return {
        "type": "object",
        "properties": {
            key: ref(schema),
            "score": {"type": "number", "description": "Higher is better; comparable within one answer only."},
            "reasons": {"type": "array", "items": ref("Reason")},
        },
        "required": [key, "score", "reasons"],
        "additionalProperties": False,
    }


def _shown(schema: dict[str, Any]) -> dict[str, Any]:
    """A recommendation with its recorded impression (matches shown to the need's organization)."""
    impression = {"type": "integer", "minimum": 1, "description": (
        "The recorded showing of this recommendation to the need's organization (null for other callers and with as_of); "
        "add it as ?rec=<impression> to a link to the listing's page so that a click is counted.")}
    properties = {**schema["properties"], "impression": nullable(impression)}
    return {**schema, "properties": properties, "required": [*schema["required"], "impression"]}


def _need_matches() -> dict[str, Any]:
    excluded = {
        "type": "object",
        "properties": {
            "listing": _posting_reference(title={"type": "string"}, url={"type": "string", "format": "uri"}),
            "rules": {"type": "array", "items": {"enum": list(RULES)}, "minItems": 1},
            "reasons": {
                "type": "array",
                "description": "One sentence per rule, in the same order.",
                "items": {
                    "type": "object",
                    "properties": {"rule": {"enum": list(RULES)}, **SENTENCES},
                    "required": ["rule", "zh", "en"],
                    "additionalProperties": False,
                },
            },
        },
        "required": ["listing", "rules", "reasons"],
        "additionalProperties": False,
    }
    return {
        "type": "object",
        "properties": {
            "need": _posting_reference(),
            "eligible": {"type": "integer", "minimum": 0, "description": "Listings on offer that the need's enterprise may use."},
            "items": {"type": "array", "items": _shown(_recommended("listing", "Listing")), "maxItems": 50},
            "excluded": {
                "type": "array",
                "description": "With explain=1 only: listings on offer that match well but break a hard rule.",
                "items": excluded,
            },
        },
        "required": ["need", "eligible", "items"],
        "additionalProperties": False,
    }


def _listing_leads() -> dict[str, Any]:
    return {
        "type": "object",
        "properties": {
            "listing": _posting_reference(),
            "items": {"type": "array", "items": _recommended("need", "Need"), "maxItems": 50},
        },
        "required": ["listing", "items"],
        "additionalProperties": False,
    }


def _search_results() -> dict[str, Any]:
    segments = {
        "type": "array",
        "description": "The text cut into parts; parts with hit=true hold a query word or a synonym.",
        "items": {"type": "object", "properties": {"text": {"type": "string"}, "hit": {"type": "boolean"}},
                  "required": ["text", "hit"], "additionalProperties": False},
    }
    facet = {"type": "array", "items": {"type": "object", "properties": {
        "value": {"type": "string"}, "count": {"type": "integer", "minimum": 1}},
        "required": ["value", "count"], "additionalProperties": False}}
    return {
        "type": "object",
        "properties": {
            "query": {"type": "string"},
            "truncated": {"type": "boolean", "description": "The query was longer than 200 characters and was cut."},
            "terms": {"type": "array", "items": {"type": "string"}, "description": "The index terms the query became."},
            "total": {"type": "integer", "minimum": 0},
            "page": {"type": "integer", "minimum": 1},
            "per_page": {"type": "integer", "minimum": 1},
            "pages": {"type": "integer", "minimum": 1},
            "items": {"type": "array", "items": {
                "type": "object",
                "properties": {
                    "listing": {"$ref": "#/components/schemas/Listing"},
                    "highlights": {"type": "object", "properties": {"title": segments, "snippet": segments},
                                   "required": ["title", "snippet"], "additionalProperties": False},
                    "semantic_only": {"type": "boolean", "description": "Found by meaning: no query word in its text."},
                },
                "required": ["listing", "highlights", "semantic_only"],
                "additionalProperties": False,
            }},
            "facets": {
                "type": "object",
                "description": ("Counts per value under the other filters (not the facet's own). Region counts include "
                                "province-wide offers (value 440000); industry and size counts include offers open to all (value *)."),
                "additionalProperties": facet,
            },
        },
        "required": ["query", "truncated", "terms", "total", "page", "per_page", "pages", "items", "facets"],
        "additionalProperties": False,
    }


def schemas() -> dict[str, Any]:
    """Every schema of the document, by name."""
    defs = _relocate(records_schema()["$defs"])
    result: dict[str, Any] = dict(defs)
    for kind, name in (("listing", "Listing"), ("need", "Need")):
        result[name] = _posting_response(defs, kind)
        result[f"{name}Create"] = _posting_request(defs, kind, patch=False)
        result[f"{name}Patch"] = _posting_request(defs, kind, patch=True)
        result[f"{name}Page"] = page_schema(name)
    result.update(
        Organization=_organization_response(defs),
        OrganizationPatch=_organization_patch(),
        OrganizationPage=page_schema("Organization"),
        Error=ERROR,
        Me=ME,
        VersionBody=VERSION_BODY,
        Reason=REASON,
        NeedMatches=_need_matches(),
        ListingLeads=_listing_leads(),
        SearchResults=_search_results(),
    )
    return result
