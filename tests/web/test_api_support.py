"""Helpers shared by the API tests (this module holds no tests)."""

from __future__ import annotations

from typing import Any

from marketplace.accounts import tokens
from marketplace.accounts.models import User
from marketplace.extensions import db
from tests.factories import org_of  # noqa: F401  (the API tests import it from here)

API = "/api/v1"
LISTING = {
    "category": "financing",
    "subcategory": "loan",
    "title": "科技信用贷 · 小微企业",
    "description": "无抵押信用贷款，最快三天放款。",
    "regions": ["441900"],
    "amount_min_cny": 100_000,
    "amount_max_cny": 3_000_000,
    "term_months_max": 36,
}
NEED = {
    "category": "training",
    "title": "车间班组长管理培训",
    "description": "20 名班组长，周末两天。",
    "budget_cny": 20_000,
    "region": "441900",
}


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def token_headers(user: User, name: str = "test") -> dict[str, str]:
    """Headers that authenticate as ``user`` with a new personal token."""
    _token, plain = tokens.create(db.session, user, name)
    db.session.commit()
    return bearer(plain)


def error_of(response: Any, status: int, code: str | None = None) -> dict[str, Any]:
    """The error object of a JSON error response, after checking its shape and status."""
    assert response.status_code == status, response.get_data(as_text=True)
    assert response.mimetype == "application/json"
    body = response.get_json()
    assert set(body) == {"error"}
    error = body["error"]
    assert set(error) == {"code", "message", "fields"}
    assert isinstance(error["message"], str) and error["message"]
    assert isinstance(error["fields"], dict)
    if code is not None:
        assert error["code"] == code, error
    return error


def create_posting(client: Any, headers: dict[str, str], kind: str = "listing", **changes: Any) -> dict[str, Any]:
    """POST a listing or need and return its representation (asserts 201)."""
    body = {**(LISTING if kind == "listing" else NEED), **changes}
    response = client.post(f"{API}/{kind}s", json=body, headers=headers)
    assert response.status_code == 201, response.get_data(as_text=True)
    return response.get_json()
