"""Titles and ordering: readable names for files and folders, natural case-insensitive sorting."""

from __future__ import annotations

import re
from collections.abc import Sequence

_DIGITS = re.compile(r"(\d+)")
_SEPARATORS = re.compile(r"[-_\s]+")
_ORDER_PREFIX = re.compile(r"^\d+[-_.\s]+(?=\D)")


def readable_name(stem: str) -> str:
    """``02-cache_invalidation`` -> ``Cache invalidation``."""
    text = _ORDER_PREFIX.sub("", stem)
    text = _SEPARATORS.sub(" ", text).strip()
    if not text:
        return stem
    if text == text.lower():
        text = text[0].upper() + text[1:]
    return text


def natural_key(text: str) -> tuple[tuple[int, int | str], ...]:
    """A sort key where ``2`` sorts before ``10`` and case does not matter."""
    parts: list[tuple[int, int | str]] = []
    for chunk in _DIGITS.split(text):
        if not chunk:
            continue
        if chunk.isdigit():
            parts.append((0, int(chunk)))
        else:
            parts.append((1, chunk.casefold()))
    return tuple(parts)


def sort_key(order: float | None, title: str) -> tuple[int, float, Sequence[tuple[int, int | str]]]:
    """Items with an ``order`` come first, by order; then everything by natural title."""
    return (0 if order is not None else 1, order if order is not None else 0.0, natural_key(title))
