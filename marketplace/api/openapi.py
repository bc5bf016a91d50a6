"""The OpenAPI 3.1 document of the API: every route, its parameters, bodies and responses.

Texts are lazy strings: ``openapi.json`` is built in English, the API page in the reader's
language. A test checks that the document and the app's routes list the same operations.
"""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l

from listings.categories import STATUSES
from listings.queries import LISTING_SORTS, MAX_PAGE, NEED_SORTS
from marketplace.api import openapi_engagements
from marketplace.api.auth import CSRF_HEADER
from marketplace.api.blueprint import PREFIX
from marketplace.api.openapi_schemas import ref, schemas
from marketplace.api.postings import ACTIONS, PARAMETERS
from marketplace.api.recommendations import DEFAULT_LIMIT, MAX_LIMIT
from marketplace.bounds import MAX_CNY, MAX_ID
from marketplace.organizations.kinds import KINDS
from marketplace.search.services import MAX_QUERY_INPUT

WRITE_SECURITY = [{"bearerAuth": []}, {"cookieAuth": []}]
FLAG = {"type": "string", "enum": ["1", "true", "0", "false"]}
ERRORS = {
    "BadRequest": (400, _l("Malformed request: bad JSON, an unknown query parameter or value.")),
    "Unauthorized": (401, _l("Not authenticated, or the token is unknown or revoked.")),
    "Forbidden": (403, _l("Not a member of the organization, or a session write without the CSRF header.")),
    "NotFound": (404, _l("No such resource (or a draft of another organization).")),
    "Conflict": (409, _l("Version conflict (someone saved in the meantime) or a duplicate external_id.")),
    "ValidationFailed": (422, _l("Invalid fields: error.fields names each one with its messages.")),
    "ServiceUnavailable": (503, _l("A backing service (the search index) is unreachable; try again shortly.")),
    "UnsupportedMediaType": (415, _l("The body is not of the type this operation reads (a file upload is multipart/form-data).")),
}
OTHER_ERRORS = _l("Any other error (405, 413, 500...), in the same shape.")


def _query(name: str, schema: dict[str, Any], description: Any = "") -> dict[str, Any]:
    parameter = {"name": name, "in": "query", "required": False, "schema": schema}
    if description:
        parameter["description"] = str(description)
    return parameter


def _path_id(name: str) -> dict[str, Any]:
    return {"name": name, "in": "path", "required": True, "schema": {"type": "integer", "minimum": 1, "maximum": MAX_ID}}


def _filters(kind: str) -> list[dict[str, Any]]:
    sorts = LISTING_SORTS if kind == "listing" else NEED_SORTS
    known = {
        "q": _query("q", {"type": "string", "maxLength": 200}, _l("Words in the title or description.")),
        "category": _query("category", ref("category")),
        "subcategory": _query("subcategory", ref("subcategory")),
        "region": _query("region", ref("region"), _l("GB/T 2260 code; offers for the whole province match too.")),
        "industry": _query("industry", ref("industry"), _l("GB/T 4754 section or division.")),
        "size_class": _query("size_class", ref("size_class")),
        "amount": _query("amount", {"type": "integer", "minimum": 0, "maximum": MAX_CNY}, _l("Financing amount in CNY.")),
        "max_price": _query("max_price", {"type": "integer", "minimum": 0, "maximum": MAX_CNY}, _l("Highest price (needs: budget) in CNY.")),
        "starts_after": _query("starts_after", {"type": "string", "format": "date"}),
        "starts_before": _query("starts_before", {"type": "string", "format": "date"}),
        "verified": _query("verified", FLAG, _l("Only verified organizations.")),
        "sort": _query("sort", {"enum": list(sorts), "default": "newest"}),
        "page": {"$ref": "#/components/parameters/page"},
        "per_page": {"$ref": "#/components/parameters/per_page"},
        "mine": _query("mine", FLAG, _l("The caller's organizations' postings in every status (drafts too); needs authentication. Only q, category, subcategory, status and paging apply.")),
    }
    parameters = [known[name] for name in PARAMETERS[kind]]
    parameters.append(_query("status", {"enum": list(STATUSES)}, _l("With mine=1 only.")))
    return parameters


def _json(schema_name: str, description: Any) -> dict[str, Any]:
    return {"description": str(description), "content": {"application/json": {"schema": ref(schema_name)}}}


def _errors(*names: str) -> dict[str, Any]:
    return {str(ERRORS[name][0]): {"$ref": f"#/components/responses/{name}"} for name in names}


def _operation(
    operation_id: str,
    tag: str,
    summary: Any,
    responses: dict[str, Any],
    *,
    parameters: list[dict[str, Any]] | None = None,
    body: str | None = None,
    write: bool = False,
) -> dict[str, Any]:
    operation: dict[str, Any] = {"operationId": operation_id, "tags": [tag], "summary": str(summary)}
    if parameters:
        operation["parameters"] = parameters
    if body:
        operation["requestBody"] = {
            "required": not write or body.endswith("Create"),
            "content": {"application/json": {"schema": ref(body)}},
        }
    if write:
        operation["security"] = WRITE_SECURITY
        operation.setdefault("parameters", []).append({"$ref": "#/components/parameters/csrf"})
        responses = {**responses, **_errors("BadRequest", "Unauthorized", "Forbidden")}
    operation["responses"] = {**responses, "default": {"$ref": "#/components/responses/Error"}}
    return operation


NEED_VISIBILITY_NOTE = _l(
    "A need is shown only to those its visibility lets see it: public needs to everyone, providers "
    "needs to signed-in members of provider organizations (every kind but sme), private needs to "
    "nobody outside its organization (and platform admins); others get 404 as for a draft."
)


def _posting_paths(kind: str, collection: str) -> dict[str, Any]:
    name = kind.capitalize()
    item_id, if_match = _path_id("posting_id"), {"$ref": "#/components/parameters/if_match"}
    ok = {"200": {**_json(name, _l("The %(kind)s.", kind=kind)), "headers": {"ETag": {"$ref": "#/components/headers/ETag"}}}}
    paths = {
        f"/{collection}": {
            "get": _operation(
                f"list_{collection}", collection, _l("Browse published %(collection)s (or your own with mine=1)", collection=collection),
                {"200": _json(f"{name}Page", _l("One page of results.")), **_errors("BadRequest", "Unauthorized")},
                parameters=_filters(kind),
            ),
            "post": _operation(
                f"create_{kind}", collection, _l("Create a %(kind)s", kind=kind),
                {"201": {**ok["200"], "description": str(_l("Created.")), "headers": {
                    "ETag": {"$ref": "#/components/headers/ETag"},
                    "Location": {"schema": {"type": "string", "format": "uri"}},
                }}, **_errors("Conflict", "ValidationFailed")},
                body=f"{name}Create", write=True,
            ),
        },
        f"/{collection}/{{posting_id}}": {
            "get": _operation(
                f"get_{kind}", collection, _l("Read a %(kind)s (drafts and hidden ones: members only)", kind=kind),
                {**ok, **_errors("NotFound")}, parameters=[item_id],
            ),
            "patch": _operation(
                f"update_{kind}", collection, _l("Change fields of a %(kind)s", kind=kind),
                {**ok, **_errors("NotFound", "Conflict", "ValidationFailed")},
                parameters=[item_id, if_match], body=f"{name}Patch", write=True,
            ),
        },
    }
    if kind == "need":
        for operation in (paths[f"/{collection}"]["get"], paths[f"/{collection}/{{posting_id}}"]["get"]):
            operation["description"] = str(NEED_VISIBILITY_NOTE)
    summaries = {"publish": _l("Publish"), "close": _l("Close"), "reopen": _l("Re-open a closed one")}
    for action in ACTIONS:
        paths[f"/{collection}/{{posting_id}}/{action}"] = {
            "post": _operation(
                f"{action}_{kind}", collection, summaries[action],
                {**ok, **_errors("NotFound", "Conflict", "ValidationFailed")},
                parameters=[item_id, if_match], body="VersionBody", write=True,
            )
        }
    return paths


def _recommendation_paths() -> dict[str, Any]:
    item_id = _path_id("posting_id")
    limit = _query("limit", {"type": "integer", "minimum": 1, "maximum": MAX_LIMIT, "default": DEFAULT_LIMIT}, _l("How many results at most."))
    as_of = _query("as_of", {"type": "string", "format": "date"}, _l("Judge deadlines on this day (YYYY-MM-DD) instead of today."))
    explain = _query("explain", {**FLAG, "default": "0"}, _l("Also list the well-matching listings that hard rules exclude, with the rules."))
    leads = _operation(
        "get_listing_leads", "recommendations", _l("Needs this listing can serve (members of its organization only)"),
        {"200": _json("ListingLeads", _l("The leads, best first.")), **_errors("BadRequest", "Unauthorized", "Forbidden", "NotFound")},
        parameters=[item_id, limit, as_of],
    )
    leads["security"] = WRITE_SECURITY
    return {
        "/needs/{posting_id}/matches": {
            "get": _operation(
                "get_need_matches", "recommendations", _l("Listings that fit a need, with reasons (drafts and hidden needs: members only)"),
                {"200": _json("NeedMatches", _l("The eligible listings, best first (possibly none).")), **_errors("BadRequest", "NotFound")},
                parameters=[item_id, limit, explain, as_of],
            )
        },
        "/listings/{posting_id}/leads": {"get": leads},
    }


def _search_paths() -> dict[str, Any]:
    from search import PRICE_BUCKETS, PUBLISHED_BUCKETS, SORTS

    def many(name: str, item: dict[str, Any], description: Any) -> dict[str, Any]:
        parameter = _query(name, {"type": "array", "items": item}, description)
        parameter.update(style="form", explode=True)
        return parameter

    parameters = [
        _query("q", {"type": "string", "maxLength": MAX_QUERY_INPUT}, _l("What is sought, in Chinese and/or English (cut to 200 characters). Empty: every listing on offer.")),
        many("category", ref("category"), _l("Any of these categories (repeat the parameter or separate by commas).")),
        many("subcategory", ref("subcategory"), _l("Any of these subcategories.")),
        many("region", ref("region"), _l("Offered in any of these cities (province-wide offers included).")),
        many("industry", ref("industry"), _l("Open to any of these industries (section or division; offers for every industry included).")),
        many("size_class", ref("size_class"), _l("Open to any of these enterprise sizes.")),
        _query("verified", FLAG, _l("1: verified providers only; 0: unverified only.")),
        _query("amount", {"type": "integer", "minimum": 0, "maximum": MAX_CNY}, _l("Financing sought in CNY: within the listing's range.")),
        _query("max_price", {"type": "integer", "minimum": 0, "maximum": MAX_CNY}, _l("Highest price in CNY.")),
        _query("price", {"enum": [key for key, _low, _high in PRICE_BUCKETS]}, _l("A price band (see the price facet).")),
        _query("published", {"enum": [key for key, _low, _high in PUBLISHED_BUCKETS]}, _l("Published within the last 7, 30, 90 or 365 days.")),
        _query("starts_after", {"type": "string", "format": "date"}),
        _query("starts_before", {"type": "string", "format": "date"}),
        _query("sort", {"enum": list(SORTS), "default": "relevance"}),
        _query("facets", {"type": "string"}, _l("Comma-separated facet names to count (default: all; empty: none).")),
        {"$ref": "#/components/parameters/page"},
        {"$ref": "#/components/parameters/per_page"},
    ]
    return {
        "/search": {
            "get": _operation(
                "search_listings", "search", _l("Search listings on offer: keywords and meaning, filters, facet counts and highlights"),
                {"200": _json("SearchResults", _l("One page of results, best first, with facet counts.")),
                 **_errors("BadRequest", "ServiceUnavailable")},
                parameters=parameters,
            )
        }
    }


def _paths() -> dict[str, Any]:
    org_id = _path_id("org_id")
    paths: dict[str, Any] = {
        "/organizations": {
            "get": _operation(
                "list_organizations", "organizations", _l("The directory of organizations"),
                {"200": _json("OrganizationPage", _l("One page of results.")), **_errors("BadRequest")},
                parameters=[
                    _query("kind", {"enum": list(KINDS)}),
                    _query("region", ref("region")),
                    _query("verified", FLAG, _l("Only verified organizations.")),
                    {"$ref": "#/components/parameters/page"},
                    {"$ref": "#/components/parameters/per_page"},
                ],
            )
        },
        "/organizations/{org_id}": {
            "get": _operation(
                "get_organization", "organizations", _l("Read an organization (members see contacts, figures and members)"),
                {"200": _json("Organization", _l("The organization.")), **_errors("NotFound")},
                parameters=[org_id],
            ),
            "patch": _operation(
                "update_organization", "organizations", _l("Change the profile (members only)"),
                {"200": _json("Organization", _l("The organization.")), **_errors("NotFound", "ValidationFailed", "Conflict")},
                parameters=[org_id], body="OrganizationPatch", write=True,
            ),
        },
    }
    paths.update(_posting_paths("listing", "listings"))
    paths.update(_posting_paths("need", "needs"))
    paths.update(_recommendation_paths())
    paths.update(_search_paths())
    paths.update(openapi_engagements.paths(_operation, _json, _errors, _path_id, _query))
    paths["/me"] = {
        "get": _operation(
            "get_me", "account", _l("Who is calling, with their organizations"),
            {"200": _json("Me", _l("The caller.")), **_errors("Unauthorized")},
        )
    }
    paths["/openapi.json"] = {
        "get": _operation(
            "get_openapi", "documentation", _l("This OpenAPI document"),
            {"200": {"description": str(_l("The document.")), "content": {"application/json": {"schema": {"type": "object"}}}}},
        )
    }
    paths["/docs"] = {
        "get": _operation(
            "get_docs", "documentation", _l("This documentation as a web page"),
            {"200": {"description": str(_l("The page.")), "content": {"text/html": {"schema": {"type": "string"}}}}},
        )
    }
    return paths


def _components() -> dict[str, Any]:
    error = {"application/json": {"schema": ref("Error")}}
    return {
        "schemas": {**schemas(), **openapi_engagements.schemas()},
        "responses": {
            **{name: {"description": str(text), "content": error} for name, (_status, text) in ERRORS.items()},
            "Error": {"description": str(OTHER_ERRORS), "content": error},
        },
        "parameters": {
            "page": _query("page", {"type": "integer", "minimum": 1, "maximum": MAX_PAGE, "default": 1}),
            "per_page": _query("per_page", {"type": "integer", "minimum": 1, "maximum": 100, "default": 20}),
            "if_match": {
                "name": "If-Match", "in": "header", "required": False, "schema": {"type": "string"},
                "description": str(_l('The version from the ETag, e.g. "3": a stale version answers 409.')),
            },
            "csrf": {
                "name": CSRF_HEADER, "in": "header", "required": False, "schema": {"type": "string"},
                "description": str(_l("Required when authenticated by the session cookie (see /me).")),
            },
        },
        "headers": {"ETag": {"description": str(_l('The version in quotes, e.g. "3".')), "schema": {"type": "string"}}},
        "securitySchemes": {
            "bearerAuth": {
                "type": "http", "scheme": "bearer",
                "description": str(_l("A personal API token, created on your account page.")),
            },
            "cookieAuth": {
                "type": "apiKey", "in": "cookie", "name": "session",
                "description": str(_l("The browser session; writes also need the X-CSRFToken header.")),
            },
        },
    }


def document() -> dict[str, Any]:
    """The OpenAPI 3.1 document (texts in the current locale)."""
    return {
        "openapi": "3.1.0",
        "jsonSchemaDialect": "https://json-schema.org/draft/2020-12/schema",
        "info": {
            "title": "SME Service Marketplace API",
            "version": "1.0.0",
            "description": str(_l(
                "Organizations, listings (offers) and needs (demands) of the Guangdong SME service "
                "marketplace, in the records format of the bulk import. Money is in whole CNY. "
                "Every error answers {\"error\": {\"code\", \"message\", \"fields\"}}."
            )),
        },
        "servers": [{"url": PREFIX}],
        "security": [{}, *WRITE_SECURITY],
        "tags": [{"name": name} for name in ("organizations", "listings", "needs", "recommendations", "search", "engagements", "documents", "account", "documentation")],
        "paths": _paths(),
        "components": _components(),
    }
