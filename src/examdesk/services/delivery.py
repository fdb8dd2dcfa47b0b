"""Assemble one email per recipient and deliver it exactly once, recording each outcome."""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING

from ..adapters.ledger import FAILED, FAILED_PERMANENT, SENT, UNKNOWN
from ..adapters.mail import Attachment, DeliveryError, OutgoingMail, compose
from ..domain.calendar import Month
from ..domain.documents import Packet, Recipient, split_by_size
from ..domain.roles import role_title
from ..progress import track
from .emails import EmailTemplates

if TYPE_CHECKING:
    from .bootstrap import App
    from .month import MonthPlan


@dataclass
class DeliveryResult:
    states: Counter = field(default_factory=Counter)  # sent / failed / unknown / skipped
    transport: str = ""
    errors: list[str] = field(default_factory=list)  # no addresses, no names


@dataclass
class DeliveryRun:
    """What the send loop needs to know about a run that is not a month run."""

    app: App
    run_id: int
    school_year: str
    month: Month
    today: date


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

    limit = int(plan.app.settings.mail.max_message_mb * 1_000_000)

    def ready(packet: Packet, docs: list, part: tuple[int, int] = (1, 1)) -> ReadyPacket:
        r = packet.recipient
        ctx = dict(base, recipient={"name": r.name, "email": r.email}, part={"number": part[0], "of": part[1]})
        if packet.kind == "digest":
            ctx.update(items=packet.digest, role_title=role_title(r.role))
            subject, body, html = templates.render("digest", r.language, ctx)
        else:
            ctx["documents"] = [{"title": d["title"], "filename": d["filename"]} for d in docs]
            subject, body, html = templates.render("packet", r.language, ctx)
        if part[1] > 1:
            subject = f"{subject} ({part[0]}/{part[1]})"
        key = packet.idempotency_key(plan.school_year, plan.month.key, plan.generation)
        return ReadyPacket(packet, key, subject, body, [(d["filename"], Path(d["path"])) for d in docs], html)

    def packets_for(docs: list) -> Iterator[ReadyPacket]:
        """One message, or numbered parts when the attachments would make it too big."""
        sizes = [encoded_size(Path(d["path"])) for d in docs]
        parts = split_by_size(sizes, limit)
        for number, indexes in enumerate(parts, start=1):
            chosen = [docs[i] for i in indexes]
            yield ready(_documents_packet(chosen), chosen, (number, len(parts)))

    ledger = plan.app.ledger()
    try:
        current: list = []
        for row in ledger.run_documents(plan.run_id):
            if current and (row["recipient_email"], row["recipient_key"]) != (
                current[0]["recipient_email"],
                current[0]["recipient_key"],
            ):
                yield from packets_for(current)
                current = []
            current.append(dict(row))
        if current:
            yield from packets_for(current)
    finally:
        ledger.dispose()
    for packet in plan.digests:
        yield ready(packet, [])


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
    ledger = plan.app.ledger()
    try:
        return ledger.run_recipient_count(plan.run_id) + len(plan.digests)
    finally:
        ledger.dispose()


class Throttle:
    """At most ``per_minute`` sends a minute (0: no limit), spaced evenly."""

    def __init__(self, per_minute: int, clock=time.monotonic, sleep=time.sleep):
        self.interval = 60.0 / per_minute if per_minute else 0.0
        self.clock, self.sleep = clock, sleep
        self.next_slot = 0.0

    def wait(self) -> None:
        if not self.interval:
            return
        now = self.clock()
        if now < self.next_slot:
            self.sleep(self.next_slot - now)
            now = self.next_slot
        self.next_slot = now + self.interval


def with_retries(action, *, attempts: int, backoff: float) -> None:
    """Temporary failures (4xx, a link dropped before the server took the message, a server that
    does not answer) are retried with exponential backoff; the transport reconnects by itself.
    The last error is raised."""
    for attempt in range(1, attempts + 1):
        try:
            action()
            return
        except DeliveryError as exc:
            if exc.maybe_delivered or not exc.temporary or attempt == attempts:
                raise
            time.sleep(backoff * 2 ** (attempt - 1))


def _throttled_send(throttle: Throttle, transport, message, to: str) -> None:
    throttle.wait()
    transport.send(message, to)


def outcome_state(exc: DeliveryError) -> str:
    if exc.maybe_delivered:
        return UNKNOWN  # the server may have it: never resent automatically
    return FAILED if exc.temporary else FAILED_PERMANENT


def deliver(plan: MonthPlan | DeliveryRun, packets: Iterable[ReadyPacket], total: int) -> DeliveryResult:
    """Send each packet once: record it as pending, claim it, send it, record the outcome.

    Packets are consumed one at a time, so memory does not grow with the number of recipients.
    """
    app = plan.app
    mail = app.settings.mail
    result = DeliveryResult()
    if not total:
        return result
    ledger = app.ledger()
    transport = app.transport(app.private_dir("outbox", plan.month.key))
    result.transport = transport.name
    domain = mail.sender.split("@", 1)[1]
    throttle = Throttle(mail.max_per_minute)
    result.states["recovered_unknown"] = ledger.recover_abandoned(
        plan.school_year, plan.month.key, mail.abandoned_after_minutes
    )
    try:
        connection_error: DeliveryError | None = None
        opened = False
        for rp in track(packets, f"sending {total} message(s) via {transport.name}", total=total):
            claimed = ledger.ensure_and_claim(
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
                as_of=plan.today,
            )
            if not claimed:
                result.states["skipped"] += 1  # sent already, or another run holds it
                continue
            if connection_error is not None:  # the server is unreachable: do not knock again per message
                ledger.mark(rp.key, FAILED, transport=transport.name, error=str(connection_error))
                result.states[FAILED] += 1
                continue
            retrying = {"attempts": mail.max_attempts, "backoff": mail.retry_backoff_seconds}
            try:
                if not opened:
                    with_retries(transport.open, **retrying)
                    opened = True
                message = compose(
                    OutgoingMail(
                        to_name=rp.packet.recipient.name,
                        to_email=rp.packet.recipient.email,
                        subject=rp.subject,
                        text=rp.body,
                        html=rp.html,
                        message_id=f"{rp.key}@{domain}",
                        idempotency_key=rp.key,
                        attachments=tuple(Attachment(name, path.read_bytes()) for name, path in rp.attachments),
                    ),
                    sender=mail.sender,
                    sender_name=mail.sender_name,
                    reply_to=mail.reply_to,
                )
                send = partial(_throttled_send, throttle, transport, message, rp.packet.recipient.email)
                with_retries(send, **retrying)
            except DeliveryError as exc:
                state = outcome_state(exc)
                ledger.mark(rp.key, state, transport=transport.name, error=str(exc))
                result.states[state] += 1
                if exc.connection_failed:
                    connection_error = exc
                    result.errors.append(f"{exc}; the remaining messages stay failed for the next run")
                else:
                    result.errors.append(f"{rp.packet.kind} message {rp.key[:12]} {state}: {exc}")
                continue
            ledger.mark(rp.key, SENT, transport=transport.name)
            result.states[SENT] += 1
    finally:
        transport.close()
        ledger.dispose()
    return result


def deliver_month(plan: MonthPlan) -> DeliveryResult:
    """Assemble (streamed from the ledger) and deliver every packet of the run."""
    return deliver(plan, assemble_packets(plan), count_packets(plan))
