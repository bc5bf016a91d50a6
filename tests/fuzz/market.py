"""The market the fuzzers aim at, and what one example does around its request: prepare a target,
put back what it stored, and check that the market still works afterwards (this module holds no
tests)."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from flask import Flask
from flask.testing import FlaskClient
from jsonschema import Draft202012Validator, FormatChecker
from sqlalchemy import func, select, update

from listings import services as postings
from listings.models import Listing, Need
from marketplace.extensions import db
from marketplace.organizations.models import Organization
from marketplace.search import outbox as search_outbox
from marketplace.timeutil import utcnow
from tests.conftest import PASSWORD
from tests.fuzz.hostile import API, error_of, strict_json
from tests.web.test_api_recommendations import NEED as FINANCING_NEED
from tests.web.test_api_support import LISTING, create_posting, org_of, token_headers

MODELS = {"listing": Listing, "need": Need}
# The markup of hostile.MARKUP as a page would show it if it did not escape it.
UNESCAPED_MARKUP = re.compile(r"<script>alert\(1\)|<img src=x onerror|<b><b><b>|href=\"\s*(?:java|vb)script:", re.IGNORECASE)
RECORDS = {"listing": LISTING, "need": FINANCING_NEED}


@dataclass
class Market:
    """A bank with a published loan and an SME with a published financing need that the loan
    fits; a token for each; a logged-in browser for each (for their dashboards and forms)."""

    app: Flask
    client: FlaskClient
    bank: Any
    sme: Any
    bank_headers: dict[str, str]
    sme_headers: dict[str, str]
    listing_id: int
    need_id: int
    bank_org_id: int
    sme_org_id: int
    bank_browser: FlaskClient
    sme_browser: FlaskClient

    def headers_of(self, owner: str) -> dict[str, str]:
        return self.bank_headers if owner == "bank" else self.sme_headers

    def user_of(self, owner: str) -> Any:
        return self.bank if owner == "bank" else self.sme


def logged_in(app: Flask, email: str) -> FlaskClient:
    browser = app.test_client()
    response = browser.post("/login", data={"email": email, "password": PASSWORD})
    assert response.status_code == 302, response.get_data(as_text=True)[:500]
    return browser


def build_market(fuzz_app: Flask, make_user: Callable[..., Any]) -> Market:
    """The market, through the API (so its starting bodies are known to be accepted)."""
    bank, sme = make_user("fuzz-bank@example.cn", kind="bank"), make_user("fuzz-sme@example.cn", kind="sme")
    sme_org = org_of(sme)
    sme_org.region, sme_org.industry, sme_org.employees, sme_org.annual_revenue_cny = "441900", "C39", 25, 8_000_000
    db.session.commit()
    client = fuzz_app.test_client()
    bank_headers, sme_headers = token_headers(bank), token_headers(sme)
    listing = create_posting(client, bank_headers, "listing")
    need = create_posting(client, sme_headers, "need", **FINANCING_NEED)
    matches = client.get(f"{API}/needs/{need['id']}/matches")
    assert [i["listing"]["id"] for i in matches.get_json()["items"]] == [listing["id"]], "the loan fits the need"
    return Market(
        app=fuzz_app,
        client=client,
        bank=bank,
        sme=sme,
        bank_headers=bank_headers,
        sme_headers=sme_headers,
        listing_id=listing["id"],
        need_id=need["id"],
        bank_org_id=org_of(bank).id,
        sme_org_id=sme_org.id,
        bank_browser=logged_in(fuzz_app, bank.email),
        sme_browser=logged_in(fuzz_app, sme.email),
    )


@dataclass(frozen=True)
class Write:
    """A write operation: who may do it, on what, and a body that the API accepts."""

    owner: str  # "bank" or "sme"
    kind: str  # "listing", "need" or "organization"
    base: dict[str, Any]
    target_status: str | None = None  # a posting in this status is the target (None: POST creates)


# --- the OpenAPI document ----------------------------------------------------------------------


def openapi_document(client: Any) -> dict[str, Any]:
    """The API's OpenAPI document (read once per client: the document is static)."""
    cached: dict[str, Any] | None = getattr(client, "_fuzz_openapi", None)
    if cached is None:
        cached = strict_json(client.get(f"{API}/openapi.json"), "openapi.json")
        client._fuzz_openapi = cached
    return cached


def resolve(document: dict[str, Any], node: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in node:
        *_, section, name = node["$ref"].split("/")
        node = document["components"][section][name]
    return node


def body_fields(document: dict[str, Any], method: str, path: str) -> list[str]:
    content = document["paths"][path][method].get("requestBody", {}).get("content", {})
    schema = resolve(document, content.get("application/json", {}).get("schema", {}))
    return sorted(schema.get("properties", {}))


def field_types(document: dict[str, Any], method: str, path: str) -> dict[str, set[str]]:
    """The JSON types each documented field of the request body may have ("format:date" too for
    the dates)."""
    content = document["paths"][path][method].get("requestBody", {}).get("content", {})
    schema = resolve(document, content.get("application/json", {}).get("schema", {}))
    types: dict[str, set[str]] = {}
    for name, node in schema.get("properties", {}).items():
        node = resolve(document, node)
        options = [resolve(document, option) for option in node.get("anyOf", [node])]
        found = set()
        for option in options:
            declared = option.get("type", "string" if "enum" in option or "const" in option else "")
            found |= set(declared) if isinstance(declared, list) else {declared}
            if option.get("format") == "date":
                found.add("format:date")
        types[name] = found - {""}
    return types


def response_validator(document: dict[str, Any], method: str, path: str, status: int) -> Draft202012Validator | None:
    response = document["paths"][path][method]["responses"].get(str(status))
    if response is None:
        return None
    schema = resolve(document, response).get("content", {}).get("application/json", {}).get("schema")
    if schema is None:
        return None
    return Draft202012Validator({**schema, "components": document["components"]}, format_checker=FormatChecker())


# --- one example: prepare, request, check, put back -------------------------------------------


def make_target(market: Market, write: Write) -> int:
    """A fresh posting in the operation's starting state, the organization's id, or 0 (POST
    creates its own)."""
    if write.kind == "organization":
        return market.sme_org_id
    if write.target_status is None:
        return 0
    user = market.user_of(write.owner)
    organization = db.session.get(Organization, market.bank_org_id if write.owner == "bank" else market.sme_org_id)
    status = "published" if write.target_status == "closed" else write.target_status
    posting = postings.create(db.session, write.kind, organization, user, {**RECORDS[write.kind], "status": status})
    if write.target_status == "closed":
        postings.close(db.session, posting, user)
    db.session.commit()
    return posting.id


def put_back(market: Market, write: Write | None, first_new_id: dict[str, int], profile: dict[str, Any]) -> None:
    """Valid values again for everything the example may have stored (postings it created or
    targeted are also archived), so that the next example sees the same market. UPDATE
    statements, not the ORM: a poisoned row may not even load."""
    db.session.rollback()
    now = utcnow()
    for kind, model in MODELS.items():
        ids = list(db.session.scalars(select(model.id).where(model.id >= first_new_id[kind])))
        if not ids:
            continue
        values = {field: None for field in postings.FIELDS[kind]} | RECORDS[kind]
        values.update(tags=[], attributes={}, status="closed", archived_at=now, updated_at=now)
        if kind == "listing":
            values.update(industries=[], size_classes=[])
        db.session.execute(update(model).where(model.id.in_(ids)).values(**values))
        if kind == "listing":
            search_outbox.enqueue(db.session, ids)
    if write is None or write.kind == "organization":
        db.session.execute(update(Organization).where(Organization.id == market.sme_org_id).values(**profile, updated_at=now))
        search_outbox.enqueue_organization(db.session, market.sme_org_id)
    db.session.commit()
    db.session.expire_all()


def profile_of(market: Market) -> dict[str, Any]:
    """The SME's profile columns (to put back as they were, without the service's rules)."""
    organization = db.session.get(Organization, market.sme_org_id)
    columns = [c.key for c in Organization.__table__.columns if c.key not in ("id", "external_id", "created_at", "updated_at")]
    return {column: getattr(organization, column) for column in columns}


@contextmanager
def example(market: Market, write: Write) -> Iterator[int]:
    """Prepare the operation's target, yield its id, then put back what the example changed."""
    first_new_id = next_ids()
    profile = profile_of(market)
    try:
        yield make_target(market, write)
    finally:
        put_back(market, write, first_new_id, profile)


def check_answer(document: dict[str, Any], method: str, path: str, response: Any, context: str) -> list[str]:
    problems = []
    status = response.status_code
    try:
        if status >= 500:
            problems.append(f"{status} answer")
            strict_json(response, context)
        elif status >= 400:
            error_of(response, context)
        else:
            body = strict_json(response, context)
            validator = response_validator(document, method, path, status)
            if validator is None:
                problems.append(f"status {status} is not documented")
            else:
                problems += [f"answer does not match the documented schema at {list(e.absolute_path)}: {e.message[:200]}"
                             for e in list(validator.iter_errors(body))[:3]]
    except AssertionError as exc:
        problems.append(str(exc))
    return problems


def fingerprint() -> tuple[Any, ...]:
    """Changes whenever a write stored something: rows and their latest change per table."""
    return tuple(
        db.session.execute(select(func.count(), func.max(model.updated_at)).select_from(model)).one()
        for model in (Listing, Need, Organization)
    )


def market_problems(market: Market, postings_seen: dict[str, list[int]], *, pages: bool = True) -> list[str]:
    """What no longer works: every list, search and recommendation answer (strict JSON, 200), and
    with ``pages`` the browse and search pages, the owners' dashboards and the pages of the
    postings just touched."""
    api = [
        (f"{API}/listings", {}), (f"{API}/needs", {}), (f"{API}/organizations", {}),
        (f"{API}/listings?mine=1", market.bank_headers), (f"{API}/needs?mine=1", market.sme_headers),
        (f"{API}/search?q=%E8%B4%B7%E6%AC%BE", {}), (f"{API}/search?q=", {}),
        (f"{API}/needs/{market.need_id}/matches?explain=1", {}),
        (f"{API}/listings/{market.listing_id}/leads", market.bank_headers),
        (f"{API}/organizations/{market.sme_org_id}", market.sme_headers),
    ]
    for kind, ids in postings_seen.items():
        owner = market.bank_headers if kind == "listing" else market.sme_headers
        api += [(f"{API}/{kind}s/{posting_id}", owner) for posting_id in ids]
        if kind == "need":
            api += [(f"{API}/needs/{posting_id}/matches", owner) for posting_id in ids]
        else:
            api += [(f"{API}/listings/{posting_id}/leads", owner) for posting_id in ids]
    problems = []
    for url, headers in api:
        response = _get(market.client, url, headers, problems)
        if response is None:
            continue
        if response.status_code != 200:
            problems.append(f"GET {url} -> {response.status_code}: {response.get_data(as_text=True)[:200]}")
        try:
            strict_json(response, f"GET {url}")
        except AssertionError as exc:
            problems.append(str(exc))
    if not pages:
        return problems
    html = [(market.client, "/listings"), (market.client, "/needs"), (market.client, "/search?q=%E8%B4%B7%E6%AC%BE"),
            (market.client, f"/orgs/{market.sme_org_id}"), (market.bank_browser, "/my/listings"),
            (market.sme_browser, "/my/needs")]
    for kind, ids in postings_seen.items():
        browser = market.bank_browser if kind == "listing" else market.sme_browser
        html += [(browser, f"/{kind}s/{posting_id}") for posting_id in ids]
        html += [(browser, f"/{kind}s/{posting_id}/edit") for posting_id in ids]
    for browser, url in html:
        response = _get(browser, url, {}, problems)
        if response is None:
            continue
        if response.status_code != 200:
            problems.append(f"page {url} -> {response.status_code}")
        injected = UNESCAPED_MARKUP.search(response.get_data(as_text=True))
        if injected:
            problems.append(f"page {url} shows markup of the fuzzer unescaped: {injected.group(0)[:80]!r}")
    return problems


def _get(client: FlaskClient, url: str, headers: dict[str, str], problems: list[str]) -> Any:
    """The answer, or None (and the problem noted) when the app raised instead of answering: when
    even its error page fails, the exception reaches the server, which answers a bare 500."""
    try:
        return client.get(url, headers=headers)
    except Exception as exc:  # any exception out of the app is the failure being looked for
        problems.append(f"GET {url} raised {type(exc).__name__}: {str(exc)[:200]}")
        return None


def touched(target: int, write: Write, response: Any) -> dict[str, list[int]]:
    """The postings an example wrote: its target, or the one it created."""
    if write.kind == "organization":
        return {}
    if write.target_status is not None:
        return {write.kind: [target]}
    created = response.get_json(silent=True) if response.status_code == 201 else None
    return {write.kind: [created["id"]]} if isinstance(created, dict) and "id" in created else {}


def next_ids() -> dict[str, int]:
    return {kind: (db.session.scalar(select(func.max(model.id))) or 0) + 1 for kind, model in MODELS.items()}


