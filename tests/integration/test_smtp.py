"""A month delivered to a real SMTP server on 127.0.0.1 (aiosmtpd), parsed on arrival."""

import csv

import pytest

from examdesk.errors import ConfigurationError
from examdesk.settings import load_settings
from fakes import ledger_messages
from helpers import attachments, docx_text, run_month, student_in, students_by_document

pytestmark = pytest.mark.slow  # whole months through the services, real servers or processes


@pytest.fixture
def smtp_district(district, smtp_server, monkeypatch):
    controller, handler = smtp_server
    monkeypatch.setenv("EXAMDESK_MAIL__TRANSPORT", "smtp")
    monkeypatch.setenv("EXAMDESK_MAIL__HOST", "127.0.0.1")
    monkeypatch.setenv("EXAMDESK_MAIL__PORT", str(controller.port))
    monkeypatch.setenv("EXAMDESK_MAIL__SECURITY", "none")
    monkeypatch.setenv("EXAMDESK_MAIL__USERNAME", "")
    return district, handler


def test_february_over_smtp_every_letter_names_its_own_student_and_guardian(smtp_district, tmp_path):
    district, received = smtp_district
    summary = run_month(district, "february")
    with (tmp_path / "data" / "students.csv").open(encoding="utf-8") as fh:
        names = {r["student_id"]: f"{r['first_name']} {r['last_name']}" for r in csv.DictReader(fh)}
    assert summary["transport"] == "smtp"
    assert summary["messages_sent"] == len(received.messages) > 250
    letters = 0
    about = students_by_document(district)  # attachment names carry the document's id, not the SSID
    for mail_from, rcpt_tos, msg in received.messages:
        assert mail_from == "assessment@mesaverde.example.org"
        assert rcpt_tos == [msg["To"].addresses[0].addr_spec]  # envelope matches the header, one recipient
        guardian = msg["To"].addresses[0].display_name
        for filename, content in attachments(msg):
            letters += 1
            sid = student_in(filename, about)
            text = docx_text(content)
            assert names[sid] in text and guardian in text
            assert [s for s in names if s != sid and s in text] == []
    assert letters == 300
    rows = ledger_messages(load_settings(district).ledger_url, month="2027-02")
    states = {m["state"] for m in rows}
    ids = {m["message_id"] for m in rows}
    assert states == {"sent"}
    assert ids == {msg["Message-ID"].strip("<>") for _, _, msg in received.messages}


def test_rerun_against_the_server_sends_zero_new_messages(smtp_district):
    district, received = smtp_district
    first = run_month(district, "march")
    count = len(received.messages)
    assert count == first["messages_sent"] > 0
    second = run_month(district, "march")
    assert second["messages_sent"] == 0
    assert len(received.messages) == count


def test_unreachable_server_leaves_messages_failed_for_the_next_run(district, monkeypatch, smtp_server):
    controller, received = smtp_server
    monkeypatch.setenv("EXAMDESK_MAIL__TRANSPORT", "smtp")
    monkeypatch.setenv("EXAMDESK_MAIL__HOST", "127.0.0.1")
    monkeypatch.setenv("EXAMDESK_MAIL__PORT", "1")  # nothing listens there
    monkeypatch.setenv("EXAMDESK_MAIL__SECURITY", "none")
    monkeypatch.setenv("EXAMDESK_MAIL__USERNAME", "")
    failed = run_month(district, "october")
    assert failed["messages_sent"] == 0 and failed["messages_failed"] > 0
    assert len(failed["errors"]) == 1 and "cannot connect" in failed["errors"][0]  # one attempt, not one per message
    monkeypatch.setenv("EXAMDESK_MAIL__PORT", str(controller.port))
    retried = run_month(district, "october")
    assert retried["messages_sent"] == failed["messages_failed"] == len(received.messages)


def test_login_without_password_is_refused_before_anything_is_rendered(district, monkeypatch):
    from typer.testing import CliRunner

    from examdesk.cli import app

    monkeypatch.setenv("EXAMDESK_MAIL__TRANSPORT", "smtp")
    with pytest.raises(ConfigurationError, match="EXAMDESK_MAIL__PASSWORD is not"):
        run_month(district, "february")
    assert not (load_settings(district).output_dir / "2026-27").exists()
    status = CliRunner().invoke(app, ["status", "--config", str(district)])
    assert status.exit_code == 0  # reading the checklist needs no password
    remind = CliRunner().invoke(app, ["remind", "--config", str(district), "--today", "2027-04-01"])
    assert remind.exit_code == 2 and "EXAMDESK_MAIL__PASSWORD is not" in " ".join(remind.output.split())
    assert "Traceback" not in remind.output
