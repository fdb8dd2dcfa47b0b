"""March: a security agreement for everyone who handles secure material, a list for each site coordinator."""

import csv
from datetime import date

import pytest

from examdesk.settings import load_settings
from helpers import attachments, docx_text, read_outbox, run_month

pytestmark = pytest.mark.slow  # whole months through the services, real servers or processes


ROLES = {"site_coordinator", "technology_coordinator", "test_administrator", "proctor"}


def test_agreements_carry_the_right_person_role_and_sections(district, tmp_path):
    summary = run_month(district, "march", today=date(2027, 3, 1))
    with (tmp_path / "data" / "staff.csv").open(encoding="utf-8") as fh:
        staff = {r["email"]: r for r in csv.DictReader(fh)}
    handlers = {e: s for e, s in staff.items() if s["role"] in ROLES}
    settings = load_settings(district)
    agreements, summaries = {}, {}
    for msg in read_outbox(settings.output_dir, "2027-03"):
        to = msg["To"].addresses[0].addr_spec
        for filename, content in attachments(msg):
            if not filename.endswith(".docx"):
                continue  # the fillable PDF form beside each agreement: tests/integration/test_forms_year.py
            text = docx_text(content)
            if filename.endswith("_summary.docx"):
                summaries[to] = text
            elif filename.startswith("security-agreement_"):
                agreements[to] = text
    assert set(agreements) == set(handlers)
    assert (
        summary["notes"].count(
            f"parcc-before-14: {len(handlers)} agreement(s) with {len(handlers)} fillable form(s), 3 site summary(ies)"
        )
        == 1
    )
    for email, person in handlers.items():
        text = agreements[email]
        assert f"First Name (print): {person['first_name']}" in text
        assert f"Last Name (print): {person['last_name']}" in text
        tick = {
            "site_coordinator": "☒ School Test Coordinator",
            "technology_coordinator": "☒ Technology Coordinator",
            "test_administrator": "☒ Test Administrator",
            "proctor": "☒ Proctor",
        }[person["role"]]
        assert tick in text and text.count("☒") == 1
        assert ("For Test Administrators and Proctors" in text) == (person["role"] in ("test_administrator", "proctor"))
        assert ("For School Test Coordinators\n" in text) == (person["role"] == "site_coordinator")
        assert "I will not reveal or discuss test content" in text
        assert "Signature: ____" in text
    coordinators = {e: s for e, s in staff.items() if s["role"] == "site_coordinator"}
    assert set(summaries) == set(coordinators)
    for email, coordinator in coordinators.items():
        listed = [p for p in handlers.values() if p["site_id"] == coordinator["site_id"]]
        others = [p for p in handlers.values() if p["site_id"] and p["site_id"] != coordinator["site_id"]]
        for p in listed:
            assert p["email"] in summaries[email]
        for p in others:
            assert p["email"] not in summaries[email]
