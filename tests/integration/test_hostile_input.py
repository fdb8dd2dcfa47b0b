"""Hostile input through whole months: one bad value or document is that document's problem; values
that look like template tags, formulas or markup arrive verbatim and stay inert."""

from __future__ import annotations

import csv
import io
from datetime import date
from pathlib import Path

import pytest
from openpyxl import load_workbook
from pypdf import PdfReader

from examdesk.services.month.record import needs_attention
from fakes import memory_app, task_statuses
from helpers import attachments, docx_text, run_month, student_in, students_by_document

pytestmark = pytest.mark.slow  # whole months through the services


def rewrite(path: Path, change) -> list[dict]:
    """Apply ``change(row)`` to every row of a CSV and write it back."""
    with path.open(encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    for row in rows:
        change(row)
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    return rows


def test_a_document_that_cannot_be_produced_is_listed_and_retried_while_the_rest_is_sent(district, tmp_path):
    staff = rewrite(tmp_path / "data" / "staff.csv", lambda r: None)
    victim = next(s for s in staff if s["role"] == "test_administrator")
    app, transport = memory_app(district, date(2027, 3, 1))
    render = app.forms.render

    def failing(name, context, document_id, row="", notes=None):
        if context.get("person", {}).get("email") == victim["email"]:
            raise ValueError("a value this form cannot take")
        return render(name, context, document_id, row, notes)

    app.forms.render = failing  # type: ignore[method-assign]
    first = run_month(None, "march", app=app)
    assert first["documents_failed"] == 1 and needs_attention(first) >= 1
    forms = [to for to, msg in transport.sent if any(n.endswith(".pdf") for n, _ in attachments(msg))]
    assert len(forms) == 33 and victim["email"] not in forms  # every other person got theirs
    [problems] = transport.to(app.organisation.coordinator_email)[-1:]
    assert "1 document(s) examdesk could not produce" in problems["Subject"]
    body = problems.get_body(("plain",)).get_content()
    assert "parcc-before-14, security_agreement" in body and victim["email"] in body
    assert "ValueError: a value this form cannot take" in body
    report = (app.settings.output_dir / "2026-27" / "2027-03" / "failures.csv").read_text(encoding="utf-8")
    assert victim["email"] in report and "parcc-before-14" in report
    assert task_statuses(app).get("parcc-before-14", {}).get("status") != "done"
    with app.unit_of_work() as uow:
        [failure] = uow.failures.unresolved("2026-27")
    assert failure["task_id"] == "parcc-before-14" and "ValueError" in failure["reason"]

    app.forms.render = render  # type: ignore[method-assign]  # the data is fixed
    sent_before = len(transport.sent)
    again = run_month(None, "march", app=app)
    assert again["documents_failed"] == 0 and again["documents_rendered"] == 1  # the form only
    [(to, message)] = transport.sent[sent_before:]  # and the problems email is not repeated
    assert to == victim["email"] and [n for n, _ in attachments(message) if n.endswith(".pdf")]
    with app.unit_of_work() as uow:
        assert uow.failures.unresolved("2026-27") == []


HOSTILE_NAMES = {
    "first_name": "{{ Mateo }} {% raw %}",  # looks like a template tag
    "last_name": '=HYPERLINK("http://evil.example","x") <b>&amp;</b>',  # a formula, markup, an entity
}


def test_values_that_look_like_tags_formulas_or_markup_arrive_verbatim(district, tmp_path):
    chosen = {}

    def poison(row):
        if not chosen and row["grade"] == "4":
            chosen.update(row)
            row.update(HOSTILE_NAMES)

    rewrite(tmp_path / "data" / "students.csv", poison)
    app, transport = memory_app(district, date(2027, 1, 4))
    january = run_month(None, "january", app=app)  # each site's student list (xlsx)
    assert january["documents_failed"] == 0
    lists = [
        content
        for _, msg in transport.sent
        for name, content in attachments(msg)
        if name.startswith(f"student-list_{chosen['site_id']}")
    ]
    assert lists
    sheet = load_workbook(io.BytesIO(lists[0])).worksheets[0]
    cells = [c for row in sheet.iter_rows() for c in row if c.value == HOSTILE_NAMES["last_name"]]
    assert cells and all(c.data_type == "s" for c in cells)  # text, not a live formula
    assert not [c for row in sheet.iter_rows() for c in row if c.data_type == "f"]

    app.today = date(2027, 2, 1)
    february = run_month(None, "february", app=app)  # a letter per student (docx)
    assert february["documents_failed"] == 0 and february["documents_rendered"] == 300
    about = students_by_document(app)
    letters = [
        docx_text(content)
        for _, msg in transport.sent
        for name, content in attachments(msg)
        if name.startswith("testing-notice_") and student_in(name, about) == chosen["student_id"]
    ]
    assert letters and all(HOSTILE_NAMES["first_name"] in t and HOSTILE_NAMES["last_name"] in t for t in letters)

    tracker = load_workbook(january["tracker"] if Path(january["tracker"]).is_file() else february["tracker"])
    assert not [c for ws in tracker.worksheets for row in ws.iter_rows() for c in row if c.data_type == "f"]


def test_a_staff_name_longer_than_a_form_field_is_drawn_whole_and_noted(district, tmp_path):
    long_name = "Wolfeschlegelsteinhausenbergerdorff-" * 6 + "Smith"  # 221 characters; the form holds 200

    staff = rewrite(tmp_path / "data" / "staff.csv", lambda r: None)
    person = next(s for s in staff if s["role"] == "test_administrator")
    rewrite(
        tmp_path / "data" / "staff.csv",
        lambda r: r.update(last_name=long_name) if r["email"] == person["email"] else None,
    )
    app, transport = memory_app(district, date(2027, 3, 1))
    summary = run_month(None, "march", app=app)
    assert summary["documents_failed"] == 0
    assert any("longer than a form allows" in n and "parcc-before-14" in n for n in summary["notes"])
    [form] = [c for msg in transport.to(person["email"]) for n, c in attachments(msg) if n.endswith(".pdf")]
    assert PdfReader(io.BytesIO(form)).get_fields()["last_name"]["/V"] == long_name
