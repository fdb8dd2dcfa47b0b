"""Render a month's documents in batches and check each one before anything is sent."""

from __future__ import annotations

import hashlib
import io
import zipfile
from collections.abc import Iterable, Iterator
from dataclasses import asdict, replace
from pathlib import Path

from lxml import etree

from ...adapters.fastdocx import visible_text
from ...adapters.files import make_private_dir, write_atomic
from ...adapters.invites import calendar_file
from ...adapters.ledger.repositories import DeliveredVersion
from ...adapters.pdfforms import FormError, FormValueError, read_values
from ...adapters.workbook import table_workbook
from ...domain.documents import DocumentFailure, RenderJob, document_id
from ...errors import InputDataError, TemplateError
from ...progress import track
from ..app import App
from .plan import MonthPlan

BATCH_SIZE = 200


class RenderingFailed(TemplateError):
    """A template or form that every document of its kind needs is broken: the run stops before
    anything is sent."""


class DocumentFailed(InputDataError):
    """One document could not be produced from its data, or failed its check: listed for the
    coordinator and planned again by the next run; the rest of the run goes on."""


def batches(plan: MonthPlan, size: int = BATCH_SIZE) -> Iterator[list[RenderJob]]:
    """The month's documents in batches of ``size``, produced lazily, without the ones already sent,
    unless what one states has changed since: then its next version, labelled as such."""
    for chunk in _chunks(plan.iter_jobs(), size):
        if not plan.resend:
            with plan.app.unit_of_work() as uow:
                delivered = uow.documents.delivered_among(plan.school_year, [j.doc_key for j in chunk])
                followed = [j for j in chunk if j.doc_key in delivered and j.facts is not None]
                latest = uow.documents.latest_delivered(plan.school_year, [j.doc_key for j in followed])
            renewed = [
                next_version(plan.app, j, latest[j.doc_key])
                for j in followed
                if j.doc_key in latest and latest[j.doc_key].facts_sha256 not in (None, j.facts)
            ]
            plan.already_sent += len(delivered) - len(renewed)
            chunk = [j for j in chunk if j.doc_key not in delivered] + renewed
        if chunk:
            yield chunk


def render_next_batch(plan: MonthPlan) -> int | None:
    """Render the month's next batch of documents; ``None`` once none are left. A task that calls
    this is given the plan only: the batch's documents never pass through task parameters (Prefect
    keeps a task's parameters as long as the flow runs, which would keep every letter's data)."""
    if plan.pending_batches is None:
        plan.pending_batches = batches(plan)
    batch = next(plan.pending_batches, None)
    return None if batch is None else render_batch(plan, batch)


VERSION_LABEL = "version {number}, replaces the one sent on {date}"


def next_version(app: App, job: RenderJob, sent: DeliveredVersion) -> RenderJob:
    """The version after the one delivered, labelled in the reader's language."""
    sent_on = app.date_formatter(job.language)(sent.sent_on) if sent.sent_on else "?"
    label = app.catalogues.translate(job.language, VERSION_LABEL).format(number=sent.version + 1, date=sent_on)
    return job.as_version(sent.version + 1, label)


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

    A document that cannot be produced from its data is recorded as a failure (the ledger, the
    run's failures.csv, the coordinator's problems email) and the others go on. Nothing of the
    batch stays in memory afterwards: packets are assembled from the ledger.
    """
    rows, failures = [], []
    folders: dict[str, Path] = {}
    for job in track(jobs, f"rendering {len(jobs)} document(s)"):
        if job.family not in folders:
            folders[job.family] = make_private_dir(plan.run_dir / "documents" / job.family)
        folder = folders[job.family]
        notes: list[str] = []
        try:
            content = render_document(plan.app, job, plan.returning(job), notes)
        except DocumentFailed as exc:
            failures.append(DocumentFailure.of(job, str(exc)))
            continue
        plan.rendered[job.task_id] += 1
        for note in notes:
            plan.fitted[(job.task_id, note.split(": ", 1)[-1].split(", got")[0])] += 1
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
                "base_key": job.base_key or None,
                "version": job.version,
                "facts_sha256": job.facts,
                "doc_id": document_id(job.doc_key),
                "recipient_role": r.role or None,
            }
        )
    with plan.app.unit_of_work() as uow:
        uow.documents.record(plan.run_id, rows)
        uow.failures.record(plan.run_id, plan.school_year, plan.month.key, [asdict(f) for f in failures])
        uow.commit()
    plan.failures += failures
    return len(rows)


def render_document(app: App, job: RenderJob, returning: dict | None = None, notes: list[str] | None = None) -> bytes:
    """One document, by its output's format, checked before it may be sent. ``returning``: where
    and by when it (or the document it goes with) must come back signed. ``notes``: values fitted
    into a form (longer than a field's /MaxLen, drawn smaller).

    A broken template or form raises RenderingFailed (every document of its kind would fail);
    anything else that goes wrong is this document's problem: DocumentFailed."""
    if returning is not None:
        job = replace(job, context={**job.context, "returning": returning})
    try:
        if job.format == "pdf":
            app.forms.form(job.template)  # compiled once; a broken form or field map stops the run
        elif job.format == "docx":
            template = app.templates.load(job.template, job.language)
    except TemplateError as exc:
        raise RenderingFailed(f"task {job.task_id}: {exc}") from None
    try:
        if job.format == "ics":
            return calendar_file(job.context["events"], app.settings.organisation.time_zone, job.context["name"])
        if job.format == "pdf":
            content = app.forms.render(
                job.template, job.context, document_id(job.doc_key), f"task {job.task_id}", notes
            )
            check_pdf(content, job.filename)
        elif job.format == "xlsx":
            content = table_workbook(job.context)
            check_xlsx(content, job.filename)
        else:
            content, body = template.render_with_body(job.context)
            check_docx(content, job.filename, template.tags, body)
    except (DocumentFailed, FormValueError) as exc:
        raise DocumentFailed(str(exc)) from None
    except TemplateError as exc:  # the template itself (an undefined variable...): every document would fail
        raise RenderingFailed(f"task {job.task_id}: {exc}") from None
    except Exception as exc:  # this document's data broke something: the others go on
        raise DocumentFailed(f"{job.filename}: {type(exc).__name__}: {exc}") from exc
    return content


def check_pdf(content: bytes, name: str) -> None:
    try:
        fields = read_values(content, name)
    except FormError as exc:
        raise DocumentFailed(f"{name}: not a valid filled form ({exc})") from None
    if not fields:
        raise DocumentFailed(f"{name}: the filled form has no fields")


def check_xlsx(content: bytes, name: str) -> None:
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as zf:
            etree.fromstring(zf.read("xl/workbook.xml"))
    except (zipfile.BadZipFile, KeyError, etree.XMLSyntaxError) as exc:
        raise DocumentFailed(f"{name}: not a valid workbook ({exc})") from None


def check_docx(content: bytes, name: str, template_tags: Iterable[str] = (), body: bytes | None = None) -> None:
    """A document is sent only if it is a well-formed Word file in which none of its template's own
    tags is left (a value may contain "{{" or "{%": that is the family's data, not a tag).
    ``body``: the body's XML as the renderer wrote it (the finished file is then not reopened)."""
    xml = body
    if xml is None:
        try:
            with zipfile.ZipFile(io.BytesIO(content)) as zf:
                xml = zf.read("word/document.xml")
        except (zipfile.BadZipFile, KeyError) as exc:
            raise DocumentFailed(f"{name}: not a valid Word document ({exc})") from None
    try:
        if b"{" not in xml and b" method" not in xml:  # no tag and no method can be in its text
            etree.fromstring(xml)  # well-formed is all that is left to know
            return
        text = visible_text(xml)
    except etree.XMLSyntaxError as exc:
        raise DocumentFailed(f"{name}: broken document XML ({exc})") from None
    left = sorted(tag for tag in template_tags if tag in text)
    if left:
        raise DocumentFailed(f"{name}: template tag(s) left in the document: {', '.join(left[:3])}")
    if "<built-in method" in text or "<bound method" in text:
        raise DocumentFailed(f"{name}: a variable printed a method instead of a value")
