"""Completion tracking: what must come back, what did, what is overdue; reminders when it is late."""

from __future__ import annotations

import hashlib
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from ..domain.calendar import Month
from ..domain.documents import Packet, Recipient
from ..domain.records import DistrictData
from .bootstrap import App
from .delivery import DeliveryResult, DeliveryRun, ReadyPacket, deliver
from .emails import EmailTemplates

REMINDER_TASK = "reminders"  # the task id reminder messages are filed under in the ledger


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

    def overdue(self, today: date) -> bool:
        return self.delivered and self.status != "complete" and self.due < today


def return_rows(app: App) -> list[ReturnRow]:
    ledger = app.ledger()
    try:
        rows = ledger.expected_returns(app.school_year.label)
    finally:
        ledger.dispose()
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
        )
        for r in rows
    ]


def _tally(rows: list[ReturnRow], today: date, group) -> list[tuple[str, Counter]]:
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


def reminder_key(school_year: str, kind: str, recipient_key: str, day: date) -> str:
    """One reminder of a kind per person per day, whoever runs it (the interval is checked before)."""
    return hashlib.sha256(f"{school_year}|{kind}|{recipient_key}|{day.isoformat()}".encode()).hexdigest()[:32]


def due_again(last: date | None, today: date, interval_days: int) -> bool:
    return last is None or (today - last).days >= interval_days


@dataclass
class ReminderPlan:
    """The reminders due today: one per person with overdue returns, one digest per site coordinator."""

    people: dict[str, list[ReturnRow]] = field(default_factory=dict)  # recipient key -> their overdue rows
    sites: dict[str, list[ReturnRow]] = field(default_factory=dict)  # site id -> outstanding rows there


def plan_reminders(
    rows: list[ReturnRow],
    today: date,
    interval_days: int,
    last_person: dict[str, date],
    last_site: dict[str, date],
) -> ReminderPlan:
    """Who gets a reminder today: overdue people not reminded within the interval, and the
    coordinator of each site with overdue staff, under the same rule."""
    plan = ReminderPlan()
    for r in rows:
        if not r.overdue(today):
            continue
        if due_again(last_person.get(r.recipient_key), today, interval_days):
            plan.people.setdefault(r.recipient_key, []).append(r)
        site = r.site_id
        if site and due_again(last_site.get(f"site:{site}"), today, interval_days):
            plan.sites.setdefault(site, []).append(r)
    return plan


def send_reminders(app: App, today: date, data: DistrictData | None = None) -> tuple[DeliveryResult, ReminderPlan]:
    """Send today's reminders. Whoever was reminded (or may have been) within the interval is
    skipped, and the idempotency key holds the day, so running this again (by hand, or in a
    month run) never sends anyone a second reminder inside the interval."""
    rows = return_rows(app)
    school_year = app.school_year.label
    ledger = app.ledger()
    try:
        last_person = ledger.last_sent(school_year, "reminder")
        last_site = ledger.last_sent(school_year, "site_digest")
    finally:
        ledger.dispose()
    plan = plan_reminders(rows, today, app.settings.tracking.reminder_interval_days, last_person, last_site)
    month = Month(today.year, today.month)
    day = today.isoformat()
    templates = EmailTemplates(app.email_templates_dir)
    org = app.organisation
    base = {
        "district": {"name": org.name},
        "coordinator": {"name": org.coordinator_name, "email": org.coordinator_email},
        "school_year": school_year,
        "today": today.isoformat(),
    }
    packets: list[ReadyPacket] = []
    for recipient_key, overdue in sorted(plan.people.items()):
        first = overdue[0]
        recipient = Recipient(key=recipient_key, name=first.name, email=first.email, site_id=first.site_id)
        ctx = dict(base, recipient={"name": first.name}, items=[_item(r) for r in overdue])
        subject, body, html = templates.render("reminder", "en", ctx)
        packet = Packet(
            recipient,
            "reminder",
            doc_keys=[f"reminder/{day}/{r.doc_key}" for r in overdue],
            doc_task_ids=[REMINDER_TASK] * len(overdue),
        )
        attachments = [(r.filename, Path(r.path)) for r in overdue if Path(r.path).is_file()]
        key = reminder_key(school_year, "reminder", recipient_key, today)
        packets.append(ReadyPacket(packet, key, subject, body, attachments, html))
    coordinators = {r.site_id: r for r in _site_coordinators(app, data) if r.site_id}
    for site_id, outstanding in sorted(plan.sites.items()):
        coordinator = coordinators.get(site_id)
        if coordinator is None:
            continue
        ctx = dict(
            base,
            recipient={"name": coordinator.name},
            site={"id": site_id, "name": _site_name(app, site_id)},
            items=[dict(_item(r), person=r.name, email=r.email) for r in outstanding],
        )
        subject, body, html = templates.render("reminder_digest", "en", ctx)
        site_recipient = Recipient(
            key=f"site:{site_id}", name=coordinator.name, email=coordinator.email, site_id=site_id
        )  # filed under the site: a new coordinator does not restart the interval
        packet = Packet(
            site_recipient,
            "site_digest",
            doc_keys=[f"site-digest/{day}/{site_id}"],
            doc_task_ids=[REMINDER_TASK],
        )
        key = reminder_key(school_year, "site_digest", site_recipient.key, today)
        packets.append(ReadyPacket(packet, key, subject, body, [], html))
    if not packets:
        return DeliveryResult(), plan
    ledger = app.ledger()
    try:
        run_id = ledger.start_run(school_year, month.key)
    finally:
        ledger.dispose()
    result = deliver(DeliveryRun(app, run_id, school_year, month, today), iter(packets), len(packets))
    ledger = app.ledger()
    try:
        summary = {
            "kind": "reminders",
            "people": len(plan.people),
            "site_digests": len(plan.sites),
            **{k: v for k, v in result.states.items()},
        }
        ledger.finish_run(run_id, "completed", summary)
    finally:
        ledger.dispose()
    return result, plan


def _item(r: ReturnRow) -> dict:
    return {"title": r.title, "due": r.due.isoformat(), "status": r.status, "filename": r.filename}


def _site_coordinators(app: App, data: DistrictData | None) -> list[Recipient]:
    if data is None:  # a month run passes the data it loaded; `examdesk remind` reads it here
        from .data import load_district

        data, _ = load_district(app.settings, app.school_year)
    return [
        Recipient(key=f"staff:{s.staff_id}", name=s.full_name, email=s.email, role=s.role, site_id=s.site_id)
        for s in data.staff_with_role("site_coordinator")
    ]


def _site_name(app: App, site_id: str) -> str:
    return next((s.name for s in app.settings.sites if s.id == site_id), site_id)
