"""The memos of a month: each communication task tells the people it names what it is about,
with the facts the district's data holds (``domain.memos``)."""

from __future__ import annotations

from ...domain.calendar import Month
from ...domain.checklist import PlannedTask
from ...domain.documents import Packet
from ...domain.due_rules import NoDue
from ...domain.families import doc_key
from ...domain.languages import LANGUAGES
from ...domain.memos import MEMOS, Deadline, MemoInput
from ...domain.records import DistrictData
from ...domain.roles import role_title
from ..app import App
from .people import staff_recipients

RESULT_LETTERS = "result_letter"


def build_memos(app: App, data: DistrictData, planned: list[PlannedTask], month: Month) -> list[Packet]:
    """One memo per communication task and person it names: once in the school year (an ongoing
    or 'during testing' task included), or each month for a kind that changes monthly."""
    tasks = [pt for pt in planned if pt.task.sends_memo]
    if not tasks:
        return []
    year = app.tasks_of_year(data)

    def deadlines(role: str, site: str | None) -> list[Deadline]:
        return [
            Deadline(
                pt.task.id,
                pt.task.title,
                app.due_at_site(data, pt, None, site),
                every_testing_day=pt.task.phase == "during" and isinstance(pt.task.due, NoDue),
            )
            for pt in year.values()
            if pt.task.owner == role
        ]

    results_due = next((pt.due.day for pt in year.values() if pt.task.action == RESULT_LETTERS), None)
    languages = sorted(app.templates.languages(RESULT_LETTERS) or {"en"})
    down = [(d.name, d.start, d.end or d.start) for d in app.year.downtimes]
    packets = []
    for pt in tasks:
        kind = MEMOS[pt.task.memo]
        when = month.key if kind.every_month else "year"
        for role in pt.task.recipients:
            for person in staff_recipients(app, data, role):
                facts = kind.facts(
                    MemoInput(
                        task=pt.task,
                        recipient=person,
                        data=data,
                        month=month,
                        today=app.today,
                        calendar=app.calendar,
                        format_date=app.date_formatter(person.language),
                        downtimes=down,
                        deadlines=deadlines,
                        results_due=results_due,
                        letter_languages=[
                            app.catalogues.translate(person.language, LANGUAGES.get(c, c)) for c in languages
                        ],
                    )
                )
                memo = {
                    "kind": kind.name,
                    "task": {"id": pt.task.id, "title": pt.task.title, "notes": pt.task.notes},
                    "facts": facts,
                }
                key = doc_key(app.school_year.label, when, pt.task.id, "memo", person.key)
                packets.append(Packet(person, "memo", doc_keys=[key], doc_task_ids=[pt.task.id], memo=memo))
    return packets


def memo_recipients(planned: list[Packet], sending: list[Packet]) -> dict[str, str]:
    """task id -> who its memo goes to in this run, for the owner's digest ("sent earlier this
    school year" when everyone had it already)."""
    names: dict[str, dict[str, list[str]]] = {}
    for p in sending:
        task_id = p.doc_task_ids[0]
        names.setdefault(task_id, {}).setdefault(p.recipient.role, []).append(p.recipient.name)
    out = {}
    for task_id in dict.fromkeys(p.doc_task_ids[0] for p in planned):
        if task_id not in names:
            out[task_id] = "everyone it names, earlier this school year"
            continue
        parts = []
        for role, people in names[task_id].items():
            title = role_title(role).lower()
            title += "s" if len(people) > 1 and not title.endswith("s") else ""
            parts.append(f"{', '.join(people)} ({title})" if len(people) <= 4 else f"{len(people)} people ({title})")
        out[task_id] = "; ".join(parts)
    return out
