"""Alembic environment: examdesk passes the connection in (config.attributes["connection"])."""

from alembic import context

from examdesk.adapters.ledger import metadata

connection = context.config.attributes["connection"]
context.configure(connection=connection, target_metadata=metadata, render_as_batch=True)
with context.begin_transaction():
    context.run_migrations()
