"""Who sends: the district (or centre) and who signs its letters."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Organisation:
    name: str
    code: str
    coordinator_name: str
    coordinator_email: str
    coordinator_title: str = "District Test Coordinator"


@dataclass(frozen=True)
class Signatory:
    name: str
    title: str
