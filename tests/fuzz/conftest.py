"""Fixtures of the fuzz suites: one app per test module, whose unexpected errors are answered
(and logged) rather than raised into the test, and a small fuzz_market with real rows to aim at.

Why per module and not per test (as tests/conftest.py does): every new app initialises its
own jieba tokenizer and matcher (~3 s with the accounts' password hashing), and the fuzzers
are many parametrized tests that would pay that each time. The fuzz_market is built once per module
with the shared ``make_user`` factory (by the module's first test); the fuzzers put back what
each example changed, and the module's rows are deleted at its end.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest
from flask import Flask

from marketplace import create_app
from marketplace.extensions import db
from tests.conftest import IsolatedClient, _empty_tables, base_config
from tests.fuzz.market import Market, build_market


@pytest.fixture(scope="module")
def fuzz_app(database_url: str) -> Iterator[Flask]:
    """The shared test configuration (the deterministic ``hashing`` encoder); a 500 is answered
    and logged as in production, so that the fuzzers see the status and caplog the traceback."""
    application = create_app({**base_config(database_url), "PROPAGATE_EXCEPTIONS": False})
    application.test_client_class = IsolatedClient
    with application.app_context():
        yield application
        db.session.remove()
        _empty_tables()
        db.engine.dispose()


@pytest.fixture
def app(fuzz_app: Flask) -> Flask:
    return fuzz_app


@pytest.fixture(scope="module")
def _markets() -> dict[str, Any]:
    return {}


@pytest.fixture
def fuzz_market(fuzz_app: Flask, make_user: Callable[..., Any], _markets: dict[str, Any]) -> Market:
    """The market of this module (built by its first test, with the shared user factory)."""
    if "market" not in _markets:
        _markets["market"] = build_market(fuzz_app, make_user)
    return _markets["market"]
