"""Alembic environment: run with the connection the store hands over (see sync.server.migrate)."""

from __future__ import annotations

from alembic import context

from sync.server.tables import metadata

connection = context.config.attributes["connection"]
context.configure(connection=connection, target_metadata=metadata)
with context.begin_transaction():
    context.run_migrations()
