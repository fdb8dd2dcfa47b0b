"""Run one month of the checklist: plan, render, check, assemble, deliver, record.

Each step is a plain function over a MonthPlan so the Prefect flow can call them as tasks
and tests can call them directly.
"""

from __future__ import annotations

import json
from collections import Counter, defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from ..adapters.files import write_atomic
from ..adapters.ledger import FAILED, FAILED_PERMANENT, SENT, UNKNOWN
from ..domain.calendar import Month, parse_month
from ..domain.checklist import MANUAL, REMINDER, PlannedTask, tasks_for_month
from ..domain.documents import DigestItem, Packet, Recipient, RenderJob, staff_recipient
from ..domain.due_rules import Due, DueContext
from ..domain.records import DistrictData
from ..domain.roles import role_title
from .bootstrap import App, local_today
from .data import ValidationReport, load_district
from .delivery import DeliveryResult
from .generators import GENERATORS, GeneratorInput, GeneratorOutput


@dataclass
class MonthPlan:
    app: App
    month: Month
    today: date
    run_id: int
    run_dir: Path
    data: DistrictData
    report: ValidationReport
    planned: list[PlannedTask]
    sources: list[tuple[str, GeneratorOutput]]  # (task id, its generator's output); jobs may be lazy
    digests: list[Packet]
    resend: bool = False
    generation: str = "0"
    already_sent: int = 0  # counted while batching
    produced: Counter = field(default_factory=Counter)  # documents per task, counted while batching
    fallbacks: Counter = field(default_factory=Counter)  # (task id, note) -> letters
    static_notes: list[str] = field(default_factory=list)

    @property
    def school_year(self) -> str:
        return self.app.school_year.label

    def return_due(self, job: RenderJob) -> date | None:
        """When a document that comes back is due: its task's due date, but never sooner than
        tracking.return_working_days working days after it is sent."""
        if not job.comes_back:
            return None
        earliest = self.app.calendar.add_working_days(self.today, self.app.settings.tracking.return_working_days)
        due = next((pt.due.day for pt in self.planned if pt.task.id == job.task_id), None)
        return max(due, earliest) if due else earliest

    def iter_jobs(self) -> Iterator[RenderJob]:
        """Every planned document, in task order, produced as it is consumed."""
        for task_id, out in self.sources:
            for job in out.jobs:
                self.produced[task_id] += 1
                if job.note:
                    self.fallbacks[(task_id, job.note)] += 1
                yield job

    @property
    def notes(self) -> list[str]:
        """Counts only. Complete once the jobs have been consumed."""
        notes = list(self.static_notes)
        for task_id, out in self.sources:
            missing = (out.expected or 0) - self.produced[task_id]
            if out.expected is not None and missing > 0:
                notes.append(f"{task_id}: {missing} student(s) without {out.shortfall}; no letter")
        notes += [f"{task_id}: {n} letter(s): {note}" for (task_id, note), n in sorted(self.fallbacks.items())]
        return notes


def events_for(app: App, data: DistrictData) -> dict[str, date]:
    events = {
        "first_instructional_day": app.year.first_instructional_day,
        "last_instructional_day": app.year.last_instructional_day,
    }
    window = data.district_window()
    if window:
        events["testing_window_start"], events["testing_window_end"] = window
    if data.results:
        events["results_received"] = min(r.received_date for r in data.results)
    events.update(app.year.events)
    return events


def due_context(app: App, data: DistrictData) -> DueContext:
    return DueContext(app.school_year, app.calendar, events_for(app, data))


def format_due(due: Due) -> str:
    if due.day is not None:
        return due.day.isoformat()
    return f"when {due.waiting_for.replace('_', ' ')} is known" if due.waiting_for else "—"


def prepare_month(
    config: str | Path | None,
    month_text: str,
    school_year: str | None = None,
    today: date | None = None,
    resend: bool = False,
) -> MonthPlan:
    """Load and validate, select the month's tasks, plan every document and digest."""
    app = App.load(config, school_year, today)
    _ = app.checklist  # a broken checklist stops here, before anything else
    month = parse_month(month_text, app.school_year)
    today = today or local_today(app.settings)
    data, report = load_district(app.settings, app.school_year)
    run_dir = app.run_dir(month.key)
    report.write_csv(run_dir / "validation-report.csv")
    ledger = app.ledger()
    try:
        run_id = ledger.start_run(app.school_year.label, month.key)
        planned = tasks_for_month(app.checklist, month, due_context(app, data), data.district_window())
        sources: list[tuple[str, GeneratorOutput]] = []
        notes: list[str] = []
        for pt in planned:
            if pt.task.action in GENERATORS:
                out = GENERATORS[pt.task.action](
                    GeneratorInput(
                        task=pt.task,
                        data=data,
                        organisation=app.organisation,
                        school_year=app.school_year.label,
                        month=month,
                        today=today,
                        languages=app.templates.languages,
                        date_formatter=app.date_formatter,
                        signatory=app.signatory,
                        adult_age=app.settings.letters.adult_age,
                        calendar=app.calendar,
                        forms=app.settings.forms,
                    )
                )
                sources.append((pt.task.id, out))
                notes.extend(out.notes)
        digests = build_digests(app, data, planned, month)
        already = 0
        if not resend:
            keys = [k for p in digests for k in p.doc_keys]
            delivered = ledger.delivered_among(app.school_year.label, month.key, keys)
            digests = _without_delivered(digests, delivered)
            already = len(keys) - sum(len(p.doc_keys) for p in digests)
    finally:
        ledger.dispose()
    return MonthPlan(
        app,
        month,
        today,
        run_id,
        run_dir,
        data,
        report,
        planned,
        sources,
        digests,
        resend=resend,
        generation=f"resend-{run_id}" if resend else "0",
        already_sent=already,
        static_notes=notes,
    )


def _without_delivered(digests: list[Packet], delivered: set[str]) -> list[Packet]:
    kept = []
    for p in digests:
        items = [(i, k) for i, k in zip(p.digest, p.doc_keys, strict=True) if k not in delivered]
        if items:
            kept.append(
                Packet(
                    p.recipient,
                    p.kind,
                    digest=[i for i, _ in items],
                    doc_keys=[k for _, k in items],
                    doc_task_ids=[i.task_id for i, _ in items],
                )
            )
    return kept


def staff_recipients(app: App, data: DistrictData, role: str) -> list[Recipient]:
    people = [staff_recipient(s) for s in data.staff_with_role(role)]
    if not people and role in app.settings.contacts:
        c = app.settings.contacts[role]
        people = [Recipient(key=f"contact:{role}", name=c.name, email=c.email, role=role)]
    return people


def build_digests(app: App, data: DistrictData, planned: list[PlannedTask], month: Month) -> list[Packet]:
    """One digest per owner role, sent to each person holding the role."""
    by_role: dict[str, list[PlannedTask]] = defaultdict(list)
    for pt in planned:
        if pt.task.action in (REMINDER, MANUAL):
            by_role[pt.task.owner].append(pt)
    packets = []
    for role, tasks in by_role.items():
        tasks.sort(key=lambda pt: (pt.due.day or date.max, pt.task.id))
        items = [
            DigestItem(
                pt.task.id,
                pt.task.title,
                pt.task.when,
                "ongoing" if pt.task.is_ongoing and pt.due.day is None else format_due(pt.due),
                pt.task.action,
                ", ".join(role_title(r) for r in pt.task.recipients),
            )
            for pt in tasks
        ]
        for person in staff_recipients(app, data, role):
            keys = [f"{month.school_year.label}/{month.key}/{i.task_id}/digest/{person.key}" for i in items]
            packets.append(
                Packet(person, "digest", digest=list(items), doc_keys=keys, doc_task_ids=[i.task_id for i in items])
            )
    return packets


def finish_month(plan: MonthPlan, rendered_count: int, delivery: DeliveryResult) -> dict:
    """Mark generator tasks done when all their documents went out; write summary and tracker."""
    from .status import write_tracker  # the status service reads the ledger the run just wrote

    ledger = plan.app.ledger()
    try:
        for pt in plan.planned:
            if pt.task.is_document_task:
                total, pending = ledger.task_documents(plan.school_year, plan.month.key, pt.task.id)
                if total and not pending:
                    ledger.set_task_status(
                        plan.school_year,
                        pt.task.id,
                        "done",
                        source="run",
                        note=f"{total} document(s) delivered {plan.today.isoformat()}",
                    )
        summary = month_summary(plan, rendered_count, delivery)
        state = (
            "completed"
            if not any(delivery.states[s] for s in (FAILED, FAILED_PERMANENT, UNKNOWN))
            else "completed_with_failures"
        )
        ledger.finish_run(plan.run_id, state, summary)
    finally:
        ledger.dispose()
    summary["tracker"] = str(write_tracker(plan.app, plan.today, plan.data))
    write_atomic(plan.run_dir / "summary.json", json.dumps(summary, indent=2, default=str).encode())
    return summary


def month_summary(plan: MonthPlan, rendered_count: int, delivery: DeliveryResult) -> dict:
    """Counts only: safe for logs, Prefect artifacts and the console."""
    actions = Counter("document" if pt.task.is_document_task else pt.task.action for pt in plan.planned)
    return {
        "school_year": plan.school_year,
        "month": plan.month.key,
        "tasks": len(plan.planned),
        "document_tasks": actions["document"],
        "reminder_tasks": actions[REMINDER],
        "manual_tasks": actions[MANUAL],
        "documents_rendered": rendered_count,
        "documents_already_sent": plan.already_sent,
        "messages_sent": delivery.states[SENT],
        "messages_failed": delivery.states[FAILED],
        "messages_failed_permanent": delivery.states[FAILED_PERMANENT],
        "messages_unknown": delivery.states[UNKNOWN],
        "messages_recovered_unknown": delivery.states["recovered_unknown"],
        "messages_skipped": delivery.states["skipped"],
        "transport": delivery.transport or plan.app.settings.mail.transport,
        "results_received": min((r.received_date for r in plan.data.results), default=None),
        "validation_problems": len(plan.report.problems),
        "rows_rejected": plan.report.rejected,
        "validation_report": str(plan.run_dir / "validation-report.csv"),
        "notes": plan.notes,
        "errors": delivery.errors,
    }
