"""Render jobs, recipients and packets: what is produced for whom."""

from __future__ import annotations

import hashlib
import json
import re
import unicodedata
from dataclasses import dataclass, field, replace


@dataclass(frozen=True)
class Recipient:
    key: str  # stable identity, e.g. "guardian:G00012" or "staff:S004"
    name: str
    email: str
    language: str = "en"
    kind: str = "staff"  # staff | guardian
    role: str = ""
    site_id: str | None = None


@dataclass(frozen=True)
class RenderJob:
    """One document for one recipient."""

    doc_key: str  # stable across runs: the same letter for the same person and month
    task_id: str
    family: str  # generator name, e.g. parent_notification
    template: str  # template stem, e.g. parent_notification
    language: str
    filename: str  # safe file name, no personal data
    title: str  # shown in the email body, in the recipient's language
    recipient: Recipient
    context: dict = field(hash=False, compare=False)
    student_id: str | None = None
    note: str | None = None  # e.g. language fallback
    format: str = "docx"  # docx (Word template) | xlsx (workbook builder) | pdf (fillable form) | ics (calendar)
    comes_back: bool = False  # the recipient must return it signed (tracked, reminded when overdue)
    # a digest of what the document states (``facts_digest``): once delivered, a document whose
    # facts change is sent again as a new version. None: it is sent once, whatever changes later.
    facts: str | None = None
    version: int = 1
    base_key: str = ""  # the first version's doc_key (versions are "<base_key>/v<n>")

    @property
    def first_key(self) -> str:
        return self.base_key or self.doc_key

    def as_version(self, number: int, label: str) -> RenderJob:
        """Version ``number`` of this document, labelled (``label``: "version 2, replaces the one
        sent on …", in the reader's language) in its title, its file name and its context."""
        stem, dot, suffix = self.filename.rpartition(".")
        filename = f"{stem}_v{number}.{suffix}" if dot else f"{self.filename}_v{number}"
        return replace(
            self,
            doc_key=f"{self.first_key}/v{number}",
            base_key=self.first_key,
            version=number,
            filename=filename,
            title=f"{self.title} ({label})",
            context={**self.context, "version": {"number": number, "label": label}},
        )


def facts_digest(facts: object) -> str:
    """A stable digest of what a document states (dates, numbers and names as text)."""
    text = json.dumps(facts, sort_keys=True, default=str, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(text.encode()).hexdigest()


@dataclass(frozen=True)
class DigestItem:
    task_id: str
    title: str
    when: str
    due: str
    action: str
    recipients: str
    memo_to: str = ""  # who the task's memo went to (a communication task), for its owner


@dataclass(frozen=True)
class DocumentFailure:
    """A document that could not be produced from its data: listed for the coordinator, planned
    again by the next run (the rest of the run is sent)."""

    doc_key: str
    task_id: str
    family: str
    recipient: str  # who would have received it, "name <email>"
    reason: str

    @classmethod
    def of(cls, job: RenderJob, reason: str) -> DocumentFailure:
        r = job.recipient
        return cls(job.doc_key, job.task_id, job.family, f"{r.name} <{r.email}>", reason)


@dataclass
class Packet:
    """One email for one recipient: every document of the run for that person."""

    recipient: Recipient
    kind: str  # documents | digest | due_today | memo | reports | problems
    digest: list[DigestItem] = field(default_factory=list)
    failures: list[DocumentFailure] = field(default_factory=list)  # problems: what could not be produced
    doc_keys: list[str] = field(default_factory=list)
    doc_task_ids: list[str] = field(default_factory=list)  # the task of each doc_keys entry
    memo: dict | None = None  # memo: {"kind", "task": {"id", "title", "notes"}, "facts"}
    reports: list[dict] = field(default_factory=list)  # reports: one per doc key, what came in from the web

    def idempotency_key(self, school_year: str, month_key: str, generation: str = "0") -> str:
        basis = "|".join(
            [
                school_year,
                month_key,
                self.kind,
                self.recipient.key,
                self.recipient.email.lower(),
                *sorted(self.doc_keys),
                *sorted(f.doc_key for f in self.failures),  # the same problems are reported once
                f"g{generation}",
            ]
        )
        return hashlib.sha256(basis.encode()).hexdigest()[:32]

    @property
    def doc_tasks(self) -> list[tuple[str, str]]:
        """(doc_key, task_id) of every document or digest line in the packet."""
        return list(zip(self.doc_keys, self.doc_task_ids, strict=True))


def split_by_size(sizes: list[int], limit: int) -> list[list[int]]:
    """Indexes of documents grouped into parts of at most ``limit`` bytes each, in order; a
    document bigger than the limit travels alone."""
    parts: list[list[int]] = []
    current: list[int] = []
    total = 0
    for i, size in enumerate(sizes):
        if current and total + size > limit:
            parts.append(current)
            current, total = [], 0
        current.append(i)
        total += size
    if current:
        parts.append(current)
    return parts


def staff_recipient(person, site_id: str | None = None) -> Recipient:
    """A staff member as a recipient (``site_id`` overrides theirs, e.g. the site a summary is about)."""
    return Recipient(
        key=f"staff:{person.staff_id}",
        name=person.full_name,
        email=person.email,
        role=person.role,
        site_id=site_id if site_id is not None else person.site_id,
    )


def safe_filename(text: str, max_length: int = 80) -> str:
    """ASCII, no spaces or path separators: safe as an attachment name on any system."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    cleaned = re.sub(r"[^A-Za-z0-9._-]+", "_", ascii_text).strip("._")
    return (cleaned or "document")[:max_length]


def document_id(doc_key: str) -> str:
    """The id printed (hidden) in a fillable form, so a returned copy finds its document again."""
    return "ED-" + hashlib.sha256(doc_key.encode()).hexdigest()[:16].upper()
