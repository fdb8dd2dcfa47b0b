"""Personal links in emails, and what a link leads to.

Every email carrying a document that comes back signed also carries a link to sign it online;
a timetable carries one to confirm it; a parent notification one to ask for an exemption. A
link works only for its document and its person, until ``web.link_valid_days`` after it was
sent, and only when the district has set ``EXAMDESK_WEB__SECRET``.
"""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass
from pathlib import Path

from docx import Document
from pypdf import PdfReader

from ...adapters.links import LinkClaims, LinkRefused, Links, person_digest
from ...domain.documents import document_id
from ...domain.families import DocumentFamily
from ...domain.registry import FAMILIES
from ..app import App

__all__ = ["LinkRefused", "LinkedDocument", "document_links", "links", "open_link"]


def links(app: App) -> Links | None:
    """The district's link maker, or None when no secret is set (emails then carry no links)."""
    web = app.settings.web
    if not web.has_secret or web.secret is None:
        return None
    return Links(web.secret.get_secret_value(), web.base_url, web.link_valid_days)


def link_purpose(family: DocumentFamily | None, row: dict) -> str | None:
    """What a document's link is for: signing what comes back, confirming a timetable, asking for
    an exemption (None: no link)."""
    if family is None:
        return None
    if row.get("return_due") is not None:  # only what comes back signed has a return date
        return "sign"
    return family.offers or None


def document_links(app: App, rows: list[dict], maker: Links | None = None) -> dict[str, tuple[str, str]]:
    """doc_key -> (what for, the personal link) for each document of an email that offers one."""
    maker = maker or links(app)
    if maker is None:
        return {}
    out = {}
    for row in rows:
        purpose = link_purpose(FAMILIES.get(row["family"]), row)
        if purpose is not None:
            out[row["doc_key"]] = (purpose, maker.url(purpose, document_id(row["doc_key"]), row["recipient_email"]))
    return out


@dataclass
class LinkedDocument:
    """The document a valid link leads to, as the ledger recorded it when it was sent."""

    row: dict  # its ledger row (the latest rendering), with its run's school year and month
    family: DocumentFamily
    claims: LinkClaims

    @property
    def doc_key(self) -> str:
        return str(self.row["doc_key"])

    @property
    def school_year(self) -> str:
        return str(self.row["school_year"])


def open_link(app: App, purpose: str, doc_id: str, token: str) -> LinkedDocument:
    """The document behind a link, or LinkRefused (tampered, expired, another document or person)."""
    maker = links(app)
    if maker is None:
        raise LinkRefused("no-secret")
    claims = maker.verify(purpose, doc_id, token)
    with app.unit_of_work() as uow:
        row = uow.documents.by_doc_id(doc_id)
    family = FAMILIES.get(row["family"]) if row else None
    if row is None or family is None or person_digest(row["recipient_email"]) != claims.person:
        raise LinkRefused("other-document")
    if link_purpose(family, row) != purpose:
        raise LinkRefused("other-document")
    return LinkedDocument(row, family, claims)


def document_text(app: App, linked: LinkedDocument) -> list[str]:
    """What the person reads before they sign or confirm: the text of the Word document that went
    with it (an agreement's sections for their role), else of the document itself, paragraph by
    paragraph."""
    row = linked.row
    with app.unit_of_work() as uow:
        siblings = uow.documents.siblings(row["run_id"], row["recipient_key"], row["task_id"])
    words = [s for s in siblings if str(s["path"]).endswith(".docx")]
    source = words[0] if words else row
    return file_text(Path(source["path"]))


def file_text(path: Path) -> list[str]:
    """Paragraphs of a .docx (table rows joined by ' · ') or of a PDF's pages; [] if unreadable."""
    try:
        data = path.read_bytes()
        if path.suffix == ".docx":
            doc = Document(io.BytesIO(data))
            lines = [p.text for p in doc.paragraphs]
            for table in doc.tables:
                lines += [" · ".join(dict.fromkeys(c.text for c in r.cells if c.text)) for r in table.rows]
            return [line for line in lines if line.strip()]
        if path.suffix == ".pdf":
            reader = PdfReader(io.BytesIO(data))
            return [line for page in reader.pages for line in (page.extract_text() or "").splitlines() if line.strip()]
    except (OSError, ValueError, KeyError, zipfile.BadZipFile):
        return []
    return []
