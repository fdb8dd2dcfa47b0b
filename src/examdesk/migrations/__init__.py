"""Alembic migrations of the ledger schema (applied by examdesk.adapters.ledger on open)."""
