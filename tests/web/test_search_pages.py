"""The search page, saved searches and GET /api/v1/search, end to end on the embedded backend
(SQLite FTS5, or PostgreSQL full-text search in the PostgreSQL pass): the index follows every
change after the commit, closed and hidden listings never show, bad input never ends in a 500."""

from __future__ import annotations

import gc

import pytest
from sqlalchemy import func, select

from listings import services
from marketplace.extensions import db
from marketplace.search.models import SavedSearch, SearchOutboxEntry
from tests.factories import org_of


@pytest.fixture
def publish(app):
    def make(user, **fields):
        data = {"category": "financing", "subcategory": "loan", "title": "流动资金贷款", "description": "用于日常经营周转",
                "status": "published", **fields}
        listing = services.create(db.session, "listing", org_of(user), user, data)
        db.session.commit()
        return listing

    return make


def _outbox() -> int:
    return db.session.scalar(select(func.count()).select_from(SearchOutboxEntry))


def test_a_published_listing_is_found_with_highlights(client, make_user, publish):
    bank = make_user(kind="bank")
    listing = publish(bank, title="中小企业流动资金贷款", description="额度 100 万元，用于资金周转。")
    publish(bank, category="training", subcategory="management", title="跨境电商运营培训", description="亚马逊店铺运营课程")
    page = client.get("/search?q=流动资金")
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert f"/listings/{listing.id}" in html and "<mark>流动资金</mark>" in html
    assert "跨境电商运营培训" not in html
    assert _outbox() == 0  # applied before the search


def test_closing_and_hiding_take_listings_out_at_once(client, make_user, auth, publish):
    bank = make_user(kind="bank")
    admin = make_user(admin=True)
    closed = publish(bank, title="设备融资租赁 A")
    hidden = publish(bank, title="设备融资租赁 B")
    kept = publish(bank, title="设备融资租赁 C")
    auth.login(bank.email)
    assert client.get("/api/v1/search?q=融资租赁").get_json()["total"] == 3
    assert client.post(f"/listings/{closed.id}/close").status_code == 302
    assert _outbox() == 0  # the request applied its change right after its commit
    db.session.expire_all()
    services.hide(db.session, db.session.get(type(hidden), hidden.id), db.session.get(type(admin), admin.id), "违规")
    db.session.commit()
    body = client.get("/api/v1/search?q=融资租赁").get_json()
    assert [item["listing"]["id"] for item in body["items"]] == [kept.id]
    assert body["total"] == 1


def test_facets_count_under_the_other_filters(client, make_user, publish):
    bank = make_user(kind="bank")
    publish(bank, title="贷款 一", regions=["440300"])
    publish(bank, title="贷款 二", regions=[])
    publish(bank, category="service", subcategory="consulting", title="贷款咨询服务", regions=["440600"])
    body = client.get("/api/v1/search?q=贷款&category=financing").get_json()
    assert body["total"] == 2
    categories = {f["value"]: f["count"] for f in body["facets"]["category"]}
    assert categories == {"financing": 2, "service": 1}  # the category facet ignores its own filter
    regions = {f["value"]: f["count"] for f in body["facets"]["region"]}
    assert regions == {"440300": 2, "440000": 1}  # Shenzhen: its own listing + the province-wide one
    shenzhen = client.get("/api/v1/search?q=贷款&category=financing&region=440300").get_json()
    assert shenzhen["total"] == regions["440300"]
    page = client.get("/search?q=贷款&category=financing").get_data(as_text=True)
    assert "aria-current=\"true\"" in page  # the selected facet value is marked


@pytest.mark.parametrize("query", ['"', "*", "NEAR", "a - b", "(贷款", "贷款 AND", "title:贷款", "'; DROP TABLE x;--"])
def test_query_syntax_never_breaks_search(client, make_user, publish, query):
    publish(make_user(kind="bank"))
    assert client.get("/search", query_string={"q": query}).status_code == 200
    response = client.get("/api/v1/search", query_string={"q": query})
    assert response.status_code == 200, response.get_json()


@pytest.mark.parametrize("query", ["\x00贷款", "贷款\x1b[31m", "\x7f"])
def test_control_characters_in_a_query_are_a_clear_400(client, make_user, publish, query):
    publish(make_user(kind="bank"))
    page = client.get("/search", query_string={"q": query})
    assert page.status_code == 400 and "q" in page.get_data(as_text=True)
    error = client.get("/api/v1/search", query_string={"q": query}).get_json()["error"]
    assert error["code"] == "bad_request" and list(error["fields"]) == ["q"]


def test_bad_arguments(client, make_user, publish):
    publish(make_user(kind="bank"))
    page = client.get("/search?q=贷款&category=nonsense&page=abc")
    assert page.status_code == 200 and "category" in page.get_data(as_text=True)
    response = client.get("/api/v1/search?q=贷款&category=nonsense")
    assert response.status_code == 400 and "category" in response.get_json()["error"]["fields"]
    assert client.get("/api/v1/search?qq=1").status_code == 400
    assert client.get("/api/v1/search?facets=bogus").status_code == 400
    long = client.get("/api/v1/search", query_string={"q": "贷款" * 600}).get_json()
    assert long["truncated"] is True and len(long["query"]) == 200 and long["total"] == 1
    past = client.get("/api/v1/search?q=贷款&page=50").get_json()
    assert past["items"] == [] and past["total"] == 1
    html = client.get("/search?q=贷款&page=50").get_data(as_text=True)
    assert "/search?q=" in html  # a link back to the first page


def test_empty_results_suggest_broader_searches(client, make_user, publish):
    publish(make_user(kind="bank"))
    html = client.get("/search?q=完全无关的词语+另一个&category=space").get_data(as_text=True)
    assert "Search again without filters" in html or "去掉筛选重新搜索" in html


def test_saved_searches_are_private(client, make_user, auth):
    alice, bob = make_user(), make_user()
    auth.login(alice.email)
    response = client.post("/search/saved", data={"name": "佛山贷款", "q": "贷款", "region": "440600"})
    assert response.status_code == 302
    saved = db.session.scalars(select(SavedSearch)).one()
    assert saved.query == {"q": "贷款", "region": ["440600"]}
    listed = client.get("/search/saved").get_data(as_text=True)
    assert "佛山贷款" in listed and ">贷款 · 佛山市<" in listed  # the filters as a reader says them, not region=440600
    duplicate = client.post("/search/saved", data={"name": "佛山贷款", "q": "x"}, follow_redirects=True)
    assert db.session.scalar(select(func.count()).select_from(SavedSearch)) == 1
    assert duplicate.status_code == 200
    auth.logout()
    auth.login(bob.email)
    assert "佛山贷款" not in client.get("/search/saved").get_data(as_text=True)
    assert client.post(f"/search/saved/{saved.id}/delete").status_code == 404
    auth.logout()
    assert client.post(f"/search/saved/{saved.id}/delete").status_code == 302  # to the login page
    auth.login(alice.email)
    assert client.post(f"/search/saved/{saved.id}/delete").status_code == 302
    assert db.session.scalar(select(func.count()).select_from(SavedSearch)) == 0


def test_the_migration_and_sync_index_existing_listings(app, make_user, publish, runner):
    listing = publish(make_user(kind="bank"), title="知识产权质押融资")  # made outside a request: pending
    db.session.execute(SearchOutboxEntry.__table__.insert(), [{"listing_id": listing.id, "attempts": 0, "created_at": listing.created_at}])
    db.session.commit()
    status = runner.invoke(args=["search", "status"])
    assert "documents: 0" in status.output and "pending changes: 2" in status.output
    result = runner.invoke(args=["search", "sync"])
    assert result.exit_code == 0 and "2 changes applied" in result.output
    assert _outbox() == 0
    result = runner.invoke(args=["search", "reindex"])
    assert result.exit_code == 0 and '"documents": 1' in result.output


def test_elasticsearch_down_loses_nothing(make_app, make_user):
    app = make_app(ELASTICSEARCH_URL="http://127.0.0.1:1", ELASTICSEARCH_TIMEOUT=0.5)
    with app.app_context():
        bank = make_user(kind="bank")
        client = app.test_client()
        client.post("/login", data={"email": bank.email, "password": "correct-horse-42"})
        response = client.post("/listings/new", data={
            "category": "service", "subcategory": "consulting", "title": "管理咨询", "description": "企业管理诊断",
            "action": "publish"})
        assert response.status_code == 302  # the write succeeds
        entries = db.session.scalars(select(SearchOutboxEntry)).all()  # and waits in the outbox
        assert entries and all(e.attempts == 1 and "127.0.0.1:1" in (e.last_error or "") for e in entries)
        waiting = len(entries)
        page = client.get("/search?q=咨询")
        assert page.status_code == 503 and "unavailable" in page.get_data(as_text=True).lower() or "不可用" in page.get_data(as_text=True)
        api = client.get("/api/v1/search?q=咨询")
        assert api.status_code == 503 and api.get_json()["error"]["code"] == "search_unavailable"
        result = app.test_cli_runner().invoke(args=["search", "sync"])
        assert result.exit_code != 0 and "outbox" in result.output
        assert db.session.scalar(select(func.count()).select_from(SearchOutboxEntry)) == waiting


def test_recovery_after_an_outage_applies_the_outbox(make_app, make_user, elasticsearch_url):
    import uuid

    index = f"test-recovery-{uuid.uuid4().hex[:8]}"
    down = make_app(ELASTICSEARCH_URL="http://127.0.0.1:1", ELASTICSEARCH_TIMEOUT=0.5, ELASTICSEARCH_INDEX=index)
    with down.app_context():
        bank = make_user(kind="bank")
        listing = services.create(db.session, "listing", org_of(bank), bank,
                                  {"category": "service", "subcategory": "legal", "title": "合同审查法律服务",
                                   "description": "劳动合同 审查", "status": "published"})
        db.session.commit()
        assert db.session.scalar(select(func.count()).select_from(SearchOutboxEntry)) == 1
        listing_id = listing.id
    up = make_app(ELASTICSEARCH_URL=elasticsearch_url, ELASTICSEARCH_INDEX=index)
    try:
        with up.app_context():
            result = up.test_cli_runner().invoke(args=["search", "sync"])
            assert result.exit_code == 0, result.output
            assert db.session.scalar(select(func.count()).select_from(SearchOutboxEntry)) == 0
            body = up.test_client().get("/api/v1/search?q=合同审查").get_json()
            assert [item["listing"]["id"] for item in body["items"]] == [listing_id]
    finally:
        with up.app_context():
            from marketplace.search.indexing import get_engine

            drop = getattr(get_engine().backend, "drop", None)
            if drop:
                drop()


def test_a_server_loads_the_search_index_as_it_starts(make_app, make_user, publish, caplog):
    """SEARCH_WARM_UP (wsgi.py, make run): a background thread runs a first search, so the
    index, the matcher's vectors and the encoder are loaded before the first user asks; outbox
    rows left by a CLI import are applied on the way."""
    from marketplace.search.indexing import EXTENSION

    bank = make_user(kind="bank")
    listing_id = publish(bank, title="中小企业流动资金贷款").id
    assert _outbox() == 1  # written outside a request (like a CLI import): not applied yet
    db.session.commit()  # (SQLite: no transaction of this test's session left open)
    quiet = make_app()
    assert "search_warm_up" not in quiet.extensions  # the CLI and tests: nothing in the background
    server = make_app(SEARCH_WARM_UP=True)
    with caplog.at_level("INFO", logger="marketplace.search.indexing"):
        server.extensions["search_warm_up"].join(timeout=120)
    assert not server.extensions["search_warm_up"].is_alive()
    assert "search warmed up" in caplog.text, caplog.text
    # What it loaded is out of the cyclic collector's full passes (gc.freeze); the tests' own
    # objects go back to them.
    assert gc.get_freeze_count() > 0
    gc.unfreeze()
    engine = server.extensions[EXTENSION]
    with server.app_context():
        assert _outbox() == 0
        assert engine.backend.count() == 1
        assert [hit.id for hit in engine.search(engine_request("流动资金贷款")).hits] == [listing_id]
        db.session.remove()


def engine_request(text):
    from marketplace.timeutil import today
    from search import SearchRequest

    return SearchRequest(text=text, as_of=today())


def test_a_failed_warm_up_is_only_logged(make_app, caplog, monkeypatch):
    from marketplace.search import indexing

    def unreachable():
        raise indexing.BackendUnavailable("Elasticsearch at http://127.0.0.1:1 is unavailable")

    monkeypatch.setattr(indexing, "get_engine", unreachable)
    with caplog.at_level("WARNING", logger="marketplace.search.indexing"):
        server = make_app(SEARCH_WARM_UP=True)
        server.extensions["search_warm_up"].join(timeout=60)
    assert "search warm-up skipped" in caplog.text and "unavailable" in caplog.text


def test_a_reindex_reads_the_same_documents_as_the_edits(app, make_user, publish):
    """The reindex reads plain rows (ListingRow), edits ORM objects: the documents agree."""
    from datetime import date

    from listings.models import Listing
    from marketplace.search.indexing import all_documents, document_of

    bank, trainer = make_user(kind="bank"), make_user(kind="service_provider")
    publish(bank, title="知识产权质押融资", tags=["专利", "质押"], regions=["440300", "440100"], industries=["C39"],
            size_classes=["micro", "small"], amount_min_cny=100_000, amount_max_cny=2_000_000, deadline=date(2031, 1, 31))
    publish(trainer, category="training", subcategory="management", title="经营管理研修班", price_cny=3_000,
            starts_on=date(2031, 3, 1), ends_on=date(2031, 3, 2))
    publish(bank, title="草稿贷款", status="draft")
    org_of(bank).verification_status = "verified"
    db.session.commit()
    listings = db.session.scalars(select(Listing).order_by(Listing.id)).all()
    expected = [document_of(listing) for listing in listings if document_of(listing).visible]
    found = list(all_documents(db.session, with_vectors=False))
    assert found == expected and len(found) == 2
    assert [d.terms for d in found] == [tuple(d.terms or ()) for d in found] and all(d.terms for d in found)
    assert found[0].verified and found[0].regions == ("440300", "440100") and found[0].until == date(2031, 1, 31)
