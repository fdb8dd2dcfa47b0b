"""The ledger: what was generated, sent and returned, per school year (SQLAlchemy).

Services use it through a unit of work (``LedgerDatabase.unit_of_work()``), never by opening
engines or connections themselves.
"""

from .database import IN_MEMORY, LedgerDatabase, UnitOfWork, engine_for, migrate
from .schema import acknowledgements, documents, message_documents, messages, metadata, runs, task_status

__all__ = [
    "IN_MEMORY",
    "LedgerDatabase",
    "UnitOfWork",
    "acknowledgements",
    "documents",
    "engine_for",
    "message_documents",
    "messages",
    "metadata",
    "migrate",
    "runs",
    "task_status",
]
