"""Checklist status (pending / done / overdue) with delivery counts per task."""

from __future__ import annotations

from collections import Counter
from datetime import date

from ...domain.calendar import Month
from ...domain.checklist import ONGOING, PlannedTask
from ...domain.due_rules import format_due
from ...domain.messages import STATUS_COLUMNS, MessageState, status_counts
from ...domain.records import DistrictData
from ...domain.roles import CATEGORIES, role_title
from ...domain.tables import FatalDataError
from ...errors import ConfigurationError
from ..app import App
from ..data import load_district
from .returns import ReturnTally, return_rows, tally_by_task


def district_data_or_empty(app: App) -> DistrictData:
    """Status must work even when today's input files are broken: dates then come from config only."""
    try:
        data, _ = load_district(app.settings, app.school_year)
        return data
    except FatalDataError:
        return DistrictData.from_rows({}, {})


def status_rows(app: App, today: date, month: Month | None = None, data: DistrictData | None = None) -> list[dict]:
    """One row per task (of ``month``, or of the year): its due date (and each site's, where the
    testing window sets it), status, messages by status column (sent / failed / unknown / pending;
    every message state is counted in one of them), documents delivered, and what came back of
    the ones that must be returned signed. A task whose documents come back is done only when
    every one is back and complete; until then its status says how many are.
    ``data``: the district data a run already loaded; without it, it is read again."""
    data = data if data is not None else district_data_or_empty(app)
    ctx = app.due_context(data)
    if month is not None:
        planned = app.tasks_of_month(data, month)
    else:
        year = app.tasks_of_year(data)
        ongoing = [PlannedTask(t, t.due.resolve(ctx, None)) for t in app.checklist if t.is_ongoing]
        planned = ongoing + sorted(year.values(), key=lambda pt: (pt.due.day or date.max, pt.task.id))
    with app.unit_of_work() as uow:
        statuses = uow.tasks.of_year(app.school_year.label)
        counts = uow.messages.counts_by_task(app.school_year.label)
    returns = tally_by_task(return_rows(app), today)
    sites = sorted(w.site_id for w in data.windows)
    rows = []
    for pt in planned:
        st = statuses.get(pt.task.id)
        tally = returns.get(pt.task.id, ReturnTally())
        if tally.expected:
            status = "done" if tally.all_back else tally.summary
        else:
            done = bool(st and st["status"] == "done")
            status = pt.status(done, today) if pt.task.phase != ONGOING else ("done" if done else "ongoing")
        task_counts = counts.get(pt.task.id) or {"messages": Counter(), "documents": Counter()}
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
                "due_by_site": _due_by_site(app, data, pt, month, sites),
                "status": status,
                **status_counts(task_counts["messages"]),
                "documents_sent": task_counts["documents"].get(MessageState.SENT, 0),
                "returns_expected": tally.expected,
                "returns_complete": tally.complete,
                "returns_incomplete": tally.incomplete,
                "returns_overdue": tally.overdue,
                "note": (st or {}).get("note", ""),
            }
        )
    return rows


def _due_by_site(app: App, data: DistrictData, pt: PlannedTask, month: Month | None, sites: list[str]) -> str:
    """'LIN 2027-03-26 · RMS 2027-04-05' where each site's window sets the date, else ''."""
    if not sites or not pt.varies_by_site:
        return ""
    dues = [(site, app.due_at_site(data, pt, month, site)) for site in sites]
    if len({d for _, d in dues}) < 2:
        return ""
    return " · ".join(f"{site} {d.isoformat()}" for site, d in dues if d is not None)


def task_summary(rows: list[dict]) -> list[dict]:
    """Status rows with counts and task ids only: safe for a Prefect artifact anyone can read."""
    keys = ("task_id", "owner", "due", "status", *STATUS_COLUMNS, "documents_sent", "returns_expected")
    return [{k: r[k] for k in (*keys, "returns_complete", "returns_overdue")} for r in rows]


def mark_task(app: App, task_id: str, status: str, note: str = "") -> None:
    if status not in ("done", "pending"):
        raise ConfigurationError(f"state {status!r}: expected done or pending")
    try:
        app.checklist.get(task_id)
    except KeyError:
        raise ConfigurationError(f"no task {task_id!r} in {app.settings.checklist_path}") from None
    with app.unit_of_work() as uow:
        uow.tasks.set(app.school_year.label, task_id, status, note=note, source="mark")
        uow.commit()
