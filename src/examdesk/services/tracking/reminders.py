"""Reminders for overdue signed documents: one per person, one digest per site coordinator,
never more than one per ``tracking.reminder_interval_days``."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from ...domain.documents import Packet, Recipient, document_id
from ...domain.records import DistrictData
from ...domain.shards import WHOLE, Shard
from ..app import App
from ..data import load_district
from ..month.delivery import DeliveryResult, SendRun, deliver
from ..month.packets import ReadyPacket
from .online import links
from .returns import ReturnRow, return_rows

REMINDER_TASK = "reminders"  # the task id reminder messages are filed under in the ledger


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


def reminders_due(app: App, today: date) -> ReminderPlan:
    """Who would be reminded today (nothing is sent)."""
    with app.unit_of_work() as uow:
        last_person = uow.messages.last_sent(app.school_year.label, "reminder")
        last_site = uow.messages.last_sent(app.school_year.label, "site_digest")
    return plan_reminders(return_rows(app), today, app.settings.tracking.reminder_interval_days, last_person, last_site)


def send_reminders(
    app: App, today: date, data: DistrictData | None = None, shard: Shard = WHOLE
) -> tuple[DeliveryResult, ReminderPlan]:
    """Send today's reminders. Whoever was reminded (or may have been) within the interval is
    skipped, and the idempotency key holds the day, so running this again (by hand, or in a
    month run) never sends anyone a second reminder inside the interval."""
    app.settings.mail.require_credentials()
    if not app.calendar.is_working_day(today):
        return DeliveryResult(), ReminderPlan()  # nobody is reminded on a weekend, holiday or closure
    plan = reminders_due(app, today)
    if not shard.whole:  # this worker reminds its share of the people and sites
        plan = ReminderPlan(
            {k: v for k, v in plan.people.items() if shard.holds(k)},
            {k: v for k, v in plan.sites.items() if shard.holds(f"site:{k}")},
        )
    school_year = app.school_year.label
    day = today.isoformat()
    org = app.organisation
    route = app.return_route
    base = {
        "district": {"name": org.name},
        "coordinator": {"name": org.coordinator_name, "email": org.coordinator_email},
        "returning": {"to": route.name, "email": route.email},
        "school_year": school_year,
        "today": day,
    }
    fmt = app.date_formatter("en")
    packets: list[ReadyPacket] = []
    maker = links(app)  # each overdue document can be signed online from the reminder
    for recipient_key, overdue in sorted(plan.people.items()):
        first = overdue[0]
        recipient = Recipient(key=recipient_key, name=first.name, email=first.email, site_id=first.site_id)
        items = [dict(_item(r, fmt), sign_url="") for r in overdue]
        if maker is not None:
            for item, r in zip(items, overdue, strict=True):
                item["sign_url"] = maker.url("sign", document_id(r.doc_key), r.email)
        ctx = dict(base, recipient={"name": first.name}, items=items)
        subject, body, html = app.emails.render("reminder", "en", ctx)
        packet = Packet(
            recipient,
            "reminder",
            doc_keys=[f"reminder/{day}/{r.doc_key}" for r in overdue],
            doc_task_ids=[REMINDER_TASK] * len(overdue),
        )
        attachments = [(r.filename, Path(r.path)) for r in overdue if Path(r.path).is_file()]
        key = reminder_key(school_year, "reminder", recipient_key, today)
        packets.append(ReadyPacket(packet, key, subject, body, attachments, html))
    if plan.sites:
        if data is None:  # a month run passes the data it loaded; `examdesk remind` reads it here
            data, _ = load_district(app.settings, app.school_year)
        coordinators = {s.site_id: s for s in data.staff_with_role("site_coordinator") if s.site_id}
        for site_id, outstanding in sorted(plan.sites.items()):
            coordinator = coordinators.get(site_id)
            if coordinator is None:
                continue
            ctx = dict(
                base,
                recipient={"name": coordinator.full_name},
                site={"id": site_id, "name": app.site_name(site_id)},
                items=[dict(_item(r, fmt), person=r.name, email=r.email) for r in outstanding],
            )
            subject, body, html = app.emails.render("reminder_digest", "en", ctx)
            site_recipient = Recipient(
                key=f"site:{site_id}", name=coordinator.full_name, email=coordinator.email, site_id=site_id
            )  # filed under the site: a new coordinator does not restart the interval
            packet = Packet(
                site_recipient, "site_digest", doc_keys=[f"site-digest/{day}/{site_id}"], doc_task_ids=[REMINDER_TASK]
            )
            key = reminder_key(school_year, "site_digest", site_recipient.key, today)
            packets.append(ReadyPacket(packet, key, subject, body, [], html))
    if not packets:
        return DeliveryResult(), plan
    month_key = f"{today.year}-{today.month:02d}"
    with app.unit_of_work() as uow:
        run_id = uow.runs.start(school_year, month_key)
        uow.commit()
    result = deliver(SendRun(app, run_id, school_year, month_key, today), iter(packets), len(packets))
    with app.unit_of_work() as uow:
        summary = {
            "kind": "reminders",
            "people": len(plan.people),
            "site_digests": len(plan.sites),
            **{str(k): v for k, v in result.states.items()},
            "skipped": result.skipped,
        }
        uow.runs.finish(run_id, "completed", summary)
        uow.commit()
    return result, plan


def _item(r: ReturnRow, fmt: Callable[[date], str]) -> dict:
    return {"title": r.title, "due": fmt(r.due), "status": r.status, "filename": r.filename, "missing": r.missing}
