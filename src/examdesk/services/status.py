"""Checklist status (pending / done / overdue) with delivery counts, and the tracker workbook."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from datetime import date
from pathlib import Path

from ..adapters.workbook import SheetSpec
from ..adapters.workbook import write_tracker as write_workbook
from ..domain.calendar import Month
from ..domain.checklist import ONGOING, PlannedTask, planned_year, tasks_for_month
from ..domain.records import DistrictData
from ..domain.roles import CATEGORIES, role_title
from ..domain.tables import FatalDataError
from .bootstrap import App
from .data import load_district


def _data_or_empty(app: App) -> DistrictData:
    """Status must work even when today's input files are broken: dates then come from config only."""
    try:
        data, _ = load_district(app.settings, app.school_year)
        return data
    except FatalDataError:
        return DistrictData.from_rows({}, {})


def status_rows(app: App, today: date, month: Month | None = None, data: DistrictData | None = None) -> list[dict]:
    """``data``: the district data a run already loaded; without it, it is read again."""
    from .month import due_context, format_due

    data = data if data is not None else _data_or_empty(app)
    ctx = due_context(app, data)
    window = data.district_window()
    if month is not None:
        planned = tasks_for_month(app.checklist, month, ctx, window)
    else:
        year = planned_year(app.checklist, app.school_year.months(), ctx, window)
        ongoing = [PlannedTask(t, t.due.resolve(ctx, None)) for t in app.checklist if t.is_ongoing]
        planned = ongoing + sorted(year.values(), key=lambda pt: (pt.due.day or date.max, pt.task.id))
    ledger = app.ledger()
    try:
        statuses = ledger.task_statuses(app.school_year.label)
        counts = ledger.delivery_counts_by_task(app.school_year.label)
    finally:
        ledger.dispose()
    rows = []
    for pt in planned:
        st = statuses.get(pt.task.id)
        done = bool(st and st["status"] == "done")
        c = counts.get(pt.task.id, {})
        rows.append(
            {
                "task_id": pt.task.id,
                "when": pt.task.when if pt.task.phase != ONGOING else "Ongoing",
                "title": pt.task.title,
                "category": CATEGORIES[pt.task.category],
                "owner": role_title(pt.task.owner),
                "action": pt.task.action,
                "due": format_due(pt.due),
                "due_date": pt.due.day,
                "status": pt.status(done, today) if pt.task.phase != ONGOING else ("done" if done else "ongoing"),
                "sent": c.get("sent", 0),
                "failed": c.get("failed", 0) + c.get("unknown", 0),
                "pending": c.get("pending", 0) + c.get("sending", 0),
                "note": (st or {}).get("note", ""),
            }
        )
    return rows


def delivery_rows(app: App) -> Iterator[dict]:
    """One row per message of the year, streamed from the ledger."""
    ledger = app.ledger()
    try:
        for m in ledger.iter_messages(app.school_year.label):
            yield {
                "month": m["month"],
                "recipient": m["recipient_name"] or m["recipient_key"],
                "email": m["recipient_email"],
                "kind": m["kind"],
                "subject": m["subject"],
                "attachments": len(m["attachments"] or []),
                "state": m["state"],
                "attempts": m["attempts"],
                "sent_at": m["sent_at"].isoformat(timespec="seconds") if m["sent_at"] else "",
                "message_id": m["message_id"],
                "error": m["error"] or "",
            }
    finally:
        ledger.dispose()


def tracker_path(app: App) -> Path:
    return app.settings.output_dir / app.school_year.label / "tracker.xlsx"


def write_tracker(app: App, today: date, data: DistrictData | None = None) -> Path:
    from .returns import return_rows, returns_by_site

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
            ["Site", "Person", "Email", "Task", "Document", "Due", "Status"],
            (
                [r.site_id or "district", r.name, r.email, r.task_id, r.title, r.due, return_status(r, today)]
                for r in sorted(returns, key=lambda r: (r.site_id or "", r.name, r.due))
            ),
            "Status",
            {"Person": 28, "Email": 34, "Document": 50},
        ),
        SheetSpec(
            "Recipients",
            ["Recipient", "Email", *RECIPIENT_STATES],
            recipient_rows(app),
            "Recipient",
            {"Recipient": 28, "Email": 34},
        ),
    ]
    return write_workbook(tracker_path(app), status_rows(app, today, data=data), delivery_rows(app), more)


RECIPIENT_STATES = ("sent", "failed", "failed_permanent", "unknown", "pending", "sending")


def return_status(row, today: date) -> str:
    return "overdue" if row.overdue(today) else row.status


def recipient_rows(app: App) -> list[list]:
    """One row per recipient: how many of their messages are in each state."""
    counts: dict[tuple[str, str], Counter] = {}
    ledger = app.ledger()
    try:
        for m in ledger.iter_messages(app.school_year.label):
            counts.setdefault((m["recipient_name"] or "", m["recipient_email"]), Counter())[m["state"]] += 1
    finally:
        ledger.dispose()
    return [[name, email, *(c[s] for s in RECIPIENT_STATES)] for (name, email), c in sorted(counts.items())]


def mark_task(app: App, task_id: str, status: str, note: str = "") -> None:
    app.checklist.get(task_id)  # KeyError for an unknown task
    ledger = app.ledger()
    try:
        ledger.set_task_status(app.school_year.label, task_id, status, note=note, source="mark")
    finally:
        ledger.dispose()
