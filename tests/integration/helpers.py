"""Run a month through the services (no Prefect) and read what came out."""

from __future__ import annotations

import email
import io
from datetime import date
from email.policy import default as default_policy
from pathlib import Path

from docx import Document

from examdesk.services import delivery, rendering
from examdesk.services import month as svc


def run_month(config: Path, month: str, *, today: date = date(2027, 1, 20), resend: bool = False) -> dict:
    plan = svc.prepare_month(config, month, "2026-27", today, resend)
    rendered = sum(rendering.render_batch(plan, batch) for batch in rendering.batches(plan))
    outcome = delivery.deliver_month(plan)
    return svc.finish_month(plan, rendered, outcome)


def docx_text(content: bytes) -> str:
    doc = Document(io.BytesIO(content))
    parts = [p.text for p in doc.paragraphs]
    parts += [c.text for t in doc.tables for r in t.rows for c in r.cells]
    parts += [p.text for s in doc.sections for p in s.footer.paragraphs]
    return "\n".join(parts)


def read_outbox(output: Path, month_key: str) -> list[email.message.EmailMessage]:
    return [
        email.message_from_bytes(p.read_bytes(), policy=default_policy)
        for p in sorted((output / "outbox" / month_key).glob("*.eml"))
    ]


def attachments(msg) -> list[tuple[str, bytes]]:
    return [(part.get_filename(), part.get_content()) for part in msg.iter_attachments()]
