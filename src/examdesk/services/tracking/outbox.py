"""What the ledger says about each message: counts per month and state, and the messages to look at."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from ...domain.messages import MessageState
from ...errors import ConfigurationError
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


def confirm_delivered(app: App, key: str, by: str) -> None:
    """A coordinator checked with the recipient that a message whose fate was unknown arrived."""
    with app.unit_of_work() as uow:
        state = uow.messages.state_of(key)
        if state is None:
            raise ConfigurationError("no such message")
        if state is not MessageState.UNKNOWN:
            raise ConfigurationError(f"this message is {state.value}, not unknown")
        uow.messages.mark(key, MessageState.SENT, error=f"confirmed delivered by {by}")
        uow.commit()


def needing_attention(app: App) -> list[dict]:
    """Messages of the year that failed, were refused or may not have arrived."""
    wanted = {MessageState.FAILED, MessageState.FAILED_PERMANENT, MessageState.UNKNOWN}
    return outbox_report(app, wanted).listed
