"""What examdesk writes from data stays inert where people open it: CSV cells and spreadsheet cells
never run as formulas; templates from anyone cannot reach Python internals."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from docx import Document
from openpyxl import load_workbook

from examdesk.adapters.emails import EmailTemplates
from examdesk.adapters.fastdocx import CompiledTemplate
from examdesk.adapters.mail import OutboxTransport, OutgoingMail, compose
from examdesk.adapters.safe_csv import csv_text, neutralise
from examdesk.adapters.workbook import SheetSpec, table_workbook, write_tracker
from examdesk.domain.documents import DocumentFailure
from examdesk.domain.tables import STAFF, Problem, TableResult
from examdesk.errors import TemplateError
from examdesk.services.data import ValidationReport
from examdesk.services.month.documents import check_docx
from examdesk.services.month.record import write_failures

FORMULAS = ["=1+1", '=HYPERLINK("http://evil.example","x")', "+1", "-2+3", "@SUM(A1)", "\tx", "\rx"]


def read_csv(path_or_text) -> list[list[str]]:
    if isinstance(path_or_text, Path):
        with path_or_text.open(encoding="utf-8", newline="") as fh:  # keep a carriage return inside a cell
            path_or_text = fh.read()
    text = path_or_text
    return list(csv.reader(io.StringIO(text)))


def test_every_formula_prefix_is_neutralised_and_numbers_stay_numbers():
    assert [neutralise(v) for v in FORMULAS] == ["'" + v for v in FORMULAS]
    assert neutralise("O'Brien") == "O'Brien" and neutralise(-2) == -2 and neutralise(None) is None
    assert read_csv(csv_text([FORMULAS])) == [["'" + v for v in FORMULAS]]


def test_the_validation_report_the_failures_list_and_the_outbox_index_hold_no_formula(tmp_path):
    table = TableResult(
        STAFF, "staff.csv", problems=[Problem("staff.csv", 2, "first_name", v, "odd") for v in FORMULAS]
    )
    report = ValidationReport([table])
    rows = read_csv(report.write_csv(tmp_path / "report.csv"))
    assert [r[3] for r in rows[1:]] == ["'" + v for v in FORMULAS]

    failures = [DocumentFailure("k", "t1", "security_agreement", v, f"{v} is too long") for v in FORMULAS]
    rows = read_csv(write_failures(tmp_path / "failures.csv", failures))
    assert all(not cell.startswith(("=", "+", "-", "@", "\t", "\r")) for row in rows for cell in row)

    outbox = OutboxTransport(tmp_path / "outbox")
    outbox.open()
    mail = OutgoingMail("=Ana", "=b@example.org", "=1+1", "x", None, (), "m1@example.org", "k1")
    outbox.send(compose(mail, sender="a@example.org", sender_name="District"), "=cmd|' /C calc'!A0@example.org")
    rows = read_csv(tmp_path / "outbox" / "index.csv")
    assert rows[1][2] == "'=cmd|' /C calc'!A0@example.org" and rows[1][3] == "'=1+1"


def test_spreadsheets_store_every_text_as_text():
    content = table_workbook({"title": "List", "columns": ["Name", "Grade"], "rows": [[v, 4] for v in FORMULAS]})
    sheet = load_workbook(io.BytesIO(content)).worksheets[0]
    cells = [row[0] for row in sheet.iter_rows(min_row=2)]
    assert [c.value for c in cells] == FORMULAS and {c.data_type for c in cells} == {"s"}
    assert {row[1].value for row in sheet.iter_rows(min_row=2)} == {4}  # numbers stay numbers


def test_the_tracker_stores_every_text_as_text(tmp_path):
    extra = SheetSpec("Returns", ["Person", "Status"], [[v, "outstanding"] for v in FORMULAS], "Status")
    path = write_tracker(tmp_path / "tracker.xlsx", [], [], [extra])
    sheet = load_workbook(path)["Returns"]
    assert [row[0].value for row in sheet.iter_rows(min_row=2)] == FORMULAS
    assert not [c for row in sheet.iter_rows() for c in row if c.data_type == "f"]


def word_template(tmp_path: Path, text: str) -> Path:
    doc = Document()
    doc.add_paragraph(text)
    path = tmp_path / "letter.docx"
    doc.save(path)
    return path


@pytest.mark.parametrize(
    "tag",
    [
        "{{ ''.__class__.__mro__ }}",
        "{{ name.__class__.__init__.__globals__ }}",
        "{{ cycler.__init__.__globals__.os.popen('id').read() }}",
    ],
)
def test_word_and_email_templates_refuse_access_to_python_internals(tmp_path, tag):
    with pytest.raises(TemplateError, match=r"letter.docx: .*unsafe|letter.docx: .*undefined"):
        CompiledTemplate(word_template(tmp_path, f"Dear {tag}")).render({"name": "Ana"})
    (tmp_path / "note.en.txt").write_text(f"Subject: hello\n\n{tag}\n", encoding="utf-8")
    with pytest.raises(TemplateError, match=r"note.en.txt: .*(unsafe|undefined)"):
        EmailTemplates(tmp_path).render("note", "en", {"name": "Ana"})


def test_the_leftover_tag_check_looks_for_the_templates_own_tags_not_for_braces_in_data(tmp_path):
    template = CompiledTemplate(word_template(tmp_path, "Dear {{ name }},"))
    assert template.tags == {"{{ name }}"}
    fine = template.render({"name": "{{ Mateo }} {% raw %} }} <b>&amp;"})
    check_docx(fine, "letter.docx", template.tags)  # a value with braces is data, not a tag
    assert "{{ Mateo }} {% raw %} }} <b>&amp;" in "".join(p.text for p in Document(io.BytesIO(fine)).paragraphs)
