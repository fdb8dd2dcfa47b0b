"""Where and by when a signed document goes back: one route, named the same way in the document,
its email, the reminders and the site coordinators' digests."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date


@dataclass(frozen=True)
class ReturnRoute:
    """The person who collects signed documents, reached by email."""

    name: str
    email: str
    title: str = ""

    def context(self, due: date, format_date: Callable[[date], str]) -> dict:
        """What a template needs to say "return it signed by DUE to NAME (EMAIL)"."""
        return {"due": format_date(due), "date": due, "to": self.name, "email": self.email, "title": self.title}
