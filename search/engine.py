"""A search, composed from backend calls: the same steps whatever the backend.

1. Analyse the query into index terms (:mod:`search.analysis`) and encode it (the matcher's
   encoder; e5 queries are prefixed as queries).
2. Keyword candidates: the best ``window`` documents by text rank, under the filters.
   Meaning candidates: the ``semantic_k`` nearest documents among those on offer; the ones at
   least ``semantic_floor`` similar join the result set even without a query term (so
   "资金周转困难" finds 流动资金贷款).
3. The result set is (keyword matches ∪ close-in-meaning documents) ∩ filters. Its size is the
   total; facet counts are taken over it, each facet under the other facets' filters only.
4. Relevance order: the fused ranking (:mod:`search.fusion`) of the candidates, then the rest
   of the keyword matches by text rank. Other sorts order the whole set by a field.
5. Snippets are cut from the stored text around the query terms (:mod:`search.highlight`).
"""

from __future__ import annotations

import logging
import threading
from collections import OrderedDict
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import Future, ThreadPoolExecutor

import numpy as np

from search import analysis
from search.backends.base import OutsideCounting, PassingSemantic, SearchBackend, Stored
from search.fusion import Candidate, fuse
from search.highlight import concepts_of, highlight, snippet
from search.model import (
    FACETS,
    MAX_PAGE_SIZE,
    PRICE_BUCKETS,
    PUBLISHED_BUCKETS,
    SORTS,
    FacetValue,
    Filters,
    Hit,
    SearchRequest,
    SearchResult,
)
from search.terms import Conditions, conditions, merge_wide

log = logging.getLogger(__name__)
Texts = Callable[[Sequence[int]], Mapping[int, Stored]]  # ids -> their title and body
WINDOW = 200
SEMANTIC_K = 100
SEMANTIC_MEMBERS = 20  # at most this many results found by meaning alone
DESCRIPTION_TEMPERATURE = 0.02
BUCKET_ORDER = {
    "price": {key: n for n, (key, _low, _high) in enumerate(PRICE_BUCKETS)},
    "published": {key: n for n, (key, _low, _high) in enumerate(PUBLISHED_BUCKETS)},
}


def _added(counts: dict[str, int], more: dict[str, int]) -> dict[str, int]:
    return {value: counts.get(value, 0) + more.get(value, 0) for value in {*counts, *more}}


class SearchEngine:
    """Hybrid search over one backend.

    ``encode_query`` turns a query into a unit vector (None: keyword search only).
    ``describe`` gives subcategory descriptions ``{(category, subcategory): text}`` and
    ``encode_passages`` encodes them once, for the description prior (optional).
    """

    def __init__(
        self,
        backend: SearchBackend,
        encode_query: Callable[[str], np.ndarray] | None = None,
        *,
        semantic_floor: float = 0.86,
        descriptions: dict[tuple[str, str], str] | None = None,
        encode_passages: Callable[[list[str]], np.ndarray] | None = None,
        window: int = WINDOW,
        semantic_k: int = SEMANTIC_K,
    ) -> None:
        self.backend = backend
        self.encode_query = encode_query
        self.semantic_floor = semantic_floor
        self.window = window
        self.semantic_k = semantic_k
        self._descriptions = descriptions or {}
        self._encode_passages = encode_passages
        self._description_vectors: tuple[list[tuple[str, str]], np.ndarray] | None = None
        self._vectors: OrderedDict[str, np.ndarray] = OrderedDict()
        self._lock = threading.Lock()
        # Encoding a new query (the model releases the GIL) runs while the keyword half searches.
        self._pool = ThreadPoolExecutor(max_workers=8, thread_name_prefix="search")

    # --- query understanding ----------------------------------------------------------------

    def query_vector(self, text: str) -> np.ndarray | None:
        """The query's vector (cached for the last 1,000 queries), None without an encoder."""
        if self.encode_query is None or not text:
            return None
        with self._lock:
            vector = self._vectors.get(text)
            if vector is not None:
                self._vectors.move_to_end(text)
                return vector
        vector = np.asarray(self.encode_query(text), dtype=np.float32).reshape(-1)
        with self._lock:
            self._vectors[text] = vector
            if len(self._vectors) > 1000:
                self._vectors.popitem(last=False)
        return vector

    def _vector_soon(self, text: str) -> Future[np.ndarray | None]:
        """The query's vector, computed in the background unless cached."""
        future: Future[np.ndarray | None]
        with self._lock:
            cached = self._vectors.get(text) if self.encode_query is not None and text else None
        if cached is not None or self.encode_query is None or not text:
            future = Future()
            future.set_result(self.query_vector(text))
            return future
        return self._pool.submit(self.query_vector, text)

    def _semantic(self, vector_soon: Future[np.ndarray | None], base: Conditions,
                  passing: Conditions) -> tuple[list[Candidate], set[int] | None]:
        """The meaning candidates (on offer) and, when the backend tells them in the same call,
        which of them pass the request's filters (else None)."""
        vector = vector_soon.result()
        if vector is None:
            return [], None
        if passing == base:  # no filter selected: every candidate passes
            found = self.backend.semantic(vector, base, self.semantic_k)
            return found, {c.id for c in found}
        if isinstance(self.backend, PassingSemantic):
            return self.backend.semantic_passing(vector, base, self.semantic_k, passing)
        return self.backend.semantic(vector, base, self.semantic_k), None

    def description_prior(self, vector: np.ndarray) -> dict[tuple[str, str | None], float]:
        """How likely the query asks for each subcategory: a softmax over the similarity of the
        query to each subcategory's description."""
        if not self._descriptions or self._encode_passages is None:
            return {}
        if self._description_vectors is None:
            keys = list(self._descriptions)
            self._description_vectors = (keys, np.asarray(self._encode_passages([self._descriptions[k] for k in keys])))
        keys, vectors = self._description_vectors
        sims = vectors @ vector
        weights = np.exp((sims - sims.max()) / DESCRIPTION_TEMPERATURE)
        weights /= weights.sum()
        return {key: float(w) for key, w in zip(keys, weights, strict=True)}

    # --- the search -------------------------------------------------------------------------

    def search(self, request: SearchRequest, texts: Texts | None = None) -> SearchResult:
        """Raises ValueError for an unknown sort or facet, or a bad page; backends may raise
        :class:`~search.backends.base.BackendUnavailable`.

        ``texts`` gives the title and body of documents by id, for the snippets, when the caller
        has them at hand (e.g. the database rows it shows anyway): called in this thread, once
        the page is known, instead of the backend's ``stored``."""
        if request.sort not in SORTS:
            raise ValueError(f"unknown sort {request.sort!r}; one of {', '.join(SORTS)}")
        if request.page < 1 or not 1 <= request.per_page <= MAX_PAGE_SIZE:
            raise ValueError("page must be 1 or more and per_page between 1 and 100")
        unknown = set(request.facets) - set(FACETS)
        if unknown:
            raise ValueError(f"unknown facet {sorted(unknown)[0]!r}")
        text = analysis.clean_query(request.text)
        cond = conditions(request.filters, request.as_of)
        offset, limit = (request.page - 1) * request.per_page, request.per_page
        backend = self.backend
        terms: list[str] | None = analysis.query_terms(text) if text else None
        per_field = {name: conditions(request.filters.without(name), request.as_of) for name in request.facets}
        extra: list[int] = []
        fused_ids: list[int] = []
        semantic_ids: set[int] = set()
        summary = None
        summary_soon: Future[tuple[int, dict[str, dict[str, int]]]] | None = None
        concurrent = backend.concurrent
        if terms is not None:
            base = conditions(Filters(), request.as_of)  # on offer that day, nothing else
            vector_soon = self._vector_soon(text)
            semantic_soon: Future[tuple[list[Candidate], set[int] | None]] | None = None
            if concurrent:
                # A server: the meaning half (after encoding) and the keyword matches' total and
                # facets run beside the keyword half.
                semantic_soon = self._pool.submit(self._semantic, vector_soon, base, cond)
                summary_soon = self._pool.submit(backend.summary, terms, [], cond, per_field)
            lexical = backend.lexical(terms, cond, self.window) if terms else []
            if summary_soon is None and not vector_soon.done():
                # While the query is encoded: total and facets of the keyword matches, which
                # stand unless documents found by meaning alone join the result set.
                summary = backend.summary(terms, [], cond, per_field)
            vector = vector_soon.result()
            semantic, passes = semantic_soon.result() if semantic_soon is not None else self._semantic(vector_soon, base, cond)
            lexical_ids = {c.id for c in lexical}
            close = [c for c in semantic if c.score >= self.semantic_floor][:SEMANTIC_MEMBERS]
            # Found without the filters: the backend applies them to ``extra`` in every call (facets
            # must still see those that only their own filter excludes).
            extra = [c.id for c in close if c.id not in lexical_ids]
            semantic_ids = set(extra)
            if request.sort == "relevance":
                if passes is not None:
                    kept = passes.intersection(extra)
                else:
                    kept = backend.passing(extra, cond) if extra else set()
                members = lexical_ids | kept
                prior = self.description_prior(vector) if vector is not None else {}
                fused_ids = [f.id for f in fuse(lexical, semantic, members, prior)]
        stored: Mapping[int, Stored] | None = None
        stored_soon: Future[dict[int, Stored]] | None = None
        if concurrent and request.sort == "relevance" and terms is not None and len(fused_ids) >= offset + limit:
            # The page is known before the total: get its texts while the counting runs.
            page = fused_ids[offset : offset + limit]
            if texts is not None:
                stored = texts(page)
            else:
                stored_soon = self._pool.submit(backend.stored, page)
        outside = backend.summary_outside if isinstance(backend, OutsideCounting) else None
        if summary_soon is not None and (not extra or (outside is not None and terms is not None)):
            total, raw = summary_soon.result()
            if extra and outside is not None and terms is not None:  # the keyword matches' counts, plus what meaning adds
                more, more_raw = outside(terms, extra, cond, per_field)
                total += more
                raw = {name: _added(raw.get(name, {}), more_raw.get(name, {})) for name in {*raw, *more_raw}}
        else:
            total, raw = summary if summary is not None and not extra else backend.summary(terms, extra, cond, per_field)
        if request.sort == "relevance" and terms is not None:
            ids = fused_ids[offset : offset + limit]
            if len(ids) < limit and total > len(fused_ids):
                # Past the fused window: the remaining keyword matches by text rank.
                tail_offset = max(offset - len(fused_ids), 0)
                ids += backend.ordered(terms, [], cond, "lexical", tail_offset, limit - len(ids), exclude=fused_ids)
        else:
            sort = "newest" if request.sort == "relevance" else request.sort
            ids = backend.ordered(terms, extra, cond, sort, offset, limit)
        facets = {}
        if request.facets:
            for name in request.facets:
                counts = merge_wide(name, dict(raw.get(name, {})))
                if name in BUCKET_ORDER:  # bands keep their natural order
                    ordered = sorted(counts.items(), key=lambda kv: BUCKET_ORDER[name].get(kv[0], 99))
                else:
                    ordered = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))
                facets[name] = [FacetValue(value, count) for value, count in ordered if count > 0]
        if stored is None:
            stored = stored_soon.result() if stored_soon is not None else (texts or backend.stored)(ids)
        concepts = concepts_of(text) if text else set()
        hits = []
        for rank, doc_id in enumerate(ids):
            doc = stored.get(doc_id)
            if doc is None:
                continue
            shown_terms = terms or []
            hits.append(Hit(
                id=doc_id,
                score=float(len(ids) - rank),
                title=highlight(doc.title, shown_terms, concepts),
                snippet=snippet(doc.body, shown_terms, concepts),
                semantic_only=doc_id in semantic_ids,
            ))
        return SearchResult(hits, total, request.page, request.per_page, facets, tuple(terms or ()))

