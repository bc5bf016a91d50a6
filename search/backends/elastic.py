"""The Elasticsearch backend: the same calls as :class:`~search.backends.sql.SqlBackend`, on a
cluster (8.x; the core distribution is enough: no analysis plugins are needed).

- Text: the index terms of :mod:`search.analysis` (already segmented, stemmed and expanded with
  glossary concepts) go into one ``terms`` field with the built-in ``whitespace`` analyzer, so
  Elasticsearch sees exactly the terms the SQL backends see, ranked by its BM25.
- Filters and facets: one keyword array ``facets`` holding every term of
  :func:`search.terms.document_terms` as ``field=value`` (and the price band as ``price=key``),
  and the range columns (amounts, price, dates); a :class:`~search.terms.Conditions` becomes bool
  filters that select the same documents as the SQL ``WHERE`` clauses. Counting reads that one
  array once per document (one ``terms`` aggregation instead of one per field: half the time).
- Open ends: a listing without an end date runs on, one without an amount bound has no limit on
  that side. ``<field>_open`` holds the value or that open end, so "until today or later, or no
  end date" (in every search) is one range query instead of range OR NOT exists (7x cheaper).
- Meaning: a ``dense_vector`` field (HNSW on float vectors, cosine); Elasticsearch reports
  ``(1 + cos) / 2``, turned back into the cosine so the engine's thresholds mean the same.

The documents live in versioned indices (``<alias>-<UTC timestamp>``) behind the alias
``index``. :meth:`ElasticBackend.reindex` loads a new index and swaps the alias atomically:
searches keep using the old index until the swap. Writes made *during* a reindex go to the old
index and are lost with it: replay them afterwards (the application's outbox does).

Every failure to reach the cluster raises :class:`~search.backends.base.BackendUnavailable`.
"""

from __future__ import annotations

import contextlib
import itertools
import re
import threading
import time
from collections import deque
from collections.abc import Iterable, Iterator, Mapping, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import numpy as np
import orjson
from elasticsearch import ApiError, Elasticsearch, NotFoundError, SerializationError, TransportError
from elasticsearch.serializer import (
    CompatibilityModeJsonSerializer,
    CompatibilityModeNdjsonSerializer,
    JsonSerializer,
    NdjsonSerializer,
)

from search.backends import elastic_query as bodies
from search.backends.base import BackendUnavailable, Stored
from search.fusion import Candidate
from search.model import Document
from search.terms import Conditions

# Bump when the mappings or what bodies.document_source() writes change: an index built for another version
# is not searched (IndexOutdated) until `marketplace search reindex` has rebuilt it.
MAPPING_VERSION = 2
HNSW_BEAM = 64  # ef_construction of the vector graph (Elasticsearch's default: 100)
_CHUNK = 1000  # documents per bulk request, ids per lookup
_BULK_THREADS = 2  # bulk requests in flight during a reindex (the server indexes them in parallel)
_MAX_WINDOW = 100_000  # deepest page (from + size; deeper: ValueError); the default is 10,000
_MAX_KNN = 10_000  # Elasticsearch's limit on k and num_candidates
_UNAVAILABLE_STATUS = (502, 503, 504)


class _Orjson:
    """JSON through orjson: ~13x faster than the standard library for documents with vectors
    (numpy arrays are written directly, float32 at float32 precision)."""

    def json_dumps(self, data: Any) -> bytes:
        return orjson.dumps(data, default=self.default, option=orjson.OPT_SERIALIZE_NUMPY)  # type: ignore[attr-defined]

    def json_loads(self, data: bytes) -> Any:
        return orjson.loads(data)


_SERIALIZERS = {base.mimetype: type(f"Orjson{base.__name__}", (_Orjson, base), {})()
                for base in (JsonSerializer, NdjsonSerializer, CompatibilityModeJsonSerializer,
                             CompatibilityModeNdjsonSerializer)}


class IndexOutdated(BackendUnavailable):
    """The index behind the alias was built for another version of the mappings."""


_BUILDING = {"refresh_interval": "-1", "translog.durability": "async"}
_SERVING = {"refresh_interval": "1s", "translog.durability": "request"}


def _redacted(url: str) -> str:
    """The URL without a user name or password (for messages)."""
    parts = urlsplit(url)
    if parts.username is None and parts.password is None:
        return url
    host = parts.hostname or ""
    return urlunsplit(parts._replace(netloc=f"{host}:{parts.port}" if parts.port else host))


class ElasticBackend:
    """Search on an Elasticsearch cluster at ``url``: ``index`` is the alias searched and
    written, ``dim`` the dimension of the documents' vectors. The client is made on first use."""

    name = "elasticsearch"
    concurrent = True  # calls may run in parallel threads (the client is thread-safe)

    def __init__(self, url: str, *, index: str = "marketplace-listings", dim: int, timeout: float = 5.0,
                 client: Elasticsearch | None = None) -> None:
        if dim <= 0:
            raise ValueError("dim must be positive")
        self.url = url
        self.index = index
        self.dim = dim
        self.timeout = timeout
        self._es = client
        self._ready = False
        self._lock = threading.Lock()

    # --- plumbing ---------------------------------------------------------------------------

    @property
    def client(self) -> Elasticsearch:
        with self._lock:
            if self._es is None:
                self._es = Elasticsearch(self.url, request_timeout=self.timeout, retry_on_timeout=False, max_retries=1,
                                         serializers=_SERIALIZERS)
            return self._es

    def close(self) -> None:
        """Close the client's connections (a later call makes a new client)."""
        with self._lock:
            if self._es is not None:
                self._es.close()
                self._es = None

    @contextlib.contextmanager
    def _guard(self) -> Iterator[None]:
        """Turn "cannot reach the cluster" into BackendUnavailable; other errors pass."""
        try:
            yield
        except SerializationError:
            raise
        except TransportError as exc:  # connection refused or reset, timeout, TLS
            raise BackendUnavailable(f"Elasticsearch at {_redacted(self.url)} is unreachable: {exc}") from exc
        except ApiError as exc:
            if exc.meta.status in _UNAVAILABLE_STATUS:
                raise BackendUnavailable(
                    f"Elasticsearch at {_redacted(self.url)} is unavailable (HTTP {exc.meta.status}): {exc}"
                ) from exc
            raise

    def _mappings(self) -> dict[str, Any]:
        return {
            "dynamic": "strict",
            # Only the texts shown in results are kept as source (read by stored()); terms, facets
            # and the vector are searched, never read back (the index is rebuilt from the database).
            "_source": {"includes": ["title", "body"]},
            "_meta": {"version": MAPPING_VERSION},
            "properties": {
                "id": {"type": "long"},
                # Frequencies without positions: BM25 needs no more (no phrase queries; snippets
                # are cut in Python), and indexing writes less.
                "terms": {"type": "text", "analyzer": "whitespace", "index_options": "freqs"},
                "title": {"type": "text", "index": False},
                "body": {"type": "text", "index": False},
                bodies.FACETS: {"type": "keyword"},
                # The labels of hits (read from doc values; filters use the facets array).
                "category": {"type": "keyword", "index": False},
                "subcategory": {"type": "keyword", "index": False},
                **{name: {"type": "long"} for name in bodies.NUMBERS},
                **{f"{name}_open": {"type": "long"} for name in bodies.OPEN_ENDS if name in bodies.NUMBERS},
                **{f"{name}_open": {"type": "date", "format": "date"} for name in bodies.OPEN_ENDS if name in bodies.DATES},
                **{name: {"type": "date", "format": "date"} for name in bodies.DATES},
                # Float HNSW (not the int8-quantised default): scores as exact as FAISS's. A build
                # beam of 64 instead of 100 builds the graph ~1.5x faster; 100k clustered vectors:
                # recall@100 0.989 instead of 1.000 (k=100, 200 candidates; bench/RESULTS.md).
                "vector": {"type": "dense_vector", "dims": self.dim, "index": True, "similarity": "cosine",
                           "index_options": {"type": "hnsw", "m": 16, "ef_construction": HNSW_BEAM}},
            },
        }

    def _settings(self, building: bool = False) -> dict[str, Any]:
        """One shard: exact BM25 statistics and facet counts; a replica when there is a second
        node. While a new index is being built (nobody reads it; a failed build is deleted) it
        is not refreshed and its translog is not synced at every request."""
        return {"number_of_shards": 1, "auto_expand_replicas": "0-1", "max_result_window": _MAX_WINDOW,
                **(_BUILDING if building else _SERVING)}

    def _new_name(self) -> str:
        return f"{self.index}-{datetime.now(UTC).strftime('%Y%m%d%H%M%S%f')}"

    def _behind_alias(self) -> list[str]:
        try:
            return sorted(self.client.indices.get_alias(name=self.index))
        except NotFoundError:
            return []

    def _search(self, **body: Any) -> dict[str, Any]:
        self.ensure_index()
        with self._guard():
            body.setdefault("track_total_hits", False)
            response: dict[str, Any] = self.client.search(index=self.index, **body).body
            return response

    # --- the index --------------------------------------------------------------------------

    def ensure_index(self) -> None:
        """Create the first versioned index behind the alias unless the alias exists."""
        if self._ready:
            return
        with self._guard():
            client = self.client
            if not client.indices.exists_alias(name=self.index):
                name = self._new_name()
                client.indices.create(index=name, mappings=self._mappings(), settings=self._settings(),
                                      aliases={self.index: {}})
                # Two processes may have raced to create the first index: the oldest stays.
                behind = self._behind_alias()
                if behind and behind[0] != name:
                    client.options(ignore_status=404).indices.delete(index=name)
            else:
                found = client.indices.get_mapping(index=self.index).body
                versions = sorted({str((m.get("mappings", {}).get("_meta") or {}).get("version", 1))
                                   for m in found.values()})
                if versions != [str(MAPPING_VERSION)]:
                    raise IndexOutdated(
                        f"the Elasticsearch index {self.index!r} was built by another version of the application "
                        f"(mappings version {', '.join(versions)}; this version needs {MAPPING_VERSION}): "
                        "rebuild it with `marketplace search reindex`"
                    )
        self._ready = True

    def reindex(self, documents: Iterable[Document]) -> dict[str, Any]:
        """Load the visible ``documents`` into a new versioned index, point the alias at it in
        one step and delete the previous index. Returns the new index's name, the documents
        loaded and the seconds taken. On failure the new index is removed and the alias kept."""
        started = time.monotonic()
        name = self._new_name()
        loaded = 0
        with self._guard():
            client = self.client
            client.indices.create(index=name, mappings=self._mappings(), settings=self._settings(building=True))
            try:
                loaded = self._load(client, name, (d for d in documents if d.visible))
                client.indices.put_settings(index=name, settings=_SERVING)
                client.indices.refresh(index=name)
                old = self._behind_alias()
                client.indices.update_aliases(actions=[
                    *({"remove": {"index": o, "alias": self.index}} for o in old),
                    {"add": {"index": name, "alias": self.index}},
                ])
            except BaseException:
                with contextlib.suppress(Exception):
                    client.options(ignore_status=404).indices.delete(index=name)
                raise
            for o in old:
                client.options(ignore_status=404).indices.delete(index=o)
        self._ready = True
        return {"index": name, "documents": loaded, "seconds": round(time.monotonic() - started, 3)}

    def _load(self, client: Elasticsearch, name: str, documents: Iterable[Document]) -> int:
        """Bulk-load documents into the index ``name``: batches are built here (``documents``
        may read from the caller's database session), ``_BULK_THREADS`` requests in flight."""
        loaded = 0
        with ThreadPoolExecutor(_BULK_THREADS, thread_name_prefix="search-bulk") as pool:
            pending: deque[Future[int]] = deque()
            iterator = iter(documents)
            while batch := list(itertools.islice(iterator, _CHUNK)):
                operations: list[dict[str, Any]] = []
                for d in batch:
                    operations += [{"index": {"_id": str(d.id)}}, bodies.document_source(d)]
                pending.append(pool.submit(self._send, client, name, operations))
                if len(pending) >= _BULK_THREADS:
                    loaded += pending.popleft().result()
            while pending:
                loaded += pending.popleft().result()
        return loaded

    @staticmethod
    def _send(client: Elasticsearch, name: str, operations: list[dict[str, Any]]) -> int:
        response = client.bulk(index=name, operations=operations)
        if response.get("errors"):
            failed = [result for item in response["items"] for result in item.values() if result.get("status", 500) >= 300]
            if failed:
                raise RuntimeError(f"Elasticsearch refused {len(failed)} documents: {failed[0].get('error')}")
        return len(operations) // 2

    def drop(self) -> None:
        """Delete every versioned index of the alias (and so the alias): temporary indices."""
        versioned = re.compile(rf"{re.escape(self.index)}-\d{{20}}")
        with self._guard():
            found = self.client.indices.get(index=f"{self.index}-*", allow_no_indices=True, ignore_unavailable=True)
            names = [n for n in found if versioned.fullmatch(n)]
            if names:
                self.client.options(ignore_status=404).indices.delete(index=",".join(names))
        self._ready = False

    # --- writing ----------------------------------------------------------------------------

    def _bulk(self, operations: list[dict[str, Any]]) -> None:
        """Run bulk operations (action, source?) against the alias, visible to the next search."""
        self.ensure_index()
        with self._guard():
            for start in range(0, len(operations), 2 * _CHUNK):
                chunk = operations[start : start + 2 * _CHUNK]
                response = self.client.bulk(index=self.index, operations=chunk, refresh="wait_for", require_alias=True)
                if not response.get("errors"):
                    continue
                failed = [
                    (action, result) for item in response["items"] for action, result in item.items()
                    if result.get("status", 500) >= 300 and not (action == "delete" and result.get("status") == 404)
                ]
                if failed:
                    action, result = failed[0]
                    raise RuntimeError(f"Elasticsearch refused {len(failed)} of the {action} operations: {result.get('error')}")

    def upsert(self, documents: Sequence[Document]) -> None:
        operations: list[dict[str, Any]] = []
        for d in documents:
            if d.visible:
                operations += [{"index": {"_id": str(d.id)}}, bodies.document_source(d)]
            else:
                operations.append({"delete": {"_id": str(d.id)}})
        if operations:
            self._bulk(operations)

    def delete(self, ids: Sequence[int]) -> None:
        if ids:
            self._bulk([{"delete": {"_id": str(int(i))}} for i in ids])

    def clear(self) -> None:
        """Swap in a new empty index (``_delete_by_query`` needs the reindex module, which the
        core distribution lacks; a fresh index is also faster and leaves no deleted documents)."""
        self.reindex(())

    def count(self) -> int:
        self.ensure_index()
        with self._guard():
            return int(self.client.count(index=self.index)["count"])

    # --- reading ----------------------------------------------------------------------------

    def lexical(self, terms: list[str], conditions: Conditions, limit: int) -> list[Candidate]:
        if not terms or limit <= 0:
            return []
        # By score alone (no tie-break sort), so Lucene can skip documents that cannot make the top
        # (block-max WAND) instead of scoring every match; ties are then ordered by id here.
        response = self._search(query={"bool": {"must": [bodies.terms_match(terms)], "filter": bodies.filter_clauses(conditions)}},
                                size=limit, **bodies.LABELS)
        found = [Candidate(bodies.hit_id(h), float(h["_score"]), *bodies.hit_labels(h)) for h in response["hits"]["hits"]]
        return sorted(found, key=lambda c: (-c.score, c.id))

    def semantic(self, vector: np.ndarray, conditions: Conditions, k: int) -> list[Candidate]:
        return self.semantic_passing(vector, conditions, k, None)[0]

    def semantic_passing(self, vector: np.ndarray, conditions: Conditions, k: int,
                         passing: Conditions | None) -> tuple[list[Candidate], set[int]]:
        """``semantic`` and, in the same request, which of those documents pass the ``passing``
        conditions (what ``passing(ids, ...)`` would say): a named clause that matches without
        scoring marks them."""
        query = np.asarray(vector, dtype=np.float32).reshape(-1)
        if query.shape[0] != self.dim:
            raise ValueError(f"query must have {self.dim} dimensions, got {query.shape[0]}")
        if k <= 0 or not query.any() or not np.isfinite(query).all():
            return [], set()
        k = min(k, _MAX_KNN)
        knn = {"field": "vector", "query_vector": query.tolist(), "k": k,
               "num_candidates": min(max(100, 2 * k), _MAX_KNN), "filter": {"bool": {"filter": bodies.filter_clauses(conditions)}}}
        body: dict[str, Any] = {"must": [{"knn": knn}]}
        if passing is not None:
            body["should"] = [{"bool": {"filter": bodies.filter_clauses(passing), "_name": bodies.PASSES}}]
        response = self._search(query={"bool": body}, size=k, **bodies.LABELS)
        hits = response["hits"]["hits"]
        found = [Candidate(bodies.hit_id(h), 2.0 * float(h["_score"]) - 1.0, *bodies.hit_labels(h)) for h in hits]
        passes = {bodies.hit_id(h) for h in hits if bodies.PASSES in (h.get("matched_queries") or ())}
        return sorted(found, key=lambda c: (-c.score, c.id)), passes

    def passing(self, ids: Sequence[int], conditions: Conditions) -> set[int]:
        out: set[int] = set()
        for start in range(0, len(ids), _CHUNK):
            chunk = ids[start : start + _CHUNK]
            response = self._search(query={"bool": {"filter": [bodies.ids_query(chunk), *bodies.filter_clauses(conditions)]}},
                                    size=len(chunk), **bodies.IDS)
            out.update(bodies.hit_id(h) for h in response["hits"]["hits"])
        return out

    def total(self, terms: list[str] | None, extra: Sequence[int], conditions: Conditions) -> int:
        self.ensure_index()
        query = {"bool": {"filter": [bodies.result_set_query(terms, extra), *bodies.filter_clauses(conditions)]}}
        with self._guard():
            return int(self.client.count(index=self.index, query=query)["count"])

    def ordered(self, terms: list[str] | None, extra: Sequence[int], conditions: Conditions, sort: str,
                offset: int, limit: int, exclude: Sequence[int] = ()) -> list[int]:
        if sort not in bodies.SORTS:
            raise ValueError(f"unknown sort {sort!r}")
        if sort == "lexical":
            if not terms:
                return []
            query: dict[str, Any] = {"bool": {"must": [bodies.terms_match(terms)], "filter": bodies.filter_clauses(conditions)}}
            if exclude:
                query["bool"]["must_not"] = [bodies.ids_query(exclude)]
        else:
            query = {"bool": {"filter": [bodies.result_set_query(terms, extra), *bodies.filter_clauses(conditions)]}}
        if limit <= 0:
            return []
        if offset + limit > _MAX_WINDOW:
            raise ValueError(f"pages end at result {_MAX_WINDOW:,}: narrow the search")
        response = self._search(query=query, sort=bodies.SORTS[sort], from_=offset, size=limit, **bodies.IDS)
        return [bodies.hit_id(h) for h in response["hits"]["hits"]]

    def facets(self, terms: list[str] | None, extra: Sequence[int],
               per_field: Mapping[str, Conditions]) -> dict[str, dict[str, int]]:
        """One request: per field, a ``filter`` aggregation (that field's conditions) around a
        ``terms``, price ``range`` or published ``filters`` aggregation."""
        if not per_field:
            return {}
        counting = bodies.Counting.build(bodies.result_set_query(terms, extra), per_field, None)
        return counting.facets(self._search(**counting.body()))

    def summary(self, terms: list[str] | None, extra: Sequence[int], conditions: Conditions,
                per_field: Mapping[str, Conditions]) -> tuple[int, dict[str, dict[str, int]]]:
        """The total (a ``filter`` aggregation under every condition) and the facets, in one request."""
        counting = bodies.Counting.build(bodies.result_set_query(terms, extra), per_field, conditions)
        return counting.summary(self._search(**counting.body()))

    def summary_outside(self, terms: list[str], extra: Sequence[int], conditions: Conditions,
                        per_field: Mapping[str, Conditions]) -> tuple[int, dict[str, dict[str, int]]]:
        """What the ``extra`` documents holding none of ``terms`` add to ``summary(terms, [])``:
        added to it, the two give ``summary(terms, extra)``, and counting a few documents is
        cheap where counting the whole result set again is not."""
        outside: dict[str, Any] = {"bool": {"filter": [bodies.ids_query(extra)], **({"must_not": [bodies.terms_match(terms)]} if terms else {})}}
        counting = bodies.Counting.build(outside if extra else {"match_none": {}}, per_field, conditions)
        return counting.summary(self._search(**counting.body()))

    def stored(self, ids: Sequence[int]) -> dict[int, Stored]:
        self.ensure_index()
        out: dict[int, Stored] = {}
        with self._guard():
            for start in range(0, len(ids), _CHUNK):
                chunk = [str(int(i)) for i in ids[start : start + _CHUNK]]
                response = self.client.mget(index=self.index, ids=chunk, source_includes=["title", "body"])
                for doc in response["docs"]:
                    if doc.get("found"):
                        i = int(doc["_id"])
                        out[i] = Stored(i, doc["_source"]["title"], doc["_source"]["body"])
        return out
