"""Chain-of-custody sheets per session (April) and the reconciliation of returns (May)."""

import csv
import io
from datetime import date

from docx import Document

from examdesk.settings import load_settings
from helpers import attachments, docx_text, read_outbox, run_month


def rows(path):
    with path.open(encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def test_a_sheet_per_session_lists_exactly_its_secure_items(district, tmp_path):
    summary = run_month(district, "april", today=date(2027, 4, 1))
    data = tmp_path / "data"
    sessions = {s["session_id"]: s for s in rows(data / "sessions.csv")}
    materials = rows(data / "materials.csv")
    coordinators = {s["site_id"]: s for s in rows(data / "staff.csv") if s["role"] == "site_coordinator"}
    settings = load_settings(district)
    sheets = {}
    for msg in read_outbox(settings.output_dir, "2027-04"):
        for filename, content in attachments(msg):
            if filename.startswith("custody_"):
                session_id = filename.removesuffix(".docx").split("_", 2)[2]
                sheets[session_id] = (msg["To"].addresses[0].addr_spec, content)
    april = {sid for sid, s in sessions.items() if s["date"].startswith("2027-04")}
    assert set(sheets) == april and summary["messages_failed"] == 0
    for session_id, (to, content) in sheets.items():
        session = sessions[session_id]
        coordinator = coordinators[session["site_id"]]
        assert to == coordinator["email"]
        text = docx_text(content)
        assert f"Session: {session_id}" in text and f"Room: {session['room']}" in text
        assert f"Coordinator: {coordinator['first_name']} {coordinator['last_name']}" in text
        table = Document(io.BytesIO(content)).tables[0]
        numbers = [r.cells[0].text for r in table.rows[1:-1]]
        expected = sorted(m["security_number"] for m in materials if m["session_id"] == session_id)
        assert numbers == expected
        assert table.rows[-1].cells[1].text == f"{len(expected)} item(s)"
        start_h, start_m = map(int, session["start_time"].split(":"))
        assert table.rows[1].cells[4].text == f"{(start_h * 60 + start_m - 15) // 60:02d}:{(start_m - 15) % 60:02d}"


def test_reconciliation_lists_missing_damaged_short_and_unmatched(district, tmp_path):
    run_month(district, "may", today=date(2027, 5, 28))
    data = tmp_path / "data"
    materials = {m["security_number"]: m for m in rows(data / "materials.csv")}
    returns = {r["security_number"]: r for r in rows(data / "returns.csv")}
    missing = {n for n in materials if n not in returns}
    flagged = {
        n
        for n, r in returns.items()
        if n in materials
        and (r["disposition"] in ("missing", "damaged") or int(r["quantity_returned"]) < int(materials[n]["quantity"]))
    }
    unmatched = {n for n in returns if n not in materials}
    assert len(missing) == 3 and len(flagged) == 2 and unmatched == {"999999999-9"}
    settings = load_settings(district)
    text = ""
    for msg in read_outbox(settings.output_dir, "2027-05"):
        for filename, content in attachments(msg):
            if filename.startswith("custody-reconciliation_"):
                text += docx_text(content)
    for number in missing | flagged | unmatched:
        assert number in text
    assert text.count("no return recorded") == 3
    assert "reported damaged" in text and "returned 0 of 1" in text
    assert "999999999-9 (recorded as returned)" in text
