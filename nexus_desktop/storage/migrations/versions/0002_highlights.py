"""Passage highlights and passage notes, anchored by quote (see study/anchoring.py).

Revision ID: 0002
Revises: 0001
Create Date: 2026-12-02
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "highlights",
        sa.Column("id", sa.String(32), primary_key=True),
        sa.Column("pack_id", sa.String, nullable=False),
        sa.Column("article_id", sa.String, nullable=False),
        sa.Column("exact", sa.Text, nullable=False),
        sa.Column("prefix", sa.String, nullable=False),
        sa.Column("suffix", sa.String, nullable=False),
        sa.Column("position", sa.Integer, nullable=False),
        sa.Column("heading", sa.String, nullable=False),
        sa.Column("colour", sa.String, nullable=False),
        sa.Column("note", sa.Text, nullable=False),
        sa.Column("created_at", sa.Integer, nullable=False),
        sa.Column("updated_at", sa.Integer, nullable=False),
        sa.Column("deleted_at", sa.Integer, nullable=True),
    )
    op.create_index("ix_highlights_article", "highlights", ["pack_id", "article_id"])


def downgrade() -> None:
    op.drop_table("highlights")
