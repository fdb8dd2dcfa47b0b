"""ack import on a corpus of malformed PDFs: one outcome per file, within the configured bounds,
and a good returned form among them is still recorded."""

from __future__ import annotations

import shutil
import time
from datetime import date
from pathlib import Path

import pytest
import yaml
from malformed_pdfs import build_corpus

from examdesk.adapters.bounded_pdf import ReadLimits, read_values_bounded
from examdesk.adapters.pdfforms import FormError
from examdesk.bootstrap import build_app
from examdesk.services.tracking.acks import import_returns
from helpers import run_month

pytestmark = pytest.mark.slow

REPO = Path(__file__).resolve().parents[2]


def test_each_malformed_pdf_gets_its_own_outcome_within_bounds_and_the_good_one_is_recorded(district, tmp_path):
    raw = yaml.safe_load(district.read_text(encoding="utf-8"))
    raw["forms"].update(returned_seconds=8, returned_memory_mb=768, returned_max_mb=10)
    district.write_text(yaml.safe_dump(raw, allow_unicode=True), encoding="utf-8")
    run_month(district, "march", today=date(2027, 3, 1))
    folder = tmp_path / "returned"
    expected = build_corpus(folder)
    good = next(p for p in (REPO / "demo" / "returned").glob("*.pdf") if "unsigned" not in p.name)
    shutil.copy(good, folder / "a-good-one.pdf")
    app = build_app(district)
    start = time.monotonic()
    results = {r.file.name: r for r in import_returns(app, [folder])}
    elapsed = time.monotonic() - start
    assert set(results) == {*expected, "a-good-one.pdf"}  # one outcome per file, none missing
    for name, (outcome, reason) in expected.items():
        assert results[name].outcome == outcome, (name, results[name].message)
        assert reason in results[name].message, (name, results[name].message)
    assert results["a-good-one.pdf"].outcome == "complete"
    # every file well within its 8-second bound (the deep one is refused, not waited out)
    assert elapsed < 8 * len(results) / 2, elapsed


def test_a_file_is_refused_when_it_takes_too_long_or_needs_too_much_memory(tmp_path):
    build_corpus(tmp_path)
    form = REPO / "forms" / "security_agreement.pdf"
    with pytest.raises(FormError, match="took longer than 0.001 s"):
        read_values_bounded(form, ReadLimits(seconds=0.001))
    start = time.monotonic()
    with pytest.raises(FormError, match="more memory|reader stopped"):  # 100 MB read into a 160 MB space
        read_values_bounded(tmp_path / "huge.pdf", ReadLimits(max_bytes=200_000_000, memory_bytes=160 * 2**20))
    assert time.monotonic() - start < 20
    assert read_values_bounded(form, ReadLimits())["first_name"] == ""  # a good file still reads
