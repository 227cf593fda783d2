"""Frozen records of the study record, handed to the layers above instead of ORM objects.

Every record has a UUID (``id``) and an ``updated_at`` time (milliseconds since the epoch, UTC),
and deletions leave tombstones (``deleted_at``), so that two databases can later be merged
record by record. User data is keyed by pack id + article id (+ a passage anchor), never by a
title or a position.
"""

from __future__ import annotations

import time
import uuid
from dataclasses import dataclass
from typing import NamedTuple


def new_id() -> str:
    """A fresh record id (a UUID4, as 32 hex digits)."""
    return uuid.uuid4().hex


def now_ms() -> int:
    """The time now, in milliseconds since the epoch (UTC)."""
    return time.time_ns() // 1_000_000


@dataclass(frozen=True, slots=True)
class NoteRecord:
    """The learner's note on one article (Markdown)."""

    id: str
    pack_id: str
    article_id: str
    body: str
    created_at: int
    updated_at: int
    deleted_at: int | None = None


@dataclass(frozen=True, slots=True)
class BookmarkRecord:
    """A bookmarked article, or a heading of it (``anchor``)."""

    id: str
    pack_id: str
    article_id: str
    anchor: str
    title: str
    position: float
    created_at: int
    updated_at: int
    deleted_at: int | None = None


@dataclass(frozen=True, slots=True)
class ProgressRecord:
    """How far the learner has got with one article."""

    id: str
    pack_id: str
    article_id: str
    first_opened_at: int
    last_opened_at: int
    reading_ms: int
    furthest: float  # 0..1 of the article's height
    scroll: int  # where the learner stopped (pixels at 100% zoom)
    completed_at: int | None
    completed_digest: str  # the article's content digest when it was completed
    updated_at: int


@dataclass(frozen=True, slots=True)
class HighlightRecord:
    """A highlighted passage, anchored by quote (``exact`` with its ``prefix``/``suffix``,
    ``position`` in the article's text and the ``heading`` it is under)."""

    id: str
    pack_id: str
    article_id: str
    exact: str
    prefix: str
    suffix: str
    position: int
    heading: str
    colour: str
    note: str
    created_at: int
    updated_at: int
    deleted_at: int | None = None


@dataclass(frozen=True, slots=True)
class DatabaseStatus:
    """What opening the database found, in words for the learner."""

    path: str
    read_only: bool = False
    notices: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class ReviewRecord:
    """One row of the review log (append-only): a quiz question answered. ``due_at`` is when
    the card was due at the time (``None`` for its first review); ``question_hash`` identifies
    the question as it was asked."""

    id: str
    pack_id: str
    question_id: str
    reviewed_at: int
    rating: int  # 1 Again, 2 Hard, 3 Good, 4 Easy
    response_ms: int
    correct: bool
    question_hash: str = ""
    due_at: int | None = None


@dataclass(frozen=True, slots=True)
class CardRecord:
    """One question's schedule as cached (derived from the review log; see study.schedule's
    ``CardState``, which has the same fields but ``updated_at``)."""

    pack_id: str
    question_id: str
    due_ms: int
    stability: float
    difficulty: float
    state: str
    step: int | None
    last_review_ms: int
    reps: int
    lapses: int
    question_hash: str = ""
    changed: bool = False
    updated_at: int = 0


class CardDue(NamedTuple):
    """What counting due cards needs of a cached card (a light tuple: counting reads ten
    thousand of them)."""

    pack_id: str
    question_id: str
    due_ms: int
    last_review_ms: int
    question_hash: str
    changed: bool


@dataclass(frozen=True, slots=True)
class ReviewTotals:
    """The reviews of one question in a period: how many, how many of them came when the card
    was due (``due_reviews``) and how many of those were right, and the time spent."""

    pack_id: str
    question_id: str
    reviews: int
    due_reviews: int
    due_correct: int
    response_ms: int
