"""The learning path: which articles to read next, given what is completed.

An article is *next up* when it is not completed and every one of its prerequisites is; the
order is the pack's own (areas and articles as the tree shows them), so a newcomer is led
through the hub from its start. Pure: no Qt, no SQLAlchemy.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class PathStep:
    article_id: str
    prerequisites: tuple[str, ...]


def next_up(steps: Sequence[PathStep], completed: set[str], *, limit: int = 5) -> list[str]:
    """Articles whose prerequisites are all completed, not completed themselves, in order."""
    known = {step.article_id for step in steps}
    ready = []
    for step in steps:
        if step.article_id in completed:
            continue
        # A prerequisite that is not in the pack cannot hold an article back.
        if all(p in completed or p not in known for p in step.prerequisites):
            ready.append(step.article_id)
            if len(ready) >= limit:
                break
    return ready


def continue_reading(opened: Sequence[tuple[str, int, bool]], *, limit: int = 3) -> list[str]:
    """The articles most recently opened and not completed: (article id, last opened at,
    completed) -> ids, newest first."""
    unfinished = [(at, article) for article, at, done in opened if not done]
    return [article for _at, article in sorted(unfinished, reverse=True)[:limit]]
