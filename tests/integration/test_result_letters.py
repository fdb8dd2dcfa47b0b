"""June: result letters to each family (or adult student), with scores, levels and the 20-working-day clock."""

import csv
import io
from datetime import date

import pytest
from openpyxl import load_workbook

from examdesk.bootstrap import build_app
from examdesk.services.tracking.status import status_rows
from examdesk.settings import load_settings
from helpers import attachments, docx_text, read_outbox, run_month, student_in, students_by_document

pytestmark = pytest.mark.slow  # whole months through the services, real servers or processes


def test_june_result_letters_carry_each_students_own_scores(district, tmp_path):
    summary = run_month(district, "june", today=date(2027, 6, 1))
    assert summary["results_received"] == date(2027, 5, 24)  # the run records when the results file arrived
    data = tmp_path / "data"
    with (data / "results.csv").open(encoding="utf-8") as fh:
        results = list(csv.DictReader(fh))
    with (data / "students.csv").open(encoding="utf-8") as fh:
        students = {r["student_id"]: r for r in csv.DictReader(fh)}
    with (data / "guardians.csv").open(encoding="utf-8") as fh:
        primary = {
            r["student_id"]: f"{r['first_name']} {r['last_name']}"
            for r in csv.DictReader(fh)
            if r["primary_contact"] == "Y"
        }
    valid = {
        sid for sid, s in students.items() if s["site_id"] in {"LIN", "RMS", "VHS"} and s["birth_date"] != "2016-02-30"
    }
    with (data / "exemptions.csv").open(encoding="utf-8") as fh:
        exempt = {(e["student_id"], e["test_code"]) for e in csv.DictReader(fh)}
    # a result for a test the student was exempted from is left out (validation reports it)
    results = [r for r in results if not {(r["student_id"], r["test_code"]), (r["student_id"], "ALL")} & exempt]
    with_results = {sid for sid in {r["student_id"] for r in results} if sid in valid}
    adult = {sid for sid in with_results if age_on_june_1(students[sid]) >= 18}
    held = {sid for sid in adult if not students[sid]["student_email"]}
    assert adult - held and held  # the demo has adults with and without their own address
    expected = with_results - held
    # the results arrived on May 24, after May's run: June's looks back at May and sends them, with
    # the held list for the coordinator (`examdesk tick` would have sent them on May 24)
    assert summary["documents_by_task"]["caaspp-jun-02"] == len(expected) + 1
    settings = load_settings(district)
    seen, adults = set(), 0
    about = students_by_document(district)
    guardian_emails = {r["email"] for r in csv.DictReader((data / "guardians.csv").open(encoding="utf-8"))}
    for msg in read_outbox(settings.output_dir, "2027-06"):
        for filename, content in attachments(msg):
            if not filename.startswith("results_"):
                continue
            sid = student_in(filename, about)
            text = docx_text(content)
            student = students[sid]
            name = f"{student['first_name']} {student['last_name']}"
            for r in (r for r in results if r["student_id"] == sid):
                assert r["scale_score"] in text
            assert [s for s in students if s != sid and s in text] == []
            born = date.fromisoformat(student["birth_date"])
            age = 2027 - born.year - ((6, 1) < (born.month, born.day))
            addressee = msg["To"].addresses[0].display_name
            if age >= 18:  # written to the student, at the student's own address
                adults += 1
                assert addressee == name
                assert msg["To"].addresses[0].addr_spec == student["student_email"]
                assert student["student_email"] not in guardian_emails
            else:  # written to the guardian about the student
                assert addressee == primary[sid]
                assert name in text
            assert addressee in text
            assert "Renée Castillo" in text
            seen.add(sid)
    assert seen == expected
    assert adults == len(adult - held)

    # the held adult's results went nowhere; the coordinator has the list
    coordinator = next(
        r for r in csv.DictReader((data / "staff.csv").open(encoding="utf-8")) if r["role"] == "district_coordinator"
    )
    lists = [
        (msg, content)
        for msg in read_outbox(settings.output_dir, "2027-06")
        for filename, content in attachments(msg)
        if filename.startswith("results-held_")
    ]
    assert len(lists) == 1 and lists[0][0]["To"].addresses[0].addr_spec == coordinator["email"]
    sheet = load_workbook(io.BytesIO(lists[0][1])).active
    assert {row[0] for row in sheet.iter_rows(min_row=2, values_only=True)} == held


def age_on_june_1(student: dict) -> int:
    born = date.fromisoformat(student["birth_date"])
    return 2027 - born.year - ((6, 1) < (born.month, born.day))


def test_result_deadline_is_twenty_working_days_after_receipt(district):
    app = build_app(district, "2026-27")
    rows = {r["task_id"]: r for r in status_rows(app, date(2027, 6, 24))}
    # received Mon May 24 2027; Memorial Day May 31 and Juneteenth (observed Fri Jun 18) are skipped
    assert rows["caaspp-jun-02"]["due"] == "2027-06-23"
    assert rows["caaspp-jun-02"]["status"] == "overdue"
    run_month(district, "june", today=date(2027, 6, 1))
    rows = {r["task_id"]: r for r in status_rows(app, date(2027, 6, 24))}
    assert rows["caaspp-jun-02"]["status"] == "done" and rows["caaspp-jun-02"]["sent"] > 0
