"""Property-based fuzzing of the JSON API (Hypothesis, Flask test client).

The security requirement: no input through the API answers a 5xx, stores a value that later
breaks a page or an answer, or stalls a worker. Every write operation of the OpenAPI document
gets bodies that start from one the API accepts and are then mutated hostilely (huge and
non-finite numbers written as raw JSON text, deep nesting, huge strings, lists and objects,
control characters, lone surrogates, markup, wrong types, unknown fields); every GET operation
gets hostile query parameters; every path id gets out-of-range values. After each write example
every list, search and recommendation answer and the browse pages must still work.

Each example starts from the same market: what an example stored is put back to valid values
(and archived) afterwards, so that a failure belongs to the example that caused it and
Hypothesis' shrinking finds the smallest culprit instead of any later request.
"""

from __future__ import annotations

import multiprocessing
import re
import resource
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

import pytest
from hypothesis import given
from hypothesis import strategies as st

from listings.categories import ATTRIBUTE_FIELDS
from marketplace.extensions import db
from tests.conftest import PASSWORD
from tests.fuzz.hostile import (
    API,
    SWEEP,
    SWEEP_BY_TYPE,
    SWEEP_ONCE,
    Many,
    body_bytes,
    error_of,
    fuzz_settings,
    generated_strings,
    mutated,
    server_errors,
    short,
    strict_json,
)
from tests.fuzz.market import (
    FINANCING_NEED,
    Market,
    Write,
    body_fields,
    check_answer,
    example,
    field_types,
    fingerprint,
    make_target,
    market_problems,
    next_ids,
    openapi_document,
    profile_of,
    put_back,
    resolve,
    touched,
)
from tests.fuzz.test_uploads import DOCUMENT_WRITES
from tests.web.test_api_support import LISTING
from tests.web.test_listings_pages import LOAN_FORM
from tests.web.test_organizations import PROFILE

WRITE_EXAMPLES = 15  # per write operation (11 of them); the sweep below covers every field too
QUERY_EXAMPLES = 20  # per GET operation (12 of them, plus the 3 browse pages)
ATTRIBUTE_KEYS = sorted({spec.key for specs in ATTRIBUTE_FIELDS.values() for spec in specs})


WRITES: dict[tuple[str, str], Write] = {
    ("post", "/listings"): Write("bank", "listing", LISTING),
    ("patch", "/listings/{posting_id}"): Write("bank", "listing", {"title": "新标题", "deadline": "2099-12-31"}, "published"),
    ("post", "/listings/{posting_id}/publish"): Write("bank", "listing", {}, "draft"),
    ("post", "/listings/{posting_id}/close"): Write("bank", "listing", {}, "published"),
    ("post", "/listings/{posting_id}/reopen"): Write("bank", "listing", {}, "closed"),
    ("post", "/needs"): Write("sme", "need", FINANCING_NEED),
    ("patch", "/needs/{posting_id}"): Write("sme", "need", {"title": "新标题", "amount_cny": 2_000_000}, "published"),
    ("post", "/needs/{posting_id}/publish"): Write("sme", "need", {}, "draft"),
    ("post", "/needs/{posting_id}/close"): Write("sme", "need", {}, "published"),
    ("post", "/needs/{posting_id}/reopen"): Write("sme", "need", {}, "closed"),
    ("patch", "/organizations/{org_id}"): Write("sme", "organization", {"description": "PCBA 贴片", "employees": 30, "region": "441900", "tags": ["SMT"]}),
}
WRITE_IDS = [f"{method.upper()} {path}" for method, path in WRITES]
# Engagement writes (who writes, a body the API accepts, the stage the target engagement is in
# first: None for the two that start one); fuzzed by test_hostile_engagement_bodies_answer_4xx.
ENGAGEMENT_WRITES: dict[tuple[str, str], tuple[str, dict[str, Any], str | None]] = {
    ("post", "/listings/{listing_id}/inquiries"): ("sme", {"message": "想申请 300 万元"}, None),
    ("post", "/needs/{need_id}/proposals"): ("bank", {"message": "我行可提供"}, None),
    ("patch", "/engagements/{engagement_id}"): ("bank", {"stage": "proposal"}, "in_discussion"),
    ("post", "/engagements/{engagement_id}/messages"): ("sme", {"body": "请问利率？"}, "new"),
    ("post", "/engagements/{engagement_id}/review"): ("sme", {"rating": 5, "text": "放款快"}, "won"),
    ("put", "/engagements/{engagement_id}/consent"): ("sme", {"share": ["credit_code"]}, "in_discussion"),
    ("delete", "/engagements/{engagement_id}/consent"): ("sme", {}, "new"),
}


# --- write operations -------------------------------------------------------------------------


def test_every_write_operation_of_the_document_is_fuzzed(fuzz_market):
    document = openapi_document(fuzz_market.client)
    documented = {
        (method, path)
        for path, item in document["paths"].items()
        for method in item
        if method in ("post", "patch", "put", "delete")
    }
    assert documented == set(WRITES) | set(ENGAGEMENT_WRITES) | DOCUMENT_WRITES  # uploads: test_uploads.py


@pytest.mark.parametrize("operation", list(WRITES), ids=WRITE_IDS)
def test_the_starting_bodies_are_accepted(fuzz_market, operation):
    method, path = operation
    write = WRITES[operation]
    with example(fuzz_market, write) as target:
        url = API + path.format(posting_id=target, org_id=target)
        response = fuzz_market.client.open(url, method=method.upper(), json=write.base, headers=fuzz_market.headers_of(write.owner))
        assert response.status_code in (200, 201), response.get_data(as_text=True)


@pytest.mark.parametrize("operation", list(WRITES), ids=WRITE_IDS)
@fuzz_settings(WRITE_EXAMPLES)
@given(data=st.data())
def test_hostile_bodies_answer_4xx_and_leave_the_market_working(fuzz_market, caplog, operation, data):
    method, path = operation
    write = WRITES[operation]
    document = openapi_document(fuzz_market.client)
    fields = [*body_fields(document, method, path), "version"]
    body = data.draw(mutated(write.base, fields, ATTRIBUTE_KEYS), label="body")
    content_type = data.draw(st.sampled_from(["application/json"] * 6 + ["text/plain", "application/json; charset=latin-1", None]), label="content_type")
    if_match = data.draw(st.none() | st.sampled_from(['"1"', '"18446744073709551616"', '"-1"', 'W/"1"', "*", '"1e400"', '"１"', '"' + "9" * 5000 + '"', "\x00"]), label="if_match") if "{" in path else None

    headers = dict(fuzz_market.headers_of(write.owner))
    if if_match is not None:
        headers["If-Match"] = if_match
    if content_type:
        headers["Content-Type"] = content_type
    with example(fuzz_market, write) as target:
        before = fingerprint()
        caplog.clear()
        url = API + path.format(posting_id=target, org_id=target)
        response = fuzz_market.client.open(url, method=method.upper(), data=body_bytes(body), headers=headers)
        context = f"{method.upper()} {url}"
        problems = check_answer(document, method, path, response, context)
        if response.status_code < 300 and write.kind != "organization":
            # What was stored must read back as it was answered.
            stored = response.get_json(silent=True) or {}
            again = fuzz_market.client.get(f"{API}/{write.kind}s/{stored.get('id')}", headers=fuzz_market.headers_of(write.owner))
            if again.get_json(silent=True) != stored:
                problems.append("the stored posting reads back differently from the write's answer")
        # The pages render rows from the database: when the example stored nothing (the usual 4xx),
        # they show what they showed before, and only the API's answers (which also depend on the
        # search and matching indexes in memory) are checked again.
        problems += market_problems(fuzz_market, touched(target, write, response), pages=fingerprint() != before)
        problems += [f"logged: {entry}" for entry in server_errors(caplog.records)]
        assert not problems, (
            f"{context} with body {short(body)} (Content-Type {content_type}, If-Match {short(if_match, 40)}) "
            f"-> {response.status_code} {response.get_data(as_text=True)[:300]!r}\n  " + "\n  ".join(problems)
        )


def _engagement_in(market: Any, stage: str) -> int:
    """A fresh engagement between the market's SME and bank about the loan, moved to ``stage``."""
    from listings.models import Listing
    from marketplace.engagements import services as engagements
    from tests.factories import org_of

    sme, bank = market.user_of("sme"), market.user_of("bank")
    engagement = engagements.inquire(db.session, db.session.get(Listing, market.listing_id), org_of(sme), sme,
                                     {"message": "你好"})
    if stage != "new":
        engagements.post_message(db.session, engagement, bank, "您好")
    if stage == "won":
        engagements.move(db.session, engagement, bank, {"stage": "proposal"})
        engagements.move(db.session, engagement, bank, {"stage": "won", "deal_kind": "loan", "amount_cny": 1_000_000})
    db.session.commit()
    return engagement.id


def _no_engagements() -> None:
    from sqlalchemy import delete

    from marketplace.engagements.models import Engagement

    db.session.rollback()
    db.session.execute(delete(Engagement))
    db.session.commit()


@pytest.mark.parametrize("operation", list(ENGAGEMENT_WRITES), ids=[f"{m.upper()} {p}" for m, p in ENGAGEMENT_WRITES])
@fuzz_settings(WRITE_EXAMPLES)
@given(data=st.data())
def test_hostile_engagement_bodies_answer_4xx(fuzz_market, caplog, operation, data):
    """Engagement writes get the same hostile bodies; whatever the answer, it is a documented one
    (no 5xx), and the caller's engagements still list and read."""
    method, path = operation
    owner, base, stage = ENGAGEMENT_WRITES[operation]
    document = openapi_document(fuzz_market.client)
    body = data.draw(mutated(base, body_fields(document, method, path), ATTRIBUTE_KEYS), label="body")
    headers = fuzz_market.headers_of(owner)
    try:
        target = _engagement_in(fuzz_market, stage) if stage else None
        url = API + path.format(listing_id=fuzz_market.listing_id, need_id=fuzz_market.need_id, engagement_id=target)
        caplog.clear()
        response = fuzz_market.client.open(url, method=method.upper(), data=body_bytes(body), headers=headers)
        context = f"{method.upper()} {url}"
        problems = check_answer(document, method, path, response, context)
        problems += [f"logged: {entry}" for entry in server_errors(caplog.records)]
        listed = fuzz_market.client.get(f"{API}/engagements", headers=headers)
        problems += [] if listed.status_code == 200 else [f"then GET /engagements -> {listed.status_code}"]
        for item in (listed.get_json(silent=True) or {}).get("items", []):
            again = fuzz_market.client.get(f"{API}/engagements/{item['id']}", headers=headers)
            problems += check_answer(document, "get", "/engagements/{engagement_id}", again, "then GET the engagement")
        assert not problems, f"{context} with body {short(body)} -> {response.status_code}\n  " + "\n  ".join(problems)
    finally:
        _no_engagements()


@pytest.mark.parametrize("operation", list(WRITES), ids=WRITE_IDS)
def test_every_field_refuses_each_kind_of_hostile_value(fuzz_market, caplog, operation):
    """A deterministic sweep beside the random examples: every documented field of the body gets
    one value of each kind (hostile.SWEEP, and big ones by its type). Every failure is listed at
    once. What the sweep stores is read back at once, and stays until the end of the operation,
    when the whole fuzz_market is checked."""
    method, path = operation
    write = WRITES[operation]
    document = openapi_document(fuzz_market.client)
    types = {**field_types(document, method, path), "version": {"integer"}}
    cases = [(field, value) for field in types for value in SWEEP]
    cases += [(field, value) for field, kinds in types.items() for kind in sorted(kinds) for value in SWEEP_BY_TYPE.get(kind, [])]
    cases += [(next(iter(types)), value) for value in SWEEP_ONCE]
    first_new_id, profile = next_ids(), profile_of(fuzz_market)
    failures: list[str] = []
    stored_ids: dict[str, list[int]] = {}
    try:
        target = make_target(fuzz_market, write)
        for field, value in cases:
            before = fingerprint()
            caplog.clear()
            url = API + path.format(posting_id=target, org_id=target)
            body = {**write.base, field: value}
            response = fuzz_market.client.open(url, method=method.upper(), data=body_bytes(body), headers=fuzz_market.headers_of(write.owner))
            problems = check_answer(document, method, path, response, f"{method.upper()} {url}")
            problems += [f"logged: {entry}" for entry in server_errors(caplog.records)]
            if response.status_code < 300 and isinstance(value, str) and "format:date" in types[field]:
                shown = (response.get_json(silent=True) or {}).get(field)
                if shown != value:
                    problems.append(f"accepted and stored as {shown!r}")
            if fingerprint() != before:
                for kind, ids in touched(target, write, response).items():
                    stored_ids.setdefault(kind, []).extend(ids)
                    item = fuzz_market.client.get(f"{API}/{kind}s/{ids[0]}", headers=fuzz_market.headers_of(write.owner))
                    problems += [] if item.status_code == 200 else [f"then GET {kind} -> {item.status_code}"]
                    try:
                        strict_json(item, f"then GET {kind}")
                    except AssertionError as exc:
                        problems.append(str(exc))
                if write.target_status is not None:  # keep what it stored; aim the next one at a fresh posting
                    target = make_target(fuzz_market, write)
            if problems:
                failures.append(f"{field}={short(value, 60)} -> {response.status_code}: " + "; ".join(problems)[:600])
        broken = market_problems(fuzz_market, {kind: ids[:10] for kind, ids in stored_ids.items()})
        if broken:
            accepted = ", ".join(f"{kind}s {ids}" for kind, ids in stored_ids.items())
            failures.append(f"after the sweep ({accepted} stored): " + "; ".join(broken)[:1500])
    finally:
        put_back(fuzz_market, write, first_new_id, profile)
    assert not failures, f"{method.upper()} {path}: {len(failures)} failures\n" + "\n".join(failures)


# --- query parameters -------------------------------------------------------------------------

QUERY_VALUES = [
    "", " ", "0", "-1", "1", str(2**31), str(2**63 - 1), str(2**63), str(2**64), str(10**30), "9" * 400,
    "9" * 5000, "1e400", "1.5", "11.0", "NaN", "inf", "Infinity", "١٢٣", "１００", "true", "on", "maybe",
    "\x00", "a\x00b", "\r\n", "\u2028", "\u200b", "\ufeff", "javascript:alert(1)", '"', "*", "NEAR", "-", ":",
    "\\", "%", "_", "' OR 1=1 --", "0001-01-01", "9999-12-31", "2026-02-30", "20260101", "+2026-01-01",
    "440000", "441900", "４４１９００", "C39", "C", "financing", "loan", "small", "category,region", ",,,",
    "newest", "relevance", "贷款", "资金周转 export fair",
]
RAW_QUERY_BYTES = ["%FF", "%00", "%ED%A0%80", "%C0%80", "%E8%B4", "%", "%%", "%zz"]


def _get_operations(document: dict[str, Any]) -> dict[str, list[str]]:
    operations = {}
    for path, item in document["paths"].items():
        if "get" in item:
            parameters = [resolve(document, p) for p in item["get"].get("parameters", [])]
            operations[path] = sorted(p["name"] for p in parameters if p["in"] == "query")
    return operations


GET_PATHS = [
    "/docs", "/listings", "/listings/{posting_id}", "/listings/{posting_id}/leads", "/me", "/needs",
    "/needs/{posting_id}", "/needs/{posting_id}/matches", "/openapi.json", "/organizations",
    "/organizations/{org_id}", "/search", "/engagements", "/engagements/{engagement_id}",
    "/engagements/{engagement_id}/messages", "/organizations/{org_id}/documents", "/documents/{document_id}",
    "/documents/{document_id}/content",
]


def _fill(path: str, value: Any) -> str:
    """``path`` with every {name} replaced by ``value``."""
    return re.sub(r"\{[a-z_]+\}", str(value), path)


QUERY_TARGETS = [("api", path) for path in GET_PATHS] + [("page", path) for path in ("/listings", "/needs", "/search")]


def test_every_get_operation_of_the_document_is_fuzzed(fuzz_market):
    assert set(_get_operations(openapi_document(fuzz_market.client))) == set(GET_PATHS)


def _quote(text: str) -> str:
    # A lone surrogate goes out as its (invalid) UTF-8 bytes, %ED%A0%80, as a hostile client's would.
    return quote(text.encode("utf-8", "surrogatepass"), safe="")


def _query_strategy(names: list[str]) -> st.SearchStrategy[str]:
    name = st.sampled_from(names) if names else st.nothing()
    name = name | st.sampled_from(["colour", "", "q[]", "page ", "\x00"]) | st.text(max_size=6)
    value = st.sampled_from(QUERY_VALUES) | generated_strings | st.integers().map(str) | st.just("x" * 10_000)
    pair = st.tuples(name, value).map(lambda p: f"{_quote(p[0])}={_quote(p[1])}")
    raw = st.tuples(name, st.sampled_from(RAW_QUERY_BYTES)).map(lambda p: f"{_quote(p[0])}={p[1]}")
    return st.lists(pair | raw, min_size=1, max_size=6).map("&".join)


@pytest.mark.parametrize(("where", "path"), QUERY_TARGETS, ids=[f"{w} {p}" for w, p in QUERY_TARGETS])
def test_hostile_query_parameters_answer_4xx(fuzz_market, caplog, where, path):
    document = openapi_document(fuzz_market.client)
    is_api = where == "api"
    names = _get_operations(document)[path] if is_api else []
    real_id = fuzz_market.need_id if path.startswith("/needs") else fuzz_market.sme_org_id if "org_id" in path else fuzz_market.listing_id
    # Mostly the real row; sometimes an id that is no integer at all (then no route matches).
    path_ids = st.sampled_from([str(real_id)] * 6 + ["abc", "1e3", "%EF%BC%91", "-1", "9" * 30, "%00", "%ED%A0%80", "1%0A", "%20"])

    @fuzz_settings(QUERY_EXAMPLES)
    @given(query=_query_strategy(names), who=st.sampled_from(["anonymous", "bank", "sme"]), path_id=path_ids)
    def run(query: str, who: str, path_id: str) -> None:
        headers = {} if who == "anonymous" else fuzz_market.headers_of(who)
        url = (API if is_api else "") + _fill(path, path_id) + "?" + query
        caplog.clear()
        response = fuzz_market.client.get(url, headers=headers)
        problems = []
        if response.status_code >= 500:
            problems.append(f"{response.status_code} answer")
        if is_api:
            try:
                if 400 <= response.status_code < 500:
                    error_of(response, f"GET {url}")
                elif path not in ("/docs", "/documents/{document_id}/content"):  # HTML, a file; errors are JSON
                    strict_json(response, f"GET {url}")
            except AssertionError as exc:
                problems.append(str(exc))
        problems += [f"logged: {entry}" for entry in server_errors(caplog.records)]
        assert not problems, f"GET {short(url, 400)} as {who} -> {response.status_code}\n  " + "\n  ".join(problems)

    run()
    # GETs write nothing a page shows, but they must not have broken anything either.
    assert not market_problems(fuzz_market, {})


# --- path ids ---------------------------------------------------------------------------------

# Out of range for a 64-bit (or 32-bit) column, not positive, and digits that are not ASCII
# (Python's int() reads "１" and "١" as 1, so without a bounded converter /listings/１ is /listings/1).
HOSTILE_IDS = [str(2**63), str(2**63 - 1), str(2**64), str(10**30), str(2**31), "-1", "0", "%EF%BC%91", "%D9%A1"]


@pytest.mark.parametrize("hostile_id", HOSTILE_IDS)
def test_out_of_range_path_ids_answer_404(fuzz_market, caplog, hostile_id):
    document = openapi_document(fuzz_market.client)
    failures = []
    for path, item in document["paths"].items():
        if "{" not in path:
            continue
        for method in item:
            caplog.clear()
            url = API + _fill(path, hostile_id)
            write = WRITES.get((method, path))
            engagement_write = ENGAGEMENT_WRITES.get((method, path))
            owner = write.owner if write else engagement_write[0] if engagement_write else "bank"
            body = write.base if write else engagement_write[1] if engagement_write else None
            response = fuzz_market.client.open(url, method=method.upper(), json=body, headers=fuzz_market.headers_of(owner))
            if response.status_code != 404:
                failures.append(f"{method.upper()} {url} -> {response.status_code}; " + "; ".join(server_errors(caplog.records))[-600:])
                continue
            try:
                error_of(response, f"{method.upper()} {url}")
            except AssertionError as exc:
                failures.append(str(exc))
    assert not failures, "\n".join(failures)


# --- a hostile number must not stall a worker -------------------------------------------------

STALL = "1e999990"  # 10^999990 万元: converting it to whole CNY builds a 999,994-digit integer
CPU_SECONDS = 10


@dataclass(frozen=True)
class Heavy:
    """A request that must be refused (or served) cheaply."""

    url: str
    form: dict[str, Any] | None = None  # sent as a logged-in owner's form
    body: Any = None  # sent as JSON with the owner's token
    owner: str = "bank"


def _heavy_requests(fuzz_market: Market) -> dict[str, Heavy]:
    need_form = {"category": "financing", "subcategory": "loan", "title": "流动资金", "description": "周转", "action": "publish"}
    return {
        "profile form: annual_revenue_wan=1e999990": Heavy(f"/orgs/{fuzz_market.sme_org_id}/edit", form={**PROFILE, "annual_revenue_wan": STALL}, owner="sme"),
        "listing form: amount_max_wan=1e999990": Heavy("/listings/new", form={**LOAN_FORM, "amount_max_wan": STALL}),
        "need form: amount_wan=1e999990": Heavy("/needs/new", form={**need_form, "amount_wan": STALL}, owner="sme"),
        # jsonschema describes every bad item: 300,000 of them (a 1.2 MB body) took 28 s.
        "API: 300,000 invalid region codes": Heavy(f"{API}/listings", body={**LISTING, "regions": Many("x", 300_000)}),
    }


def _request_in_child(fuzz_market: Market, heavy: Heavy, out: Any) -> None:
    with fuzz_market.app.app_context():
        db.engine.dispose(close=False)  # the forked child must not use the parent's connections
    resource.setrlimit(resource.RLIMIT_CPU, (CPU_SECONDS, CPU_SECONDS + 5))
    if heavy.form is not None:
        browser = fuzz_market.app.test_client()
        browser.post("/login", data={"email": fuzz_market.user_of(heavy.owner).email, "password": PASSWORD})
        response = browser.post(heavy.url, data=heavy.form)
    else:
        client = fuzz_market.app.test_client()
        response = client.post(heavy.url, data=body_bytes(heavy.body), headers=fuzz_market.headers_of(heavy.owner))
    out.send(response.status_code)


def _status_within_cpu_budget(fuzz_market: Market, heavy: Heavy) -> int | None:
    """The status of the request, or None if it used up its CPU budget.

    Why a child process with a CPU limit and not a timer: the stall is a single C call
    (``int()`` of a ~10^6-digit Decimal, quadratic in the digits) that holds the GIL. Python runs
    signal handlers only between bytecodes, so a ``signal.alarm`` guard fires after the call has
    returned (measured: an alarm set for 2 s raised after 6 s), and a thread's ``join(timeout)``
    cannot return while the GIL is held either. A forked child can be stopped, and RLIMIT_CPU
    counts CPU seconds of work rather than wall time, so a busy CI machine cannot fail it; the
    request normally needs well under a second of its 10 CPU seconds. The join timeout is only
    a safety net (SIGXCPU ends the child first).
    """
    db.session.commit()
    context = multiprocessing.get_context("fork")
    receive, send = context.Pipe(duplex=False)
    child = context.Process(target=_request_in_child, args=(fuzz_market, heavy, send), daemon=True)
    child.start()
    child.join(timeout=4 * CPU_SECONDS)
    if child.is_alive():
        child.kill()
        child.join()
    return receive.recv() if receive.poll() else None


@pytest.mark.parametrize("name", ["profile form: annual_revenue_wan=1e999990", "listing form: amount_max_wan=1e999990",
                                  "need form: amount_wan=1e999990", "API: 300,000 invalid region codes"])
def test_a_hostile_request_does_not_stall_the_worker(fuzz_market, name):
    heavy = _heavy_requests(fuzz_market)[name]
    first_new_id = next_ids()
    profile = profile_of(fuzz_market)
    try:
        status = _status_within_cpu_budget(fuzz_market, heavy)
    finally:
        put_back(fuzz_market, None, first_new_id, profile)
    assert status is not None, f"POST {heavy.url} ({name}) did not finish within {CPU_SECONDS} CPU seconds"
    assert status < 500, f"POST {heavy.url} ({name}) -> {status}"
