"""Schemathesis against the API's own OpenAPI document, loaded from the WSGI app.

Every operation of ``/api/v1/openapi.json`` gets generated requests, valid and invalid ones
(schemathesis' positive and negative modes, its coverage phase and random fuzzing), and each
answer must not be a 5xx and must match the document: its content type and response schema,
and a documented status code (every operation documents a ``default`` error answer, so that
check only fails if one is removed). Not used: ``positive_data_acceptance`` (the document is
looser than the rules: unknown region codes, organizations and an empty If-Match are valid by
the schema and refused by the API, as intended).

Who calls: an SME that owns a need *and* a listing (SMEs may offer services too). Providers are
refused every need write with 403 before any validation, so a provider's token would leave the
need operations' validation and storage untested; the SME's reaches the validation and storage
code of every write operation, its organization's profile and both recommendation endpoints
(leads are for the listing's members). The fuzz_market's bank owns another listing, so generated
ids also hit rows the caller may read but not change.

Path ids: schemathesis draws any integer, which almost never names a row, so half of the
generated ids are replaced by ids of real rows (the right kind for the path).
"""

from __future__ import annotations

from typing import Any

import pytest
import schemathesis
from flask import Flask
from hypothesis import strategies as st
from schemathesis.checks import (
    content_type_conformance,
    not_a_server_error,
    response_schema_conformance,
    status_code_conformance,
)

from marketplace import create_app
from tests.conftest import base_config
from tests.fuzz.hostile import fuzz_settings
from tests.fuzz.market import Market
from tests.web.test_api_support import create_posting

EXAMPLES_PER_OPERATION = 25
CHECKS = [not_a_server_error, response_schema_conformance, status_code_conformance, content_type_conformance]

REAL_IDS: dict[str, list[int]] = {}  # path prefix -> ids of real rows (filled by the fixture)


def _document_app() -> Flask:
    """An app that only serves the document while the module is imported (the document is
    static and needs no database); the requests go to the fuzz_market's app. Why not
    ``schemathesis.pytest.from_fixture``: with pytest 9.2 its lazy loader fails before any
    request (``'Function' object has no attribute '_nodeid'``, schemathesis 4.32.5)."""
    return create_app(base_config("sqlite://"))


schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", _document_app())


@schema.hook
def flatmap_path_parameters(context: Any, path_parameters: dict[str, Any]) -> Any:
    if not path_parameters:
        return st.just(path_parameters)
    path = context.operation.path
    pool = next((ids for prefix, ids in REAL_IDS.items() if path.startswith(prefix)), None)
    names = [name for name in ("posting_id", "org_id") if name in path_parameters]
    if not pool or not names:
        return st.just(path_parameters)
    return st.one_of(st.sampled_from(pool).map(lambda i: {**path_parameters, names[0]: i}), st.just(path_parameters))


@pytest.fixture
def real_rows(fuzz_market: Market, _markets: dict[str, Any]) -> Market:
    """The market, with a listing of the SME's own (made once per module)."""
    if "sme_listing" not in _markets:
        _markets["sme_listing"] = create_posting(fuzz_market.client, fuzz_market.sme_headers, "listing", title="小微企业互助培训")["id"]
    REAL_IDS.update({
        "/listings": [_markets["sme_listing"], fuzz_market.listing_id],
        "/needs": [fuzz_market.need_id],
        "/organizations": [fuzz_market.sme_org_id, fuzz_market.bank_org_id],
    })
    return fuzz_market


@schema.parametrize()
@fuzz_settings(EXAMPLES_PER_OPERATION)
def test_the_api_keeps_to_its_document(case: Any, real_rows: Market) -> None:
    case.call_and_validate(app=real_rows.app, headers=real_rows.sme_headers, checks=CHECKS)
