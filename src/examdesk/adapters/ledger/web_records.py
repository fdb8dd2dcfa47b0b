"""The ledger's web records: signatures given online, timetable confirmations, parents'
exemption requests, and dashboard accounts."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.engine import Connection

from .schema import confirmations, exemption_requests, signatures, users


def _now() -> datetime:
    return datetime.now(UTC)


def _rows(connection: Connection, query) -> list[dict]:
    return [dict(r._mapping) for r in connection.execute(query)]


class Signatures:
    def __init__(self, connection: Connection):
        self.c = connection

    def record(self, row: dict[str, Any]) -> int:
        result = self.c.execute(signatures.insert().values(**row))
        return int(result.inserted_primary_key[0])  # type: ignore[index]

    def of_document(self, school_year: str, doc_key: str) -> dict | None:
        q = (
            select(signatures)
            .where(signatures.c.school_year == school_year, signatures.c.doc_key == doc_key)
            .order_by(signatures.c.id)
        )
        found = _rows(self.c, q)
        return found[0] if found else None

    def set_certificate(self, signature_id: int, path: str) -> None:
        self.c.execute(update(signatures).where(signatures.c.id == signature_id).values(certificate_path=path))


class Confirmations:
    def __init__(self, connection: Connection):
        self.c = connection

    def record(self, row: dict[str, Any]) -> int:
        result = self.c.execute(confirmations.insert().values(**row, at=_now()))
        return int(result.inserted_primary_key[0])  # type: ignore[index]

    def of_year(self, school_year: str, problems_only: bool = False, open_only: bool = False) -> list[dict]:
        q = select(confirmations).where(confirmations.c.school_year == school_year).order_by(confirmations.c.id)
        if problems_only:
            q = q.where(confirmations.c.answer == "problem")
        if open_only:
            q = q.where(confirmations.c.resolved_at.is_(None))
        return _rows(self.c, q)

    def resolve(self, confirmation_id: int) -> None:
        self.c.execute(update(confirmations).where(confirmations.c.id == confirmation_id).values(resolved_at=_now()))


class ExemptionRequests:
    def __init__(self, connection: Connection):
        self.c = connection

    def record(self, row: dict[str, Any]) -> int:
        values = dict(row, requested_at=_now(), status="requested")
        return int(self.c.execute(exemption_requests.insert().values(**values)).inserted_primary_key[0])  # type: ignore[index]

    def of_year(self, school_year: str, status: str | None = None) -> list[dict]:
        q = select(exemption_requests).where(exemption_requests.c.school_year == school_year)
        if status:
            q = q.where(exemption_requests.c.status == status)
        return _rows(self.c, q.order_by(exemption_requests.c.id))

    def get(self, request_id: int) -> dict | None:
        found = _rows(self.c, select(exemption_requests).where(exemption_requests.c.id == request_id))
        return found[0] if found else None

    def decide(self, request_id: int, status: str, by: str) -> None:
        self.c.execute(
            update(exemption_requests)
            .where(exemption_requests.c.id == request_id)
            .values(status=status, decided_by=by, decided_at=_now())
        )


class Users:
    def __init__(self, connection: Connection):
        self.c = connection

    def add(self, email: str, password_hash: str, role: str, site_id: str | None) -> None:
        existing = self.by_email(email)
        values = {"password_hash": password_hash, "role": role, "site_id": site_id}
        if existing:
            self.c.execute(update(users).where(users.c.id == existing["id"]).values(**values))
        else:
            self.c.execute(users.insert().values(email=email.lower(), created_at=_now(), **values))

    def by_email(self, email: str) -> dict | None:
        found = _rows(self.c, select(users).where(users.c.email == email.lower()))
        return found[0] if found else None

    def all(self) -> list[dict]:
        return _rows(self.c, select(users.c.email, users.c.role, users.c.site_id).order_by(users.c.email))
