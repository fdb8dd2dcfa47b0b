"""The PDF form adapter on examdesk's own forms and on a form another tool made."""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest
from foreign_forms import build_foreign_form, build_plain_pdf
from pypdf import PdfReader, PdfWriter
from pypdf.generic import NameObject

from examdesk.adapters.pdfforms import CompiledForm, FormError, flatten, inspect_form, merge, protect, read_values

FORMS = Path(__file__).resolve().parents[2] / "forms"


def agreement() -> bytes:
    return (FORMS / "security_agreement.pdf").read_bytes()


def fields_of(content: bytes) -> dict:
    return PdfReader(io.BytesIO(content)).get_fields()


def widgets(content: bytes) -> dict[str, list]:
    """Widget annotations by their field's full name."""
    reader = PdfReader(io.BytesIO(content))
    out: dict[str, list] = {}
    for page in reader.pages:
        for ref in page.get("/Annots", []):
            annot = ref.get_object()
            node, parts = annot, []
            while node is not None:
                if "/T" in node:
                    parts.append(str(node["/T"]))
                node = node.get("/Parent").get_object() if "/Parent" in node else None
            out.setdefault(".".join(reversed(parts)), []).append(annot)
    return out


def on_state_in_ap(annot) -> str:
    return next(k for k in annot["/AP"]["/N"] if k != "/Off")


def test_every_own_form_has_fields_and_a_hidden_document_id():
    for pdf in sorted(FORMS.glob("*.pdf")):
        fields = {f.name: f for f in inspect_form(pdf.read_bytes(), pdf.name)}
        assert fields["document_id"].hidden and fields["document_id"].read_only, pdf.name
        assert len(fields) >= 10, pdf.name


def test_fill_sets_text_checkbox_on_state_and_visible_appearances():
    form = CompiledForm(agreement(), "security_agreement.pdf")
    out = form.fill(
        {
            "first_name": "Siobhán",
            "last_name": "O'Brien & <Co>",
            "role_ta": True,
            "role_stc": False,
            "document_id": "X1",
        }
    )
    f = fields_of(out)
    assert f["first_name"]["/V"] == "Siobhán" and f["last_name"]["/V"] == "O'Brien & <Co>"
    assert f["document_id"]["/V"] == "X1"
    ta = widgets(out)["role_ta"][0]
    assert isinstance(f["role_ta"]["/V"], NameObject) and f["role_ta"]["/V"] == on_state_in_ap(ta)
    assert ta["/AS"] == on_state_in_ap(ta) and widgets(out)["role_stc"][0]["/AS"] == "/Off"
    # the value is drawn: the widget's appearance stream holds the text, no click needed
    last = widgets(out)["last_name"][0]["/AP"]["/N"].get_data()
    assert b"O'Brien & <Co>" in last
    assert b"Siobh\xe1n" in widgets(out)["first_name"][0]["/AP"]["/N"].get_data()


def test_copies_do_not_leak_into_each_other():
    form = CompiledForm(agreement(), "security_agreement.pdf")
    first = form.fill({"first_name": "Ana", "role_ta": True, "other_role": "Observer"})
    second = form.fill({"first_name": "Ben"})
    a, b = fields_of(first), fields_of(second)
    assert a["first_name"]["/V"] == "Ana" and a["other_role"]["/V"] == "Observer"
    assert b["first_name"]["/V"] == "Ben"
    assert b["other_role"].get("/V", "") == "" and b["role_ta"].get("/V") in (None, "/Off")
    assert b"Ana" not in widgets(second)["first_name"][0]["/AP"]["/N"].get_data()


def test_fast_fill_gives_the_same_values_as_a_naive_pypdf_fill():
    values = {"first_name": "Lê", "last_name": "Nguyen", "site_name": "Vista High", "role_proctor": True}
    fast = fields_of(CompiledForm(agreement(), "sa").fill(values))
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(agreement())))
    naive_values = {k: ("/Yes" if v is True else v) for k, v in values.items()}
    writer.update_page_form_field_values(writer.pages[0], naive_values, auto_regenerate=False)
    buffer = io.BytesIO()
    writer.write(buffer)
    naive = fields_of(buffer.getvalue())
    for name in values:
        assert fast[name].get("/V") == naive[name].get("/V"), name


def test_foreign_form_nested_names_custom_on_states_radio_and_choice():
    data = build_foreign_form(on_state="Agreed")
    fields = {f.name: f for f in inspect_form(data, "foreign.pdf")}
    assert set(fields) == {
        "student.name",
        "student.address.city",
        "form1[0].page1[0].signed[0]",
        "consent",
        "level",
        "grade",
    }
    assert fields["consent"].options == ("Agreed",)  # read from /AP, not assumed to be /Yes
    assert fields["level"].kind == "radio" and fields["level"].options == ("1", "2", "3")
    assert fields["grade"].kind == "choice" and fields["grade"].options == ("03", "04", "05")
    out = CompiledForm(data, "foreign.pdf").fill(
        {
            "student.name": "Zoë",
            "student.address.city": "Mesa Verde",
            "form1[0].page1[0].signed[0]": "2027-03-01",
            "consent": True,
            "level": "2",
            "grade": "05",
        }
    )
    f = fields_of(out)
    assert f["student.address.city"]["/V"] == "Mesa Verde" and f["form1[0].page1[0].signed[0]"]["/V"] == "2027-03-01"
    assert f["consent"]["/V"] == NameObject("/Agreed") and f["level"]["/V"] == NameObject("/2")
    kids = widgets(out)["level"]
    assert [k["/AS"] for k in kids] == ["/Off", "/2", "/Off"]
    assert f["grade"]["/V"] == "05"
    # the tool left text widgets without appearances; ours draw the value
    assert b"Mesa Verde" in widgets(out)["student.address.city"][0]["/AP"]["/N"].get_data()
    assert read_values(out, "x")["level"] == "2"


@pytest.mark.parametrize(
    ("values", "message"),
    [
        ({"nope": "x"}, "no field 'nope'"),
        ({"level": "4"}, "radio group 'level' cannot take '4'; it accepts one of: 1, 2, 3"),
        ({"grade": "Grade 6"}, "choice field 'grade' cannot take 'Grade 6'"),
    ],
)
def test_bad_values_name_the_form_field_and_row(values, message):
    form = CompiledForm(build_foreign_form(), "foreign.pdf")
    with pytest.raises(FormError) as exc:
        form.fill(values, row="row 7")
    assert "foreign.pdf, row 7" in str(exc.value) and message in str(exc.value)


def test_a_value_longer_than_the_field_allows_is_kept_whole_drawn_smaller_and_said_so():
    form = CompiledForm(agreement(), "security_agreement.pdf")
    notes: list[str] = []
    long = "Wolfeschlegelsteinhausenbergerdorff " * 8  # 288 characters
    filled = form.fill({"first_name": long}, row="row 7", notes=notes)
    assert notes == ["security_agreement.pdf, row 7: field 'first_name' holds at most 200 characters, got 288"]
    assert PdfReader(io.BytesIO(filled)).get_fields()["first_name"]["/V"] == long  # never cut
    widget = next(
        a.get_object()
        for a in PdfReader(io.BytesIO(filled)).pages[0]["/Annots"]
        if a.get_object().get("/T") == "first_name"
    )
    size = float(re.search(rb"([0-9.]+) Tf", widget["/AP"]["/N"].get_object().get_data()).group(1))
    assert size < 9


def test_forms_without_fields_or_with_a_password_are_refused():
    with pytest.raises(FormError, match="plain.pdf: the PDF has no fillable fields"):
        CompiledForm(build_plain_pdf(), "plain.pdf")
    locked = protect(agreement(), "s3cret", "agreement.pdf")
    with pytest.raises(FormError, match="locked.pdf: the form is encrypted"):
        inspect_form(locked, "locked.pdf")


def test_flattened_copy_has_no_fields_and_the_text_is_in_the_page():
    filled = CompiledForm(agreement(), "sa").fill({"first_name": "Imogen", "last_name": "Okafor", "document_id": "HID"})
    flat = flatten(filled, "sa")
    reader = PdfReader(io.BytesIO(flat))
    assert not reader.get_fields() and "/AcroForm" not in reader.trailer["/Root"]
    assert not [a for a in reader.pages[0].get("/Annots", []) if a.get_object().get("/Subtype") == "/Widget"]
    text = reader.pages[0].extract_text()
    assert "Imogen" in text and "Okafor" in text
    assert "HID" not in text  # the hidden id stays hidden


def test_merged_packet_keeps_each_copys_own_values():
    form = CompiledForm(agreement(), "sa")
    copies = [(f"copy-{i:03d}", form.fill({"first_name": f"Person{i}", "role_ta": i % 2 == 0})) for i in range(25)]
    packet = merge(copies)
    reader = PdfReader(io.BytesIO(packet))
    fields = reader.get_fields()
    assert len(reader.pages) == 25
    names = {fields[f"copy-{i:03d}.first_name"]["/V"] for i in range(25)}
    assert names == {f"Person{i}" for i in range(25)}
    assert fields["copy-004.role_ta"]["/V"] == "/Yes" and fields["copy-005.role_ta"].get("/V") in (None, "/Off")


def test_protected_pdf_opens_only_with_the_password():
    filled = CompiledForm(agreement(), "sa").fill({"first_name": "Ruth"})
    locked = protect(filled, "correct horse", "sa")
    reader = PdfReader(io.BytesIO(locked))
    assert reader.is_encrypted
    assert reader.decrypt("wrong") == 0
    assert reader.decrypt("correct horse") != 0
    assert reader.get_fields()["first_name"]["/V"] == "Ruth"


def test_a_value_mixing_scripts_draws_every_character_with_a_font_that_has_it():
    from examdesk.adapters.pdf_unicode_text import UnicodeText
    from examdesk.adapters.pdfforms import SHARED_FONTS

    # Arabic then an address: the space and "<" follow the Arabic run, whose font has no "<"
    runs = UnicodeText(SHARED_FONTS).runs("مريم العلي <a@b.org> · Ánh Nguyễn 阮")
    glyphs = [g for run in runs for g in run.glyphs]
    assert glyphs and all(g.glyph_id != 0 for g in glyphs)  # no .notdef box anywhere
    assert "".join(g.text for run in runs for g in run.glyphs if not run.rtl).count("<a@b.org>") == 1
