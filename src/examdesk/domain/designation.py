"""Superintendent designation of the LEA coordinator (seed 003, July and April; due July 1)."""

from __future__ import annotations

from .calendar import Month
from .documents import RenderJob, staff_recipient
from .letters import Organisation
from .records import DistrictData


def designation_jobs(
    data: DistrictData, org: Organisation, *, task_id: str, school_year: str, month: Month
) -> list[RenderJob]:
    """To the superintendent, prefilled with the current coordinator. July designates for the
    year that starts then; April for the next one."""
    superintendent = next(iter(data.staff_with_role("superintendent")), None)
    coordinator = next(iter(data.staff_with_role("district_coordinator")), None)
    if superintendent is None:
        return []
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
    return [
        RenderJob(
            doc_key=f"{school_year}/{month.key}/{task_id}/designation:{for_year}",
            task_id=task_id,
            family="designation_form",
            template="designation_form",
            language="en",
            filename=f"coordinator-designation_{for_year}.pdf",
            title=f"Designation of the LEA coordinator for {for_year} (due July 1): sign and return",
            recipient=staff_recipient(superintendent),
            context=ctx,
            format="pdf",
            comes_back=True,
        )
    ]
