"""Alembic environment for cases.db. Migrations run from code (caseworker.core.db.migrate) on
a connection that is already keyed and inside a transaction; there is no offline mode."""

from alembic import context

from caseworker.core.models import Base

connection = context.config.attributes.get("connection")
if connection is None:
    raise RuntimeError("cases.db migrations run from caseworker.core.db.migrate, with a keyed connection")

# Batch mode: SQLite alters most things by copying the table, and batch mode does it safely.
context.configure(connection=connection, target_metadata=Base.metadata, render_as_batch=True)
with context.begin_transaction():
    context.run_migrations()
