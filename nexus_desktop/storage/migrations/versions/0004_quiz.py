"""The quiz: what each review was asked and when it was due, and the cards' schedules.

- ``review_log`` (still append-only) gains ``question_hash`` (the question as it was asked,
  ``""`` for rows written before) and ``due_at`` (when the card was due at the time of the
  review; NULL for a first review), and an index on ``reviewed_at`` for the statistics.
- ``cards``: each question's schedule as replaying its reviews gives it, a derived cache keyed
  by pack id + question id, with an index on ``due_ms`` for counting what is due.

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-03
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("review_log") as batch:
        batch.add_column(sa.Column("question_hash", sa.String, nullable=False, server_default=""))
        batch.add_column(sa.Column("due_at", sa.Integer, nullable=True))
    op.create_index("ix_review_time", "review_log", ["reviewed_at"])
    op.create_table(
        "cards",
        sa.Column("pack_id", sa.String, primary_key=True),
        sa.Column("question_id", sa.String, primary_key=True),
        sa.Column("due_ms", sa.Integer, nullable=False),
        sa.Column("stability", sa.Float, nullable=False),
        sa.Column("difficulty", sa.Float, nullable=False),
        sa.Column("state", sa.String, nullable=False),
        sa.Column("step", sa.Integer, nullable=True),
        sa.Column("last_review_ms", sa.Integer, nullable=False),
        sa.Column("reps", sa.Integer, nullable=False),
        sa.Column("lapses", sa.Integer, nullable=False),
        sa.Column("question_hash", sa.String, nullable=False),
        sa.Column("changed", sa.Integer, nullable=False),
        sa.Column("updated_at", sa.Integer, nullable=False),
    )
    op.create_index("ix_cards_due", "cards", ["due_ms"])


def downgrade() -> None:
    op.drop_table("cards")
    op.drop_index("ix_review_time", table_name="review_log")
    with op.batch_alter_table("review_log") as batch:
        batch.drop_column("due_at")
        batch.drop_column("question_hash")
