"""Generators the checklist can name. Each turns one task into render jobs.

The registry is the list the checklist is validated against: a task naming anything else
is an error. Later document families register here.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date

from ..domain.calendar import Month
from ..domain.checklist import Task
from ..domain.documents import RenderJob
from ..domain.letters import Organisation, parent_notification_jobs
from ..domain.records import DistrictData


@dataclass(frozen=True)
class GeneratorInput:
    task: Task
    data: DistrictData
    organisation: Organisation
    school_year: str
    month: Month
    today: date
    languages: Callable[[str], set[str]]  # template name -> languages available
    date_formatter: Callable[[str], Callable[[date], str]]  # language -> formatter


@dataclass
class GeneratorOutput:
    jobs: list[RenderJob] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # counts only, no personal data


def parent_notification(inp: GeneratorInput) -> GeneratorOutput:
    jobs = parent_notification_jobs(
        inp.data,
        inp.organisation,
        task_id=inp.task.id,
        school_year=inp.school_year,
        month_key=inp.month.key,
        letter_date=inp.today,
        available_languages=inp.languages("parent_notification"),
        formatter_for=inp.date_formatter,
    )
    out = GeneratorOutput(jobs)
    without = len(inp.data.students) - len(jobs)
    if without:
        out.notes.append(f"{inp.task.id}: {without} student(s) have no guardian with an email address; no letter")
    fallbacks: dict[str, int] = {}
    for job in jobs:
        if job.note:
            fallbacks[job.note] = fallbacks.get(job.note, 0) + 1
    out.notes.extend(f"{inp.task.id}: {n} letter(s): {note}" for note, n in sorted(fallbacks.items()))
    return out


GENERATORS: dict[str, Callable[[GeneratorInput], GeneratorOutput]] = {
    "parent_notification": parent_notification,
}
