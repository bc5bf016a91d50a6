"""Highlight snippets: the original text cut into plain and matched segments.

Works on the text as the user wrote it (not on index terms), the same for every backend: an
English word is a hit when its stem is a query term, a Chinese query term is a hit wherever it
occurs, and every phrase of a glossary group the query names is a hit too (a search for
"working capital" marks 流动资金). Segments are plain text: templates escape them.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import cache

from matching import text as matching_text
from matching.glossary import GROUPS
from search.model import Segment

_WORD = re.compile(r"[A-Za-z][A-Za-z0-9&+\-]*")
_CJK = re.compile(r"[\u3400-\u9fff]")
SNIPPET_CHARS = 140


@cache
def _stem(word: str) -> str:
    return str(matching_text._stemmer().stemWord(word.lower()))


def _spans(text: str, terms: Iterable[str], concepts: Iterable[int]) -> list[tuple[int, int]]:
    lowered = text.lower()
    spans: list[tuple[int, int]] = []
    words = set()
    phrases = set()
    for term in terms:
        if _CJK.search(term):
            phrases.add(term)
        elif not term.startswith("zconcept"):
            words.add(term)
    for group in concepts:
        for phrase in GROUPS[group]:
            phrases.add(phrase.lower())
    for phrase in phrases:
        if not phrase:
            continue
        ascii_phrase = phrase.isascii()
        start = lowered.find(phrase)
        while start >= 0:
            end = start + len(phrase)
            whole = not ascii_phrase or (
                (start == 0 or not lowered[start - 1].isalnum()) and (end == len(lowered) or not lowered[end].isalnum())
            )
            if whole:
                spans.append((start, end))
            start = lowered.find(phrase, start + 1)
    for match in _WORD.finditer(text):
        if _stem(match.group()) in words:
            spans.append(match.span())
    spans.sort()
    merged: list[tuple[int, int]] = []
    for start, end in spans:
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged


def _segments(text: str, spans: list[tuple[int, int]]) -> tuple[Segment, ...]:
    out = []
    at = 0
    for start, end in spans:
        if start > at:
            out.append(Segment(text[at:start], False))
        out.append(Segment(text[start:end], True))
        at = end
    if at < len(text):
        out.append(Segment(text[at:], False))
    return tuple(out)


def concepts_of(query: str) -> set[int]:
    return matching_text.glossary_groups(query)


def highlight(text: str, terms: Iterable[str], concepts: Iterable[int]) -> tuple[Segment, ...]:
    """The whole text in segments (for titles)."""
    return _segments(text, _spans(text, terms, concepts))


def snippet(text: str, terms: Iterable[str], concepts: Iterable[int], chars: int = SNIPPET_CHARS) -> tuple[Segment, ...]:
    """About ``chars`` characters of ``text`` around its first hit (its start when none), in
    segments, with an ellipsis where it was cut."""
    text = " ".join(text.split())
    spans = _spans(text, terms, concepts)
    start = 0
    if spans and spans[0][0] > chars // 3:
        start = spans[0][0] - chars // 3
    end = min(len(text), start + chars)
    window = [(max(s, start) - start, min(e, end) - start) for s, e in spans if e > start and s < end]
    segments = list(_segments(text[start:end], window))
    if start > 0:
        segments.insert(0, Segment("…", False))
    if end < len(text):
        segments.append(Segment("…", False))
    return tuple(segments)
