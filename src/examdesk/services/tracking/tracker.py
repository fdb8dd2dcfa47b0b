"""The tracker workbook: checklist, deliveries, returns by site, returns, recipients."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path

from ...adapters.workbook import SheetSpec
from ...adapters.workbook import write_tracker as write_workbook
from ...domain.messages import MessageState
from ...domain.records import DistrictData
from ..app import App
from .returns import return_rows, returns_by_site
from .status import status_rows

RECIPIENT_STATES = tuple(MessageState)


def tracker_path(app: App) -> Path:
    return app.settings.output_dir / app.school_year.label / "tracker.xlsx"


def delivery_rows(app: App) -> Iterator[dict]:
    """One row per message of the year, streamed from the ledger."""
    with app.unit_of_work() as uow:
        for m in uow.messages.of_year(app.school_year.label):
            yield {
                "month": m["month"],
                "recipient": m["recipient_name"] or m["recipient_key"],
                "email": m["recipient_email"],
                "kind": m["kind"],
                "subject": m["subject"],
                "attachments": len(m["attachments"] or []),
                "state": m["state"],
                "attempts": m["attempts"],
                "sent_at": m["sent_at"].replace(tzinfo=None, microsecond=0) if m["sent_at"] else None,
                "message_id": m["message_id"],
                "error": m["error"] or "",
            }


def recipient_rows(app: App) -> Iterator[list]:
    """One row per recipient: how many of their messages are in each state (counted by the
    ledger and streamed, so the tracker of a large district holds one recipient at a time)."""
    with app.unit_of_work() as uow:
        for name, email, states in uow.messages.states_by_recipient(app.school_year.label):
            yield [name, email, *(states.get(s.value, 0) for s in RECIPIENT_STATES)]


def write_tracker(app: App, today: date, data: DistrictData | None = None) -> Path:
    returns = return_rows(app)
    by_site = returns_by_site(returns, today)
    more = [
        SheetSpec(
            "Returns by site",
            ["Site", "Expected", "Received", "Incomplete", "Outstanding", "Overdue"],
            (
                [r["site"], r["expected"], r["received"], r["incomplete"], r["outstanding"], r["overdue"]]
                for r in by_site
            ),
            "Site",
        ),
        SheetSpec(
            "Returns",
            ["Site", "Person", "Email", "Task", "Document", "Due", "Status", "Missing"],
            (
                [r.site_id or "district", r.name, r.email, r.task_id, r.title, r.due, r.status_on(today), r.missing]
                for r in sorted(returns, key=lambda r: (r.site_id or "", r.name, r.due))
            ),
            "Status",
            {"Person": 28, "Email": 34, "Document": 50, "Missing": 30},
        ),
        SheetSpec(
            "Recipients",
            ["Recipient", "Email", *(s.value for s in RECIPIENT_STATES)],
            recipient_rows(app),
            "Recipient",
            {"Recipient": 28, "Email": 34},
        ),
    ]
    return write_workbook(tracker_path(app), status_rows(app, today, data=data), delivery_rows(app), more)
