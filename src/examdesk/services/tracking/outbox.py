"""What the ledger says about each message: counts per month and state, and the messages to look at."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from ...domain.messages import MessageState
from ..app import App


@dataclass
class OutboxReport:
    counts: dict[str, Counter[str]]  # month -> state -> messages
    listed: list[dict]  # the messages in the wanted states


def outbox_report(app: App, wanted: set[MessageState], month: str | None = None) -> OutboxReport:
    counts: dict[str, Counter[str]] = {}
    listed = []
    with app.unit_of_work() as uow:
        for m in uow.messages.of_year(app.school_year.label, month):
            counts.setdefault(m["month"], Counter())[m["state"]] += 1
            if m["state"] in wanted:
                listed.append(m)
    return OutboxReport(counts, listed)
