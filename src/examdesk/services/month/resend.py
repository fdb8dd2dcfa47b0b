"""Deliberate resends: a coordinator's decision, recorded in the ledger before the month runs again."""

from __future__ import annotations

from dataclasses import dataclass, field

from ...domain.messages import MessageState
from ...errors import ConfigurationError
from ..app import App


@dataclass
class Released:
    months: set[str] = field(default_factory=set)  # months to run again
    messages: list[tuple[str, str, str]] = field(default_factory=list)  # (key, earlier state, month)


def release(app: App, prefixes: list[str], failed: bool) -> Released:
    """Make the named messages (by key or its start) claimable again; with ``failed``, also
    name the months holding failed messages. Nothing is released unless every name is found."""
    released = Released()
    with app.unit_of_work() as uow:
        for prefix in prefixes:
            found = uow.messages.find(prefix)
            if len(found) != 1:
                problem = "no such message" if not found else "more than one message starts so"
                raise ConfigurationError(f"message {prefix!r}: {problem}")
            row = found[0]
            if row["state"] == MessageState.SENDING:
                raise ConfigurationError(f"message {prefix!r} is being sent right now; try again when that run ends")
            uow.messages.release_for_resend(row["idempotency_key"])
            released.messages.append((row["idempotency_key"], row["state"], row["month"]))
            released.months.add(row["month"])
        if failed:
            released.months.update(uow.messages.months_with(app.school_year.label, [MessageState.FAILED]))
        uow.commit()
    return released
