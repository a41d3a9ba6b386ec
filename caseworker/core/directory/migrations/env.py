"""Alembic environment for directory.db. Migrations run from code
(caseworker.core.directory.store.migrate) on a connection that is already open and inside a
transaction; there is no offline mode."""

from alembic import context

from caseworker.core.directory.models import DirectoryBase

connection = context.config.attributes.get("connection")
if connection is None:
    raise RuntimeError("directory.db migrations run from caseworker.core.directory.store, with an open connection")

# Batch mode: SQLite alters most things by copying the table, and batch mode does it safely.
context.configure(connection=connection, target_metadata=DirectoryBase.metadata, render_as_batch=True)
with context.begin_transaction():
    context.run_migrations()
