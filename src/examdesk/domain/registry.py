"""Every document family examdesk knows, declared once.

The checklist names a family in a task's ``action``; the month pipeline asks it for render
jobs; completion tracking learns from it which outputs come back signed; ``templates check``
renders each output against its sample. To add a family, see CONTRIBUTING.md.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping

from . import (
    centre_candidates,
    centre_certificates,
    centre_office,
    certification,
    custody,
    designation,
    events,
    incidents,
    letters,
    paper_exams,
    results,
    rosters,
    security,
    testing_schedule,
    timetables,
    window_notice,
)
from .families import DocumentFamily, Output


class Registry(Mapping[str, DocumentFamily]):
    """Families by name, in declaration order."""

    def __init__(self, *families: DocumentFamily):
        self._families: dict[str, DocumentFamily] = {}
        for family in families:
            if family.name in self._families:
                raise ValueError(f"document family {family.name!r} is declared twice")
            self._families[family.name] = family

    def __getitem__(self, name: str) -> DocumentFamily:
        return self._families[name]

    def __iter__(self) -> Iterator[str]:
        return iter(self._families)

    def __len__(self) -> int:
        return len(self._families)

    def outputs(self) -> Iterator[tuple[DocumentFamily, Output]]:
        for family in self._families.values():
            for output in family.outputs:
                yield family, output

    def acts_on(self) -> dict[str, str]:
        """family name -> the event its documents follow (an incident, a window's end, the results)."""
        return {f.name: f.acts_on for f in self._families.values() if f.acts_on}

    def returned_forms(self) -> dict[str, set[str]]:
        """PDF form name -> the families whose signed copies of it come back."""
        forms: dict[str, set[str]] = {}
        for family, output in self.outputs():
            if output.format == "pdf" and output.comes_back:
                forms.setdefault(output.template, set()).add(family.name)
        return forms


FAMILIES = Registry(
    DocumentFamily(
        "parent_notification",
        title="Parent notification of testing",
        audience="each student's primary guardian, in the family's language",
        generate=letters.parent_notifications,
        subject="State testing notice for your family ({school_year})",
        offers="exemption",
        outputs=(Output("parent_notification"),),
    ),
    DocumentFamily(
        "result_letter",
        title="Result letter",
        audience="each student with results: the primary guardian, or from letters.adult_age the student's "
        "own email (held, and listed for the district coordinator, when there is none)",
        generate=results.result_letters,
        acts_on=events.RESULTS,
        subject="State test results for your family ({school_year})",
        outputs=(
            Output("result_letter"),
            Output("held_results", format="xlsx", name="held"),
        ),
    ),
    DocumentFamily(
        "security_agreement",
        title="Test security agreement (Appendix B)",
        audience="everyone in the task's recipient roles; a per-site list to each site coordinator",
        generate=security.security_agreements,
        subject="Test security agreement to read, sign and return ({school_year})",
        attestation="I have read the Security Agreement and understand my role in this test administration.",
        outputs=(
            Output("security_agreement", name="agreement"),
            Output("security_agreement", format="pdf", comes_back=True, name="form"),
            Output("security_agreement_summary", name="site_summary"),
        ),
    ),
    DocumentFamily(
        "site_student_list",
        title="Site student list",
        audience="each site coordinator",
        generate=rosters.site_student_lists,
        outputs=(Output("site_student_list", format="xlsx"),),
    ),
    DocumentFamily(
        "chain_of_custody",
        title="Chain-of-custody sheet",
        audience="the site coordinator of each session held in the month",
        generate=custody.chain_of_custody_sheets,
        subject="Chain-of-custody sheets for your testing sessions",
        attestation="I have checked this chain-of-custody sheet: every secure item is recorded as it was "
        "handed out and returned.",
        outputs=(Output("chain_of_custody", comes_back=True),),
    ),
    DocumentFamily(
        "custody_reconciliation",
        title="Secure materials reconciliation and damaged/missing materials form (Appendix E)",
        audience="each site coordinator",
        generate=custody.custody_reconciliations,
        acts_on=events.WINDOW_END,
        outputs=(
            Output("custody_reconciliation", name="reconciliation"),
            Output("materials_report", format="pdf", name="materials_report"),
        ),
    ),
    DocumentFamily(
        "candidate_timetable",
        title="Statement of entry and exam timetable with calendar file (exam centres)",
        audience="each candidate at their own address (students.student_email); a copy to the primary guardian "
        "with letters.copy_guardians",
        generate=timetables.candidate_timetables,
        subject="Statement of entry and exam timetable ({school_year})",
        offers="confirm",
        outputs=(
            Output("candidate_timetable", name="timetable"),
            Output("calendar", format="ics", name="calendar", sample=None),
        ),
    ),
    DocumentFamily(
        "testing_schedule",
        title="Testing days with calendar file (US families)",
        audience="each student's primary guardian, in their language, or the student from letters.adult_age",
        generate=testing_schedule.testing_schedules,
        subject="Testing days for your family, with a calendar file ({school_year})",
        offers="confirm",
        outputs=(
            Output("testing_schedule"),
            Output("calendar", format="ics", name="calendar", sample=None),
        ),
    ),
    DocumentFamily(
        "clash_report",
        title="Timetable clash report",
        audience="everyone in the task's recipient roles",
        generate=centre_office.clash_reports,
        outputs=(Output("clash_report"),),
    ),
    DocumentFamily(
        "staff_timetable",
        title="Staff duty timetable",
        audience="each test administrator and proctor with duties",
        generate=timetables.staff_timetables,
        offers="confirm",
        outputs=(Output("staff_timetable"),),
    ),
    DocumentFamily(
        "irregularity_report",
        title="Testing irregularity or security breach report (Appendix D)",
        audience="the site coordinator of the incident's site",
        generate=incidents.irregularity_reports,
        acts_on=events.INCIDENTS,
        outputs=(Output("irregularity_report", format="pdf"),),
    ),
    DocumentFamily(
        "post_test_certification",
        title="Post-test certification (Appendix F)",
        audience="each site coordinator, with the principal's block named",
        generate=certification.post_test_certifications,
        acts_on=events.WINDOW_END,
        subject="Post-test certification to sign and return",
        attestation="I certify that the information on this post-test certification is true and complete, "
        "and that the site's secure materials were handled as it says.",
        outputs=(Output("post_test_certification", format="pdf", comes_back=True),),
    ),
    DocumentFamily(
        "paper_exam_request",
        title="Special request for a paper exam (braille, large print)",
        audience="the district coordinator",
        generate=paper_exams.paper_exam_requests,
        outputs=(Output("paper_exam_request", format="pdf"),),
    ),
    DocumentFamily(
        "testing_window_notice",
        title="Testing window notice",
        audience="each principal and site coordinator in the task's recipients, about their own site",
        generate=window_notice.testing_window_notices,
        subject="Your site's testing window ({school_year})",
        outputs=(Output("testing_window_notice"),),
    ),
    DocumentFamily(
        "designation_form",
        title="Designation of the LEA coordinator",
        audience="the superintendent",
        generate=designation.designation_forms,
        subject="Designation of the LEA coordinator to sign and return",
        attestation="I designate the person named on this form as the LEA assessment coordinator.",
        outputs=(Output("designation_form", format="pdf", comes_back=True),),
    ),
    # ---- an exam centre's series (JCQ, seed 002) ----------------------------------------------
    DocumentFamily(
        "statement_of_entry",
        title="Statement of entry, to check and sign off (exam centres)",
        audience="each candidate at their own address; a copy to the primary parent/carer with letters.copy_guardians",
        generate=centre_candidates.statements_of_entry,
        subject="Your statement of entry: check it and sign it off ({school_year})",
        offers="confirm",
        attestation="I have checked my statement of entry: my personal details, entries, papers and access "
        "arrangements are correct.",
        outputs=(Output("statement_of_entry", comes_back=True),),
    ),
    DocumentFamily(
        "exam_timetable",
        title="Candidate exam timetable with rooms, seats and a calendar file (exam centres)",
        audience="each candidate; a copy to the primary parent/carer with letters.copy_guardians",
        generate=centre_candidates.exam_timetables,
        subject="Your exam timetable, with rooms and seats ({school_year})",
        outputs=(
            Output("exam_timetable", name="timetable"),
            Output("calendar", format="ics", name="calendar", sample=None),
        ),
    ),
    DocumentFamily(
        "entries_report",
        title="Entries and fees report per awarding body, late entries flagged (exam centres)",
        audience="everyone in the task's recipient roles (the exams officer, finance)",
        generate=centre_office.entries_reports,
        outputs=(Output("entries_report", format="xlsx"),),
    ),
    DocumentFamily(
        "series_check",
        title="Series check: clashes, access arrangements, invigilation and late entries (exam centres)",
        audience="everyone in the task's recipient roles",
        generate=centre_office.series_checks,
        outputs=(Output("series_check", format="xlsx"),),
    ),
    DocumentFamily(
        "room_pack",
        title="Room pack: seating plan, attendance register and door notice per room and session (exam centres)",
        audience="everyone in the task's recipient roles (the exams officer), for each room session of the month",
        generate=centre_office.room_packs,
        subject="Room packs for this month's exam sessions",
        outputs=(
            Output("seating_plan"),
            Output("attendance_register"),
            Output("door_notice"),
        ),
    ),
    DocumentFamily(
        "invigilator_duties",
        title="Invigilator duties from the rota, with a calendar file (exam centres)",
        audience="each invigilator with duties",
        generate=centre_office.invigilator_duties,
        subject="Your invigilation duties for the summer series",
        offers="confirm",
        outputs=(
            Output("invigilator_duties", name="duties"),
            Output("calendar", format="ics", name="calendar", sample=None),
        ),
    ),
    DocumentFamily(
        "results_summary",
        title="Results summary for the centre, staff only (exam centres)",
        audience="everyone in the task's recipient roles (exams officer, head of centre), on results day",
        generate=centre_office.results_summaries,
        acts_on=events.RESULTS_DAY,
        outputs=(Output("results_summary", format="xlsx"),),
    ),
    DocumentFamily(
        "results_statement",
        title="Provisional statement of results (exam centres)",
        audience="each candidate with results, from the release time on results day and never before; a copy "
        "to the primary parent/carer with letters.copy_guardians",
        generate=centre_candidates.results_statements,
        acts_on=events.RESULTS_DAY,
        subject="Your provisional statement of results ({school_year})",
        outputs=(Output("results_statement"),),
    ),
    DocumentFamily(
        "post_results_letter",
        title="Post-results services and their deadline (exam centres)",
        audience="each candidate with results, with the statement of results",
        generate=centre_candidates.post_results_letters,
        acts_on=events.RESULTS_DAY,
        subject="Reviews of marking and other post-results services ({school_year})",
        outputs=(Output("post_results_letter"),),
    ),
    DocumentFamily(
        "certificate_register",
        title="Certificate register: received, collected, waiting (exam centres)",
        audience="everyone in the task's recipient roles (the exams officer)",
        generate=centre_certificates.certificate_registers,
        outputs=(Output("certificate_register", format="xlsx"),),
    ),
    DocumentFamily(
        "certificate_collection",
        title="Certificate collection letter to former candidates (exam centres)",
        audience="each former candidate whose certificates are waiting, at the address in the certificates table",
        generate=centre_certificates.certificate_collection_letters,
        subject="Your exam certificates are ready to collect",
        outputs=(Output("certificate_collection"),),
    ),
)
