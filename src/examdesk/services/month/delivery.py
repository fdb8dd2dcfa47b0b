"""Deliver packets exactly once: record each message, claim it, send it, record the outcome."""

from __future__ import annotations

import threading
import time
from collections import Counter
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import date
from functools import partial

from ...adapters.ledger import IN_MEMORY
from ...adapters.mail import Attachment, OutgoingMail, Transport, compose
from ...domain.messages import NEEDS_ATTENTION, MessageState
from ...errors import DeliveryError
from ...progress import track
from ..app import App
from .packets import ReadyPacket, assemble_packets, count_packets
from .plan import MonthPlan


@dataclass
class DeliveryResult:
    states: Counter[MessageState] = field(default_factory=Counter)  # final state of each message sent by this run
    skipped: int = 0  # sent already, or another run holds it
    recovered_unknown: int = 0  # left 'sending' by a process that died, now unknown
    transport: str = ""
    errors: list[str] = field(default_factory=list)  # no addresses, no names

    @property
    def needs_attention(self) -> int:
        return sum(self.states[s] for s in NEEDS_ATTENTION) + self.recovered_unknown


@dataclass(frozen=True)
class SendRun:
    """What the send loop needs to know about the run it sends for."""

    app: App
    run_id: int
    school_year: str
    month_key: str
    today: date


class Throttle:
    """At most ``per_minute`` sends a minute (0: no limit), spaced evenly, over every connection."""

    def __init__(self, per_minute: int, clock: Callable[[], float] = time.monotonic, sleep=time.sleep):
        self.interval = 60.0 / per_minute if per_minute else 0.0
        self.clock, self.sleep = clock, sleep
        self.next_slot = 0.0
        self._lock = threading.Lock()

    def wait(self) -> None:
        if not self.interval:
            return
        with self._lock:  # each connection takes the next free slot
            now = self.clock()
            slot = max(now, self.next_slot)
            self.next_slot = slot + self.interval
        if slot > now:
            self.sleep(slot - now)


def with_retries(
    action: Callable[[], None], *, attempts: int, backoff: float, sleep: Callable[[float], None] = time.sleep
) -> None:
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
            sleep(backoff * 2 ** (attempt - 1))


def _throttled_send(throttle: Throttle, transport: Transport, message, to: str) -> None:
    throttle.wait()
    transport.send(message, to)


def outcome_state(exc: DeliveryError) -> MessageState:
    if exc.maybe_delivered:
        return MessageState.UNKNOWN  # the server may have it: never resent automatically
    return MessageState.FAILED if exc.temporary else MessageState.FAILED_PERMANENT


def deliver(run: SendRun, packets: Iterable[ReadyPacket], total: int) -> DeliveryResult:
    """Send each packet once. Packets are consumed one at a time, so memory does not grow with
    the number of recipients. A claim is committed before its message goes out. With
    ``mail.connections`` above 1, that many connections send at once, each taking the next
    packet; the claims keep every message to one of them."""
    app = run.app
    mail = app.settings.mail
    result = DeliveryResult()
    if not total:
        return result
    with app.unit_of_work() as uow:
        result.recovered_unknown = uow.messages.recover_abandoned(
            run.school_year, run.month_key, mail.abandoned_after_minutes
        )
        uow.commit()
    source = _Shared(iter(track(packets, f"sending {total} message(s)", total=total)))
    throttle = Throttle(mail.max_per_minute)
    # an in-memory ledger (tests) is one connection shared by all: one sender then
    connections = 1 if app.ledger.url == IN_MEMORY else min(mail.connections, total)
    if connections == 1:
        parts = [_send_loop(run, source, throttle)]
    else:
        with ThreadPoolExecutor(connections, thread_name_prefix="examdesk-smtp") as pool:
            parts = list(pool.map(lambda _: _send_loop(run, source, throttle), range(connections)))
    for part in parts:
        result.states.update(part.states)
        result.skipped += part.skipped
        result.errors += part.errors
        result.transport = result.transport or part.transport
    return result


class _Shared:
    """One iterator that several connections take packets from, one at a time."""

    def __init__(self, items):
        self._items = items
        self._lock = threading.Lock()

    def __iter__(self):
        return self

    def __next__(self):
        with self._lock:
            return next(self._items)


def _send_loop(run: SendRun, packets: _Shared, throttle: Throttle) -> DeliveryResult:
    """One connection's share: claim, send and record packets until there are none left."""
    app = run.app
    mail = app.settings.mail
    result = DeliveryResult()
    transport = app.transport(run.month_key)
    result.transport = transport.name
    domain = mail.sender.split("@", 1)[1]
    retrying = partial(with_retries, attempts=mail.max_attempts, backoff=mail.retry_backoff_seconds)
    connection_error: DeliveryError | None = None
    opened = False
    # what happened to the message just sent is recorded in the same transaction as the next
    # claim: one commit per message. A process killed between the two leaves that message
    # 'sending', which the next run calls unknown (it may have arrived), as it should.
    outcome: list[tuple[str, MessageState, str | None]] = []
    with app.unit_of_work() as uow:
        try:
            for rp in packets:
                recipient = rp.packet.recipient
                _record(uow, result, outcome, transport.name)
                claimed = uow.messages.ensure_and_claim(
                    key=rp.key,
                    run_id=run.run_id,
                    school_year=run.school_year,
                    month=run.month_key,
                    kind=rp.packet.kind,
                    recipient_key=recipient.key,
                    recipient_email=recipient.email,
                    recipient_name=recipient.name,
                    subject=rp.subject,
                    attachments=[n for n, _ in rp.attachments],
                    message_id=f"{rp.key}@{domain}",
                    doc_keys=rp.packet.doc_tasks,
                    as_of=run.today,
                )
                uow.commit()  # the claim is durable before anything goes out
                if not claimed:
                    result.skipped += 1
                    continue
                if connection_error is not None:  # the server is unreachable: do not knock again per message
                    outcome.append((rp.key, MessageState.FAILED, str(connection_error)))
                    continue
                try:
                    if not opened:
                        retrying(transport.open)
                        opened = True
                    message = compose(
                        OutgoingMail(
                            to_name=recipient.name,
                            to_email=recipient.email,
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
                    retrying(partial(_throttled_send, throttle, transport, message, recipient.email))
                except DeliveryError as exc:
                    state = outcome_state(exc)
                    outcome.append((rp.key, state, str(exc)))
                    if exc.connection_failed:
                        connection_error = exc
                        result.errors.append(f"{exc}; the remaining messages stay failed for the next run")
                    else:
                        result.errors.append(f"{rp.packet.kind} message {rp.key[:12]} {state}: {exc}")
                    continue
                outcome.append((rp.key, MessageState.SENT, None))
        finally:
            _record(uow, result, outcome, transport.name)
            uow.commit()
            transport.close()
    return result


def _record(uow, result: DeliveryResult, outcome: list, transport: str) -> None:
    """Write the outcomes waiting to be recorded (committed with what follows them)."""
    for key, state, error in outcome:
        uow.messages.mark(key, state, transport=transport, error=error)
        result.states[state] += 1
    outcome.clear()


def deliver_month(plan: MonthPlan) -> DeliveryResult:
    """Assemble (streamed from the ledger) and deliver every packet of the run."""
    run = SendRun(plan.app, plan.run_id, plan.school_year, plan.month.key, plan.today)
    return deliver(run, assemble_packets(plan), count_packets(plan))
