"""Completion tracking: what must come back signed, what did, what is overdue."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from ..app import App


@dataclass
class ReturnRow:
    doc_key: str
    task_id: str
    title: str
    filename: str
    path: str
    recipient_key: str
    name: str
    email: str
    site_id: str | None
    due: date
    status: str  # complete | incomplete | outstanding
    delivered: bool
    missing: str = ""  # what an incomplete return lacks, as recorded when it came back

    def overdue(self, today: date) -> bool:
        return self.delivered and self.status != "complete" and self.due < today

    def status_on(self, today: date) -> str:
        return "overdue" if self.overdue(today) else self.status


@dataclass(frozen=True)
class ReturnTally:
    """What came back of a task's signed documents that went out."""

    expected: int = 0
    complete: int = 0
    incomplete: int = 0
    overdue: int = 0

    @property
    def all_back(self) -> bool:
        return self.expected > 0 and self.complete == self.expected

    @property
    def summary(self) -> str:
        """'sent, 3 of 34 back, 1 incomplete, 31 overdue' (empty when nothing must come back)."""
        if not self.expected:
            return ""
        parts = [f"sent, {self.complete} of {self.expected} back"]
        if self.incomplete:
            parts.append(f"{self.incomplete} incomplete")
        if self.overdue:
            parts.append(f"{self.overdue} overdue")
        return ", ".join(parts)


def tally_by_task(rows: list[ReturnRow], today: date) -> dict[str, ReturnTally]:
    """Per task, of its signed documents that were delivered: expected, complete, incomplete, overdue."""
    return {
        task: ReturnTally(c["total"], c["complete"], c["incomplete"], c["overdue"])
        for task, c in _tally([r for r in rows if r.delivered], today, lambda r: r.task_id)
    }


def what_is_missing(note: str) -> str:
    """'returned file x.pdf; matched by id; missing: date, the agreement box' -> 'date, the agreement box'."""
    _, found, missing = note.partition("missing: ")
    return missing if found else note


def return_rows(app: App) -> list[ReturnRow]:
    with app.unit_of_work() as uow:
        rows = uow.documents.expected_returns(app.school_year.label)
    return [
        ReturnRow(
            doc_key=r["doc_key"],
            task_id=r["task_id"],
            title=r["title"] or r["filename"],
            filename=r["filename"],
            path=r["path"],
            recipient_key=r["recipient_key"],
            name=r["recipient_name"] or "",
            email=r["recipient_email"],
            site_id=r["site_id"],
            due=r["return_due"],
            status=r["status"],
            delivered=r["delivered"],
            missing=what_is_missing((r["ack"] or {}).get("note") or "") if r["status"] == "incomplete" else "",
        )
        for r in rows
    ]


def _tally(rows: list[ReturnRow], today: date, group: Callable[[ReturnRow], str]) -> list[tuple[str, Counter]]:
    """Per group: total, complete, incomplete, outstanding, overdue."""
    counts: dict[str, Counter] = defaultdict(Counter)
    for r in rows:
        c = counts[group(r)]
        c["total"] += 1
        c[r.status] += 1
        c["overdue"] += r.overdue(today)
    return sorted(counts.items())


def returns_by_site(rows: list[ReturnRow], today: date) -> list[dict]:
    """Expected / received / incomplete / outstanding / overdue per site (counts only)."""
    return [
        {
            "site": site,
            "expected": c["total"],
            "received": c["complete"],
            **{k: c[k] for k in ("incomplete", "outstanding", "overdue")},
        }
        for site, c in _tally(rows, today, lambda r: r.site_id or "district")
    ]


def returns_by_task(rows: list[ReturnRow], today: date) -> list[dict]:
    """Per task, of the documents that went out: sent, complete, incomplete, outstanding, overdue."""
    sent = [r for r in rows if r.delivered]
    return [
        {"task_id": task, "sent": c["total"], **{k: c[k] for k in ("complete", "incomplete", "outstanding", "overdue")}}
        for task, c in _tally(sent, today, lambda r: r.task_id)
    ]


def incomplete_returns(app: App) -> list[dict]:
    """Acknowledgements recorded as incomplete, with the note saying what is missing."""
    with app.unit_of_work() as uow:
        return [a for a in uow.acks.of_year(app.school_year.label) if a["status"] == "incomplete"]
