"""Fuzzy matching of titles for the quick switcher (Ctrl+P): subsequence with bonuses."""

from __future__ import annotations

import heapq
from dataclasses import dataclass
from typing import TYPE_CHECKING

from nexus_desktop.services.refs import ArticleRef

if TYPE_CHECKING:
    from nexus_desktop.knowledge.model import Pack


def fuzzy_score(query: str, text: str) -> float | None:
    """How well ``query`` matches ``text`` as a subsequence, or None when it does not.

    Consecutive letters, letters at the start of words and an early first match score higher;
    a plain substring beats any scattered match.
    """
    folded = query.casefold()
    return _score(folded.replace(" ", ""), folded.strip(), text.casefold())


def _score(compact: str, phrase: str, t: str) -> float | None:
    """:func:`fuzzy_score` with the query and text already case-folded (``compact`` has no
    spaces, ``phrase`` is the stripped query)."""
    if not compact:
        return 0.0
    substring = t.find(phrase)
    if substring >= 0:
        return 100.0 - substring * 0.5 - len(t) * 0.05
    score = 0.0
    position = -1
    previous = -2
    for char in compact:
        position = t.find(char, position + 1)
        if position < 0:
            return None
        bonus = 1.0
        if position == previous + 1:
            bonus += 2.0
        if position == 0 or not t[position - 1].isalnum():
            bonus += 1.5
        score += bonus
        previous = position
    return score - len(t) * 0.05


@dataclass(frozen=True, slots=True)
class SwitcherEntry:
    """One article as the quick switcher lists it."""

    title: str
    folded: str  # title.casefold(), computed once
    crumbs: str  # "Area › Sub-area"
    ref: ArticleRef


def switcher_entries(pack: Pack) -> list[SwitcherEntry]:
    """Every article of ``pack`` for the quick switcher (built off the UI thread)."""
    entries = []
    for article in pack.articles.values():
        crumbs = " › ".join(a.title for a in pack.area_of(article).breadcrumb())
        entries.append(
            SwitcherEntry(
                article.title, article.title.casefold(), crumbs, ArticleRef(pack.id, article.id)
            )
        )
    return entries


class FuzzyFilter:
    """Ranks entries against a query, reusing the last result when the query only grows.

    Typing adds letters, and a title that does not contain "ab" as a subsequence does not
    contain "abc" either, so each keystroke scores only the previous matches.
    """

    def __init__(self, entries: list[SwitcherEntry]) -> None:
        self.entries = entries
        self._last_query: str | None = None
        self._last_matches: list[SwitcherEntry] = entries

    def rank(self, query: str, limit: int) -> list[SwitcherEntry]:
        """The best ``limit`` entries for ``query`` (all of them, by title, when empty)."""
        folded = query.casefold()
        compact, phrase = folded.replace(" ", ""), folded.strip()
        last = self._last_query
        pool = self._last_matches if last is not None and compact.startswith(last) else self.entries
        scored: list[tuple[float, str, SwitcherEntry]] = []
        for entry in pool:
            score = _score(compact, phrase, entry.folded)
            if score is not None:
                scored.append((score, entry.folded, entry))
        self._last_query = compact
        self._last_matches = [entry for _score, _folded, entry in scored]
        best = heapq.nsmallest(limit, scored, key=lambda row: (-row[0], row[1]))
        return [entry for _score, _folded, entry in best]
