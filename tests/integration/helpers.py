"""Run a month through the services (no Prefect) and read what came out."""

from __future__ import annotations

import email
import io
import re
from datetime import date
from email.policy import default as default_policy
from pathlib import Path

from docx import Document
from sqlalchemy import select

from examdesk.adapters.ledger import LedgerDatabase
from examdesk.adapters.ledger.schema import documents
from examdesk.bootstrap import build_app
from examdesk.domain.calendar import Month, parse_month
from examdesk.domain.documents import document_id
from examdesk.domain.messages import MessageState
from examdesk.services.app import App
from examdesk.services.month.delivery import deliver_month
from examdesk.services.month.documents import batches, render_batch
from examdesk.services.month.plan import prepare_month
from examdesk.services.month.record import finish_month
from examdesk.services.tracking.reminders import send_reminders
from examdesk.services.tracking.tracker import write_tracker
from examdesk.settings import load_settings


def run_month(
    config: Path | None, month: str, *, today: date = date(2027, 1, 20), resend: bool = False, app: App | None = None
) -> dict:
    """The month flow's steps, without Prefect: plan, render, deliver, record, tracker."""
    app = app or build_app(config, "2026-27", today)
    plan = prepare_month(app, parse_month(month, app.school_year), resend)
    rendered = sum(render_batch(plan, batch) for batch in batches(plan))
    outcome = deliver_month(plan)
    summary = finish_month(plan, rendered, outcome)
    summary["tracker"] = str(write_tracker(app, app.today, plan.data))
    return summary


def run_day(app: App, day: date) -> dict:
    """The day flow's steps, without Prefect: the month that holds ``day`` as of that day (what has
    happened and was not sent yet, and who has tasks due today), then the reminders."""
    app.today = day
    if not app.calendar.is_working_day(day):
        return {"skipped": True}
    plan = prepare_month(app, Month(day.year, day.month), day=True)
    rendered = sum(render_batch(plan, batch) for batch in batches(plan))
    summary = finish_month(plan, rendered, deliver_month(plan))
    result, _ = send_reminders(app, day, plan.data)
    summary["reminders_sent"] = result.states[MessageState.SENT]
    return summary


def docx_text(content: bytes) -> str:
    doc = Document(io.BytesIO(content))
    parts = [p.text for p in doc.paragraphs]
    parts += [c.text for t in doc.tables for r in t.rows for c in r.cells]
    parts += [p.text for s in doc.sections for p in s.footer.paragraphs]
    return "\n".join(parts)


def read_outbox(output: Path, month_key: str) -> list[email.message.EmailMessage]:
    return [
        email.message_from_bytes(p.read_bytes(), policy=default_policy)  # type: ignore[misc]
        for p in sorted((output / "outbox" / month_key).glob("*.eml"))
    ]


def attachments(msg) -> list[tuple[str, bytes]]:
    return [(part.get_filename(), part.get_content()) for part in msg.iter_attachments()]


def students_by_document(source: Path | App) -> dict[str, str]:
    """Document id -> the student the document is about, from the ledger (attachment names carry
    the document id, not the student's SSID)."""
    ledger = source.ledger if isinstance(source, App) else LedgerDatabase(load_settings(source).ledger_url)
    with ledger.engine.connect() as connection:
        rows = connection.execute(select(documents.c.doc_key, documents.c.student_ref))
        return {document_id(key): student for key, student in rows if student}


def student_in(filename: str, students: dict[str, str]) -> str:
    """The student an attachment is about, by the document id in its name."""
    found = re.search(r"ED-[0-9A-F]{16}", filename)
    assert found, f"{filename}: no document id in the attachment's name"
    return students[found.group(0)]
