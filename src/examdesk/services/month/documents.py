"""Render a month's documents in batches and check each one before anything is sent."""

from __future__ import annotations

import hashlib
import io
import zipfile
from collections.abc import Iterable, Iterator
from dataclasses import replace
from pathlib import Path

from lxml import etree

from ...adapters.files import make_private_dir, write_atomic
from ...adapters.invites import calendar_file
from ...adapters.pdfforms import FormError, read_values
from ...adapters.workbook import table_workbook
from ...domain.documents import RenderJob, document_id
from ...errors import TemplateError
from ...progress import track
from ..app import App
from .plan import MonthPlan

BATCH_SIZE = 200


class RenderingFailed(TemplateError):
    """A document could not be produced or failed its check; nothing of the run is sent."""


def batches(plan: MonthPlan, size: int = BATCH_SIZE) -> Iterator[list[RenderJob]]:
    """The month's documents in batches of ``size``, produced lazily, without the ones already sent."""
    for chunk in _chunks(plan.iter_jobs(), size):
        if not plan.resend:
            with plan.app.unit_of_work() as uow:
                delivered = uow.documents.delivered_among(plan.school_year, plan.month.key, [j.doc_key for j in chunk])
            plan.already_sent += len(delivered)
            chunk = [j for j in chunk if j.doc_key not in delivered]
        if chunk:
            yield chunk


def _chunks(items: Iterable[RenderJob], size: int) -> Iterator[list[RenderJob]]:
    chunk: list[RenderJob] = []
    for item in items:
        chunk.append(item)
        if len(chunk) == size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def render_batch(plan: MonthPlan, jobs: list[RenderJob]) -> int:
    """Render, check and record one batch; files go to the run folder, private to the user.

    Nothing of the batch stays in memory afterwards: packets are assembled from the ledger.
    """
    rows = []
    for job in track(jobs, f"rendering {len(jobs)} document(s)"):
        folder = make_private_dir(plan.run_dir / "documents" / job.family)
        content = render_document(plan.app, job, plan.returning(job))
        # stored under the document's own id: two recipients' documents may share an attachment name
        path = folder / (document_id(job.doc_key) + Path(job.filename).suffix)
        write_atomic(path, content)  # another run of the month may be reading it
        r = job.recipient
        rows.append(
            {
                "doc_key": job.doc_key,
                "task_id": job.task_id,
                "family": job.family,
                "recipient_key": r.key,
                "recipient_email": r.email,
                "recipient_name": r.name,
                "title": job.title,
                "filename": job.filename,
                "student_ref": job.student_id,
                "language": job.language,
                "path": str(path),
                "sha256": hashlib.sha256(content).hexdigest(),
                "return_due": plan.return_due(job),
                "site_id": r.site_id,
            }
        )
    with plan.app.unit_of_work() as uow:
        uow.documents.record(plan.run_id, rows)
        uow.commit()
    return len(rows)


def render_document(app: App, job: RenderJob, returning: dict | None = None) -> bytes:
    """One document, by its output's format, checked before it may be sent. ``returning``: where
    and by when it (or the document it goes with) must come back signed."""
    if returning is not None:
        job = replace(job, context={**job.context, "returning": returning})
    try:
        if job.format == "ics":
            return calendar_file(job.context["events"], app.settings.organisation.time_zone, job.context["name"])
        if job.format == "pdf":
            content = app.forms.render(job.template, job.context, document_id(job.doc_key), f"task {job.task_id}")
            check_pdf(content, job.filename)
        elif job.format == "xlsx":
            content = table_workbook(job.context)
            check_xlsx(content, job.filename)
        else:
            content = app.templates.render(job.template, job.language, job.context)
            check_docx(content, job.filename)
    except RenderingFailed:
        raise
    except TemplateError as exc:
        raise RenderingFailed(f"task {job.task_id}: {exc}") from None
    return content


def check_pdf(content: bytes, name: str) -> None:
    try:
        fields = read_values(content, name)
    except FormError as exc:
        raise RenderingFailed(f"{name}: not a valid filled form ({exc})") from None
    if not fields:
        raise RenderingFailed(f"{name}: the filled form has no fields")


def check_xlsx(content: bytes, name: str) -> None:
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as zf:
            etree.fromstring(zf.read("xl/workbook.xml"))
    except (zipfile.BadZipFile, KeyError, etree.XMLSyntaxError) as exc:
        raise RenderingFailed(f"{name}: not a valid workbook ({exc})") from None


def check_docx(content: bytes, name: str) -> None:
    """A document is sent only if it is a well-formed Word file with no template tags left."""
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
    if "<built-in method" in text or "<bound method" in text:
        raise RenderingFailed(f"{name}: a variable printed a method instead of a value")
