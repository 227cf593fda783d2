"""The study record: notes, bookmarks, reading progress, and the review log.

Revision ID: 0001
Revises:
Create Date: 2026-12-02
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "notes",
        sa.Column("id", sa.String(32), primary_key=True),
        sa.Column("pack_id", sa.String, nullable=False),
        sa.Column("article_id", sa.String, nullable=False),
        sa.Column("body", sa.Text, nullable=False),
        sa.Column("created_at", sa.Integer, nullable=False),
        sa.Column("updated_at", sa.Integer, nullable=False),
        sa.Column("deleted_at", sa.Integer, nullable=True),
    )
    op.create_index(
        "ix_notes_article_live", "notes", ["pack_id", "article_id"], unique=True,
        sqlite_where=sa.text("deleted_at IS NULL"),
    )  # fmt: skip
    op.create_index("ix_notes_updated", "notes", ["updated_at"])
    op.create_table(
        "bookmarks",
        sa.Column("id", sa.String(32), primary_key=True),
        sa.Column("pack_id", sa.String, nullable=False),
        sa.Column("article_id", sa.String, nullable=False),
        sa.Column("anchor", sa.String, nullable=False),
        sa.Column("title", sa.String, nullable=False),
        sa.Column("position", sa.Float, nullable=False),
        sa.Column("created_at", sa.Integer, nullable=False),
        sa.Column("updated_at", sa.Integer, nullable=False),
        sa.Column("deleted_at", sa.Integer, nullable=True),
    )
    op.create_index(
        "ix_bookmarks_place_live", "bookmarks", ["pack_id", "article_id", "anchor"],
        unique=True, sqlite_where=sa.text("deleted_at IS NULL"),
    )  # fmt: skip
    op.create_table(
        "progress",
        sa.Column("id", sa.String(32), primary_key=True),
        sa.Column("pack_id", sa.String, nullable=False),
        sa.Column("article_id", sa.String, nullable=False),
        sa.Column("first_opened_at", sa.Integer, nullable=False),
        sa.Column("last_opened_at", sa.Integer, nullable=False),
        sa.Column("reading_ms", sa.Integer, nullable=False),
        sa.Column("furthest", sa.Float, nullable=False),
        sa.Column("scroll", sa.Integer, nullable=False),
        sa.Column("completed_at", sa.Integer, nullable=True),
        sa.Column("completed_digest", sa.String, nullable=False),
        sa.Column("updated_at", sa.Integer, nullable=False),
    )
    op.create_index("ix_progress_article", "progress", ["pack_id", "article_id"], unique=True)
    op.create_table(
        "review_log",
        sa.Column("id", sa.String(32), primary_key=True),
        sa.Column("pack_id", sa.String, nullable=False),
        sa.Column("question_id", sa.String, nullable=False),
        sa.Column("reviewed_at", sa.Integer, nullable=False),
        sa.Column("rating", sa.Integer, nullable=False),
        sa.Column("response_ms", sa.Integer, nullable=False),
        sa.Column("correct", sa.Integer, nullable=False),
    )
    op.create_index("ix_review_question", "review_log", ["pack_id", "question_id", "reviewed_at"])


def downgrade() -> None:
    for table in ("review_log", "progress", "bookmarks", "notes"):
        op.drop_table(table)
