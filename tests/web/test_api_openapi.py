"""The OpenAPI document: valid 3.1, the same operations as the app's routes, schemas that the
answers really match; and the API page rendered from it."""

from __future__ import annotations

import re

from jsonschema import Draft202012Validator, FormatChecker
from openapi_spec_validator import validate

from listings.validation import records_schema
from tests.web.test_api_support import API, bearer, create_posting, error_of, org_of, token_headers

IGNORED_METHODS = {"HEAD", "OPTIONS"}


def _document(client) -> dict:
    response = client.get(f"{API}/openapi.json")
    assert response.status_code == 200 and response.mimetype == "application/json"
    return response.get_json()


def _check(document: dict, schema_name: str, instance) -> None:
    """Raise if ``instance`` does not match the document's schema ``schema_name``."""
    schema = {"$ref": f"#/components/schemas/{schema_name}", "components": document["components"]}
    Draft202012Validator(schema, format_checker=FormatChecker()).validate(instance)


def test_the_document_is_valid_openapi_3_1(client):
    document = _document(client)
    assert document["openapi"].startswith("3.1")
    validate(document)
    assert set(document["components"]["securitySchemes"]) == {"bearerAuth", "cookieAuth"}
    # The records schema's definitions are reused unchanged (references relocated).
    listing = document["components"]["schemas"]["listing"]
    assert listing["required"] == records_schema()["$defs"]["listing"]["required"]
    assert listing["properties"]["regions"]["items"] == {"$ref": "#/components/schemas/region"}


def test_every_route_is_documented_and_every_operation_exists(app, client):
    document = _document(client)
    server = document["servers"][0]["url"]
    routes = set()
    for rule in app.url_map.iter_rules():
        if rule.endpoint.startswith("api."):
            path = re.sub(r"<(?:[^:<>]+:)?([^<>]+)>", r"{\1}", rule.rule)
            assert path.startswith(server)
            routes |= {(path[len(server):], method.lower()) for method in rule.methods - IGNORED_METHODS}
    documented = {
        (path, method)
        for path, item in document["paths"].items()
        for method in item
        if method in {"get", "post", "patch", "put", "delete"}
    }
    assert documented == routes
    # Path parameters are declared where they are used.
    for path, item in document["paths"].items():
        for name in re.findall(r"{(\w+)}", path):
            for operation in item.values():
                assert any(p.get("name") == name and p.get("in") == "path" for p in operation["parameters"]), (path, name)
    # Writes say they need authentication; every operation documents the error shape.
    for (path, method) in documented:
        operation = document["paths"][path][method]
        assert operation["responses"]["default"] == {"$ref": "#/components/responses/Error"}
        if method != "get":
            assert operation["security"] == [{"bearerAuth": []}, {"cookieAuth": []}]
            assert "401" in operation["responses"] and "403" in operation["responses"]


def test_answers_match_the_documented_schemas(client, make_user):
    document = _document(client)
    user = make_user()
    headers = token_headers(user)
    listing = create_posting(client, headers, "listing", status="draft")
    _check(document, "Listing", listing)
    need = create_posting(client, headers, "need", needed_by="2099-01-01", attributes={"participants": 20})
    _check(document, "Need", need)
    _check(document, "ListingPage", client.get(f"{API}/listings?mine=1", headers=headers).get_json())
    _check(document, "NeedPage", client.get(f"{API}/needs").get_json())
    org = org_of(user)
    _check(document, "Organization", client.get(f"{API}/organizations/{org.id}", headers=headers).get_json())
    _check(document, "OrganizationPage", client.get(f"{API}/organizations").get_json())
    _check(document, "Me", client.get(f"{API}/me", headers=headers).get_json())
    missing = client.get(f"{API}/listings/0")
    error_of(missing, 404)
    _check(document, "Error", missing.get_json())
    # Request bodies: what the API accepts is what the document says.
    _check(document, "ListingCreate", {"category": "financing", "title": "t", "description": "d"})
    _check(document, "NeedPatch", {"budget_cny": 1, "version": 2})


def test_the_api_page_is_rendered_from_the_document(client, make_user, auth):
    document = _document(client)
    page = client.get(f"{API}/docs")
    assert page.status_code == 200 and page.mimetype == "text/html"
    text = page.get_data(as_text=True)
    for path in document["paths"]:
        assert f"{API}{path}" in text
    assert "Authorization: Bearer" in text and "curl" in text and "If-Match" in text
    assert f'href="{API}/openapi.json"' in text
    # No inline script (the site's CSP forbids it).
    assert all('src="' in tag for tag in re.findall(r"<script[^>]*>", text))
    user = make_user()
    auth.login(user.email)
    assert "/account#api-tokens" in client.get(f"{API}/docs").get_data(as_text=True)
    assert client.get(f"{API}/docs", headers=bearer("gdsm_wrong")).status_code == 401
