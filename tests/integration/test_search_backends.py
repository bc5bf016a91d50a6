"""One behavioural suite for every search backend: the SQL backend (SQLite FTS5, or PostgreSQL in
the PostgreSQL pass) and Elasticsearch. Each test runs on each backend with the same exact
expectations, so the backends provably agree on results, totals, orders and facet counts.

Elasticsearch runs at ``ELASTICSEARCH_TEST_URL`` (default http://127.0.0.1:9200; start one with
``scripts/elasticsearch-test-server.sh``); when it is unreachable its tests are skipped, or fail
when ``CI=true``.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator, Sequence
from dataclasses import replace
from datetime import date
from typing import Any

import numpy as np
import pytest

from search import (
    BackendUnavailable,
    Document,
    Filters,
    SearchEngine,
    SearchRequest,
    SearchResult,
    analysis,
)
from search.backends.base import SearchBackend, Stored
from search.model import FACETS
from search.terms import conditions

DIM = 8
AS_OF = date(2026, 6, 1)


def unit(*weights: tuple[int, float]) -> np.ndarray:
    """A unit vector from (axis, weight) pairs. No document uses axis 7."""
    vector = np.zeros(DIM, np.float32)
    for axis, weight in weights:
        vector[axis] = weight
    return vector / np.linalg.norm(vector)


def doc(id: int, title: str, body: str, category: str, subcategory: str, vector: np.ndarray, **fields: Any) -> Document:
    return Document(id=id, title=title, body=body, category=category, subcategory=subcategory, vector=vector, **fields)


CORPUS = [
    doc(1, "流动资金贷款", "面向小微企业的流动资金贷款，随借随还，最快三天放款。", "financing", "loan", unit((0, 1)),
        size_classes=("micro", "small"), amount_min=100_000, amount_max=3_000_000, until=date(2026, 12, 31),
        published_on=date(2026, 5, 30), verified=True),
    doc(2, "融资担保服务", "为中小企业提供融资担保，担保费率低至百分之一。", "financing", "guarantee", unit((1, 1)),
        regions=("440300",), industries=("C39",), size_classes=("small", "medium"), amount_min=500_000,
        amount_max=10_000_000, price=5_000, until=date(2026, 9, 30), published_on=date(2026, 5, 10), verified=True),
    doc(3, "专利许可与技术转让", "高校发明专利许可 patent licensing for manufacturers", "technology", "patent_license",
        unit((2, 1)), regions=("440100",), industries=("C",), price=20_000, published_on=date(2026, 3, 1)),
    doc(4, "展会展位补贴", "参加境外展会的展位费补贴，最高补贴一半。", "policy", "subsidy", unit((3, 1)),
        regions=("440000",), amount_max=200_000, price=0, until=date(2026, 7, 31), published_on=date(2026, 5, 28),
        verified=True),
    doc(5, "Export fair booth subsidy", "Subsidy for SMEs exhibiting at an overseas trade fair: booth fees refunded.",
        "exhibition", "trade_fair", unit((3, 1), (4, 0.5)), regions=("440300",), industries=("C39",),
        size_classes=("small",), price=800, starts_on=date(2026, 7, 1), until=date(2026, 8, 15),
        published_on=date(2026, 4, 20)),
    doc(6, "ISO9001 认证咨询", "ISO9001 质量管理体系认证咨询，一站式辅导。", "service", "certification", unit((4, 1)),
        regions=("440100", "440300"), industries=("C", "F"), size_classes=("micro",), price=15_000,
        published_on=date(2025, 12, 1), verified=True),
    doc(7, "设备融资租赁", "Equipment leasing for manufacturers: pay monthly, own the machines.", "financing", "leasing",
        unit((0, 0.6), (5, 0.8)), regions=("440600",), industries=("C38",), size_classes=("medium",),
        amount_min=1_000_000, amount_max=5_000_000, until=date(2026, 6, 30), published_on=date(2026, 5, 31)),
    doc(8, "企业管理培训课程", "面向中层管理人员的管理培训课程，共十二课时。", "training", "management", unit((5, 1)),
        regions=("440300",), price=3_000, starts_on=date(2026, 6, 10), until=date(2026, 6, 15), verified=True),
    doc(9, "标准厂房出租", "Standard factory building for rent by the port 标准厂房", "space", "factory", unit((6, 1)),
        regions=("441900",), industries=("K70",), price=50_000, until=date(2027, 1, 1), published_on=date(2026, 1, 15)),
    # Past its last day on AS_OF: stored, never found.
    doc(10, "专利申请代理", "patent application agency 专利申请", "service", "ip", unit((2, 1)), regions=("440300",),
        price=2_000, until=date(2026, 5, 1), published_on=date(2026, 4, 1), verified=True),
    doc(11, "跨境电商培训", "cross-border e-commerce training 跨境电商运营", "training", "skills", unit((5, 1), (3, 1)),
        price=0, published_on=date(2026, 5, 20)),
    # Not on offer: never stored (its vector is in the vector source all the same).
    doc(12, "流动资金贷款（草稿）", "草稿：流动资金贷款", "financing", "loan", unit((0, 1)), visible=False),
]
VECTORS = {d.id: np.asarray(d.vector) for d in CORPUS}
ON_OFFER = 10  # 1-9 and 11
NEWEST = [7, 1, 4, 11, 2, 5, 3, 9, 6, 8]
DEADLINE = [8, 7, 4, 5, 2, 1, 9, 3, 6, 11]
AMOUNT = [2, 7, 1, 4, 3, 5, 6, 8, 9, 11]

QUERY_VECTORS = {
    "cash crunch relief": unit((0, 1), (1, 0.3)),  # cos 0.958 with 1 (and 12), 0.575 with 7
    "distant topic": unit((0, 1), (1, 1)),  # cos 0.707 with 1 and 2: below the floor
    "innovation rights": unit((2, 1)),  # 3 (and 10, expired)
}
FAR = unit((7, 1))  # every other query: orthogonal to every document


def encode(text: str) -> np.ndarray:
    return QUERY_VECTORS.get(text, FAR)


# --- fixtures -----------------------------------------------------------------------------------


@pytest.fixture
def elastic(elasticsearch_url: str) -> Iterator[Any]:
    """An empty ElasticBackend on an index of its own, removed afterwards (``elasticsearch_url``,
    from conftest, skips the test when no server answers, or fails it with CI=true)."""
    from search.backends.elastic import ElasticBackend

    backend = ElasticBackend(elasticsearch_url, index=f"test-search-{uuid.uuid4().hex}", dim=DIM)
    try:
        yield backend
    finally:
        backend.drop()
        assert not backend.client.indices.get(index=f"{backend.index}*", allow_no_indices=True).body
        backend.close()


@pytest.fixture(params=["sql", "sql-db", "elasticsearch"])
def empty_backend(request: pytest.FixtureRequest) -> SearchBackend:
    """``sql`` ranks in memory (the default), ``sql-db`` with the database's full-text ranking."""
    if request.param in ("sql", "sql-db"):
        from marketplace.extensions import db
        from matching.index import VectorIndex
        from search.backends.sql import SqlBackend

        request.getfixturevalue("app")
        source = VectorIndex(DIM)
        source.add(np.array([d.id for d in CORPUS]), np.stack([VECTORS[d.id] for d in CORPUS]))
        return SqlBackend(lambda: db.session.connection().connection.driver_connection, db.engine.dialect.name,
                          vectors=lambda: source, memory_text=request.param == "sql")
    backend = request.getfixturevalue("elastic")
    backend.ensure_index()
    # Writes wait for the next refresh (refresh="wait_for"): refresh often, for a quick suite.
    backend.client.indices.put_settings(index=backend.index, settings={"refresh_interval": "50ms"})
    es_backend: SearchBackend = backend
    return es_backend


@pytest.fixture
def backend(empty_backend: SearchBackend) -> SearchBackend:
    empty_backend.upsert(CORPUS)
    return empty_backend


@pytest.fixture
def engine(backend: SearchBackend) -> SearchEngine:
    return SearchEngine(backend, encode_query=encode, semantic_floor=0.8)


def search(engine: SearchEngine, text: str = "", **fields: Any) -> SearchResult:
    fields.setdefault("as_of", AS_OF)
    return engine.search(SearchRequest(text=text, **fields))


def browse(engine: SearchEngine, **filters: Any) -> list[int]:
    """Every document passing the filters, newest first."""
    result = search(engine, filters=Filters(**filters), per_page=100)
    assert result.total == len(result.ids)
    return result.ids


def counts(result: SearchResult, name: str) -> dict[str, int]:
    return {f.value: f.count for f in result.facets[name]}


# --- text -----------------------------------------------------------------------------------------


def test_chinese_query_finds_the_listing_first(engine: SearchEngine) -> None:
    result = search(engine, "融资担保")
    assert result.ids[0] == 2
    assert sorted(result.ids) == [2, 7]  # 7 is 设备融资租赁
    assert result.total == 2
    assert any(s.hit and "担保" in s.text for s in result.hits[0].title)


def test_english_query_is_stemmed(engine: SearchEngine) -> None:
    result = search(engine, "fairs")
    assert result.ids == [5]
    assert result.total == 1
    assert [s.text for s in result.hits[0].title if s.hit] == ["fair"]


def test_mixed_language_query(engine: SearchEngine) -> None:
    assert sorted(search(engine, "展会 booth").ids) == [4, 5]
    assert search(engine, "ISO9001 认证").ids == [6]


def test_glossary_bridges_languages(engine: SearchEngine) -> None:
    result = search(engine, "working capital")
    assert result.ids == [1]  # 流动资金贷款 shares no word, only the concept; 12 is not on offer
    assert not result.hits[0].semantic_only
    assert any(s.hit and "流动资金" in s.text for s in result.hits[0].title)


def test_close_in_meaning_without_a_shared_word(engine: SearchEngine) -> None:
    result = search(engine, "cash crunch relief")
    assert result.ids == [1] and result.total == 1
    assert result.hits[0].semantic_only
    assert search(engine, "cash crunch relief", filters=Filters(category=("technology",))).total == 0
    found = search(engine, "innovation rights")
    assert found.ids == [3] and found.hits[0].semantic_only  # not 10: past its last day


def test_far_in_meaning_is_not_found(engine: SearchEngine) -> None:
    result = search(engine, "distant topic")
    assert result.ids == [] and result.total == 0


# --- what is on offer -----------------------------------------------------------------------------


def test_hidden_listing_disappears(backend: SearchBackend, engine: SearchEngine) -> None:
    assert 11 in search(engine, "跨境电商").ids
    assert backend.count() == 11
    backend.upsert([replace(CORPUS[10], visible=False)])
    assert search(engine, "跨境电商").ids == [5]  # the export concept
    assert backend.count() == 10
    assert backend.stored([11]) == {}
    assert search(engine).total == ON_OFFER - 1


def test_delete(backend: SearchBackend, engine: SearchEngine) -> None:
    backend.delete([5, 999])
    assert search(engine, "fairs").total == 0
    assert backend.count() == 10
    backend.delete([])
    backend.clear()
    assert backend.count() == 0
    assert search(engine).total == 0


def test_upsert_replaces(backend: SearchBackend, engine: SearchEngine) -> None:
    backend.upsert([replace(CORPUS[4], title="Roadshow booth", body="A roadshow", subcategory="roadshow")])
    assert search(engine, "fairs").total == 0
    assert search(engine, "roadshow").ids == [5]
    assert backend.count() == 11
    assert counts(search(engine), "subcategory")["roadshow"] == 1


def test_listings_past_their_last_day(engine: SearchEngine) -> None:
    assert search(engine, "patent").ids == [3]  # 10 ended on 2026-05-01
    assert search(engine, "patent", as_of=date(2026, 5, 1)).total == 2
    assert search(engine, "融资担保", as_of=date(2026, 9, 30)).ids == [2]  # its last day
    assert search(engine, "融资担保", as_of=date(2026, 10, 1)).total == 0
    assert search(engine).total == ON_OFFER
    assert search(engine, as_of=date(2027, 1, 2)).total == 3  # 3, 6, 11 have no end


# --- filters --------------------------------------------------------------------------------------


def test_browse_everything(engine: SearchEngine) -> None:
    assert browse(engine) == NEWEST


def test_category_filter(engine: SearchEngine) -> None:
    assert browse(engine, category=("financing",)) == [7, 1, 2]
    assert browse(engine, category=("financing", "policy")) == [7, 1, 4, 2]


def test_region_filter_matches_city_province_wide_and_unnamed(engine: SearchEngine) -> None:
    assert browse(engine, region=("440300",)) == [1, 4, 11, 2, 5, 6, 8]
    assert browse(engine, region=("440000",)) == [1, 4, 11]


def test_industry_filter(engine: SearchEngine) -> None:
    assert browse(engine, industry=("C39",)) == [1, 4, 11, 2, 5, 3, 6, 8]  # not C38 (7), not K70 (9)
    assert browse(engine, industry=("C",)) == [7, 1, 4, 11, 2, 5, 3, 6, 8]  # not K70 (9)
    assert browse(engine, industry=("K",)) == [1, 4, 11, 9, 8]


def test_size_verified_amount_and_price_filters(engine: SearchEngine) -> None:
    assert browse(engine, size_class=("medium",)) == [7, 4, 11, 2, 3, 9, 8]
    assert browse(engine, verified=True) == [1, 4, 2, 6, 8]
    assert browse(engine, verified=False) == [7, 11, 5, 3, 9]
    assert browse(engine, amount=6_000_000) == [11, 2, 5, 3, 9, 6, 8]
    assert browse(engine, amount=150_000) == [1, 4, 11, 5, 3, 9, 6, 8]
    assert browse(engine, max_price=3_000) == [4, 11, 5, 8]
    assert browse(engine, price="free") == [4, 11]
    assert browse(engine, price="5k-20k") == [2, 6]
    assert browse(engine, price="20k+") == [3, 9]
    assert browse(engine, starts_after=date(2026, 6, 5)) == [5, 8]


def test_published_filter(engine: SearchEngine) -> None:
    assert browse(engine, published="7d") == [7, 1, 4]
    assert browse(engine, published="30d") == [7, 1, 4, 11, 2]
    assert browse(engine, published="90d") == [7, 1, 4, 11, 2, 5]


def test_filters_combine_with_a_query(engine: SearchEngine) -> None:
    assert search(engine, "融资担保", filters=Filters(region=("440600",))).ids == [7]
    assert search(engine, "融资担保", filters=Filters(verified=True)).ids == [2]


# --- facets ---------------------------------------------------------------------------------------

ALL_CATEGORIES = {"financing": 3, "training": 2, "exhibition": 1, "policy": 1, "service": 1, "space": 1, "technology": 1}


def test_facet_counts(engine: SearchEngine) -> None:
    result = search(engine)
    assert counts(result, "category") == ALL_CATEGORIES
    assert counts(result, "region") == {"440300": 7, "440100": 5, "440600": 4, "441900": 4, "440000": 3}
    assert counts(result, "industry") == {"C": 9, "F": 5, "K": 5, "*": 4}
    assert counts(result, "size_class") == {"small": 8, "medium": 7, "micro": 7, "*": 5}
    assert counts(result, "verified") == {"1": 5, "0": 5}
    assert counts(result, "price") == {"free": 2, "lt1k": 1, "1k-5k": 1, "5k-20k": 2, "20k+": 2}
    assert counts(result, "published") == {"7d": 3, "30d": 5, "90d": 6, "365d": 9}
    assert len(counts(result, "subcategory")) == ON_OFFER
    assert [f.value for f in result.facets["category"]][:2] == ["financing", "training"]


def test_facets_ignore_their_own_filter(engine: SearchEngine) -> None:
    result = search(engine, filters=Filters(category=("financing",)))
    assert result.total == 3
    assert counts(result, "category") == ALL_CATEGORIES
    assert counts(result, "region") == {"440300": 2, "440600": 2, "440000": 1}
    assert counts(result, "verified") == {"1": 2, "0": 1}
    assert counts(result, "price") == {"5k-20k": 1}


def test_facets_of_a_query(engine: SearchEngine) -> None:
    result = search(engine, "融资担保")
    assert counts(result, "category") == {"financing": 2}
    assert counts(result, "subcategory") == {"guarantee": 1, "leasing": 1}
    semantic = search(engine, "cash crunch relief")
    assert counts(semantic, "category") == {"financing": 1}
    # Close in meaning but another category: counted in the category facet all the same.
    other = search(engine, "cash crunch relief", filters=Filters(category=("technology",)), sort="newest")
    assert other.total == 0 and counts(other, "category") == {"financing": 1}


def test_facets_keep_close_in_meaning_documents_under_relevance(engine: SearchEngine) -> None:
    result = search(engine, "cash crunch relief", filters=Filters(category=("technology",)))
    assert result.total == 0
    assert counts(result, "category") == {"financing": 1}


def test_listing_naming_province_and_city_counts_once(backend: SearchBackend, engine: SearchEngine) -> None:
    backend.upsert([replace(CORPUS[0], id=13, regions=("440000", "440600"))])
    assert browse(engine, region=("440600",)) == [7, 13, 1, 4, 11]
    assert counts(search(engine), "region")["440600"] == 5


def _with(filters: Filters, name: str, value: str) -> Filters:
    """The filters with one facet value chosen instead of that facet's own filter."""
    chosen: dict[str, Any] = {name: value == "1" if name == "verified" else value if name in ("price", "published") else (value,)}
    return replace(filters, **chosen)


@pytest.mark.parametrize(("text", "filters"), [
    ("", Filters()),
    ("", Filters(category=("financing",), region=("440300",))),
    ("", Filters(industry=("C",), price="free")),
    ("融资担保 展会", Filters(verified=True)),
])
def test_facet_counts_are_the_totals_of_their_filters(engine: SearchEngine, text: str, filters: Filters) -> None:
    result = search(engine, text, filters=filters)
    checked = 0
    for name, values in result.facets.items():
        for facet in values:
            assert search(engine, text, filters=_with(filters, name, facet.value)).total == facet.count, (name, facet)
            checked += 1
    assert checked >= 10


def test_raw_facets(backend: SearchBackend) -> None:
    cond = conditions(Filters(), AS_OF)
    raw = backend.facets(None, [], {"category": cond, "price": cond, "published": cond})
    assert raw == {
        "category": ALL_CATEGORIES,
        "price": {"free": 2, "lt1k": 1, "1k-5k": 1, "5k-20k": 2, "20k+": 2},
        "published": {"7d": 3, "30d": 5, "90d": 6, "365d": 9},
    }
    financing = conditions(Filters(category=("financing",)), AS_OF)
    raw = backend.facets(["fair"], [1], {"region": cond, "verified": financing, "published": financing, "price": financing})
    assert raw == {
        "region": {"440000": 1, "440300": 1},
        "verified": {"1": 1},
        "published": {"7d": 1, "30d": 1, "90d": 1, "365d": 1},  # every bucket, even at zero
        "price": {},  # only buckets that hold a document
    }
    assert backend.facets([], [], {"category": cond}) == {"category": {}}


# --- sorting and paging ---------------------------------------------------------------------------


@pytest.mark.parametrize(("sort", "expected"), [("newest", NEWEST), ("deadline", DEADLINE), ("amount", AMOUNT)])
def test_sorts(engine: SearchEngine, sort: str, expected: list[int]) -> None:
    assert search(engine, sort=sort, per_page=100).ids == expected
    assert search(engine, "融资担保", sort=sort).ids == [i for i in expected if i in (2, 7)]


def test_paging(engine: SearchEngine) -> None:
    page = search(engine, sort="newest", page=2, per_page=3)
    assert page.ids == NEWEST[3:6] and page.total == ON_OFFER and page.pages == 4
    assert search(engine, sort="deadline", page=4, per_page=3).ids == DEADLINE[9:]
    past = search(engine, page=5, per_page=3)
    assert past.ids == [] and past.total == ON_OFFER
    assert search(engine, "融资担保", page=2, per_page=1).total == 2
    assert len(search(engine, "融资担保", page=2, per_page=1).ids) == 1
    assert search(engine, "融资担保", page=3, per_page=1).ids == []


@pytest.mark.parametrize("sort", ["relevance", "newest"])
def test_snippets_from_the_callers_texts(engine: SearchEngine, sort: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """Texts handed in by the caller (the rows it shows) make the snippets; the index's stored
    texts are not read."""
    asked: list[list[int]] = []

    def texts(ids: Sequence[int]) -> dict[int, Stored]:
        asked.append(list(ids))
        return {i: Stored(i, f"融资担保 第{i}号", "现在的描述：融资担保服务") for i in ids if i != 7}

    monkeypatch.setattr(engine.backend, "stored", lambda ids: pytest.fail("stored() read"))
    result = engine.search(SearchRequest(text="融资担保", sort=sort, as_of=AS_OF), texts)
    assert len(asked) == 1 and sorted(asked[0]) == [2, 7]
    assert [h.id for h in result.hits] == [2]  # no text for 7: left out, as a document the index lost
    assert result.total == 2
    assert "".join(s.text for s in result.hits[0].title) == "融资担保 第2号"
    assert [s.text for s in result.hits[0].snippet if s.hit] == ["融资担保"]


# --- bad input ------------------------------------------------------------------------------------


@pytest.mark.parametrize("text", ['patent" AND (专利 NEAR* -x title:x:', '"patent"', "patent*", "-patent", "(patent)",
                                  "patent:", "title:patent", "patent NEAR 专利", "patent AND 专利 OR"])
def test_query_syntax_is_just_text(engine: SearchEngine, text: str) -> None:
    assert search(engine, text).ids == [3]


@pytest.mark.parametrize("text", ['"', "*", "NEAR", "-", "AND", "(", ":", "title:x", '"unterminated'])
def test_queries_without_a_known_term(engine: SearchEngine, text: str) -> None:
    result = search(engine, text)
    assert result.ids == [] and result.total == 0


def test_empty_query_browses_everything(engine: SearchEngine) -> None:
    assert search(engine, "   ").total == ON_OFFER
    assert search(engine, "\x00\x1f").total == ON_OFFER  # control characters only
    assert search(engine, "").ids == NEWEST[:ON_OFFER]


def test_over_long_query_is_cut(engine: SearchEngine) -> None:
    assert search(engine, "专利" * 500).ids == [3]
    assert search(engine, "patent " * 150).ids == [3]


# --- backend calls --------------------------------------------------------------------------------


def test_backend_calls(backend: SearchBackend) -> None:
    cond = conditions(Filters(), AS_OF)
    financing = conditions(Filters(category=("financing",)), AS_OF)
    assert backend.count() == 11
    assert backend.total(None, [], cond) == ON_OFFER
    assert backend.total([], [], cond) == 0
    assert backend.total([], [1, 12, 999], cond) == 1
    assert backend.total(["fair"], [1], cond) == 2
    assert backend.total(["fair"], [1], financing) == 1
    assert backend.ordered(["fair"], [1], cond, "newest", 0, 10) == [1, 5]
    assert backend.ordered(["fair"], [1], cond, "deadline", 1, 10) == [1]
    assert backend.ordered(["融资", "担保"], [], cond, "lexical", 0, 10) == [2, 7]
    assert backend.ordered(["融资", "担保"], [], cond, "lexical", 0, 10, exclude=[2]) == [7]
    assert backend.ordered(None, [], cond, "lexical", 0, 10) == []
    with pytest.raises(ValueError):
        backend.ordered(None, [], cond, "random", 0, 10)
    assert [c.id for c in backend.lexical(["担保", "融资"], cond, 10)] == [2, 7]
    best = backend.lexical(["担保"], financing, 1)
    assert [(c.id, c.category, c.subcategory) for c in best] == [(2, "financing", "guarantee")]
    assert best[0].score > 0
    assert backend.lexical([], cond, 10) == []
    assert backend.passing([1, 3, 10, 12, 999], cond) == {1, 3}
    assert backend.passing([1, 3, 10, 12, 999], financing) == {1}
    assert backend.passing([], cond) == set()
    assert backend.stored([1, 12, 999]) == {1: Stored(1, CORPUS[0].title, CORPUS[0].body)}


def test_backend_semantic(backend: SearchBackend) -> None:
    cond = conditions(Filters(), AS_OF)
    found = backend.semantic(unit((0, 1)), cond, 2)
    assert [(c.id, c.category, c.subcategory) for c in found] == [(1, "financing", "loan"), (7, "financing", "leasing")]
    assert [c.score for c in found] == pytest.approx([1.0, 0.6], abs=1e-5)
    training = conditions(Filters(category=("training",)), AS_OF)
    near = backend.semantic(unit((3, 1)), training, 5)
    assert [c.id for c in near] == [11, 8]
    assert [c.score for c in near] == pytest.approx([2**-0.5, 0.0], abs=1e-5)
    assert [c.id for c in backend.semantic(unit((2, 1)), conditions(Filters(), date(2026, 5, 1)), 2)] == [3, 10]


@pytest.mark.parametrize("empty_backend", ["elasticsearch"], indirect=True)  # the backend that has it
@pytest.mark.parametrize("filters", [
    Filters(), Filters(category=("financing",)), Filters(region=("440300",), verified=True),
    Filters(category=("training", "exhibition"), price="free"), Filters(category=("nothing",)),
])
def test_semantic_tells_which_pass_in_the_same_request(backend: SearchBackend, filters: Filters) -> None:
    base = conditions(Filters(), AS_OF)
    cond = conditions(filters, AS_OF)
    for vector in (unit((0, 1)), unit((3, 1)), unit((2, 1), (1, 0.5)), unit((7, 1))):
        found, passes = backend.semantic_passing(vector, base, 20, cond)  # type: ignore[attr-defined]
        assert found == backend.semantic(vector, base, 20)
        assert passes == backend.passing([c.id for c in found], cond)


# --- Elasticsearch only ---------------------------------------------------------------------------


def _aliased(backend: Any) -> list[str]:
    return sorted(backend.client.indices.get_alias(name=backend.index))


def test_reindex_swaps_the_alias(elastic: Any) -> None:
    engine = SearchEngine(elastic, encode_query=encode, semantic_floor=0.8)
    elastic.ensure_index()
    elastic.ensure_index()
    (first,) = _aliased(elastic)
    assert first.startswith(f"{elastic.index}-")
    elastic.upsert(CORPUS)
    seen_during: list[list[int]] = []

    def documents() -> Iterator[Document]:
        for d in CORPUS:
            if d.id != 5:
                yield d
        seen_during.append(search(engine, "fairs").ids)  # before the swap: the old index
        seen_during.append([int(bool(elastic.client.indices.exists(index=first)))])

    report = elastic.reindex(documents())
    assert seen_during == [[5], [1]]
    assert report["documents"] == 10 and report["index"] != first and report["seconds"] >= 0
    assert _aliased(elastic) == [report["index"]]
    assert not elastic.client.indices.exists(index=first)
    assert search(engine, "fairs").total == 0
    assert search(engine, "融资担保").ids[0] == 2
    assert search(engine).total == ON_OFFER - 1
    assert elastic.count() == 10


def test_failed_reindex_keeps_the_old_index(elastic: Any) -> None:
    elastic.upsert(CORPUS)
    (first,) = _aliased(elastic)
    bad = replace(CORPUS[0], id=99, vector=np.ones(DIM + 1, np.float32))
    with pytest.raises(RuntimeError, match="refused 1 documents"):
        elastic.reindex([*CORPUS, bad])
    assert _aliased(elastic) == [first]
    assert list(elastic.client.indices.get(index=f"{elastic.index}-*")) == [first]
    assert elastic.count() == 11


def test_reindex_creates_the_alias(elastic: Any) -> None:
    report = elastic.reindex(CORPUS)
    assert _aliased(elastic) == [report["index"]]
    assert report["documents"] == 11
    assert elastic.total(None, [], conditions(Filters(), AS_OF)) == ON_OFFER


@pytest.mark.parametrize("filters", [Filters(), Filters(region=("440300",)), Filters(category=("financing",), verified=True)])
def test_counting_what_documents_found_by_meaning_add(elastic: Any, filters: Filters) -> None:
    elastic.upsert(CORPUS)
    per_field = {name: conditions(filters.without(name), AS_OF) for name in FACETS}
    cond = conditions(filters, AS_OF)
    terms = analysis.query_terms("融资担保 展会")
    # 2 holds a term (found by meaning beyond the keyword window), 1, 6 and 7 hold none, 12 is not stored.
    for extra in ([1, 2, 6, 7, 12], [2], []):
        total, raw = elastic.summary(terms, [], cond, per_field)
        more, more_raw = elastic.summary_outside(terms, extra, cond, per_field)
        assert more <= len(extra)
        added = {name: {v: raw.get(name, {}).get(v, 0) + more_raw.get(name, {}).get(v, 0)
                        for v in {*raw.get(name, {}), *more_raw.get(name, {})}} for name in FACETS}
        expected_total, expected = elastic.summary(terms, extra, cond, per_field)
        assert total + more == expected_total
        assert {n: {v: c for v, c in counts.items() if c} for n, counts in added.items()} == \
            {n: {v: c for v, c in expected.get(n, {}).items() if c} for n in FACETS}


def test_index_of_another_mapping_version_is_not_searched(elastic: Any) -> None:
    from search.backends.elastic import MAPPING_VERSION, ElasticBackend, IndexOutdated

    mappings = {**elastic._mappings(), "_meta": {"version": MAPPING_VERSION - 1}}
    elastic.client.indices.create(index=f"{elastic.index}-00000000000000000000", mappings=mappings,
                                  aliases={elastic.index: {}})
    older = ElasticBackend(elastic.url, index=elastic.index, dim=DIM)  # a process started after an upgrade
    engine = SearchEngine(older, encode_query=encode)
    with pytest.raises(IndexOutdated, match="search reindex"):
        engine.search(SearchRequest(text="融资担保", as_of=AS_OF))
    with pytest.raises(BackendUnavailable, match=f"needs {MAPPING_VERSION}"):  # writes wait in the outbox
        older.upsert(CORPUS[:1])
    older.reindex(CORPUS)
    assert search(engine, "融资担保").ids[0] == 2
    older.close()


def test_unreachable_server() -> None:
    from search.backends.elastic import ElasticBackend

    backend = ElasticBackend("http://127.0.0.1:1", index="test-search-unreachable", dim=DIM, timeout=2)
    engine = SearchEngine(backend, encode_query=encode)
    with pytest.raises(BackendUnavailable, match="127.0.0.1:1"):
        engine.search(SearchRequest(text="融资担保", as_of=AS_OF))
    with pytest.raises(BackendUnavailable, match="127.0.0.1:1"):
        backend.upsert(CORPUS[:1])
    with pytest.raises(BackendUnavailable):
        backend.reindex(CORPUS)
    backend.close()
