"""Fakes for service-level tests: a transport that keeps what it is given, and ledger reads."""

from __future__ import annotations

import email
from email.message import EmailMessage, Message
from email.policy import default as default_policy
from pathlib import Path

from examdesk.adapters.ledger import LedgerDatabase
from examdesk.adapters.mail import message_bytes
from examdesk.bootstrap import build_app
from examdesk.errors import DeliveryError
from examdesk.services.app import App


class RecordingTransport:
    """Keeps every message it is asked to send, parsed as a recipient would read it. ``refuse``:
    addresses answered with a permanent refusal."""

    name = "recording"

    def __init__(self, refuse: set[str] | None = None):
        self.sent: list[tuple[str, EmailMessage]] = []
        self.refuse = refuse or set()
        self.opened = 0

    def open(self) -> None:
        self.opened += 1

    def send(self, message: Message, envelope_to: str) -> None:
        if envelope_to in self.refuse:
            raise DeliveryError(f"550 5.1.1 <{envelope_to}>: no such user", temporary=False)
        parsed = email.message_from_bytes(message_bytes(message), policy=default_policy)
        self.sent.append((envelope_to, parsed))  # type: ignore[arg-type]

    def close(self) -> None:
        pass

    def to(self, address: str) -> list[EmailMessage]:
        return [m for to, m in self.sent if to == address]


def memory_app(config: Path, today, transport: RecordingTransport | None = None) -> tuple[App, RecordingTransport]:
    """The demo district with an in-memory ledger and a recording transport."""
    transport = transport or RecordingTransport()
    return build_app(config, "2026-27", today, ledger_url="sqlite://", transport=transport), transport


def ledger_messages(url_or_app: str | App, school_year: str = "2026-27", month: str | None = None) -> list[dict]:
    ledger = url_or_app.ledger if isinstance(url_or_app, App) else LedgerDatabase(url_or_app)
    with ledger.unit_of_work() as uow:
        return list(uow.messages.of_year(school_year, month))


def task_statuses(url_or_app: str | App, school_year: str = "2026-27") -> dict[str, dict]:
    ledger = url_or_app.ledger if isinstance(url_or_app, App) else LedgerDatabase(url_or_app)
    with ledger.unit_of_work() as uow:
        return uow.tasks.of_year(school_year)


def family_input(family: str, data, *, recipients=("guardians",), languages=("en", "es"), **overrides):
    """What the month pipeline gives a family's function, for a domain test (no files, no ledger)."""
    from datetime import date

    from examdesk.domain.calendar import Month, WorkingCalendar
    from examdesk.domain.checklist import Task
    from examdesk.domain.families import FamilyInput
    from examdesk.domain.organisation import Organisation, Signatory
    from examdesk.domain.registry import FAMILIES

    values = dict(
        family=FAMILIES[family],
        task=Task(
            id="feb-05",
            title="t",
            category="communication",
            owner="district_coordinator",
            action=family,
            recipients=tuple(recipients),
        ),
        data=data,
        organisation=Organisation("Test USD", "00-00000", "Cora Ordinator", "cora@district.example.org"),
        school_year="2026-27",
        month=Month(2027, 2),
        today=date(2027, 2, 1),
        languages=lambda _template: set(languages),
        date_formatter=lambda _lang: lambda d: d.isoformat(),
        signatory=Signatory("Sue Perintendent", "Superintendent"),
        adult_age=18,
        calendar=WorkingCalendar(),
    )
    values.update(overrides)
    return FamilyInput(**values)
