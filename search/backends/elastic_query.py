"""The request bodies the Elasticsearch backend sends and how it reads the answers: documents
as stored (:func:`document_source`), :class:`~search.terms.Conditions` as bool filters, result
sets, sorts, and the one-request counting of totals and facets (:class:`Counting`). Pure
functions of their arguments: :mod:`search.backends.elastic` holds the index life cycle and the
calls.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

import numpy as np
import orjson

from search import analysis
from search.model import PUBLISHED_BUCKETS, Document
from search.terms import Conditions, document_terms, price_bucket, published_since

NUMBERS = ("amount_min", "amount_max", "price")


DATES = ("starts_on", "until", "published_on")


# Fields whose missing value means "open" on one side: (that side, the value standing for it).
OPEN_ENDS: dict[str, tuple[str, int | str]] = {
    "until": ("high", "9999-12-31"), "amount_min": ("low", -(2**63)), "amount_max": ("high", 2**63 - 1),
}


FACETS = "facets"  # the keyword array of "field=value" terms


TERMS_AGG = "__terms"  # the aggregation counting the facets array


SORTS: dict[str, list[dict[str, Any]]] = {
    "newest": [{"published_on": {"order": "desc", "missing": "_last"}}, {"id": "desc"}],
    "deadline": [{"until": {"order": "asc", "missing": "_last"}}, {"id": "asc"}],
    "amount": [{"amount_max": {"order": "desc", "missing": "_last"}}, {"id": "asc"}],
    "lexical": [{"_score": "desc"}, {"id": "asc"}],
}


FACET_SIZE = 10_000  # values of the facets array counted: all of them, every facet's (the SQL backend counts every value)


def field_value(value: int | date) -> int | str:
    return value.isoformat() if isinstance(value, date) else int(value)


# Hits carry their id (and labels) from doc values (columnar) and load no stored field at all:
# reading a hit's _id decompresses the stored-fields block that also holds the texts, which
# made fetching 200 hits cost more than finding them (9 ms -> 3 ms at p50 for 100k listings).
IDS: dict[str, Any] = {"source": False, "stored_fields": ["_none_"], "docvalue_fields": ["id"]}


LABELS: dict[str, Any] = {**IDS, "docvalue_fields": ["id", "category", "subcategory"]}


def facet_term(name: str, value: str) -> str:
    return f"{name}={value}"


def hit_id(hit: Mapping[str, Any]) -> int:
    return int(hit["fields"]["id"][0])


def hit_labels(hit: Mapping[str, Any]) -> tuple[Any, Any]:
    fields = hit.get("fields") or {}
    return first_value(fields.get("category")), first_value(fields.get("subcategory"))


def first_value(value: Any) -> Any:
    """A single-valued keyword from a stored document (a list of at most one value)."""
    return (value[0] if value else None) if isinstance(value, list) else value


def document_source(doc: Document) -> dict[str, Any]:
    """The stored document: the same index terms, keyword terms and columns as the SQL tables."""
    terms = document_terms(doc)
    facets = [f"{name}={value}" for name, values in terms.items() for value in values]  # facet_term()
    if (band := price_bucket(doc.price)) is not None:
        facets.append(facet_term("price", band))
    source: dict[str, Any] = {
        "id": doc.id,
        "title": doc.title,
        "body": doc.body,
        "terms": analysis.document_text(doc),
        FACETS: facets,
        "category": doc.category,
        **({"subcategory": doc.subcategory} if doc.subcategory else {}),
    }
    for name in (*NUMBERS, *DATES):
        value = getattr(doc, name)
        if value is not None:
            source[name] = field_value(value)
    for name, (_side, end) in OPEN_ENDS.items():
        value = getattr(doc, name)
        source[f"{name}_open"] = end if value is None else field_value(value)
    if doc.vector is not None:
        vector = np.asarray(doc.vector, dtype=np.float32).reshape(-1)
        if np.isfinite(vector).all() and vector.any():  # cosine is undefined for a zero vector
            source["vector"] = vector
    return source


def filter_clauses(conditions: Conditions) -> list[dict[str, Any]]:
    """The conditions as bool filters (the same documents as ``SqlBackend._where``)."""
    out: list[dict[str, Any]] = [{"terms": {FACETS: [facet_term(name, v) for v in values]}}
                                 for name, values in conditions.terms]
    for r in conditions.ranges:
        if r.field not in NUMBERS and r.field not in DATES:
            raise ValueError(f"unknown range field {r.field!r}")
        bounds = {}
        if r.low is not None:
            bounds["gte"] = field_value(r.low)
        if r.high is not None:
            bounds["lte"] = field_value(r.high)
        side = OPEN_ENDS.get(r.field, ("", None))[0] if r.missing else ""
        if (side == "high" and r.high is None) or (side == "low" and r.low is None):
            if bounds:  # a missing value is stored as the open end, which passes the bound
                out.append({"range": {f"{r.field}_open": bounds}})
            continue
        within = {"range": {r.field: bounds}} if bounds else {"exists": {"field": r.field}}
        if r.missing:  # a document without the field passes too
            absent = {"bool": {"must_not": [{"exists": {"field": r.field}}]}}
            out.append({"bool": {"should": [within, absent], "minimum_should_match": 1}})
        else:  # a range (or exists) only matches documents that have the field
            out.append(within)
    return out


def terms_match(terms: list[str]) -> dict[str, Any]:
    # Terms are letters, digits and CJK only (search.analysis): no query syntax is possible.
    return {"match": {"terms": {"query": " ".join(terms), "operator": "or"}}}


def ids_query(ids: Iterable[int]) -> dict[str, Any]:
    return {"ids": {"values": [str(int(i)) for i in ids]}}


def result_set_query(terms: list[str] | None, extra: Sequence[int]) -> dict[str, Any]:
    """Every document (terms None), or documents holding a term ∪ the ``extra`` ids."""
    if terms is None:
        return {"match_all": {}}
    should = ([terms_match(terms)] if terms else []) + ([ids_query(extra)] if extra else [])
    if not should:
        return {"match_none": {}}
    return {"bool": {"should": should, "minimum_should_match": 1}}


PASSES = "passes"  # the named clause of semantic_passing()


TOTAL = "__total"  # the aggregation counting the result set under every condition (not a facet name)


def facet_aggs(names: Sequence[str], as_of: date) -> dict[str, Any]:
    """The aggregations counting the facets ``names``: one ``terms`` over the facets array for
    the term fields and price bands, a ``date_range`` for ``published``.
    The terms count every value of the array, also those of facets not asked for (the reader
    keeps the prefixes it wants): limiting them with an ``include`` pattern cost more than the
    values it left out (~1 ms of the server's CPU per count at 100k documents)."""
    aggs: dict[str, Any] = {}
    if any(n != "published" for n in names):
        aggs[TERMS_AGG] = {"terms": {"field": FACETS, "size": FACET_SIZE}}
    if "published" in names:
        # The windows (last 7, 30, ... days) nest: counted as the disjoint spans between their
        # starts (one lookup per document instead of a test per window), summed when read.
        starts = sorted((published_since(key, as_of).isoformat(), key) for key, _low, _days in PUBLISHED_BUCKETS)
        aggs["published"] = {"date_range": {"field": "published_on", "keyed": True, "ranges": [
            {"key": key, "from": start, **({"to": starts[n + 1][0]} if n + 1 < len(starts) else {})}
            for n, (start, key) in enumerate(starts)
        ]}}
    return aggs


def clause_key(clause: Mapping[str, Any]) -> bytes:
    return orjson.dumps(clause, option=orjson.OPT_SORT_KEYS)


@dataclass(frozen=True)
class Counting:
    """One request counting a result set under several sets of conditions (each facet under
    its own, the total under all): the clauses every set shares filter the query once.

    Without filters selected every facet is counted straight over the query's documents. With
    filters selected (the usual case: each facet's set lacks its own filter's clause), every
    document is counted once: the query keeps the documents failing at most one selected
    clause; those passing all are counted for every facet (``__all``), those failing one clause
    only for the facet that clause belongs to (``__miss<i>``), whose counts are the sum of the
    two. Other shapes fall back to one ``filter`` aggregation per distinct remaining set."""

    query: dict[str, Any]
    aggs: dict[str, Any]
    paths: dict[str, tuple[tuple[str, ...], ...]]  # facet (or TOTAL) -> where its counts are (summed)

    @classmethod
    def build(cls, result_set: dict[str, Any], per_field: Mapping[str, Conditions],
              conditions: Conditions | None) -> Counting:
        sets = {name: filter_clauses(cond) for name, cond in per_field.items()}
        if conditions is not None:
            sets[TOTAL] = filter_clauses(conditions)
        keyed = {name: {clause_key(c): c for c in clauses} for name, clauses in sets.items()}
        shared = set.intersection(*(set(k) for k in keyed.values())) if keyed else set()
        first = next(iter(keyed.values()), {})
        clause = {k: c for clauses in keyed.values() for k, c in clauses.items()}
        # Filter context throughout: counting needs no scores, and the clauses every search shares
        # (on offer that day) are cached by the server as bit sets.
        query = {"bool": {"filter": [result_set, *(first[k] for k in first if k in shared)]}}
        groups: dict[frozenset[bytes], list[str]] = {}
        for name, clauses in keyed.items():
            groups.setdefault(frozenset(k for k in clauses if k not in shared), []).append(name)
        every = frozenset().union(*groups) if groups else frozenset()
        facets = [n for n in keyed if n != TOTAL]
        as_of = per_field[facets[0]].as_of if facets else date.min
        aggs: dict[str, Any] = {}
        paths: dict[str, tuple[tuple[str, ...], ...]] = {}

        def count(path: tuple[str, ...], names: list[str]) -> None:
            for name in names:
                if name != TOTAL:
                    paths[name] = (*paths.get(name, ()), (*path, "published" if name == "published" else TERMS_AGG))

        if not every:  # no filter selected: straight over the query's documents
            aggs.update(facet_aggs(facets, as_of))
            count(("aggregations",), facets)
            if TOTAL in keyed:
                paths[TOTAL] = (("hits", "total", "value"),)
        elif all(rest == every or (rest < every and len(every - rest) == 1) for rest in groups):
            ordered = sorted(every)
            if len(ordered) > 1:  # at most one selected clause may fail
                query["bool"]["filter"].append(
                    {"bool": {"should": [clause[k] for k in ordered], "minimum_should_match": len(ordered) - 1}})
            aggs["__all"] = {"filter": {"bool": {"filter": [clause[k] for k in ordered]}},
                             "aggs": facet_aggs(facets, as_of)}
            count(("aggregations", "__all"), facets)
            if TOTAL in keyed:
                paths[TOTAL] = (("aggregations", "__all", "doc_count"),)
            for rest, names in sorted(groups.items(), key=lambda g: sorted(g[0])):
                if rest == every:
                    continue
                (missing,) = every - rest
                named = [n for n in names if n != TOTAL]
                miss = f"__miss{len(aggs) - 1}"
                aggs[miss] = {"filter": {"bool": {"must_not": [clause[missing]]}}, "aggs": facet_aggs(named, as_of)}
                count(("aggregations", miss), named)
        else:  # one filter aggregation per distinct remaining set
            for number, (rest, names) in enumerate(groups.items()):
                named = [n for n in names if n != TOTAL]
                if not rest:
                    aggs.update(facet_aggs(named, as_of))
                    count(("aggregations",), named)
                    if TOTAL in names:
                        paths[TOTAL] = (("hits", "total", "value"),)
                    continue
                group = f"__group{number}"
                aggs[group] = {"filter": {"bool": {"filter": [clause[k] for k in sorted(rest)]}},
                               "aggs": facet_aggs(named, as_of)}
                count(("aggregations", group), named)
                if TOTAL in names:
                    paths[TOTAL] = (("aggregations", group, "doc_count"),)
        return cls(query, aggs, paths)

    def body(self) -> dict[str, Any]:
        """The search request (no hits; the total tracked when it is the query's own count)."""
        return {"query": self.query, "size": 0, "aggs": self.aggs,
                "track_total_hits": self.paths.get(TOTAL, (("",),))[0][0] == "hits"}

    def summary(self, response: Mapping[str, Any]) -> tuple[int, dict[str, dict[str, int]]]:
        return int(self._at(response, self.paths[TOTAL][0])), self.facets(response)

    @staticmethod
    def _at(response: Mapping[str, Any], path: tuple[str, ...]) -> Any:
        value: Any = response
        for step in path:
            value = value[step]
        return value

    def facets(self, response: Mapping[str, Any]) -> dict[str, dict[str, int]]:
        out: dict[str, dict[str, int]] = {}
        split: dict[tuple[str, ...], dict[str, dict[str, int]]] = {}  # path -> facet -> value -> count
        for name, paths in self.paths.items():
            if name == TOTAL:
                continue
            counts: dict[str, int] = {}
            for path in paths:
                buckets = self._at(response, path)["buckets"]
                if name == "published":  # every window, zeros too (as the SQL backend): its span and the later ones
                    found, running = {}, 0
                    for key, b in sorted(buckets.items(), key=lambda kb: -float(kb[1]["from"])):
                        running += int(b["doc_count"])
                        found[key] = running
                else:  # the terms of every facet: read once per aggregation
                    if path not in split:
                        split[path] = {}
                        for b in buckets:
                            field, _, value = b["key"].partition("=")
                            split[path].setdefault(field, {})[value] = int(b["doc_count"])
                    found = split[path].get(name, {})
                for value, count in found.items():
                    counts[value] = counts.get(value, 0) + count
            out[name] = counts
        return out
