"""The SQLite schema as typed SQLAlchemy ORM models (used only inside ``storage``)."""

from __future__ import annotations

from sqlalchemy import Float, Index, Integer, String, Text, text
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


class Base(DeclarativeBase):
    pass


class Note(Base):
    __tablename__ = "notes"

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    pack_id: Mapped[str] = mapped_column(String, nullable=False)
    article_id: Mapped[str] = mapped_column(String, nullable=False)
    body: Mapped[str] = mapped_column(Text, nullable=False, default="")
    created_at: Mapped[int] = mapped_column(Integer, nullable=False)
    updated_at: Mapped[int] = mapped_column(Integer, nullable=False)
    deleted_at: Mapped[int | None] = mapped_column(Integer, nullable=True)

    __table_args__ = (
        # One live note per article; tombstones do not count.
        Index(
            "ix_notes_article_live",
            "pack_id",
            "article_id",
            unique=True,
            sqlite_where=text("deleted_at IS NULL"),
        ),
        Index("ix_notes_updated", "updated_at"),
    )


class Bookmark(Base):
    __tablename__ = "bookmarks"

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    pack_id: Mapped[str] = mapped_column(String, nullable=False)
    article_id: Mapped[str] = mapped_column(String, nullable=False)
    anchor: Mapped[str] = mapped_column(String, nullable=False, default="")
    title: Mapped[str] = mapped_column(String, nullable=False, default="")
    position: Mapped[float] = mapped_column(Float, nullable=False, default=0.0)
    created_at: Mapped[int] = mapped_column(Integer, nullable=False)
    updated_at: Mapped[int] = mapped_column(Integer, nullable=False)
    deleted_at: Mapped[int | None] = mapped_column(Integer, nullable=True)

    __table_args__ = (
        Index(
            "ix_bookmarks_place_live",
            "pack_id",
            "article_id",
            "anchor",
            unique=True,
            sqlite_where=text("deleted_at IS NULL"),
        ),
    )


class Progress(Base):
    __tablename__ = "progress"

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    pack_id: Mapped[str] = mapped_column(String, nullable=False)
    article_id: Mapped[str] = mapped_column(String, nullable=False)
    first_opened_at: Mapped[int] = mapped_column(Integer, nullable=False)
    last_opened_at: Mapped[int] = mapped_column(Integer, nullable=False)
    reading_ms: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    furthest: Mapped[float] = mapped_column(Float, nullable=False, default=0.0)
    scroll: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    completed_at: Mapped[int | None] = mapped_column(Integer, nullable=True)
    completed_digest: Mapped[str] = mapped_column(String, nullable=False, default="")
    updated_at: Mapped[int] = mapped_column(Integer, nullable=False)

    __table_args__ = (Index("ix_progress_article", "pack_id", "article_id", unique=True),)


class Highlight(Base):
    """A highlighted passage (and the learner's note on it), anchored by quote."""

    __tablename__ = "highlights"

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    pack_id: Mapped[str] = mapped_column(String, nullable=False)
    article_id: Mapped[str] = mapped_column(String, nullable=False)
    exact: Mapped[str] = mapped_column(Text, nullable=False)
    prefix: Mapped[str] = mapped_column(String, nullable=False, default="")
    suffix: Mapped[str] = mapped_column(String, nullable=False, default="")
    position: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    heading: Mapped[str] = mapped_column(String, nullable=False, default="")
    colour: Mapped[str] = mapped_column(String, nullable=False, default="yellow")
    note: Mapped[str] = mapped_column(Text, nullable=False, default="")
    created_at: Mapped[int] = mapped_column(Integer, nullable=False)
    updated_at: Mapped[int] = mapped_column(Integer, nullable=False)
    deleted_at: Mapped[int | None] = mapped_column(Integer, nullable=True)

    __table_args__ = (Index("ix_highlights_article", "pack_id", "article_id"),)


class ReviewLog(Base):
    """Every answer to a quiz question, appended and never rewritten (the quiz issue)."""

    __tablename__ = "review_log"

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    pack_id: Mapped[str] = mapped_column(String, nullable=False)
    question_id: Mapped[str] = mapped_column(String, nullable=False)
    reviewed_at: Mapped[int] = mapped_column(Integer, nullable=False)
    rating: Mapped[int] = mapped_column(Integer, nullable=False)
    response_ms: Mapped[int] = mapped_column(Integer, nullable=False)
    correct: Mapped[int] = mapped_column(Integer, nullable=False)
    # The question as it was asked (study.quiz.question_hash; "" when unknown).
    question_hash: Mapped[str] = mapped_column(
        String, nullable=False, default="", server_default=""
    )
    # When the card was due at the time of this review (NULL for its first review): tells the
    # reviews of due cards (retention) apart without replaying the log.
    due_at: Mapped[int | None] = mapped_column(Integer, nullable=True)

    __table_args__ = (
        Index("ix_review_question", "pack_id", "question_id", "reviewed_at"),
        Index("ix_review_time", "reviewed_at"),
    )


class Card(Base):
    """One question's schedule: derived data, a cache of what replaying its reviews gives
    (rebuilt from ``review_log`` at will, never exported). Keyed by pack id + question id."""

    __tablename__ = "cards"

    pack_id: Mapped[str] = mapped_column(String, primary_key=True)
    question_id: Mapped[str] = mapped_column(String, primary_key=True)
    due_ms: Mapped[int] = mapped_column(Integer, nullable=False)
    stability: Mapped[float] = mapped_column(Float, nullable=False)
    difficulty: Mapped[float] = mapped_column(Float, nullable=False)
    state: Mapped[str] = mapped_column(String, nullable=False)  # Learning, Review, Relearning
    step: Mapped[int | None] = mapped_column(Integer, nullable=True)
    last_review_ms: Mapped[int] = mapped_column(Integer, nullable=False)
    reps: Mapped[int] = mapped_column(Integer, nullable=False)
    lapses: Mapped[int] = mapped_column(Integer, nullable=False)
    question_hash: Mapped[str] = mapped_column(String, nullable=False, default="")
    changed: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    updated_at: Mapped[int] = mapped_column(Integer, nullable=False)

    __table_args__ = (Index("ix_cards_due", "due_ms"),)
