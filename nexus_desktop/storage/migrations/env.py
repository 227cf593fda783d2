"""Alembic's environment: migrations run on the connection the app hands over, in batch mode
(SQLite cannot alter most things in place; batch mode copies the table)."""

from __future__ import annotations

from alembic import context

from nexus_desktop.storage.models import Base

connection = context.config.attributes["connection"]
context.configure(connection=connection, target_metadata=Base.metadata, render_as_batch=True)
with context.begin_transaction():
    context.run_migrations()
