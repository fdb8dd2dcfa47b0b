"""Render a month's documents in batches and check each one before anything is sent."""

from __future__ import annotations

import hashlib
import io
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from lxml import etree

from ..adapters.docx import TemplateRenderError
from ..adapters.workbook import WORKBOOKS
from ..domain.documents import RenderJob
from ..progress import track

if TYPE_CHECKING:
    from .month import MonthPlan

BATCH_SIZE = 200


class RenderingFailed(RuntimeError):
    pass


@dataclass(frozen=True)
class RenderedDoc:
    job: RenderJob
    path: Path
    sha256: str
    size: int


def batches(jobs: list[RenderJob], size: int = BATCH_SIZE) -> list[list[RenderJob]]:
    return [jobs[i : i + size] for i in range(0, len(jobs), size)]


def render_batch(plan: MonthPlan, jobs: list[RenderJob]) -> list[RenderedDoc]:
    """Render and check one batch; files go to the run folder, private to the user."""
    out: list[RenderedDoc] = []
    for job in track(jobs, f"rendering {len(jobs)} document(s)"):
        folder = plan.run_dir / "documents" / job.family
        folder.mkdir(parents=True, exist_ok=True, mode=0o700)
        content = render_one(plan, job)
        path = folder / job.filename
        path.write_bytes(content)
        out.append(RenderedDoc(job, path, hashlib.sha256(content).hexdigest(), len(content)))
    return out


def render_one(plan: MonthPlan, job: RenderJob) -> bytes:
    if job.format == "xlsx":
        content = WORKBOOKS[job.template](job.context)
        check_xlsx(content, job.filename)
        return content
    try:
        content = plan.app.templates.render(job.template, job.language, job.context)
    except TemplateRenderError as exc:
        raise RenderingFailed(f"task {job.task_id}: {exc}") from None
    check_docx(content, job.filename)
    return content


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


def record_documents(plan: MonthPlan, rendered: list[RenderedDoc]) -> None:
    ledger = plan.app.ledger()
    try:
        ledger.record_documents(
            plan.run_id,
            [
                {
                    "doc_key": r.job.doc_key,
                    "task_id": r.job.task_id,
                    "family": r.job.family,
                    "recipient_key": r.job.recipient.key,
                    "recipient_email": r.job.recipient.email,
                    "student_ref": r.job.student_id,
                    "language": r.job.language,
                    "path": str(r.path),
                    "sha256": r.sha256,
                }
                for r in rendered
            ],
        )
    finally:
        ledger.dispose()
