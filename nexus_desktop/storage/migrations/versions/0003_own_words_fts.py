"""Full-text search over the learner's own words: notes and highlighted passages.

An FTS5 table kept current by triggers, so that every writer (the app, the command line, an
import) keeps it right without thinking of it. Its rowid is derived from the source row's
rowid: a note's is ``2 * rowid``, a highlight's ``2 * rowid + 1``; the row is found again
from it. SQLite keeps rowids through the online backup API; ``VACUUM`` may renumber them,
so the app never runs it, and ``storage.database`` rebuilds the table whenever it disagrees
with the notes (``own_words`` is derived data).

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-02
"""

from __future__ import annotations

from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

HIGHLIGHT_TEXT = "new.exact || ' ' || new.note"
STATEMENTS = (
    "CREATE VIRTUAL TABLE own_words USING fts5("
    "text, tokenize = 'porter unicode61 remove_diacritics 2')",
    # notes
    "CREATE TRIGGER own_words_note_insert AFTER INSERT ON notes WHEN new.deleted_at IS NULL "
    "BEGIN INSERT INTO own_words (rowid, text) VALUES (2 * new.rowid, new.body); END",
    "CREATE TRIGGER own_words_note_update AFTER UPDATE ON notes BEGIN "
    "DELETE FROM own_words WHERE rowid = 2 * old.rowid; "
    "INSERT INTO own_words (rowid, text) SELECT 2 * new.rowid, new.body "
    "WHERE new.deleted_at IS NULL; END",
    "CREATE TRIGGER own_words_note_delete AFTER DELETE ON notes BEGIN "
    "DELETE FROM own_words WHERE rowid = 2 * old.rowid; END",
    # highlights
    "CREATE TRIGGER own_words_highlight_insert AFTER INSERT ON highlights "
    "WHEN new.deleted_at IS NULL BEGIN INSERT INTO own_words (rowid, text) "
    f"VALUES (2 * new.rowid + 1, {HIGHLIGHT_TEXT}); END",
    "CREATE TRIGGER own_words_highlight_update AFTER UPDATE ON highlights BEGIN "
    "DELETE FROM own_words WHERE rowid = 2 * old.rowid + 1; "
    f"INSERT INTO own_words (rowid, text) SELECT 2 * new.rowid + 1, {HIGHLIGHT_TEXT} "
    "WHERE new.deleted_at IS NULL; END",
    "CREATE TRIGGER own_words_highlight_delete AFTER DELETE ON highlights BEGIN "
    "DELETE FROM own_words WHERE rowid = 2 * old.rowid + 1; END",
    # what is there already
    "INSERT INTO own_words (rowid, text) SELECT 2 * rowid, body FROM notes "
    "WHERE deleted_at IS NULL",
    "INSERT INTO own_words (rowid, text) SELECT 2 * rowid + 1, exact || ' ' || note "
    "FROM highlights WHERE deleted_at IS NULL",
)


def upgrade() -> None:
    for statement in STATEMENTS:
        op.execute(statement)


def downgrade() -> None:
    for trigger in ("note_insert", "note_update", "note_delete",
                    "highlight_insert", "highlight_update", "highlight_delete"):  # fmt: skip
        op.execute(f"DROP TRIGGER IF EXISTS own_words_{trigger}")
    op.execute("DROP TABLE IF EXISTS own_words")
