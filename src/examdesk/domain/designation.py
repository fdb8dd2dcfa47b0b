"""Superintendent designation of the LEA coordinator (seed 003, July and April; due July 1)."""

from __future__ import annotations

from .documents import staff_recipient
from .families import FamilyInput, FamilyOutput


def designation_forms(inp: FamilyInput) -> FamilyOutput:
    """To the superintendent, prefilled with the current coordinator. July designates for the
    year that starts then; April for the next one."""
    data, org, school_year, month = inp.data, inp.organisation, inp.school_year, inp.month
    superintendent = next(iter(data.staff_with_role("superintendent")), None)
    coordinator = next(iter(data.staff_with_role("district_coordinator")), None)
    if superintendent is None:
        return FamilyOutput([], [f"{inp.task.id}: no superintendent in the staff table; no designation form"])
    start = int(school_year[:4])
    for_year = school_year if month.month >= 7 else f"{start + 1}-{str(start + 2)[-2:]}"
    ctx = {
        "district": {"name": org.name, "code": org.code},
        "school_year": for_year,
        "superintendent": {"name": superintendent.full_name, "email": superintendent.email},
        "designee": {
            "name": coordinator.full_name if coordinator else org.coordinator_name,
            "title": org.coordinator_title,
            "email": coordinator.email if coordinator else org.coordinator_email,
            "phone": coordinator.phone if coordinator else "",
        },
        "retain_current": month.month < 7,
    }
    job = inp.job(
        f"designation:{for_year}",
        filename=f"coordinator-designation_{for_year}.pdf",
        title=f"Designation of the LEA coordinator for {for_year} (due July 1): sign and return",
        recipient=staff_recipient(superintendent),
        context=ctx,
    )
    return FamilyOutput([job], [f"{inp.task.id}: 1 designation form(s)"])
