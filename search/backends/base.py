"""What every backend does. :class:`search.engine.SearchEngine` composes these calls into a
search, so ranking, paging and facet logic live in one place and backends cannot disagree.

``terms`` is a list of index terms (:mod:`search.analysis`), or None for "every document"
(browsing with no query). ``extra`` are ids that belong to the result set although they hold
no query term (found by meaning). Every call returns visible documents only, that pass the
conditions (:mod:`search.terms`).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Protocol, runtime_checkable

import numpy as np

from search.fusion import Candidate
from search.model import Document
from search.terms import Conditions


class BackendUnavailable(RuntimeError):
    """The backend cannot be reached (a server down): nothing was written or read."""


@dataclass(frozen=True)
class Stored:
    id: int
    title: str
    body: str


class SearchBackend(Protocol):
    """What every backend implements. ``concurrent``: the engine may run calls in parallel
    threads (a server backend; the embedded one works on its thread's database connection).

    A backend may also offer the abilities below (:class:`PassingSemantic`,
    :class:`OutsideCounting`); the engine uses them when present and does without otherwise."""

    name: str
    concurrent: bool

    def upsert(self, documents: Sequence[Document]) -> None:
        """Add or replace documents; an invisible one (not on offer) is removed instead."""

    def delete(self, ids: Sequence[int]) -> None: ...

    def clear(self) -> None: ...

    def count(self) -> int:
        """Stored documents, visible or not."""

    def lexical(self, terms: list[str], conditions: Conditions, limit: int) -> list[Candidate]:
        """Up to ``limit`` documents holding any term, best BM25 (or the backend's text rank)
        first."""

    def semantic(self, vector: np.ndarray, conditions: Conditions, k: int) -> list[Candidate]:
        """The ``k`` documents nearest to the unit vector, by cosine similarity (the score)."""

    def total(self, terms: list[str] | None, extra: Sequence[int], conditions: Conditions) -> int: ...

    def ordered(
        self,
        terms: list[str] | None,
        extra: Sequence[int],
        conditions: Conditions,
        sort: str,
        offset: int,
        limit: int,
        exclude: Sequence[int] = (),
    ) -> list[int]:
        """A page of the result set sorted by ``sort``: ``newest``, ``deadline``, ``amount``
        or ``lexical`` (text rank; only documents holding a term), ties by id."""

    def facets(
        self, terms: list[str] | None, extra: Sequence[int], per_field: Mapping[str, Conditions]
    ) -> dict[str, dict[str, int]]:
        """Raw counts per value for each facet field, each under its own conditions. Range
        facets (``price``, ``published``) count per bucket key."""

    def summary(
        self, terms: list[str] | None, extra: Sequence[int], conditions: Conditions, per_field: Mapping[str, Conditions]
    ) -> tuple[int, dict[str, dict[str, int]]]:
        """``total`` and ``facets`` at once (a server answers both in one request)."""

    def passing(self, ids: Sequence[int], conditions: Conditions) -> set[int]:
        """Those of ``ids`` that are stored and pass the conditions."""

    def stored(self, ids: Sequence[int]) -> dict[int, Stored]: ...


@runtime_checkable
class PassingSemantic(Protocol):
    """Optional: ``semantic`` and, in the same call, which of the documents found pass
    ``passing`` (None: the backend could not tell); a server saves a round trip."""

    def semantic_passing(self, vector: np.ndarray, conditions: Conditions, k: int,
                         passing: Conditions | None) -> tuple[list[Candidate], set[int] | None]: ...


@runtime_checkable
class OutsideCounting(Protocol):
    """Optional: what the ``extra`` documents holding no query term add to
    ``summary(terms, [], ...)``; a server counts a few documents instead of the whole result set
    again."""

    def summary_outside(self, terms: list[str], extra: Sequence[int], conditions: Conditions,
                        per_field: Mapping[str, Conditions]) -> tuple[int, dict[str, dict[str, int]]]: ...
