"""What a person sees: every Word family converted with LibreOffice (no word broken inside a table
cell, header rows repeated, rows kept whole, a one-person agreement on one page), and every
spreadsheet set up for printing with dates stored as dates."""

from __future__ import annotations

import io
import re
import shutil
import subprocess
from datetime import date

import pytest
from docx import Document
from openpyxl import load_workbook

from conftest import make_district
from examdesk.bootstrap import build_app
from examdesk.services.tracking.tracker import write_tracker
from examdesk.settings import load_settings
from helpers import run_month

pytestmark = pytest.mark.slow  # whole months through the services, real servers or processes

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
MONTHS = {
    "december": date(2026, 12, 1),
    "january": date(2027, 1, 4),
    "february": date(2027, 2, 1),
    "march": date(2027, 3, 1),
    "april": date(2027, 4, 5),
    "may": date(2027, 5, 3),
    "june": date(2027, 6, 1),
}


@pytest.fixture(scope="module")
def year(tmp_path_factory) -> dict[str, list[tuple[str, bytes]]]:
    """The demo's document months, run once: family -> [(attachment name, content)]."""
    district = make_district(tmp_path_factory.mktemp("layout"))
    for month, today in MONTHS.items():
        run_month(district, month, today=today)
    output = load_settings(district).output_dir
    families: dict[str, list[tuple[str, bytes]]] = {}
    for folder in sorted((output / "2026-27").glob("*/documents/*")):
        files = sorted(folder.iterdir(), key=lambda p: (p.suffix != ".docx", p.name))
        chosen = files[:3] + [p for p in files[3:] if p.suffix == ".xlsx"]
        families[folder.name] = [(p.name, p.read_bytes()) for p in chosen]
    families["_tracker"] = [("tracker.xlsx", write_tracker(build_app(district), date(2027, 6, 1)).read_bytes())]
    return families


def word_documents(year) -> dict[str, bytes]:
    return {family: docs[0][1] for family, docs in year.items() if docs and docs[0][0].endswith(".docx")}


def test_every_word_table_repeats_its_header_keeps_rows_whole_and_fits_the_page(year):
    documents = word_documents(year)
    assert {"parent_notification", "testing_schedule", "result_letter", "chain_of_custody"} <= set(documents)
    tables = 0
    for family, content in documents.items():
        doc = Document(io.BytesIO(content))
        section = doc.sections[0]
        text_width = section.page_width - section.left_margin - section.right_margin
        for table in doc.tables:
            tables += 1
            rows = table._tbl.findall(f"{W}tr")
            assert rows[0].find(f"{W}trPr/{W}tblHeader") is not None, family
            assert all(r.find(f"{W}trPr/{W}cantSplit") is not None for r in rows), family
            grid = [int(c.get(f"{W}w")) for c in table._tbl.findall(f"{W}tblGrid/{W}gridCol")]
            assert len(set(grid)) > 1 or len(grid) == 1, f"{family}: equal columns, not sized to content"
            assert sum(grid) * 635 <= text_width * 1.21, family  # twips to EMU; the window notice may use margins
    assert tables >= 6


@pytest.mark.skipif(
    not shutil.which("soffice") or not shutil.which("pdftotext"), reason="needs LibreOffice and poppler"
)
def test_no_word_is_broken_inside_a_table_cell_when_libreoffice_lays_it_out(year, tmp_path):
    documents = word_documents(year)
    for family, content in documents.items():
        (tmp_path / f"{family}.docx").write_bytes(content)
    subprocess.run(
        ["soffice", "--headless", "--convert-to", "pdf", "--outdir", str(tmp_path), *map(str, tmp_path.glob("*.docx"))],
        check=True,
        capture_output=True,
        timeout=300,
    )
    for family, content in documents.items():
        pdf = tmp_path / f"{family}.pdf"
        text = subprocess.run(["pdftotext", str(pdf), "-"], check=True, capture_output=True, text=True).stdout
        flowing = " ".join(text.split())
        doc = Document(io.BytesIO(content))
        words = {w for t in doc.tables for cell in t._cells for w in re.findall(r"[A-Za-z]{5,}", cell.text)}
        broken = sorted(w for w in words if w not in flowing)
        assert not broken, f"{family}: words broken across lines: {broken[:8]}"
        if family == "security_agreement":
            pages = subprocess.run(["pdfinfo", str(pdf)], check=True, capture_output=True, text=True).stdout
            assert re.search(r"Pages:\s+1\b", pages), "a one-person agreement fits one page"


def test_every_spreadsheet_prints_landscape_one_page_wide_with_its_header_and_real_dates(year):
    sheets = {name: content for docs in year.values() for name, content in docs if name.endswith(".xlsx")}
    assert {"site_student_list", "result_letter"} <= {
        f for f, docs in year.items() for n, _ in docs if n.endswith(".xlsx")
    }
    assert "tracker.xlsx" in sheets
    for name, content in sheets.items():
        workbook = load_workbook(io.BytesIO(content))
        for ws in workbook.worksheets:
            assert ws.page_setup.orientation == "landscape", (name, ws.title)
            assert ws.page_setup.fitToWidth == 1 and ws.sheet_properties.pageSetUpPr.fitToPage, (name, ws.title)
            assert ws.print_title_rows == "$1:$1", (name, ws.title)
            assert ws.oddHeader.center.text, (name, ws.title)
    tracker = load_workbook(io.BytesIO(sheets["tracker.xlsx"]))
    header = [c.value for c in tracker["Checklist"][1]]
    due = [row[header.index("Due")] for row in tracker["Checklist"].iter_rows(min_row=2)]
    assert [c for c in due if c.is_date] and not [c for c in due if isinstance(c.value, str) and c.value[:2] == "20"]
    header = [c.value for c in tracker["Deliveries"][1]]
    sent = [row[header.index("Sent at (UTC)")] for row in tracker["Deliveries"].iter_rows(min_row=2)]
    assert sent and all(c.is_date for c in sent if c.value is not None)
