"""Fuzzy matching of titles for the quick switcher (Ctrl+P): subsequence with bonuses."""

from __future__ import annotations


def fuzzy_score(query: str, text: str) -> float | None:
    """How well ``query`` matches ``text`` as a subsequence, or None when it does not.

    Consecutive letters, letters at the start of words and an early first match score higher;
    a plain substring beats any scattered match.
    """
    q = query.casefold().replace(" ", "")
    t = text.casefold()
    if not q:
        return 0.0
    substring = t.find(query.casefold().strip())
    if substring >= 0:
        return 100.0 - substring * 0.5 - len(t) * 0.05
    score = 0.0
    position = -1
    previous = -2
    for char in q:
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
