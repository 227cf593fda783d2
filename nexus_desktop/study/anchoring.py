"""Anchoring a passage of an article so that it is found again after the article changes.

As web-annotation tools do (the W3C text-quote selector): the exact text, a little of what
comes before and after it, the heading it is under and where it was. Re-anchoring tries, in
order: the exact text with its context; the exact text nearest the old position; then a fuzzy
match near the old position (the passage was edited a little). A passage that cannot be
found is *orphaned*: kept, listed and readable, never silently dropped.

Pure functions of strings: no Qt, no SQLAlchemy.
"""

from __future__ import annotations

from dataclasses import dataclass
from difflib import SequenceMatcher

CONTEXT = 32  # characters of prefix and suffix kept
MAX_EXACT = 2_000  # a longer selection is kept whole but matched by its ends
FUZZY_RADIUS = 4_000  # how far from the old position a fuzzy match is looked for
FUZZY_MIN_RATIO = 0.75


@dataclass(frozen=True, slots=True)
class PassageAnchor:
    exact: str
    prefix: str
    suffix: str
    position: int  # character offset of the passage in the article's text
    heading: str = ""  # slug of the heading it is under ("" before the first)


@dataclass(frozen=True, slots=True)
class Located:
    start: int
    end: int
    how: str  # "exact" | "moved" | "fuzzy"


def make_anchor(text: str, start: int, end: int, heading: str = "") -> PassageAnchor:
    """The anchor of ``text[start:end]``."""
    start, end = max(0, start), min(len(text), end)
    return PassageAnchor(
        exact=text[start:end],
        prefix=text[max(0, start - CONTEXT) : start],
        suffix=text[end : end + CONTEXT],
        position=start,
        heading=heading,
    )


def locate(anchor: PassageAnchor, text: str) -> Located | None:
    """Where the passage is in ``text`` now, or None when it is gone (orphaned)."""
    exact = anchor.exact
    if not exact.strip():
        return None
    candidates = _occurrences(text, exact)
    if candidates:
        scored = [(_context_score(anchor, text, start), -abs(start - anchor.position), start)
                  for start in candidates]  # fmt: skip
        best_context, _distance, start = max(scored)
        unmoved = start == anchor.position and best_context == 2
        return Located(start, start + len(exact), "exact" if unmoved else "moved")
    return _fuzzy(anchor, text)


def _occurrences(text: str, exact: str) -> list[int]:
    found: list[int] = []
    start = text.find(exact)
    while start != -1 and len(found) < 1000:
        found.append(start)
        start = text.find(exact, start + 1)
    return found


def _context_score(anchor: PassageAnchor, text: str, start: int) -> int:
    end = start + len(anchor.exact)
    score = 0
    before = text[max(0, start - len(anchor.prefix)) : start]
    if not anchor.prefix or before.endswith(anchor.prefix):
        score += 1
    if text[end : end + len(anchor.suffix)] == anchor.suffix:
        score += 1
    return score


def _fuzzy(anchor: PassageAnchor, text: str) -> Located | None:
    """The stretch near the old position most like the passage (a few words changed)."""
    exact = anchor.exact[:MAX_EXACT]
    size = len(exact)
    low = max(0, anchor.position - FUZZY_RADIUS)
    high = min(len(text), anchor.position + FUZZY_RADIUS + size)
    region = text[low:high]
    if not region:
        return None
    matcher = SequenceMatcher(None, region, exact, autojunk=False)
    blocks = [b for b in matcher.get_matching_blocks() if b.size]
    if not blocks:
        return None
    # Anchor the window on the longest block shared with the passage, then measure it.
    longest = max(blocks, key=lambda b: b.size)
    start = max(0, longest.a - longest.b)
    best: tuple[float, int, int] | None = None
    for delta in range(-size // 4, size // 4 + 1, max(1, size // 40)):
        for length in (size, int(size * 0.9), int(size * 1.1)):
            s = max(0, start + delta)
            candidate = region[s : s + length]
            if not candidate:
                continue
            ratio = SequenceMatcher(None, candidate, exact, autojunk=False).ratio()
            if best is None or ratio > best[0]:
                best = (ratio, s, s + len(candidate))
    if best is None or best[0] < FUZZY_MIN_RATIO:
        return None
    return Located(low + best[1], low + best[2], "fuzzy")
