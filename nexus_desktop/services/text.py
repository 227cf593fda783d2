"""Small helpers for messages shown to people."""

from __future__ import annotations


def plural(count: int, noun: str, plural_form: str | None = None) -> str:
    """``1 content pack``, ``2 content packs``, ``1,024 articles``."""
    word = noun if count == 1 else (plural_form or f"{noun}s")
    return f"{count:,} {word}"
