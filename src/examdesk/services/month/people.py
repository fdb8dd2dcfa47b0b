"""Who holds a role: the staff table, or the district's contact for it."""

from __future__ import annotations

from ...domain.documents import Recipient, staff_recipient
from ...domain.records import DistrictData
from ..app import App


def staff_recipients(app: App, data: DistrictData, role: str) -> list[Recipient]:
    """Everyone holding ``role`` in the staff table; else the district's contact for it."""
    people = [staff_recipient(s) for s in data.staff_with_role(role)]
    if not people and role in app.settings.contacts:
        c = app.settings.contacts[role]
        people = [Recipient(key=f"contact:{role}", name=c.name, email=c.email, role=role)]
    return people
