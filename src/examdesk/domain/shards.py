"""Splitting a month among workers by recipient: everything one person receives (their
documents, digests, memos, reminders) falls in one shard, so each packet is built and sent by
exactly one worker, and the ledger's claims keep it sent once."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass


@dataclass(frozen=True)
class Shard:
    index: int = 0
    of: int = 1

    def __post_init__(self) -> None:
        if not 0 <= self.index < self.of:
            raise ValueError(f"shard {self.index} of {self.of}")

    @property
    def whole(self) -> bool:
        return self.of == 1

    def holds(self, recipient_key: str) -> bool:
        """Whether this shard works for the person with this key (stable across processes and machines)."""
        if self.of == 1:
            return True
        digest = hashlib.blake2b(recipient_key.encode(), digest_size=8).digest()
        return int.from_bytes(digest, "big") % self.of == self.index

    def __str__(self) -> str:
        return f"{self.index + 1} of {self.of}"


WHOLE = Shard()
