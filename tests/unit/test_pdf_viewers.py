"""Filled and flattened forms as viewers draw them: poppler (pdftoppm) and MuPDF (mutool) render
the page and the pixels inside each button are counted; pypdf checks the structure."""

from __future__ import annotations

import io
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from fontTools.ttLib import TTFont
from foreign_forms import build_foreign_form
from pypdf import PdfReader

from examdesk.adapters.pdf_unicode_text import FontSet
from examdesk.adapters.pdfforms import CompiledForm, flatten
from examdesk.errors import ConfigurationError

FORMS = Path(__file__).resolve().parents[2] / "forms"
RENDERERS = [
    pytest.param("pdftoppm", marks=pytest.mark.skipif(not shutil.which("pdftoppm"), reason="needs poppler-utils")),
    pytest.param("mutool", marks=pytest.mark.skipif(not shutil.which("mutool"), reason="needs mupdf-tools")),
]


def render(pdf: bytes, renderer: str, tmp_path: Path) -> tuple[int, int, bytes]:
    """Page 1 as 8-bit grey pixels at 72 dpi (one pixel per point): (width, height, pixels)."""
    tmp_path.mkdir(exist_ok=True)
    source = tmp_path / "page.pdf"
    source.write_bytes(pdf)
    if renderer == "pdftoppm":
        subprocess.run(
            ["pdftoppm", "-r", "72", "-gray", "-f", "1", "-l", "1", str(source), str(tmp_path / "p")], check=True
        )
        image = next(tmp_path.glob("p*.pgm")).read_bytes()
    else:
        subprocess.run(
            ["mutool", "draw", "-q", "-r", "72", "-c", "gray", "-o", str(tmp_path / "p.pgm"), str(source), "1"],
            check=True,
        )
        image = (tmp_path / "p.pgm").read_bytes()
    magic, width, height, _maximum, pixels = image.split(maxsplit=4)
    assert magic == b"P5"
    return int(width), int(height), pixels


def ink(page: tuple[int, int, bytes], rect: list[float]) -> int:
    """Dark pixels inside a widget's rectangle (its border, drawn in grey, is left out)."""
    width, height, pixels = page
    x1, y1, x2, y2 = (round(float(v)) for v in rect)
    return sum(
        1 for y in range(height - y2 + 2, height - y1 - 2) for x in range(x1 + 2, x2 - 2) if pixels[y * width + x] < 100
    )


def widget_rects(pdf: bytes) -> dict[str, list[float]]:
    """Every button widget's rectangle by '<field>' or '<field>=<on-state>' (radio kids)."""
    rects = {}
    for annot in PdfReader(io.BytesIO(pdf)).pages[0].get("/Annots", []):
        widget = annot.get_object()
        field = widget if "/T" in widget else widget["/Parent"].get_object()
        states = [s for s in widget.get("/AP", {}).get("/N", {}) if s != "/Off"]
        name = str(field["/T"])
        rects[f"{name}={states[0][1:]}" if "/T" not in widget else name] = list(widget["/Rect"])
    return rects


@pytest.mark.parametrize("renderer", RENDERERS)
def test_a_ticked_checkbox_and_a_chosen_radio_button_show_in_the_viewer(renderer, tmp_path):
    agreement = CompiledForm((FORMS / "security_agreement.pdf").read_bytes(), "security_agreement.pdf")
    filled = agreement.fill({"role_ta": True})
    acro_form = PdfReader(io.BytesIO(filled)).trailer["/Root"]["/AcroForm"]
    assert "/ZaDb" in acro_form["/DR"]["/Font"] and acro_form["/NeedAppearances"].value is False
    page, rects = render(filled, renderer, tmp_path), widget_rects(filled)
    assert ink(page, rects["role_ta"]) > 10 and ink(page, rects["role_tc"]) == 0

    certification = CompiledForm((FORMS / "post_test_certification.pdf").read_bytes(), "post_test_certification.pdf")
    filled = certification.fill({"irregularity_forms": "no"})
    page, rects = render(filled, renderer, tmp_path / "radio"), widget_rects(filled)
    assert ink(page, rects["irregularity_forms=no"]) > 2 and ink(page, rects["irregularity_forms=yes"]) == 0


@pytest.mark.parametrize("renderer", RENDERERS)
def test_a_flattened_radio_group_draws_each_button_by_its_own_state(renderer, tmp_path):
    certification = CompiledForm((FORMS / "post_test_certification.pdf").read_bytes(), "post_test_certification.pdf")
    filled = certification.fill({"irregularity_forms": "no", "materials_forms": "yes", "agreed": True})
    rects = widget_rects(filled)
    flat = flatten(filled, "post_test_certification.pdf")
    assert not PdfReader(io.BytesIO(flat)).pages[0].get("/Annots")
    page = render(flat, renderer, tmp_path)
    assert ink(page, rects["irregularity_forms=no"]) > 2 and ink(page, rects["irregularity_forms=yes"]) == 0
    assert ink(page, rects["materials_forms=yes"]) > 2 and ink(page, rects["materials_forms=no"]) == 0
    assert ink(page, rects["agreed"]) > 10


@pytest.mark.parametrize("renderer", RENDERERS)
def test_a_checkbox_whose_on_appearance_is_empty_gets_a_tick_drawn(renderer, tmp_path):
    form = CompiledForm(build_foreign_form(empty_on=True), "foreign.pdf")
    filled = form.fill({"consent": True})
    page, rects = render(filled, renderer, tmp_path), widget_rects(filled)
    assert ink(page, rects["consent"]) > 5
    flat = render(flatten(filled, "foreign.pdf"), renderer, tmp_path / "flat")
    assert ink(flat, rects["consent"]) > 5


@pytest.mark.skipif(not shutil.which("pdftotext"), reason="needs poppler-utils")
@pytest.mark.parametrize("form", sorted(p.name for p in FORMS.glob("*.pdf")))
def test_every_shipped_forms_text_stays_inside_its_margins(form, tmp_path):
    words = subprocess.run(
        ["pdftotext", "-bbox", str(FORMS / form), "-"], check=True, capture_output=True, text=True
    ).stdout
    right_edges = [float(x) for x in re.findall(r'xMax="([0-9.]+)"', words)]
    assert right_edges and max(right_edges) <= 612 - 48 + 0.5  # letter width less the form's margin


@pytest.mark.skipif(not shutil.which("pdftotext"), reason="needs poppler-utils")
def test_a_value_longer_than_its_box_is_drawn_smaller_not_cut(tmp_path):
    form = CompiledForm((FORMS / "security_agreement.pdf").read_bytes(), "security_agreement.pdf")
    long = "Marcus O'Neill <assessment.coordinator.office@mesaverde-unified.example.org>"

    def drawn(value: str) -> tuple[float, str]:
        filled = form.fill({"return_to": value})
        widget = next(
            a.get_object()
            for a in PdfReader(io.BytesIO(filled)).pages[0]["/Annots"]
            if a.get_object().get("/T") == "return_to"
        )
        size = float(re.search(rb"([0-9.]+) Tf", widget["/AP"]["/N"].get_object().get_data()).group(1))
        x1, y1, x2, y2 = (float(v) for v in widget["/Rect"])
        (tmp_path / "f.pdf").write_bytes(filled)
        crop = ["-x", str(int(x1)), "-y", str(int(792 - y2)), "-W", str(int(x2 - x1)), "-H", str(int(y2 - y1))]
        text = subprocess.run(
            ["pdftotext", "-r", "72", *crop, str(tmp_path / "f.pdf"), "-"], check=True, capture_output=True, text=True
        ).stdout
        return size, " ".join(text.split())

    size, text = drawn(long)
    assert size < 9 and text == long  # all of it, inside the box
    assert drawn("Marcus O'Neill <a@b.org>")[0] == 9  # a value that fits keeps the form's size


NAMES_IN_OTHER_SCRIPTS = {
    "first_name": "Nguyễn Thị Ánh",  # Vietnamese: letters with two marks
    "last_name": "陳大文",  # Traditional Chinese
    "site_name": "مدرسة لينكولن",  # Arabic: joined letters, right to left
}


def widget_text(pdf: bytes, rect: list[float], tmp_path: Path) -> str:
    """What poppler reads inside a widget's rectangle."""
    x1, y1, x2, y2 = (float(v) for v in rect)
    (tmp_path / "t.pdf").write_bytes(pdf)
    crop = ["-x", str(int(x1)), "-y", str(int(792 - y2)), "-W", str(int(x2 - x1)), "-H", str(int(y2 - y1))]
    out = subprocess.run(
        ["pdftotext", "-r", "72", *crop, str(tmp_path / "t.pdf"), "-"], check=True, capture_output=True, text=True
    )
    return " ".join(re.sub("[\u202a-\u202e]", "", out.stdout).split())  # without bidi embedding marks


def embedded_fonts(pdf: bytes) -> list:
    """The Type0 fonts the text widgets' appearances use."""
    fonts = []
    for annot in PdfReader(io.BytesIO(pdf)).pages[0]["/Annots"]:
        appearance = annot.get_object()["/AP"]["/N"].get_object()
        for font in appearance.get("/Resources", {}).get("/Font", {}).values():
            if font.get_object()["/Subtype"] == "/Type0":
                fonts.append(font.get_object())
    return fonts


def test_text_in_any_script_gets_a_font_subset_with_real_glyphs():
    form = CompiledForm((FORMS / "security_agreement.pdf").read_bytes(), "security_agreement.pdf")
    filled = form.fill(NAMES_IN_OTHER_SCRIPTS | {"email": "anh@example.org"})
    reader = PdfReader(io.BytesIO(filled), strict=True)  # the incremental update's new objects are well formed
    assert {k: reader.get_fields()[k]["/V"] for k in NAMES_IN_OTHER_SCRIPTS} == NAMES_IN_OTHER_SCRIPTS
    fonts = embedded_fonts(filled)
    assert len(fonts) == 3  # one subset per value (Noto Sans, Droid Sans Fallback, Noto Sans Arabic)
    for font in fonts:
        descendant = font["/DescendantFonts"][0].get_object()
        assert font["/Encoding"] == "/Identity-H" and "/ToUnicode" in font
        subset = TTFont(io.BytesIO(descendant["/FontDescriptor"]["/FontFile2"].get_data()))
        assert 1 < len(subset.getGlyphOrder()) < 20  # cut down to the value's glyphs
        to_unicode = font["/ToUnicode"].get_data().decode()
        drawn = {
            int(g, 16): bytes.fromhex(t).decode("utf-16-be") for g, t in re.findall(r"<(\w{4})> <(\w+)>", to_unicode)
        }
        letters = {g for g, text in drawn.items() if not text.isspace()}
        assert letters and all(subset["glyf"][subset.getGlyphName(g)].numberOfContours != 0 for g in letters)
    assert form.fill({"first_name": "Ana"}).count(b"/FontFile2") == 0  # plain Latin keeps the form's Helvetica


@pytest.mark.skipif(not shutil.which("pdftotext"), reason="needs poppler-utils")
@pytest.mark.parametrize("renderer", RENDERERS)
def test_text_in_any_script_is_drawn_in_filled_and_flattened_copies(renderer, tmp_path):
    form = CompiledForm((FORMS / "security_agreement.pdf").read_bytes(), "security_agreement.pdf")
    form.fill({"first_name": "Ana"})  # a copy before: the next one still gets its own font objects
    filled = form.fill(NAMES_IN_OTHER_SCRIPTS)
    rects = widget_rects(filled)
    flat = flatten(filled, "security_agreement.pdf")
    for pdf, where in ((filled, "filled"), (flat, "flat")):
        page = render(pdf, renderer, tmp_path / where)
        for name, value in NAMES_IN_OTHER_SCRIPTS.items():
            assert ink(page, rects[name]) > 30, (where, name)  # drawn, not left blank
            read = widget_text(pdf, rects[name], tmp_path)
            # poppler gives Arabic back in the order it is drawn; the letters are all there
            assert read == value or sorted(read) == sorted(value), (where, name, read)
    text = PdfReader(io.BytesIO(flat)).pages[0].extract_text()
    assert all(value in text for value in NAMES_IN_OTHER_SCRIPTS.values())  # pypdf reads it in logical order


@pytest.mark.skipif(not shutil.which("pdftotext"), reason="needs poppler-utils")
def test_a_long_multiline_value_in_another_script_wraps_inside_its_box(tmp_path):
    form = CompiledForm((FORMS / "irregularity_report.pdf").read_bytes(), "irregularity_report.pdf")
    description = "Học sinh Nguyễn Văn Bình đã mở điện thoại trong giờ thi. 學生在考試期間使用手機。 " * 3
    filled = form.fill({"description": description})
    rect = next(
        a.get_object()["/Rect"]
        for a in PdfReader(io.BytesIO(filled)).pages[0]["/Annots"]
        if a.get_object().get("/T") == "description"
    )
    assert widget_text(filled, rect, tmp_path) == " ".join(description.split())


DEJAVU = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")


@pytest.mark.skipif(not DEJAVU.is_file(), reason="needs fonts-dejavu-core (another TrueType font with Vietnamese)")
def test_a_district_font_is_tried_first_and_a_font_that_cannot_be_embedded_is_refused(tmp_path):
    form = CompiledForm((FORMS / "security_agreement.pdf").read_bytes(), "security_agreement.pdf", FontSet([DEJAVU]))
    filled = form.fill({"first_name": "Đỗ", "last_name": "陳"})  # DejaVu has Vietnamese letters, not Chinese
    assert sorted(str(f["/BaseFont"]).split("+")[1] for f in embedded_fonts(filled)) == [
        "DejaVuSans",
        "DroidSansFallback",
    ]
    (tmp_path / "not-a-font.ttf").write_text("hello")
    broken = CompiledForm((FORMS / "security_agreement.pdf").read_bytes(), "sa", FontSet([tmp_path / "not-a-font.ttf"]))
    with pytest.raises(ConfigurationError, match="not-a-font.ttf: cannot be used for form fields"):
        broken.fill({"first_name": "Đỗ"})
