"""Generators the checklist can name. Each turns one task into render jobs.

The registry is the list the checklist is validated against: a task naming anything else
is an error.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date

from ..domain.calendar import Month, WorkingCalendar
from ..domain.certification import post_test_certification_jobs
from ..domain.checklist import Task
from ..domain.custody import chain_of_custody_jobs, materials_report_jobs, reconciliation_jobs
from ..domain.designation import designation_jobs
from ..domain.documents import RenderJob, staff_recipient
from ..domain.incidents import irregularity_report_jobs
from ..domain.letters import Organisation, parent_notification_jobs
from ..domain.paper_exams import paper_exam_request_jobs
from ..domain.records import DistrictData
from ..domain.results import Signatory, result_letter_jobs
from ..domain.rosters import site_student_list_jobs
from ..domain.security import security_agreement_jobs
from ..domain.timetables import candidate_timetable_jobs, clash_report_context, find_clashes, staff_timetable_jobs
from ..settings import FormSettings


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
    signatory: Signatory
    adult_age: int
    calendar: WorkingCalendar
    forms: FormSettings


@dataclass
class GeneratorOutput:
    """Jobs may be a lazy iterator: large families are produced batch by batch, never all at once."""

    jobs: Iterable[RenderJob] = ()
    notes: list[str] = field(default_factory=list)  # counts only, no personal data
    expected: int | None = None  # documents there would be if everyone could be written to
    shortfall: str = ""  # what the missing ones lack, for the note


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
    return GeneratorOutput(jobs, expected=len(inp.data.students), shortfall="a guardian with an email address")


def result_letter(inp: GeneratorInput) -> GeneratorOutput:
    test_names = {s.test_code: s.test_name for s in inp.data.sessions}
    jobs = result_letter_jobs(
        inp.data,
        inp.organisation,
        inp.signatory,
        task_id=inp.task.id,
        school_year=inp.school_year,
        month_key=inp.month.key,
        letter_date=inp.today,
        available_languages=inp.languages("result_letter"),
        formatter_for=inp.date_formatter,
        adult_age=inp.adult_age,
        test_names=test_names,
    )
    with_results = len({r.student_id for r in inp.data.results})
    return GeneratorOutput(jobs, expected=with_results, shortfall="an email address to send results to")


def security_agreement(inp: GeneratorInput) -> GeneratorOutput:
    roles = tuple(r for r in inp.task.recipients if r != "guardians")
    jobs = security_agreement_jobs(
        inp.data,
        inp.organisation,
        task_id=inp.task.id,
        roles=roles,
        school_year=inp.school_year,
        month_key=inp.month.key,
        letter_date=inp.today,
        fmt=inp.date_formatter("en"),
    )
    agreements = sum(1 for j in jobs if j.template == "security_agreement" and j.format == "docx")
    forms = sum(1 for j in jobs if j.format == "pdf")
    summaries = len(jobs) - agreements - forms
    return GeneratorOutput(
        jobs, [f"{inp.task.id}: {agreements} agreement(s) with {forms} fillable form(s), {summaries} site summary(ies)"]
    )


def site_student_list(inp: GeneratorInput) -> GeneratorOutput:
    jobs = site_student_list_jobs(inp.data, task_id=inp.task.id, school_year=inp.school_year, month_key=inp.month.key)
    return GeneratorOutput(jobs, [f"{inp.task.id}: {len(jobs)} site student list(s)"])


def chain_of_custody(inp: GeneratorInput) -> GeneratorOutput:
    jobs = chain_of_custody_jobs(
        inp.data,
        inp.organisation,
        task_id=inp.task.id,
        school_year=inp.school_year,
        month=inp.month,
        fmt=inp.date_formatter("en"),
    )
    return GeneratorOutput(jobs, [f"{inp.task.id}: {len(jobs)} chain-of-custody sheet(s)"])


def custody_reconciliation(inp: GeneratorInput) -> GeneratorOutput:
    if not inp.data.returns:
        return GeneratorOutput([], [f"{inp.task.id}: no returned-materials table yet; nothing to reconcile"])
    jobs = reconciliation_jobs(
        inp.data,
        inp.organisation,
        task_id=inp.task.id,
        school_year=inp.school_year,
        month_key=inp.month.key,
        letter_date=inp.date_formatter("en")(inp.today),
    )
    reports = materials_report_jobs(
        inp.data,
        inp.organisation,
        task_id=inp.task.id,
        school_year=inp.school_year,
        month_key=inp.month.key,
        state=inp.forms.state,
    )
    return GeneratorOutput(
        jobs + reports,
        [f"{inp.task.id}: {len(jobs)} site reconciliation(s), {len(reports)} damaged/missing materials form(s)"],
    )


def candidate_timetable(inp: GeneratorInput) -> GeneratorOutput:
    clashes = find_clashes(inp.data, inp.calendar)
    jobs = candidate_timetable_jobs(
        inp.data,
        inp.organisation,
        clashes,
        task_id=inp.task.id,
        school_year=inp.school_year,
        month_key=inp.month.key,
        fmt=inp.date_formatter("en"),
        available=inp.languages("candidate_timetable"),
    )
    timetables = sum(1 for j in jobs if j.format == "docx")
    return GeneratorOutput(
        jobs,
        [
            f"{inp.task.id}: {timetables} candidate timetable(s) with calendar invitations, "
            f"{len(clashes)} clash(es) flagged"
        ],
    )


def clash_report(inp: GeneratorInput) -> GeneratorOutput:
    clashes = find_clashes(inp.data, inp.calendar)
    context = clash_report_context(inp.organisation, clashes, inp.date_formatter("en"))
    jobs = []
    for role in inp.task.recipients:
        for person in inp.data.staff_with_role(role):
            recipient = staff_recipient(person)
            jobs.append(
                RenderJob(
                    doc_key=f"{inp.school_year}/{inp.month.key}/{inp.task.id}/{recipient.key}",
                    task_id=inp.task.id,
                    family="clash_report",
                    template="clash_report",
                    language="en",
                    filename=f"clash-report_{inp.month.key}.docx",
                    title=f"Timetable clashes ({len(clashes)})",
                    recipient=recipient,
                    context=context,
                )
            )
    return GeneratorOutput(jobs, [f"{inp.task.id}: {len(clashes)} clash(es) in the report"])


def staff_timetable(inp: GeneratorInput) -> GeneratorOutput:
    jobs = staff_timetable_jobs(
        inp.data,
        inp.organisation,
        task_id=inp.task.id,
        roles=inp.task.recipients,
        school_year=inp.school_year,
        month_key=inp.month.key,
        fmt=inp.date_formatter("en"),
    )
    return GeneratorOutput(jobs, [f"{inp.task.id}: {len(jobs)} duty timetable(s)"])


def irregularity_report(inp: GeneratorInput) -> GeneratorOutput:
    if not inp.data.incidents:
        return GeneratorOutput([], [f"{inp.task.id}: no incidents table or no incidents; nothing to report"])
    jobs = irregularity_report_jobs(
        inp.data,
        inp.organisation,
        task_id=inp.task.id,
        school_year=inp.school_year,
        month=inp.month,
        calendar=inp.calendar,
        school_days=inp.forms.irregularity_report_school_days,
        fmt=inp.date_formatter("en"),
    )
    return GeneratorOutput(jobs, [f"{inp.task.id}: {len(jobs)} irregularity report(s) this month"])


def post_test_certification(inp: GeneratorInput) -> GeneratorOutput:
    jobs = post_test_certification_jobs(
        inp.data,
        inp.organisation,
        task_id=inp.task.id,
        school_year=inp.school_year,
        month_key=inp.month.key,
        state=inp.forms.state,
    )
    return GeneratorOutput(jobs, [f"{inp.task.id}: {len(jobs)} post-test certification(s)"])


def paper_exam_request(inp: GeneratorInput) -> GeneratorOutput:
    window = inp.data.district_window()
    jobs = paper_exam_request_jobs(
        inp.data,
        inp.organisation,
        task_id=inp.task.id,
        school_year=inp.school_year,
        month_key=inp.month.key,
        letter_date=inp.today,
        needed_by=window[0] if window else None,
    )
    return GeneratorOutput(jobs, [f"{inp.task.id}: {len(jobs)} paper-exam request(s) (braille or large print)"])


def designation_form(inp: GeneratorInput) -> GeneratorOutput:
    jobs = designation_jobs(
        inp.data, inp.organisation, task_id=inp.task.id, school_year=inp.school_year, month=inp.month
    )
    return GeneratorOutput(jobs, [f"{inp.task.id}: {len(jobs)} designation form(s)"])


GENERATORS: dict[str, Callable[[GeneratorInput], GeneratorOutput]] = {
    "parent_notification": parent_notification,
    "result_letter": result_letter,
    "security_agreement": security_agreement,
    "site_student_list": site_student_list,
    "chain_of_custody": chain_of_custody,
    "custody_reconciliation": custody_reconciliation,
    "candidate_timetable": candidate_timetable,
    "clash_report": clash_report,
    "staff_timetable": staff_timetable,
    "irregularity_report": irregularity_report,
    "post_test_certification": post_test_certification,
    "paper_exam_request": paper_exam_request,
    "designation_form": designation_form,
}
