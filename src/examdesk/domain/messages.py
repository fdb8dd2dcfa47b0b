"""The states of a message in the ledger, and how status, tracker and artifacts group them.

    pending -> sending -> sent | failed | failed_permanent | unknown
    failed -> sending (retried by the next run)

Every state belongs to exactly one status column, so no message can fall out of a count.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from enum import StrEnum


class MessageState(StrEnum):
    PENDING = "pending"  # recorded, not yet claimed
    SENDING = "sending"  # claimed by a run that is sending it now
    SENT = "sent"
    FAILED = "failed"  # a temporary failure: the next run tries again
    FAILED_PERMANENT = "failed_permanent"  # refused for good (5xx): never retried by a rerun
    UNKNOWN = "unknown"  # the link dropped after the data went out: may have arrived, never resent by itself

    @property
    def column(self) -> str:
        """The status column this state is counted in."""
        return STATUS_COLUMN[self]


# Never sent again without a deliberate resend: it went out, may have, or is going out now.
DELIVERED = frozenset({MessageState.SENT, MessageState.UNKNOWN, MessageState.SENDING})
# The recipient has it, or may have it: what completion tracking counts as received by them.
REACHED = frozenset({MessageState.SENT, MessageState.UNKNOWN})
# A run may claim these and send them.
CLAIMABLE = frozenset({MessageState.PENDING, MessageState.FAILED})
# A coordinator must look at these (a run with any of them ends with exit code 1).
NEEDS_ATTENTION = frozenset({MessageState.FAILED, MessageState.FAILED_PERMANENT, MessageState.UNKNOWN})

STATUS_COLUMNS = ("sent", "failed", "unknown", "pending")
STATUS_COLUMN: dict[MessageState, str] = {
    MessageState.SENT: "sent",
    MessageState.FAILED: "failed",
    MessageState.FAILED_PERMANENT: "failed",
    MessageState.UNKNOWN: "unknown",
    MessageState.PENDING: "pending",
    MessageState.SENDING: "pending",
}


def status_counts(by_state: Mapping[str, int]) -> dict[str, int]:
    """Message counts by state -> counts by status column (every state lands in one column)."""
    counts = dict.fromkeys(STATUS_COLUMNS, 0)
    for state, n in by_state.items():
        counts[MessageState(state).column] += n
    return counts


def states(names: Iterable[str]) -> list[MessageState]:
    """Parse state names given by a person; unknown ones raise ValueError naming them."""
    wanted, unknown = [], []
    for name in names:
        try:
            wanted.append(MessageState(name))
        except ValueError:
            unknown.append(name)
    if unknown:
        raise ValueError(f"unknown state(s) {', '.join(unknown)}; known: {', '.join(MessageState)}")
    return wanted
