"""Assemble one email per recipient and deliver it exactly once, recording each outcome."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from ..adapters.ledger import FAILED, SENT, UNKNOWN
from ..adapters.mail import Attachment, DeliveryError, OutgoingMail, compose
from ..domain.documents import Packet, group_into_packets
from ..domain.roles import role_title
from ..progress import track
from .emails import EmailTemplates
from .rendering import RenderedDoc, RenderingFailed

if TYPE_CHECKING:
    from .month import MonthPlan


@dataclass
class DeliveryResult:
    states: Counter = field(default_factory=Counter)  # sent / failed / unknown / skipped
    transport: str = ""
    errors: list[str] = field(default_factory=list)  # no addresses, no names


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
    base = {
        "district": {"name": org.name, "code": org.code},
        "coordinator": {"name": org.coordinator_name, "title": org.coordinator_title, "email": org.coordinator_email},
        "month_date": plan.month.first_day,
        "year": plan.month.year,
        "month_key": plan.month.key,
        "school_year": plan.school_year,
    }
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
            ledger.ensure_message(
                key=rp.key,
                run_id=plan.run_id,
                school_year=plan.school_year,
                month=plan.month.key,
                kind=rp.packet.kind,
                recipient_key=rp.packet.recipient.key,
                recipient_email=rp.packet.recipient.email,
                recipient_name=rp.packet.recipient.name,
                subject=rp.subject,
                attachments=[n for n, _ in rp.attachments],
                message_id=f"{rp.key}@{domain}",
                doc_keys=rp.packet.doc_tasks,
            )
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
                message = compose(
                    OutgoingMail(
                        to_name=rp.packet.recipient.name,
                        to_email=rp.packet.recipient.email,
                        subject=rp.subject,
                        text=rp.body,
                        html=None,
                        message_id=f"{rp.key}@{domain}",
                        idempotency_key=rp.key,
                        attachments=tuple(Attachment(name, path.read_bytes()) for name, path in rp.attachments),
                    ),
                    sender=app.settings.mail.sender,
                    sender_name=app.settings.mail.sender_name,
                    reply_to=app.settings.mail.reply_to,
                )
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
