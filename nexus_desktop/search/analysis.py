"""An analyzer for technical prose: English stemming, and identifiers kept whole *and* split.

``select_related``, ``HTTP_429``, ``docker-compose.yml`` and ``CELERY_BROKER_URL`` are indexed as
the whole identifier and as each of their parts, at the same position, so ``select_related``,
``select related`` and ``related`` all find them.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import lru_cache

from whoosh.analysis import (
    Filter,
    LowercaseFilter,
    RegexTokenizer,
    StemFilter,
    StopFilter,
    Token,
)

# A word, optionally joined to more words by _ . - / (identifiers, file names, dotted paths).
TOKEN_PATTERN = r"\w+(?:[._\-/]\w+)*"
_PARTS = re.compile(r"[._\-/]+")
_STOP_WORDS = frozenset(
    [
        "a",
        "an",
        "and",
        "are",
        "as",
        "at",
        "be",
        "by",
        "for",
        "from",
        "how",
        "i",
        "if",
        "in",
        "into",
        "is",
        "it",
        "of",
        "on",
        "or",
        "that",
        "the",
        "this",
        "to",
        "was",
        "what",
        "when",
        "where",
        "which",
        "who",
        "why",
        "will",
        "with",
        "you",
        "your",
    ]
)


class CompoundSplitFilter(Filter):
    """After each compound token, emit its parts at the same position."""

    def __call__(self, tokens: Iterator[Token]) -> Iterator[Token]:
        for token in tokens:
            text = token.text
            yield token
            if "_" in text or "." in text or "-" in text or "/" in text:
                parts = [p for p in _PARTS.split(text) if p]
                if len(parts) > 1:
                    for part in parts:
                        token.text = part
                        yield token
                    token.text = text


@lru_cache(maxsize=100_000)
def stem(word: str) -> str:
    """Porter stem of a lower-case word (cached: prose repeats its words a lot)."""
    return _PORTER(word)


_PORTER = StemFilter().stemfn


class _KeepCompounds(Filter):
    """Stem a token unless it is a compound identifier (stemming would mangle it)."""

    def __call__(self, tokens: Iterator[Token]) -> Iterator[Token]:
        for token in tokens:
            text = token.text
            if not ("_" in text or "." in text or "-" in text or "/" in text):
                token.text = stem(text)
            yield token


def technical_analyzer() -> object:
    """Tokenize identifiers, lower-case, drop stop words, split compounds, stem prose."""
    return (
        RegexTokenizer(TOKEN_PATTERN)
        | LowercaseFilter()
        | CompoundSplitFilter()
        | StopFilter(stoplist=_STOP_WORDS, minsize=1)
        | _KeepCompounds()
    )


def spelling_analyzer() -> object:
    """Unstemmed words, for spelling suggestions that read like real words."""
    return RegexTokenizer(r"[A-Za-z][A-Za-z_]{2,}") | LowercaseFilter()
