"""Tokens for lexical matching: jieba for Chinese, lower-cased stemmed words for English, the
same on both sides (needs and listings), plus bilingual glossary expansion."""

from __future__ import annotations

import logging
import re
from functools import cache
from pathlib import Path

from matching.glossary import GROUPS, PHRASE_GROUP

_WORD = re.compile(r"[a-z][a-z0-9&+\-]*|[0-9]+(?:\.[0-9]+)?")
_CJK = re.compile(r"[\u4e00-\u9fff]")
_ASCII_PHRASE = re.compile(r"^[a-z0-9 &+\-]+$")
STOPWORDS = frozenset(
    "的 了 和 与 及 或 等 为 在 对 是 有 我 我们 我司 公司 企业 需要 希望 提供 进行 可以 一个 以及 相关 "
    "主要 目前 通过 能够 服务 要求 左右 万元 元 年 月 日 "
    "a an the of and or for to in on at by with from our we us is are be need needs looking "
    "want would like can our company provide service services".split()
)
_cache_dir: Path | None = None


def configure(cache_dir: str | Path | None) -> None:
    """Where jieba keeps its dictionary cache (the instance folder; never /tmp in production)."""
    global _cache_dir
    _cache_dir = Path(cache_dir) if cache_dir else None
    _jieba.cache_clear()


@cache
def _jieba():  # type: ignore[no-untyped-def]
    import jieba

    jieba.setLogLevel(logging.WARNING)
    tokenizer = jieba.Tokenizer()
    if _cache_dir is not None:
        _cache_dir.mkdir(parents=True, exist_ok=True)
        tokenizer.tmp_dir = str(_cache_dir)
        tokenizer.cache_file = str(_cache_dir / "jieba.cache")
    tokenizer.initialize()
    for group in GROUPS:  # keep glossary phrases whole
        for phrase in group:
            if _CJK.search(phrase):
                tokenizer.add_word(phrase, freq=2000)
    return tokenizer


@cache
def _stemmer():  # type: ignore[no-untyped-def]
    import snowballstemmer

    return snowballstemmer.stemmer("english")


def tokenize(text: str) -> list[str]:
    """Index/query tokens of a text (identical segmentation for both sides)."""
    text = text.lower()
    tokens: list[str] = []
    stem = _stemmer().stemWord
    for piece in _jieba().cut_for_search(text):
        piece = piece.strip()
        if not piece or piece in STOPWORDS:
            continue
        if _CJK.search(piece):
            if len(piece) > 1 or piece not in STOPWORDS:
                tokens.append(piece)
        else:
            tokens += [stem(w) for w in _WORD.findall(piece) if w not in STOPWORDS]
    return tokens


@cache
def _glossary_automaton():  # type: ignore[no-untyped-def]
    import ahocorasick

    automaton = ahocorasick.Automaton()
    for phrase, group in PHRASE_GROUP.items():
        automaton.add_word(phrase, (phrase, group))
    automaton.make_automaton()
    return automaton


def glossary_groups(text: str) -> set[int]:
    """The glossary groups whose phrases occur in the text (ASCII phrases only as whole words,
    so "it" is not found inside "capital"). One pass with an Aho-Corasick automaton."""
    lowered = text.lower()
    found = set()
    for end, (phrase, group) in _glossary_automaton().iter(lowered):
        if _ASCII_PHRASE.match(phrase):
            start = end - len(phrase) + 1
            before = lowered[start - 1] if start > 0 else " "
            after = lowered[end + 1] if end + 1 < len(lowered) else " "
            if before.isascii() and before.isalnum() or after.isascii() and after.isalnum():
                continue
        found.add(group)
    return found


def expanded_tokens(text: str) -> list[str]:
    """Tokens plus one concept token per glossary group the text mentions (``§12``): texts in
    different languages, or a problem and the product that solves it, share these."""
    return tokenize(text) + [f"§{g}" for g in sorted(glossary_groups(text))]


@cache
def tokenizer_version() -> str:
    """Changes whenever the glossary does, so that cached token lists are never stale."""
    import hashlib

    return "t1-" + hashlib.sha256(repr(GROUPS).encode()).hexdigest()[:12]
