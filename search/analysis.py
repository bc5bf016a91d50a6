"""Text analysis for indexing and querying, identical on both sides and for every backend.

Chinese is segmented with jieba (search mode), English lower-cased and Snowball-stemmed, and
glossary concepts (one token per bilingual synonym group) are added, all by
:mod:`matching.text`. Backends receive space-separated tokens and only split on spaces, so
the Elasticsearch core distribution (no CJK analyzer), SQLite FTS5 and PostgreSQL full-text
search all see the same terms.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable

from matching import text as matching_text
from search.model import MAX_QUERY_CHARS, Document

_CONCEPT = re.compile(r"^§(\d+)$")
# Only letters, digits and CJK survive into index terms: nothing a query parser could read as
# syntax (quotes, *, -, NEAR, colons, parentheses) ever reaches a backend.
_UNSAFE = re.compile(r"[^0-9a-z\u3400-\u9fff]+")


_KNOWN: dict[str, str] = {}  # token -> term (a plain dict: ~2x faster than lru_cache per token)
_KNOWN_MAX = 1 << 18


def _term(token: str) -> str:
    concept = _CONCEPT.match(token)
    if concept:
        return f"zconcept{concept.group(1)}"
    return _UNSAFE.sub("", token)


def terms(text: str) -> list[str]:
    """Index terms of a text, in order (repeats kept: they count in BM25)."""
    text = unicodedata.normalize("NFKC", text or "")
    return index_terms(matching_text.expanded_tokens(text))


def index_terms(tokens: Iterable[str]) -> list[str]:
    """Index terms from tokens of :func:`matching.text.expanded_tokens` (e.g. cached ones)."""
    known = _KNOWN
    if len(known) > _KNOWN_MAX:  # bounded: queries bring tokens of their own
        known.clear()
    out = []
    for token in tokens:
        term = known.get(token)
        if term is None:
            term = known[token] = _term(token)
        if term:
            out.append(term)
    return out


def document_text(document: Document) -> str:
    """What every backend indexes for a document: space-separated terms of title and body
    (``document.terms`` when given). Giving the title extra weight was tried and did not help
    on the development sample."""
    if document.terms is not None:
        return " ".join(document.terms)
    return " ".join(terms(f"{document.title}。{document.body}"))


def query_terms(text: str) -> list[str]:
    """Distinct terms of a query, in order; the query is cut to :data:`MAX_QUERY_CHARS`."""
    seen: dict[str, None] = {}
    for term in terms(clean_query(text)):
        seen.setdefault(term, None)
    return list(seen)


def clean_query(text: str) -> str:
    """The query as a user meant it: normalised, control characters dropped, whitespace
    collapsed, at most :data:`MAX_QUERY_CHARS` characters."""
    text = unicodedata.normalize("NFKC", text or "")
    text = "".join(ch if unicodedata.category(ch)[0] != "C" else " " for ch in text)
    return " ".join(text.split())[:MAX_QUERY_CHARS]


def is_concept(term: str) -> bool:
    return term.startswith("zconcept")
