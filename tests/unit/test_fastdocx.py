"""The fast renderer gives docxtpl's text, escapes everything, and says where a template is wrong."""

import io
import zipfile
from pathlib import Path

import pytest
from docx import Document
from docxtpl import Listing, RichText

from examdesk.adapters.fastdocx import CompiledTemplate, TemplateError, make_environment, render_with_docxtpl
from examdesk.adapters.form_library import FormLibrary
from examdesk.domain.registry import FAMILIES
from examdesk.services.tools.templates_check import check_all, document_text

REPO = Path(__file__).resolve().parents[2]


def build(path: Path, paragraphs=(), table_rows=None, header=None, footer=None) -> Path:
    doc = Document()
    for text in paragraphs:
        doc.add_paragraph(text)
    if table_rows:
        table = doc.add_table(rows=len(table_rows), cols=len(table_rows[0]))
        for r, row in enumerate(table_rows):
            for c, text in enumerate(row):
                table.cell(r, c).text = text
    if header:
        doc.sections[0].header.paragraphs[0].text = header
    if footer:
        doc.sections[0].footer.paragraphs[0].text = footer
    doc.save(path)
    return path


def both(path: Path, context: dict) -> tuple[str, str, CompiledTemplate]:
    compiled = CompiledTemplate(path)
    fast = compiled.render(context)
    slow = render_with_docxtpl(path.read_bytes(), context, make_environment(), path.name)
    return document_text(fast), document_text(slow), compiled


@pytest.fixture
def letter(tmp_path) -> Path:
    return build(
        tmp_path / "letter.docx",
        paragraphs=[
            "Dear {{ name }},",
            "{%p if items %}",
            "You have {{ items|length }} items.",
            "{%p endif %}",
            "Note: {%r if note %}{{ note }}{%r endif %}",
            "{{ rich }}",
            "{{ listing }}",
            "Bye",
        ],
        table_rows=[
            ["Test", "Score"],
            ["{%tr for i in items %}", ""],
            ["{{ i.name }}", "{{ i.score }}"],
            ["{%tr endfor %}", ""],
        ],
        header="{{ district }} — header",
        footer="Ref {{ ref }}",
    )


HOSTILE = {
    "ampersands and brackets": "O'Brien & Sons <Jr> \"quoted\" 'single'",
    "accents": "Zoë Nguyễn-Pérez Ñúñez",
    "rtl": "مريم العلي — שלום",
    "emoji": "Zoë 🙂👩‍👧 ✅",
    "long": "Mesa Verde " * 400,
    "xml-ish": "</w:t></w:r><w:r><w:t>injected",
}


@pytest.mark.parametrize("label,value", list(HOSTILE.items()))
def test_hostile_values_match_docxtpl_and_open(letter, label, value):
    context = {
        "name": value,
        "items": [{"name": value, "score": 2501}],
        "note": value,
        "rich": RichText(value, bold=True),
        "listing": Listing("line one\nline two\ttabbed"),
        "district": value,
        "ref": value,
    }
    fast, slow, compiled = both(letter, context)
    assert compiled.fast
    assert fast == slow
    assert f"Dear {value}," in fast
    assert f"Ref {value}" in fast and f"{value} — header" in fast
    assert "line one\nline two\ttabbed" in fast


def test_empty_optional_fields_and_empty_loops(letter):
    context = {
        "name": "",
        "items": [],
        "note": "",
        "rich": RichText(""),
        "listing": Listing(""),
        "district": "",
        "ref": "",
    }
    fast, slow, _ = both(letter, context)
    assert fast == slow
    assert "You have" not in fast and "Dear ," in fast


def test_table_loop_rows(letter):
    items = [{"name": f"Test {n}", "score": 2400 + n} for n in range(5)]
    context = {"name": "A", "items": items, "note": "", "rich": "r", "listing": "l", "district": "D", "ref": "1"}
    content = CompiledTemplate(letter).render(context)
    table = Document(io.BytesIO(content)).tables[0]
    assert [c.text for c in table.rows[3].cells] == ["Test 2", "2402"]
    assert len(table.rows) == 6


def test_output_is_a_complete_docx_with_every_part(letter):
    content = CompiledTemplate(letter).render(
        {"name": "A", "items": [], "note": "", "rich": "", "listing": "", "district": "D", "ref": "1"}
    )
    with zipfile.ZipFile(io.BytesIO(content)) as out, zipfile.ZipFile(letter) as original:
        assert sorted(out.namelist()) == sorted(original.namelist())
        assert out.testzip() is None


def test_missing_variable_names_template_variable_and_place(letter):
    with pytest.raises(TemplateError) as exc:
        CompiledTemplate(letter).render(
            {"name": "A", "items": [], "rich": "", "listing": "", "district": "D", "ref": "1"}
        )
    message = str(exc.value)
    assert message.startswith("letter.docx: undefined variable: 'note' is undefined")
    assert "in body, paragraph" in message and "Note:" in message


def test_missing_variable_in_a_footer_names_the_footer(letter):
    with pytest.raises(TemplateError, match=r"'ref' is undefined \(in footer1\.xml"):
        CompiledTemplate(letter).render(
            {"name": "A", "items": [], "note": "", "rich": "", "listing": "", "district": "D"}
        )


def test_syntax_error_names_the_template(tmp_path):
    path = build(tmp_path / "broken.docx", paragraphs=["{% if %}"])
    with pytest.raises(TemplateError, match="broken.docx: template syntax error"):
        CompiledTemplate(path)


def test_column_loops_fall_back_to_docxtpl_with_the_same_text(tmp_path):
    path = build(tmp_path / "cols.docx", table_rows=[["{%tc for c in cols %}", "{{ c }}", "{%tc endfor %}"]])
    compiled = CompiledTemplate(path)
    assert not compiled.fast and "table column loops" in compiled.fallback_reasons[0]
    fast, slow, _ = both(path, {"cols": ["a", "b", "c"]})
    assert fast == slow and "a" in fast


def test_every_family_output_passes_templates_check():
    forms = FormLibrary(REPO / "forms", lambda d: d.isoformat())
    results = check_all(FAMILIES.values(), REPO / "templates", forms)
    assert results and all(r.ok and r.fast for r in results), [(r.template.name, r.message) for r in results]
    checked = {r.template.name for r in results}
    # every Word template of every family, in every language it exists in, and every form
    assert {"parent_notification.zh-Hant.docx", "result_letter.fil.docx", "security_agreement.en.docx"} <= checked
    assert {"designation_form.pdf", "materials_report.pdf", "site_student_list.json"} <= checked
    forms = [r for r in results if r.template.suffix == ".pdf"]
    assert len(forms) == 6 and all("sample filled" in r.message for r in forms)  # every form has a sample
