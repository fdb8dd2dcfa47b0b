"""Property-based tests (Hypothesis): hostile rosters and values through validation, both Word
renderers, PDF filling and the spreadsheet and CSV writers. Each property says what must hold for
any input: no crash, every valid row kept, every value verbatim where it belongs, no formula
cells, no file name that could leave its folder."""

from __future__ import annotations

import csv
import io
import unicodedata
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import load_workbook

from examdesk.adapters.fastdocx import CompiledTemplate, make_environment, render_with_docxtpl
from examdesk.adapters.pdfforms import CompiledForm, read_values
from examdesk.adapters.safe_csv import FORMULA_STARTS, csv_text
from examdesk.adapters.tables import read_table
from examdesk.adapters.workbook import table_workbook
from examdesk.domain.documents import safe_filename
from examdesk.domain.tables import STAFF, validate_table
from examdesk.services.month.documents import check_docx
from examdesk.services.tools.templates_check import document_text

FORMS = Path(__file__).resolve().parents[2] / "forms"
TRICKY = [
    "{{ name }}",
    "{% raw %}",
    "}}",
    "{%",
    "<b>",
    "&amp;",
    "=1+1",
    "+",
    "-",
    "@SUM(A1)",
    "O'Brien",
    '"',
    "\\",
    "Nguyễn",
    "陳大文",
    "محمد",
    "Zoë",
    "x" * 300,
]
# any text a person could type: every script, no control characters (validation refuses those)
typed = st.characters(blacklist_categories=("Cs", "Cc", "Co", "Cn"))
text = st.one_of(st.text(typed, max_size=60), st.sampled_from(TRICKY), st.lists(st.sampled_from(TRICKY)).map("".join))
names = text.filter(lambda t: t.strip() != "")
FAST = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def staff_rows(values: list[tuple[str, str]]) -> list[dict]:
    return [
        {
            "staff_id": f"S{i:03d}",
            "first_name": first,
            "last_name": last,
            "email": f"person{i}@example.org",
            "role": "proctor",
            "site_id": "LIN",
            "phone": "",
        }
        for i, (first, last) in enumerate(values)
    ]


@FAST
@given(st.lists(st.tuples(names, names), min_size=1, max_size=8), st.sampled_from(["utf-8", "utf-8-sig", "utf-16"]))
def test_any_roster_is_read_and_validated_with_every_value_verbatim(tmp_path_factory, people, encoding):
    rows = staff_rows(people)
    path = tmp_path_factory.mktemp("roster") / "staff.csv"
    buffer = io.StringIO(newline="")
    writer = csv.DictWriter(buffer, fieldnames=list(rows[0]), delimiter="\t" if encoding == "utf-16" else ",")
    writer.writeheader()
    writer.writerows(rows)
    path.write_bytes(buffer.getvalue().encode(encoding))
    header, raw = read_table(path)
    result = validate_table(STAFF, "staff.csv", header, raw, {"sites": {"LIN"}})
    assert result.problems == [] and len(result.rows) == len(rows)  # every valid row kept
    for typed_row, (first, last) in zip(result.rows, people, strict=True):
        assert (typed_row["first_name"], typed_row["last_name"]) == (first.strip(), last.strip())


@settings(max_examples=100, deadline=None)
@given(st.text(st.characters(blacklist_categories=("Cs",)), max_size=30))
def test_a_control_character_is_named_with_its_row_and_column_not_passed_on(value):
    rows = staff_rows([("Ana", f"Ruiz{value}")])
    result = validate_table(STAFF, "staff.csv", list(rows[0]), [(2, rows[0])], {"sites": {"LIN"}})
    inner = f"Ruiz{value}".strip()
    if any(unicodedata.category(c) == "Cc" and c not in "\t\n\r" for c in inner):
        [problem] = result.problems
        assert (problem.row, problem.column) == (2, "last_name") and "control character" in problem.message
        assert result.rows == []
    else:
        assert result.problems == [] and result.rows[0]["last_name"] == inner


def letter_template(folder: Path) -> CompiledTemplate:
    from docx import Document

    doc = Document()
    doc.add_paragraph("Dear {{ first }} {{ last }},")
    doc.add_paragraph("Note: {%r if note %}{{ note }}{%r endif %}")
    table = doc.add_table(rows=2, cols=2)
    table.cell(0, 0).text, table.cell(0, 1).text = "Name", "Site"
    table.cell(1, 0).text, table.cell(1, 1).text = "{{ first }}", "{{ site }}"
    path = folder / "letter.docx"
    doc.save(path)
    return CompiledTemplate(path)


@FAST
@given(names, names, text, text)
def test_both_renderers_agree_and_every_value_arrives_verbatim(tmp_path_factory, first, last, note, site):
    template = letter_template(tmp_path_factory.mktemp("tpl"))
    context = {"first": first, "last": last, "note": note, "site": site}
    fast = template.render(context)
    slow = render_with_docxtpl(template.path.read_bytes(), context, make_environment(), "letter.docx")
    check_docx(fast, "letter.docx", template.tags)  # no false alarm, whatever the values hold
    shown = document_text(fast)
    assert shown == document_text(slow)
    for value in (first, last, site):
        if "\n" not in value and "\t" not in value:
            assert value in shown


FORM = CompiledForm((FORMS / "security_agreement.pdf").read_bytes(), "security_agreement.pdf")
SCRIPTS = st.characters(
    whitelist_categories=("Lu", "Ll", "Lo", "Nd", "Zs", "Pd", "Po"),
    max_codepoint=0xFFFF,
).filter(lambda c: ord(c) < 0x2000 or 0x4E00 <= ord(c) <= 0x9FFF or 0xAC00 <= ord(c) <= 0xD7A3)


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.text(SCRIPTS, min_size=1, max_size=40), st.sampled_from(TRICKY))
def test_any_value_fills_a_form_and_reads_back_verbatim(value, tricky):
    filled = FORM.fill({"first_name": value, "last_name": tricky, "other_role": value + tricky}, notes=[])
    back = read_values(filled, "security_agreement.pdf")
    assert (back["first_name"], back["last_name"], back["other_role"]) == (value, tricky, value + tricky)


@FAST
@given(st.lists(st.tuples(text, st.integers(-5, 13)), min_size=1, max_size=10))
def test_spreadsheets_and_csv_keep_every_text_as_inert_text(rows):
    sheet = load_workbook(io.BytesIO(table_workbook({"title": "t", "columns": ["Name", "Grade"], "rows": rows})))
    cells = list(sheet.worksheets[0].iter_rows(min_row=2))
    assert [(c[0].value or "", c[1].value) for c in cells] == [(t, n) for t, n in rows]
    assert not [c for row in cells for c in row if c.data_type == "f"]
    for row in csv.reader(io.StringIO(csv_text([[t] for t, _ in rows]))):
        assert not row[0].startswith(FORMULA_STARTS)


@settings(max_examples=200, deadline=None)
@given(st.text(st.characters(blacklist_categories=("Cs",)), max_size=200))
def test_no_file_name_can_leave_its_folder(value):
    name = safe_filename(value)
    assert name and len(name) <= 80
    assert "/" not in name and "\\" not in name and name not in (".", "..") and not name.startswith(".")
    assert (Path("/out/documents") / name).resolve().parent == Path("/out/documents")


@FAST
@given(
    st.text(st.sampled_from("a1_-.Z9 x"), max_size=30),
    st.text(st.sampled_from("a1x9"), min_size=1, max_size=3),
)
def test_an_id_in_a_file_name_is_replaced_only_where_it_stands_alone(text: str, word: str) -> None:
    """The plain-search replacement does what the regex it replaced did (one per document)."""
    import re

    from examdesk.domain.families import replace_whole

    expected = re.sub(rf"(?<![A-Za-z0-9]){re.escape(word)}(?![A-Za-z0-9])", "ID", text)
    assert replace_whole(text, word, "ID") == expected
