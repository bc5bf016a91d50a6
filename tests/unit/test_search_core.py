"""The Elasticsearch backend without a server: the queries it builds, the documents it stores
and how it reports a cluster it cannot reach (tests/integration/test_search_backends.py runs
the same behaviour against a real server and the SQL backends)."""

from __future__ import annotations

from datetime import date
from typing import Any
from unittest import mock

import elastic_transport as transport
import numpy as np
import pytest
from elasticsearch import ApiError

from search import BackendUnavailable, Document, Filters
from search.backends import elastic_query
from search.backends.elastic import ElasticBackend
from search.terms import Conditions, Range, conditions

AS_OF = date(2026, 6, 1)


def backend(client: Any = None, url: str = "http://127.0.0.1:9200") -> ElasticBackend:
    es = ElasticBackend(url, index="listings", dim=4, client=client or mock.MagicMock())
    es._ready = True  # the alias is taken to exist: no ensure_index round trip
    return es


def api_error(status: int) -> ApiError:
    meta = transport.ApiResponseMeta(status=status, http_version="1.1", headers=transport.HttpHeaders(),
                                     duration=0.0, node=transport.NodeConfig("http", "127.0.0.1", 9200))
    return ApiError("error", meta=meta, body={})


def test_ranges_with_and_without_missing_values() -> None:
    cond = Conditions((("category", ("financing",)),), (
        Range("until", AS_OF, None, True),
        Range("price", None, 3_000, False),
        Range("starts_on", None, None, False),
        Range("amount_min", None, 500_000, True),
        Range("amount_max", 500_000, None, True),
        Range("amount_max", None, 500_000, True),  # the open end is on the bounded side
        Range("published_on", AS_OF, None, True),  # no open end
        Range("until", None, None, True),  # anything passes
    ), AS_OF)
    missing = {"bool": {"must_not": [{"exists": {"field": "amount_max"}}]}}
    assert elastic_query.filter_clauses(cond) == [
        {"terms": {"facets": ["category=financing"]}},
        # A missing end date is stored as the open end, which passes: one range query.
        {"range": {"until_open": {"gte": "2026-06-01"}}},
        {"range": {"price": {"lte": 3000}}},
        {"exists": {"field": "starts_on"}},
        {"range": {"amount_min_open": {"lte": 500_000}}},
        {"range": {"amount_max_open": {"gte": 500_000}}},
        {"bool": {"should": [{"range": {"amount_max": {"lte": 500_000}}}, missing], "minimum_should_match": 1}},
        {"bool": {"should": [{"range": {"published_on": {"gte": "2026-06-01"}}},
                             {"bool": {"must_not": [{"exists": {"field": "published_on"}}]}}], "minimum_should_match": 1}},
    ]
    with pytest.raises(ValueError, match="unknown range field"):
        elastic_query.filter_clauses(Conditions((), (Range("title", 1, 2, False),), AS_OF))


def test_result_set() -> None:
    assert elastic_query.result_set_query(None, [1]) == {"match_all": {}}
    assert elastic_query.result_set_query([], []) == {"match_none": {}}
    assert elastic_query.result_set_query([], [3]) == {"bool": {"should": [{"ids": {"values": ["3"]}}], "minimum_should_match": 1}}
    query = elastic_query.result_set_query(["融资", "fair"], [])
    assert query["bool"]["should"] == [{"match": {"terms": {"query": "融资 fair", "operator": "or"}}}]


def test_stored_document() -> None:
    doc = Document(7, "Export fair", "booth 展会", "exhibition", regions=("440300",), price=800,
                   until=date(2026, 8, 15), vector=np.array([0, 0, 0, 2], np.float32))
    source = elastic_query.document_source(doc)
    assert source["terms"].split()[:2] == ["export", "fair"]
    assert source["facets"] == ["category=exhibition", "region=440300", "industry=*", "size_class=*", "verified=0",
                                "price=lt1k"]
    assert source["category"] == "exhibition" and "subcategory" not in source
    assert source["until"] == "2026-08-15" and source["price"] == 800 and "amount_max" not in source
    assert source["until_open"] == "2026-08-15" and source["amount_max_open"] == 2**63 - 1
    assert source["amount_min_open"] == -(2**63)
    assert source["vector"].tolist() == [0.0, 0.0, 0.0, 2.0]
    assert "vector" not in elastic_query.document_source(Document(8, "t", "b", "policy", vector=np.zeros(4, np.float32)))
    assert "vector" not in elastic_query.document_source(Document(9, "t", "b", "policy"))


@pytest.mark.parametrize("error", [transport.ConnectionError("refused"), transport.ConnectionTimeout("timed out"), api_error(503)])
def test_unreachable_cluster(error: Exception) -> None:
    client = mock.MagicMock()
    client.search.side_effect = error
    client.bulk.side_effect = error
    es = backend(client, url="http://search:secret@es.internal:9200")
    cond = conditions(Filters(), AS_OF)
    with pytest.raises(BackendUnavailable, match="es.internal:9200") as raised:
        es.lexical(["fair"], cond, 10)
    assert "secret" not in str(raised.value)
    with pytest.raises(BackendUnavailable):
        es.upsert([Document(1, "t", "b", "policy")])


def test_other_errors_pass() -> None:
    client = mock.MagicMock()
    client.search.side_effect = api_error(400)
    with pytest.raises(ApiError):
        backend(client).ordered(None, [], conditions(Filters(), AS_OF), "newest", 0, 10)


def test_bad_arguments_never_reach_the_cluster() -> None:
    client = mock.MagicMock()
    es = backend(client)
    cond = conditions(Filters(), AS_OF)
    with pytest.raises(ValueError, match="unknown sort"):
        es.ordered(None, [], cond, "random", 0, 10)
    with pytest.raises(ValueError, match="pages end"):
        es.ordered(None, [], cond, "newest", 100_000, 10)
    with pytest.raises(ValueError, match="4 dimensions"):
        es.semantic(np.ones(3, np.float32), cond, 10)
    assert es.semantic(np.zeros(4, np.float32), cond, 10) == []
    assert es.lexical([], cond, 10) == [] and es.ordered([], [], cond, "lexical", 0, 10) == []
    es.upsert([])
    es.delete([])
    assert es.passing([], cond) == set() and es.stored([]) == {}
    client.search.assert_not_called()
    client.bulk.assert_not_called()


def test_refused_writes_are_errors() -> None:
    client = mock.MagicMock()
    client.bulk.return_value = {"errors": True, "items": [
        {"delete": {"_id": "1", "status": 404}},  # already gone: fine
        {"index": {"_id": "2", "status": 400, "error": {"type": "mapper_parsing_exception"}}},
    ]}
    with pytest.raises(RuntimeError, match="mapper_parsing_exception"):
        backend(client).upsert([Document(1, "t", "b", "policy", visible=False), Document(2, "t", "b", "policy")])
    client.bulk.return_value = {"errors": True, "items": [{"delete": {"_id": "1", "status": 404}}]}
    backend(client).delete([1])
    assert client.bulk.call_args.kwargs["refresh"] == "wait_for"


def test_counting_with_filters_counts_each_document_once() -> None:
    filters = Filters(category=("financing",), region=("440300",), amount=500_000)
    per_field = {name: conditions(filters.without(name), AS_OF) for name in ("category", "region", "industry", "published")}
    counting = elastic_query.Counting.build({"match_all": {}}, per_field, conditions(filters, AS_OF))
    clauses = counting.query["bool"]["filter"]
    # The amount and "on offer" clauses hold for every count: in the query once.
    assert {"range": {"amount_min_open": {"lte": 500_000}}} in clauses and {"range": {"until_open": {"gte": "2026-06-01"}}} in clauses
    assert clauses[-1]["bool"]["minimum_should_match"] == 1  # at most one of the two selected filters fails
    assert set(counting.aggs) == {"__all", "__miss0", "__miss1"}
    assert counting.aggs["__all"]["aggs"]["__terms"]["terms"]["field"] == "facets"
    assert counting.aggs["__all"]["aggs"]["__terms"]["terms"] == {"field": "facets", "size": elastic_query.FACET_SIZE}
    assert counting.paths["category"][0] == counting.paths["region"][0] == ("aggregations", "__all", "__terms")
    category_miss, region_miss = counting.paths["category"][1][1], counting.paths["region"][1][1]
    assert {category_miss, region_miss} == {"__miss0", "__miss1"}
    assert counting.paths["industry"] == (("aggregations", "__all", "__terms"),)
    response = {"aggregations": {
        "__all": {"doc_count": 3, "__terms": {"buckets": [{"key": "category=financing", "doc_count": 3},
                                                          {"key": "region=440300", "doc_count": 3}]},
                  # Disjoint spans between the windows' starts (epoch ms), summed from the newest.
                  "published": {"buckets": {"7d": {"from": 1.7801e12, "doc_count": 1},
                                            "30d": {"from": 1.7781e12, "doc_count": 1}}}},
        # Every value is counted; only the prefix of the facet whose filter failed is read.
        category_miss: {"doc_count": 2, "__terms": {"buckets": [{"key": "category=policy", "doc_count": 2},
                                                                {"key": "region=440100", "doc_count": 2}]}},
        region_miss: {"doc_count": 1, "__terms": {"buckets": [{"key": "region=440100", "doc_count": 1}]}},
    }}
    total, facets = counting.summary(response)
    assert total == 3
    assert facets["category"] == {"financing": 3, "policy": 2} and facets["region"] == {"440300": 3, "440100": 1}
    assert facets["published"] == {"7d": 1, "30d": 2}
