"""What services read from and write to the ledger, table by table, on one unit of work's connection.

A message is claimed (pending|failed -> sending) by one conditional UPDATE, so two processes
running the same month cannot both send it.
"""

from __future__ import annotations

import json
import os
import socket
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import bindparam, delete, func, select, tuple_, update
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.engine import Connection
from sqlalchemy.exc import IntegrityError
from sqlalchemy.sql import Executable

from ...domain.messages import CLAIMABLE, DELIVERED, REACHED, MessageState
from .schema import (
    acknowledgements,
    confirmations,
    document_failures,
    documents,
    exemption_requests,
    message_documents,
    messages,
    retention_log,
    runs,
    signatures,
    task_status,
)


def _now() -> datetime:
    return datetime.now(UTC)


def _values(states: Iterable[MessageState]) -> list[str]:
    return sorted(s.value for s in states)


def process_name() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


@dataclass(frozen=True)
class MessageStatements:
    """Built once per dialect: the send loop runs them for every message."""

    claim: Executable
    insert_new: Executable | None  # insert unless the key exists, returning the new id
    mark: Executable  # a message's outcome
    mark_sent: Executable  # its outcome when sent: the time it went, too


_statements: dict[str, MessageStatements] = {}


def message_statements(dialect: str) -> MessageStatements:
    found = _statements.get(dialect)
    if found is None:
        claim = (
            update(messages)
            .where(messages.c.idempotency_key == bindparam("key"), messages.c.state.in_(_values(CLAIMABLE)))
            .values(
                state=MessageState.SENDING.value,
                attempts=messages.c.attempts + 1,
                updated_at=bindparam("now"),
                claimed_by=bindparam("by"),
            )
        )
        insert_new: Executable | None = None
        if dialect in ("sqlite", "postgresql"):
            insert = sqlite_insert(messages) if dialect == "sqlite" else postgresql_insert(messages)
            insert_new = insert.on_conflict_do_nothing(index_elements=["idempotency_key"]).returning(messages.c.id)
        outcome: dict[str, Any] = dict(state=bindparam("state"), updated_at=bindparam("now"), error=bindparam("error"))
        mark = update(messages).where(messages.c.idempotency_key == bindparam("key"))
        found = _statements[dialect] = MessageStatements(
            claim,
            insert_new,
            mark.values(**outcome, transport=func.coalesce(bindparam("transport"), messages.c.transport)),
            mark.values(
                **outcome,
                transport=func.coalesce(bindparam("transport"), messages.c.transport),
                sent_at=bindparam("now"),
            ),
        )
    return found


class Runs:
    def __init__(self, connection: Connection):
        self.c = connection

    def start(self, school_year: str, month: str) -> int:
        result = self.c.execute(
            runs.insert().values(school_year=school_year, month=month, started_at=_now(), state="running")
        )
        return int(result.inserted_primary_key[0])  # type: ignore[index]

    def finish(self, run_id: int, state: str, summary: dict) -> None:
        self.c.execute(
            update(runs)
            .where(runs.c.id == run_id)
            .values(finished_at=_now(), state=state, summary=json.loads(json.dumps(summary, default=str)))
        )

    def get(self, run_id: int) -> dict | None:
        row = self.c.execute(select(runs).where(runs.c.id == run_id)).mappings().first()
        return dict(row) if row else None


def delivered_keys(school_year: str, month: str | None = None):
    """The doc_keys of a year (or of the messages of one month) already in a sent (or possibly
    sent) message, as a query."""
    q = (
        select(message_documents.c.doc_key)
        .join(messages, messages.c.id == message_documents.c.message_id)
        .where(messages.c.school_year == school_year, messages.c.state.in_(_values(DELIVERED)))
    )
    return q.where(messages.c.month == month) if month else q


class DocumentFailures:
    """Documents a run could not produce, and why (each one is planned again by the next run)."""

    def __init__(self, connection: Connection):
        self.c = connection

    def record(self, run_id: int, school_year: str, month: str, rows: list[dict]) -> None:
        if rows:
            now = _now()
            self.c.execute(
                document_failures.insert(),
                [dict(r, run_id=run_id, school_year=school_year, month=month, failed_at=now) for r in rows],
            )

    def of_run(self, run_id: int) -> list[dict]:
        q = select(document_failures).where(document_failures.c.run_id == run_id).order_by(document_failures.c.id)
        return [dict(r._mapping) for r in self.c.execute(q)]

    def unresolved(self, school_year: str) -> list[dict]:
        """The latest failure of each document of the year that has not been delivered since."""
        latest = (
            select(func.max(document_failures.c.id))
            .where(document_failures.c.school_year == school_year)
            .group_by(document_failures.c.doc_key)
        )
        delivered = (
            select(message_documents.c.doc_key)
            .join(messages, messages.c.id == message_documents.c.message_id)
            .where(messages.c.school_year == school_year, messages.c.state.in_(_values(DELIVERED)))
        )
        q = (
            select(document_failures)
            .where(document_failures.c.id.in_(latest), document_failures.c.doc_key.not_in(delivered))
            .order_by(document_failures.c.task_id, document_failures.c.id)
        )
        return [dict(r._mapping) for r in self.c.execute(q)]


class Acknowledgements:
    """Returned documents: who signed or returned what, when, from which source."""

    def __init__(self, connection: Connection):
        self.c = connection

    def record(self, row: dict) -> None:
        """One acknowledgement per document and source (a returned PDF, a sheet, by hand, signed
        online): a later return of the same document from the same source replaces it; one from
        another source is recorded beside it."""
        self.c.execute(
            delete(acknowledgements).where(
                acknowledgements.c.school_year == row["school_year"],
                acknowledgements.c.doc_key == row["doc_key"],
                acknowledgements.c.source == row["source"],
            )
        )
        self.c.execute(acknowledgements.insert().values(**row, received_at=_now()))

    def of_year(self, school_year: str) -> list[dict]:
        q = (
            select(acknowledgements)
            .where(acknowledgements.c.school_year == school_year)
            .order_by(acknowledgements.c.id)
        )
        return [dict(r._mapping) for r in self.c.execute(q)]


@dataclass(frozen=True)
class DeliveredVersion:
    version: int
    facts_sha256: str | None  # None: recorded before examdesk kept what documents state
    sent_on: date | None


class Documents:
    def __init__(self, connection: Connection, acks: Acknowledgements):
        self.c = connection
        self._acks = acks

    def record(self, run_id: int, rows: list[dict]) -> None:
        if rows:
            now = _now()
            self.c.execute(documents.insert(), [dict(r, run_id=run_id, created_at=now) for r in rows])

    def delivered_among(self, school_year: str, doc_keys: list[str]) -> set[str]:
        """Which of these documents are already in a sent (or possibly sent) message of the year,
        whichever month's run sent it (a document that follows an event is keyed by its month)."""
        if not doc_keys:
            return set()
        q = delivered_keys(school_year).where(message_documents.c.doc_key.in_(doc_keys))
        return set(self.c.execute(q).scalars())

    def latest_delivered(self, school_year: str, first_keys: list[str]) -> dict[str, DeliveredVersion]:
        """For each document (by its first version's key): the latest version that went out, what
        it stated, and the day it went out."""
        if not first_keys:
            return {}
        base = func.coalesce(documents.c.base_key, documents.c.doc_key)
        q = (
            select(base, documents.c.version, documents.c.facts_sha256, messages.c.as_of, messages.c.sent_at)
            .join(message_documents, message_documents.c.doc_key == documents.c.doc_key)
            .join(
                messages,
                (messages.c.id == message_documents.c.message_id) & (messages.c.run_id == documents.c.run_id),
            )
            .where(
                messages.c.school_year == school_year,
                messages.c.state.in_(_values(DELIVERED)),
                base.in_(first_keys),
            )
        )
        found: dict[str, DeliveredVersion] = {}
        for key, version, facts, as_of, sent_at in self.c.execute(q):
            on = as_of or (sent_at.date() if sent_at else None)
            if key not in found or version > found[key].version:
                found[key] = DeliveredVersion(version, facts, on)
        return found

    def by_doc_id(self, doc_id: str) -> dict | None:
        """The latest rendering of the document a link or a returned form names, with its run's year and month."""
        q = (
            select(documents, runs.c.school_year, runs.c.month)
            .join(runs, runs.c.id == documents.c.run_id)
            .where(documents.c.doc_id == doc_id)
            .order_by(documents.c.id.desc())
            .limit(1)
        )
        row = self.c.execute(q).first()
        return dict(row._mapping) if row else None

    def siblings(self, run_id: int, recipient_key: str, task_id: str) -> list[dict]:
        """The other documents of the same task that went to the same person in the same run."""
        q = (
            select(documents)
            .where(
                documents.c.run_id == run_id, documents.c.recipient_key == recipient_key, documents.c.task_id == task_id
            )
            .order_by(documents.c.id)
        )
        return [dict(r._mapping) for r in self.c.execute(q)]

    ORDER = (documents.c.recipient_email, documents.c.recipient_key, documents.c.id)

    def run_page(self, run_id: int, after: tuple | None, limit: int) -> list[dict]:
        """A page of a run's documents, recipient by recipient, after ``after`` (the last row's order key)."""
        q = select(documents).where(documents.c.run_id == run_id).order_by(*self.ORDER).limit(limit)
        if after is not None:
            q = q.where(tuple_(*self.ORDER) > tuple_(*after))
        return [dict(r._mapping) for r in self.c.execute(q)]

    @classmethod
    def order_key(cls, row: dict) -> tuple:
        return tuple(row[col.name] for col in cls.ORDER)

    def run_recipient_count(self, run_id: int) -> int:
        q = select(func.count()).select_from(
            select(documents.c.recipient_email, documents.c.recipient_key)
            .where(documents.c.run_id == run_id)
            .distinct()
            .subquery()
        )
        return int(self.c.execute(q).scalar_one())

    def task_documents(self, school_year: str, month: str, task_id: str) -> tuple[int, int]:
        """(documents of the task this month, how many of them are not delivered yet), counted in SQL."""
        delivered = delivered_keys(school_year, month).where(message_documents.c.task_id == task_id)
        made = (
            select(documents.c.doc_key)
            .join(runs, runs.c.id == documents.c.run_id)
            .where(runs.c.school_year == school_year, runs.c.month == month, documents.c.task_id == task_id)
        )

        def count_distinct(q):
            return select(func.count()).select_from(q.distinct().subquery())

        total = self.c.execute(count_distinct(made.union(delivered).subquery().select())).scalar_one()
        pending = self.c.execute(count_distinct(made.where(documents.c.doc_key.not_in(delivered)))).scalar_one()
        return int(total), int(pending)

    def expected_returns(self, school_year: str) -> list[dict]:
        """Documents that must come back, one row per document (its latest rendering), with the
        acknowledgement recorded for it, if any, and whether its message went out."""
        q = (
            select(
                documents.c.doc_key,
                documents.c.task_id,
                documents.c.family,
                documents.c.title,
                documents.c.filename,
                documents.c.path,
                documents.c.recipient_key,
                documents.c.recipient_email,
                documents.c.recipient_name,
                documents.c.site_id,
                documents.c.return_due,
                documents.c.version,
                func.coalesce(documents.c.base_key, documents.c.doc_key).label("first_key"),
                runs.c.month,
            )
            .join(runs, runs.c.id == documents.c.run_id)
            .where(runs.c.school_year == school_year, documents.c.return_due.is_not(None))
            .order_by(documents.c.id)
        )
        sent = (
            select(message_documents.c.doc_key)
            .join(messages, messages.c.id == message_documents.c.message_id)
            .where(messages.c.school_year == school_year, messages.c.state.in_(_values(REACHED)))
        )
        rows = {r.doc_key: dict(r._mapping) for r in self.c.execute(q)}
        latest: dict[str, int] = {}  # a newer version replaces what an older one expected back
        for row in rows.values():
            latest[row["first_key"]] = max(latest.get(row["first_key"], 0), row["version"])
        rows = {k: r for k, r in rows.items() if r["version"] == latest[r["first_key"]]}
        delivered = set(self.c.execute(sent).scalars())
        acks: dict[str, dict] = {}
        for a in self._acks.of_year(school_year):  # in the order they came: the first complete one counts
            held = acks.get(a["doc_key"])
            if (
                held is None
                or (held["status"] != "complete" and a["status"] == "complete")
                or (held["status"] != "complete" and a["status"] != "complete")
            ):
                acks[a["doc_key"]] = a
        for key, row in rows.items():
            row["delivered"] = key in delivered
            ack = acks.get(key)
            row["status"] = ack["status"] if ack else "outstanding"
            row["ack"] = ack
        return list(rows.values())


class Messages:
    def __init__(self, connection: Connection, statements: MessageStatements):
        self.c = connection
        self._statements = statements

    def ensure_and_claim(self, *, key: str, doc_keys: list[tuple[str, str]], **fields: Any) -> bool:
        """Record the message (if new) and claim it: what the send loop does for every message,
        in one transaction (the caller commits before sending)."""
        now = _now()
        values = dict(
            fields, idempotency_key=key, state=MessageState.PENDING.value, attempts=0, created_at=now, updated_at=now
        )
        if self._statements.insert_new is not None:
            # a new message is recorded already claimed: what the claim below would make of it
            claimed_new = dict(values, state=MessageState.SENDING.value, attempts=1, claimed_by=process_name())
            mid = self.c.execute(self._statements.insert_new, claimed_new).scalar()
            if mid is not None:
                if doc_keys:
                    self.c.execute(
                        message_documents.insert(),
                        [{"message_id": mid, "doc_key": d, "task_id": t} for d, t in doc_keys],
                    )
                return True
        else:  # other databases: the unique key refuses a second copy
            with self.c.begin_nested() as savepoint:
                try:
                    mid = self.c.execute(messages.insert(), values).inserted_primary_key[0]  # type: ignore[index]
                except IntegrityError:
                    savepoint.rollback()
                    mid = None
        if mid is not None and doc_keys:  # None: already recorded by an earlier or concurrent run
            self.c.execute(
                message_documents.insert(), [{"message_id": mid, "doc_key": d, "task_id": t} for d, t in doc_keys]
            )
        claimed = self.c.execute(self._statements.claim, {"key": key, "now": _now(), "by": process_name()})
        return claimed.rowcount == 1

    def mark(self, key: str, state: MessageState, *, transport: str | None = None, error: str | None = None) -> None:
        statement = self._statements.mark_sent if state is MessageState.SENT else self._statements.mark
        values = {"key": key, "state": state.value, "now": _now(), "error": error, "transport": transport or None}
        self.c.execute(statement, values)

    def recover_abandoned(self, school_year: str, month: str, stale_after_minutes: float) -> int:
        """Messages left 'sending' by a process that is gone become 'unknown': the server may have
        them, so they are never resent automatically. A process on this machine is checked by its
        pid; one elsewhere (or unrecorded) counts as gone once the claim is older than the limit."""
        here = socket.gethostname()
        cutoff = _now().timestamp() - stale_after_minutes * 60
        q = select(messages.c.idempotency_key, messages.c.claimed_by, messages.c.updated_at).where(
            messages.c.school_year == school_year,
            messages.c.month == month,
            messages.c.state == MessageState.SENDING.value,
        )
        recovered = 0
        for key, claimed_by, updated_at in list(self.c.execute(q)):
            host, _, pid = (claimed_by or "").rpartition(":")
            if host == here and pid.isdigit():
                gone = not _pid_alive(int(pid))
            else:
                stamp = updated_at if updated_at.tzinfo else updated_at.replace(tzinfo=UTC)
                gone = stamp.timestamp() < cutoff
            if not gone:
                continue
            done = self.c.execute(
                update(messages)
                .where(messages.c.idempotency_key == key, messages.c.state == MessageState.SENDING.value)
                .values(
                    state=MessageState.UNKNOWN.value,
                    updated_at=_now(),
                    error=f"the process sending it ({claimed_by or 'unrecorded'}) ended before recording "
                    "the outcome; ask the recipient, then `examdesk resend --message` if it never arrived",
                )
            )
            recovered += done.rowcount
        return recovered

    def last_sent(self, school_year: str, kind: str) -> dict[str, date]:
        """recipient key -> the day (as the run saw it) a message of this kind last went out, or may have."""
        q = (
            select(messages.c.recipient_key, func.max(messages.c.as_of))
            .where(
                messages.c.school_year == school_year,
                messages.c.kind == kind,
                messages.c.state.in_(_values(DELIVERED)),
            )
            .group_by(messages.c.recipient_key)
        )
        return {k: d for k, d in self.c.execute(q) if d is not None}

    def find(self, key_prefix: str, limit: int = 2) -> list[dict]:
        q = select(messages).where(messages.c.idempotency_key.startswith(key_prefix, autoescape=True))
        return [dict(r._mapping) for r in self.c.execute(q.limit(limit))]

    def release_for_resend(self, key: str) -> None:
        """A coordinator's decision to send a message again: it becomes claimable (failed)."""
        self.c.execute(
            update(messages)
            .where(messages.c.idempotency_key == key)
            .values(state=MessageState.FAILED.value, updated_at=_now(), error="resend requested by the coordinator")
        )

    def months_with(self, school_year: str, states: Iterable[MessageState]) -> list[str]:
        q = (
            select(messages.c.month)
            .where(messages.c.school_year == school_year, messages.c.state.in_(_values(states)))
            .distinct()
            .order_by(messages.c.month)
        )
        return list(self.c.execute(q).scalars())

    def state_of(self, key: str) -> MessageState | None:
        value = self.c.execute(select(messages.c.state).where(messages.c.idempotency_key == key)).scalar()
        return MessageState(value) if value is not None else None

    def of_year(self, school_year: str, month: str | None = None) -> Iterator[dict]:
        """Every message of the year (or month), streamed in the order they were recorded."""
        q = select(messages).where(messages.c.school_year == school_year).order_by(messages.c.id)
        if month:
            q = q.where(messages.c.month == month)
        for row in self.c.execute(q.execution_options(yield_per=500)):
            yield dict(row._mapping)

    def states_by_recipient(self, school_year: str) -> Iterator[tuple[str, str, dict[str, int]]]:
        """(name, email, messages by state) per recipient of the year, in name and email order
        (by code point on every database), counted by the database and streamed: a district's
        recipients are never all held at once."""
        name = func.coalesce(messages.c.recipient_name, "")
        order = [name, messages.c.recipient_email]
        if self.c.dialect.name == "postgresql":  # its default collation would sort by locale rules
            order = [name.collate("C"), messages.c.recipient_email.collate("C")]
        q = (
            select(name, messages.c.recipient_email, messages.c.state, func.count())
            .where(messages.c.school_year == school_year)
            .group_by(name, messages.c.recipient_email, messages.c.state)
            .order_by(*order)
        )
        current: tuple[str, str] | None = None
        states: dict[str, int] = {}
        for recipient_name, email, state, count in self.c.execute(q.execution_options(yield_per=1000)):
            if (recipient_name, email) != current:
                if current is not None:
                    yield (*current, states)
                current, states = (recipient_name, email), {}
            states[state] = count
        if current is not None:
            yield (*current, states)

    def counts_by_task(self, school_year: str) -> dict[str, dict[str, Counter[str]]]:
        """task id -> {"messages": messages carrying its documents by state, "documents": its
        documents by the state of the message that carried them}."""
        q = (
            select(
                message_documents.c.task_id,
                messages.c.state,
                func.count(func.distinct(messages.c.id)),
                func.count(func.distinct(message_documents.c.doc_key)),
            )
            .join(messages, messages.c.id == message_documents.c.message_id)
            .where(messages.c.school_year == school_year)
            .group_by(message_documents.c.task_id, messages.c.state)
        )
        counts: dict[str, dict[str, Counter[str]]] = defaultdict(
            lambda: {"messages": Counter(), "documents": Counter()}
        )
        for task_id, state, n_messages, n_documents in self.c.execute(q):
            counts[task_id]["messages"][state] += n_messages
            counts[task_id]["documents"][state] += n_documents
        return counts


class TaskStatuses:
    def __init__(self, connection: Connection):
        self.c = connection

    def set(self, school_year: str, task_id: str, status: str, *, note: str = "", source: str) -> None:
        """Record a task's status: one statement (insert, or update the row that exists), so two
        processes finishing the same month at once cannot both insert it."""
        values = {"status": status, "note": note, "source": source, "updated_at": _now()}
        dialect = self.c.dialect.name
        insert = sqlite_insert(task_status) if dialect == "sqlite" else postgresql_insert(task_status)
        self.c.execute(
            insert.values(school_year=school_year, task_id=task_id, **values).on_conflict_do_update(
                index_elements=["school_year", "task_id"], set_=values
            )
        )

    def of_year(self, school_year: str) -> dict[str, dict]:
        q = select(task_status).where(task_status.c.school_year == school_year)
        return {r.task_id: dict(r._mapping) for r in self.c.execute(q)}


class Retention:
    """Student data by school year, for removal once its retention period is over."""

    def __init__(self, connection: Connection):
        self.c = connection

    def school_years(self) -> list[str]:
        """Every school year the ledger holds rows of (documents belong to their run's year)."""
        years: set[str] = set()
        for column in (runs.c.school_year, messages.c.school_year, acknowledgements.c.school_year):
            years.update(self.c.execute(select(column).distinct()).scalars())
        years.update(self.c.execute(select(document_failures.c.school_year).distinct()).scalars())
        return sorted(years)

    def counts(self, school_year: str) -> dict[str, int]:
        """Rows that name people, by kind."""
        run_ids = select(runs.c.id).where(runs.c.school_year == school_year)
        return {
            "documents": self._count(documents, documents.c.run_id.in_(run_ids)),
            "messages": self._count(messages, messages.c.school_year == school_year),
            "acknowledgements": self._count(acknowledgements, acknowledgements.c.school_year == school_year),
            "document_failures": self._count(document_failures, document_failures.c.school_year == school_year),
            "signatures": self._count(signatures, signatures.c.school_year == school_year),
            "confirmations": self._count(confirmations, confirmations.c.school_year == school_year),
            "exemption_requests": self._count(exemption_requests, exemption_requests.c.school_year == school_year),
        }

    def _count(self, table, where) -> int:
        return int(self.c.execute(select(func.count()).select_from(table).where(where)).scalar_one())

    def remove(self, school_year: str) -> None:
        """Every row of the year that names a person; runs and task statuses (counts, ids) stay."""
        run_ids = select(runs.c.id).where(runs.c.school_year == school_year)
        message_ids = select(messages.c.id).where(messages.c.school_year == school_year)
        self.c.execute(delete(message_documents).where(message_documents.c.message_id.in_(message_ids)))
        self.c.execute(delete(messages).where(messages.c.school_year == school_year))
        self.c.execute(delete(documents).where(documents.c.run_id.in_(run_ids)))
        self.c.execute(delete(acknowledgements).where(acknowledgements.c.school_year == school_year))
        self.c.execute(delete(document_failures).where(document_failures.c.school_year == school_year))
        for table in (signatures, confirmations, exemption_requests):
            self.c.execute(delete(table).where(table.c.school_year == school_year))

    def log(self, school_year: str, rule: str, counts: dict) -> None:
        self.c.execute(
            retention_log.insert().values(school_year=school_year, removed_at=_now(), rule=rule, counts=counts)
        )

    def removed(self) -> list[dict]:
        return [dict(r._mapping) for r in self.c.execute(select(retention_log).order_by(retention_log.c.id))]
