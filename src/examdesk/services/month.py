"""Run one month of the checklist: plan, render, check, assemble, deliver, record.

Each step is a plain function over a MonthPlan so the Prefect flow can call them as tasks
and tests can call them directly.
"""

from __future__ import annotations

import hashlib
import json
import logging
import zipfile
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from lxml import etree

from ..adapters.docx import TemplateRenderError
from ..adapters.ledger import FAILED, SENT, UNKNOWN, Ledger
from ..adapters.mail import Attachment, DeliveryError, OutgoingMail, compose
from ..domain.calendar import Month, parse_month
from ..domain.checklist import MANUAL, REMINDER, PlannedTask, tasks_for_month
from ..domain.documents import DigestItem, Packet, Recipient, RenderJob, group_into_packets
from ..domain.due_rules import Due, DueContext
from ..domain.records import DistrictData
from ..domain.roles import role_title
from ..progress import track
from .bootstrap import App, local_today
from .data import ValidationReport, load_district
from .emails import EmailTemplates
from .generators import GENERATORS, GeneratorInput

log = logging.getLogger("examdesk")
BATCH_SIZE = 200


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
    jobs: list[RenderJob]
    digests: list[Packet]
    already_sent: int = 0
    notes: list[str] = field(default_factory=list)
    generation: str = "0"

    @property
    def school_year(self) -> str:
        return self.app.school_year.label


@dataclass(frozen=True)
class RenderedDoc:
    job: RenderJob
    path: Path
    sha256: str
    size: int


@dataclass
class DeliveryResult:
    states: Counter = field(default_factory=Counter)  # sent / failed / unknown / skipped
    transport: str = ""
    errors: list[str] = field(default_factory=list)  # no addresses, no names


class RenderingFailed(RuntimeError):
    pass


def events_for(app: App, data: DistrictData) -> dict[str, date]:
    events = {"first_instructional_day": app.year.first_instructional_day,
              "last_instructional_day": app.year.last_instructional_day}
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


def prepare_month(config: str | Path | None, month_text: str, school_year: str | None = None,
                  today: date | None = None, resend: bool = False) -> MonthPlan:
    """Load and validate, select the month's tasks, plan every document and digest."""
    app = App.load(config, school_year, today)
    _ = app.checklist  # a broken checklist stops here, before anything else
    month = parse_month(month_text, app.school_year)
    today = today or local_today(app.settings)
    data, report = load_district(app.settings)
    run_dir = app.run_dir(month.key)
    report.write_csv(run_dir / "validation-report.csv")
    ledger = app.ledger()
    try:
        run_id = ledger.start_run(app.school_year.label, month.key)
        planned = tasks_for_month(app.checklist, month, due_context(app, data), data.district_window())
        notes: list[str] = []
        jobs: list[RenderJob] = []
        for pt in planned:
            if pt.task.action in GENERATORS:
                out = GENERATORS[pt.task.action](GeneratorInput(
                    task=pt.task, data=data, organisation=app.organisation, school_year=app.school_year.label,
                    month=month, today=today, languages=app.templates.languages, date_formatter=app.date_formatter))
                jobs.extend(out.jobs)
                notes.extend(out.notes)
        digests = build_digests(app, data, planned, month)
        generation = "0"
        already = 0
        if resend:
            generation = f"resend-{run_id}"
        else:
            delivered = ledger.delivered_doc_keys(app.school_year.label, month.key)
            before = len(jobs) + sum(len(p.doc_keys) for p in digests)
            jobs = [j for j in jobs if j.doc_key not in delivered]
            digests = _without_delivered(digests, delivered)
            already = before - len(jobs) - sum(len(p.doc_keys) for p in digests)
    finally:
        ledger.dispose()
    return MonthPlan(app, month, today, run_id, run_dir, data, report, planned, jobs, digests, already, notes,
                     generation)


def _without_delivered(digests: list[Packet], delivered: set[str]) -> list[Packet]:
    kept = []
    for p in digests:
        items = [(i, k) for i, k in zip(p.digest, p.doc_keys) if k not in delivered]
        if items:
            kept.append(Packet(p.recipient, p.kind, digest=[i for i, _ in items], doc_keys=[k for _, k in items]))
    return kept


def staff_recipients(app: App, data: DistrictData, role: str) -> list[Recipient]:
    people = [Recipient(key=f"staff:{s.staff_id}", name=s.full_name, email=s.email, role=role, site_id=s.site_id)
              for s in data.staff_with_role(role)]
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
        items = [DigestItem(pt.task.id, pt.task.title, pt.task.when,
                            "ongoing" if pt.task.is_ongoing and pt.due.day is None else format_due(pt.due), pt.task.action,
                            ", ".join(role_title(r) for r in pt.task.recipients)) for pt in tasks]
        for person in staff_recipients(app, data, role):
            keys = [f"{month.school_year.label}/{month.key}/{i.task_id}/digest/{person.key}" for i in items]
            packets.append(Packet(person, "digest", digest=list(items), doc_keys=keys))
    return packets


def batches(jobs: list[RenderJob], size: int = BATCH_SIZE) -> list[list[RenderJob]]:
    return [jobs[i:i + size] for i in range(0, len(jobs), size)]


def render_batch(plan: MonthPlan, jobs: list[RenderJob]) -> list[RenderedDoc]:
    """Render and check one batch; files go to the run folder, private to the user."""
    out: list[RenderedDoc] = []
    for job in track(jobs, f"rendering {len(jobs)} document(s)"):
        folder = plan.run_dir / "documents" / job.family
        folder.mkdir(parents=True, exist_ok=True, mode=0o700)
        try:
            content = plan.app.templates.render(job.template, job.language, job.context)
        except TemplateRenderError as exc:
            raise RenderingFailed(f"task {job.task_id}: {exc}") from None
        check_docx(content, job.filename)
        path = folder / job.filename
        path.write_bytes(content)
        out.append(RenderedDoc(job, path, hashlib.sha256(content).hexdigest(), len(content)))
    return out


def check_docx(content: bytes, name: str) -> None:
    """A document is sent only if it is a well-formed Word file with no template tags left."""
    import io
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as zf:
            xml = zf.read("word/document.xml")
    except (zipfile.BadZipFile, KeyError) as exc:
        raise RenderingFailed(f"{name}: not a valid Word document ({exc})") from None
    try:
        root = etree.fromstring(xml)
    except etree.XMLSyntaxError as exc:
        raise RenderingFailed(f"{name}: broken document XML ({exc})") from None
    text = "".join(root.itertext())
    if "{{" in text or "{%" in text:
        raise RenderingFailed(f"{name}: template tags left in the document")


def record_documents(plan: MonthPlan, rendered: list[RenderedDoc]) -> None:
    ledger = plan.app.ledger()
    try:
        ledger.record_documents(plan.run_id, [{
            "doc_key": r.job.doc_key, "task_id": r.job.task_id, "family": r.job.family,
            "recipient_key": r.job.recipient.key, "recipient_email": r.job.recipient.email,
            "student_ref": r.job.student_id, "language": r.job.language, "path": str(r.path), "sha256": r.sha256,
        } for r in rendered])
    finally:
        ledger.dispose()


@dataclass
class ReadyPacket:
    packet: Packet
    key: str
    subject: str
    body: str
    attachments: list[tuple[str, Path]]  # (filename, path): read at send time


def assemble_packets(plan: MonthPlan, rendered: list[RenderedDoc]) -> list[ReadyPacket]:
    """One email per recipient; every document must already be rendered and checked."""
    by_key = {r.job.doc_key: r for r in rendered}
    missing = [j.doc_key for j in plan.jobs if j.doc_key not in by_key]
    if missing:
        raise RenderingFailed(f"{len(missing)} planned document(s) were not rendered; nothing was sent")
    templates = EmailTemplates(plan.app.email_templates_dir)
    org = plan.app.organisation
    base = {"district": {"name": org.name, "code": org.code},
            "coordinator": {"name": org.coordinator_name, "title": org.coordinator_title,
                            "email": org.coordinator_email},
            "month_date": plan.month.first_day, "year": plan.month.year, "month_key": plan.month.key,
            "school_year": plan.school_year}
    ready: list[ReadyPacket] = []
    for packet in group_into_packets(plan.jobs) + plan.digests:
        r = packet.recipient
        ctx = dict(base, recipient={"name": r.name, "email": r.email})
        if packet.kind == "digest":
            ctx.update(items=packet.digest, role_title=role_title(r.role))
            subject, body = templates.render("digest", r.language, ctx)
            attachments = []
        else:
            docs = [by_key[j.doc_key] for j in packet.jobs]
            ctx["documents"] = [{"title": d.job.title, "filename": d.job.filename} for d in docs]
            subject, body = templates.render("packet", r.language, ctx)
            attachments = [(d.job.filename, d.path) for d in docs]
        key = packet.idempotency_key(plan.school_year, plan.month.key, plan.generation)
        ready.append(ReadyPacket(packet, key, subject, body, attachments))
    return ready


def deliver(plan: MonthPlan, packets: list[ReadyPacket]) -> DeliveryResult:
    """Send each packet once: claim in the ledger, send, record the outcome."""
    app = plan.app
    result = DeliveryResult()
    if not packets:
        return result
    ledger = app.ledger()
    transport = app.transport(app.private_dir("outbox", plan.month.key))
    result.transport = transport.name
    domain = app.settings.mail.sender.split("@", 1)[1]
    try:
        for rp in packets:
            doc_keys = list(zip(rp.packet.doc_keys, [j.task_id for j in rp.packet.jobs] + [d.task_id for d in rp.packet.digest]))
            ledger.ensure_message(key=rp.key, run_id=plan.run_id, school_year=plan.school_year, month=plan.month.key,
                                  kind=rp.packet.kind, recipient_key=rp.packet.recipient.key,
                                  recipient_email=rp.packet.recipient.email,
                                  recipient_name=rp.packet.recipient.name, subject=rp.subject,
                                  attachments=[n for n, _ in rp.attachments], message_id=f"{rp.key}@{domain}",
                                  doc_keys=doc_keys)
        connection_error: DeliveryError | None = None
        opened = False
        for rp in track(packets, f"sending {len(packets)} message(s) via {transport.name}"):
            if not ledger.claim(rp.key):
                result.states["skipped"] += 1  # sent already, or another run holds it
                continue
            if connection_error is not None:  # the server is unreachable: do not knock again per message
                ledger.mark(rp.key, FAILED, transport=transport.name, error=str(connection_error))
                result.states[FAILED] += 1
                continue
            try:
                if not opened:
                    transport.open()
                    opened = True
                message = compose(OutgoingMail(
                    to_name=rp.packet.recipient.name, to_email=rp.packet.recipient.email, subject=rp.subject,
                    text=rp.body, html=None, message_id=f"{rp.key}@{domain}", idempotency_key=rp.key,
                    attachments=tuple(Attachment(name, path.read_bytes()) for name, path in rp.attachments)),
                    sender=app.settings.mail.sender, sender_name=app.settings.mail.sender_name,
                    reply_to=app.settings.mail.reply_to)
                transport.send(message, rp.packet.recipient.email)
            except DeliveryError as exc:
                state = UNKNOWN if exc.maybe_delivered else FAILED
                ledger.mark(rp.key, state, transport=transport.name, error=str(exc))
                result.states[state] += 1
                if exc.connection_failed:
                    connection_error = exc
                    result.errors.append(f"{exc}; the remaining messages stay failed for the next run")
                else:
                    result.errors.append(f"{rp.packet.kind} message {rp.key[:12]}: {exc}")
                continue
            ledger.mark(rp.key, SENT, transport=transport.name)
            result.states[SENT] += 1
    finally:
        transport.close()
        ledger.dispose()
    return result


def finish_month(plan: MonthPlan, rendered_count: int, delivery: DeliveryResult) -> dict:
    """Mark generator tasks done when all their documents went out; write summary and tracker."""
    from .status import write_tracker  # the status service reads the ledger the run just wrote

    ledger = plan.app.ledger()
    try:
        delivered = ledger.delivered_doc_keys(plan.school_year, plan.month.key)
        for pt in plan.planned:
            if pt.task.is_document_task:
                keys = [j.doc_key for j in plan.jobs if j.task_id == pt.task.id]
                if keys and all(k in delivered for k in keys):
                    ledger.set_task_status(plan.school_year, pt.task.id, "done", source="run",
                                           note=f"{len(keys)} document(s) delivered {plan.today.isoformat()}")
        summary = month_summary(plan, rendered_count, delivery)
        state = "completed" if not delivery.states[FAILED] and not delivery.states[UNKNOWN] else "completed_with_failures"
        ledger.finish_run(plan.run_id, state, summary)
    finally:
        ledger.dispose()
    summary["tracker"] = str(write_tracker(plan.app, plan.today, plan.data))
    (plan.run_dir / "summary.json").write_text(json.dumps(summary, indent=2, default=str), encoding="utf-8")
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
        "messages_unknown": delivery.states[UNKNOWN],
        "messages_skipped": delivery.states["skipped"],
        "transport": delivery.transport or plan.app.settings.mail.transport,
        "validation_problems": len(plan.report.problems),
        "rows_rejected": plan.report.rejected,
        "validation_report": str(plan.run_dir / "validation-report.csv"),
        "notes": plan.notes,
        "errors": delivery.errors,
    }
