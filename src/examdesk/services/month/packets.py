"""One email per recipient, assembled from the ledger once every document is rendered and checked."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from ...domain.documents import Packet, Recipient, split_by_size
from ...domain.registry import FAMILIES
from ...domain.roles import role_title
from ..app import App
from ..tracking.online import document_links, links
from .plan import MonthPlan

PAGE = 1000  # documents read per short ledger read


@dataclass
class ReadyPacket:
    packet: Packet
    key: str
    subject: str
    body: str
    attachments: list[tuple[str, Path]]  # (filename, path): read at send time
    html: str | None = None


def assemble_packets(plan: MonthPlan) -> Iterator[ReadyPacket]:
    """One email per recipient, streamed from the ledger: every document is already rendered and checked."""
    app = plan.app
    org = app.organisation
    base = {
        "district": {"name": org.name, "code": org.code},
        "coordinator": {"name": org.coordinator_name, "title": org.coordinator_title, "email": org.coordinator_email},
        "month_date": plan.month.first_day,
        "year": plan.month.year,
        "month_key": plan.month.key,
        "school_year": plan.school_year,
    }
    limit = int(app.settings.mail.max_message_mb * 1_000_000)
    route = app.return_route
    maker = links(app)  # personal links (sign, confirm, ask for an exemption), when the district has a secret

    def ready(
        packet: Packet, docs: list[dict], part: tuple[int, int] = (1, 1), whole: list[dict] | None = None
    ) -> ReadyPacket:
        """``whole``: every document of the recipient's packet when this is one part of it."""
        r = packet.recipient
        ctx = dict(base, recipient={"name": r.name, "email": r.email}, part={"number": part[0], "of": part[1]})
        if packet.kind in ("digest", "due_today"):
            # the one who runs examdesk is told how to mark tasks, and is not sent a letter from themselves
            operator = r.email.strip().lower() == org.coordinator_email.strip().lower()
            ctx.update(items=packet.digest, role_title=role_title(r.role), operator=operator, today=plan.today)
            subject, body, html = app.emails.render(packet.kind, r.language, ctx)
        elif packet.kind == "memo" and packet.memo is not None:
            ctx.update(task=packet.memo["task"], facts=packet.memo["facts"], role_title=role_title(r.role))
            subject, body, html = app.emails.render(f"memo_{packet.memo['kind']}", r.language, ctx)
        elif packet.kind == "reports":
            dashboard = app.settings.web.base_url + "/requests"
            ctx.update(reports=packet.reports, dashboard=dashboard)
            subject, body, html = app.emails.render("reports", "en", ctx)
        elif packet.kind == "problems":
            ctx.update(failures=packet.failures)
            subject, body, html = app.emails.render("problems", "en", ctx)
        else:
            fmt = app.date_formatter(r.language)
            urls = document_links(app, docs, maker) if maker else {}
            items: list[dict] = []
            for d in docs:
                item = {
                    "title": d["title"],
                    "filename": d["filename"],
                    "due": fmt(d["return_due"]) if d["return_due"] else "",
                    **dict.fromkeys(("sign_url", "confirm_url", "exemption_url"), ""),
                }
                if d["doc_key"] in urls:
                    purpose, url = urls[d["doc_key"]]
                    item[f"{purpose}_url"] = url  # sign_url, confirm_url or exemption_url
                items.append(item)
            ctx["documents"] = items
            ctx["returning"] = {"to": route.name, "email": route.email}
            # every part of a split packet has the same subject, numbered
            ctx["packet_subject"] = packet_subject(app, whole or docs, r.language, plan.school_year)
            subject, body, html = app.emails.render("packet", r.language, ctx)
        if part[1] > 1:
            subject = f"{subject} ({part[0]}/{part[1]})"
        key = packet.idempotency_key(plan.school_year, plan.month.key, plan.generation)
        return ReadyPacket(packet, key, subject, body, [(d["filename"], Path(d["path"])) for d in docs], html)

    def packets_for(docs: list[dict]) -> Iterator[ReadyPacket]:
        """One message, or numbered parts when the attachments would make it too big."""
        sizes = [encoded_size(Path(d["path"])) for d in docs]
        parts = split_by_size(sizes, limit)
        for number, indexes in enumerate(parts, start=1):
            chosen = [docs[i] for i in indexes]
            yield ready(_documents_packet(chosen), chosen, (number, len(parts)), docs)

    current: list[dict] = []
    for row in run_documents(plan):
        if current and (row["recipient_email"], row["recipient_key"]) != (
            current[0]["recipient_email"],
            current[0]["recipient_key"],
        ):
            yield from packets_for(current)
            current = []
        current.append(row)
    if current:
        yield from packets_for(current)
    for packet in plan.digests:
        yield ready(packet, [])
    if plan.failures:
        yield ready(problems_packet(plan), [])


def problems_packet(plan: MonthPlan) -> Packet:
    """The documents the run could not produce, for the coordinator who runs examdesk."""
    org = plan.app.organisation
    coordinator = Recipient(key="coordinator:problems", name=org.coordinator_name, email=org.coordinator_email)
    return Packet(coordinator, "problems", failures=list(plan.failures))


def packet_subject(app: App, docs: list[dict], language: str, school_year: str) -> str:
    """What the packet is, in the reader's language, from its documents' families (no names);
    "Updated: …" when it carries a new version of a document sent before."""
    subjects = []
    for family_name in dict.fromkeys(d["family"] for d in docs):
        family = FAMILIES.get(family_name)
        if family is not None and family.subject:
            subject = app.catalogues.translate(language, family.subject).format(school_year=school_year)
            if subject not in subjects:
                subjects.append(subject)
    subject = "; ".join(subjects)
    if any((d.get("version") or 1) > 1 for d in docs):
        subject = app.catalogues.translate(language, UPDATED).format(subject=subject or docs[0]["title"])
    return subject


UPDATED = "Updated: {subject}"


def run_documents(plan: MonthPlan) -> Iterator[dict]:
    """The run's documents, recipient by recipient, a page at a time.

    Each page is its own short read, so no read transaction stays open while messages are sent
    and recorded (on SQLite an open reader stops the WAL from being checkpointed).
    """
    after = None
    while True:
        with plan.app.unit_of_work() as uow:
            rows = uow.documents.run_page(plan.run_id, after, PAGE)
        yield from rows
        if len(rows) < PAGE:
            return
        after = uow.documents.order_key(rows[-1])


def encoded_size(path: Path) -> int:
    """Bytes an attachment takes in the message (base64: 4 for every 3, plus line breaks)."""
    return path.stat().st_size * 4 // 3 * 78 // 76 + 300 if path.is_file() else 0


def _documents_packet(rows: list[dict]) -> Packet:
    first = rows[0]
    recipient = Recipient(
        key=first["recipient_key"],
        name=first["recipient_name"] or "",
        email=first["recipient_email"],
        language=first["language"] or "en",
    )
    return Packet(
        recipient, "documents", doc_keys=[r["doc_key"] for r in rows], doc_task_ids=[r["task_id"] for r in rows]
    )


def count_packets(plan: MonthPlan) -> int:
    with plan.app.unit_of_work() as uow:
        return uow.documents.run_recipient_count(plan.run_id) + len(plan.digests) + bool(plan.failures)
