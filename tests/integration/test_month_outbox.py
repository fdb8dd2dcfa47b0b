"""A whole month through the services with the outbox transport: documents, packets, ledger."""

import csv
import re
from pathlib import Path

import pytest

from conftest import edit_config
from examdesk.bootstrap import build_app
from examdesk.domain.calendar import SchoolYear, parse_month
from examdesk.services.month.documents import RenderingFailed, batches, render_batch
from examdesk.services.month.plan import prepare_month
from examdesk.settings import load_settings
from fakes import ledger_messages, task_statuses
from helpers import attachments, docx_text, read_outbox, run_month, student_in, students_by_document

pytestmark = pytest.mark.slow  # whole months through the services, real servers or processes


def student_names(data_dir: Path) -> dict[str, str]:
    with (data_dir / "students.csv").open(encoding="utf-8") as fh:
        return {r["student_id"]: f"{r['first_name']} {r['last_name']}" for r in csv.DictReader(fh)}


def test_february_sends_one_packet_per_guardian_with_their_own_letters(district, tmp_path):
    summary = run_month(district, "february")
    settings = load_settings(district)
    names = student_names(tmp_path / "data")
    messages = read_outbox(settings.output_dir, "2027-02")
    letters = [m for m in messages if list(m.iter_attachments())]
    digests = [m for m in messages if not list(m.iter_attachments())]
    assert summary["documents_rendered"] == 300  # 302 rows, 2 rejected by validation
    assert summary["messages_sent"] == len(messages) == len(letters) + len(digests)
    assert sum(len(attachments(m)) for m in letters) == 300
    assert summary["validation_problems"] == 4  # three bad rows, one result for an exempted test
    seen_students = set()
    about = students_by_document(district)
    for msg in letters:
        assert re.fullmatch(r"<[0-9a-f]{32}@mesaverde\.example\.org>", msg["Message-ID"])
        guardian = msg["To"].addresses[0].display_name
        for filename, content in attachments(msg):
            sid = student_in(filename, about)
            assert sid not in filename  # the attachment's name carries the document id, not the SSID
            text = docx_text(content)
            assert names[sid] in text, filename
            assert sid in text  # the footer reference, in any language
            assert guardian in text
            assert [s for s in names if s != sid and s in text] == []  # no other student's id
            # no other student's name (a guardian may share a name with some student)
            others = [
                n for s, n in names.items() if s != sid and n in text and n not in names[sid] and n not in guardian
            ]
            assert not others, (filename, others)
            seen_students.add(sid)
            assert "{{" not in text and "{%" not in text
    assert len(seen_students) == 300
    # one message per guardian: siblings' letters travel together
    with (tmp_path / "data" / "guardians.csv").open(encoding="utf-8") as fh:
        primary = {r["student_id"]: r["email"] for r in csv.DictReader(fh) if r["primary_contact"] == "Y"}
    per_guardian = {}
    for sid in seen_students:
        per_guardian[primary[sid]] = per_guardian.get(primary[sid], 0) + 1
    assert len(letters) == len(per_guardian)
    assert any(n > 1 for n in per_guardian.values())
    for msg in letters:
        assert len(attachments(msg)) == per_guardian[msg["To"].addresses[0].addr_spec]
    # no student names in any subject line
    for msg in messages:
        assert not any(n in msg["Subject"] for n in names.values())


EXEMPTION_HEADINGS = {
    "en": "Requesting an exemption",
    "es": "Cómo solicitar una exención",
    "vi": "Cách xin miễn kiểm tra",
    "zh-Hant": "如何申請豁免",
    "fil": "Paano humiling ng exemption",
}
CODES = {"English": "en", "Spanish": "es", "Vietnamese": "vi", "Chinese (Traditional)": "zh-Hant", "Filipino": "fil"}


def test_letters_follow_the_family_language(district, tmp_path):
    summary = run_month(district, "february")
    with (tmp_path / "data" / "guardians.csv").open(encoding="utf-8") as fh:
        language_of = {r["email"]: r["preferred_language"] for r in csv.DictReader(fh)}
    settings = load_settings(district)
    by_language = {}
    for msg in read_outbox(settings.output_dir, "2027-02"):
        preferred = language_of.get(msg["To"].addresses[0].addr_spec)
        for filename, content in attachments(msg):
            lang = filename.rsplit("_", 1)[1].removesuffix(".docx")
            assert lang == CODES.get(preferred, "en"), (filename, preferred)
            text = docx_text(content)
            assert EXEMPTION_HEADINGS[lang] in text
            by_language[lang] = by_language.get(lang, 0) + 1
    assert set(by_language) == set(EXEMPTION_HEADINGS)
    # only languages without a template fall back to English, and the run says how many
    fallbacks = [n for n in summary["notes"] if "template; sent in English" in n]
    assert fallbacks and all("Arabic" in n or "Korean" in n for n in fallbacks)


def test_rerun_sends_nothing_twice_and_resend_is_explicit(district):
    first = run_month(district, "february")
    second = run_month(district, "february")
    assert second["messages_sent"] == 0 and second["documents_rendered"] == 0
    # every letter and every digest line of the first run counts as already sent
    assert second["documents_already_sent"] > first["documents_rendered"] == 300
    settings = load_settings(district)
    assert len(read_outbox(settings.output_dir, "2027-02")) == first["messages_sent"]
    third = run_month(district, "february", resend=True)
    assert third["messages_sent"] == first["messages_sent"]
    assert len(read_outbox(settings.output_dir, "2027-02")) == 2 * first["messages_sent"]


def test_a_new_student_after_a_run_gets_only_their_letter(district, tmp_path):
    run_month(district, "february")
    data = tmp_path / "data"
    with (data / "students.csv").open("a", encoding="utf-8") as fh:
        fh.write("9199999999,Nova,Late,4,LIN,2017-05-05,Spanish,N,,N,N,,\n")
    with (data / "guardians.csv").open("a", encoding="utf-8") as fh:
        fh.write("G77777,9199999999,Vera,Late,vera.late@example.org,Mother,Spanish,Y,\n")
    again = run_month(district, "february")
    assert again["documents_rendered"] == 1 and again["messages_sent"] == 1


def test_hostile_names_are_escaped_in_the_letter(district, tmp_path):
    data = tmp_path / "data"
    text = (data / "guardians.csv").read_text(encoding="utf-8").splitlines()
    header, first = text[0], text[1].split(",")
    first[2], first[3] = '"O\'Brien & Sons <Jr>"', '"Zoë ""Quote"" 🙂"'
    (data / "guardians.csv").write_text("\n".join([header, ",".join(first), *text[2:]]) + "\n", encoding="utf-8")
    run_month(district, "february")
    settings = load_settings(district)
    target = [m for m in read_outbox(settings.output_dir, "2027-02") if "O'Brien & Sons <Jr>" in str(m["To"])]
    assert len(target) == 1
    body = docx_text(attachments(target[0])[0][1])
    assert 'O\'Brien & Sons <Jr> Zoë "Quote" 🙂' in body


def test_every_month_of_the_year_runs(district):
    settings = load_settings(district)
    totals = {}
    for month in [
        "july",
        "august",
        "september",
        "october",
        "november",
        "december",
        "january",
        "february",
        "march",
        "april",
        "may",
        "june",
    ]:
        first = parse_month(month, SchoolYear(2026)).first_day  # each month as of its first day, as scheduled
        summary = run_month(district, month, today=first)
        assert summary["messages_failed"] == 0, month
        assert summary["tasks"] > 0 and summary["messages_sent"] > 0, month
        totals[summary["month"]] = summary
    assert totals["2027-02"]["documents_rendered"] == 300
    # result letters: the results arrived on May 24, after May's run; June's run looks back at May
    assert totals["2027-06"]["documents_rendered"] > 250
    assert totals["2027-01"]["documents_rendered"] == 3  # a student list per site
    assert totals["2027-03"]["documents_rendered"] > 30  # security agreements and site summaries
    # testing months: site lists, a chain-of-custody sheet per session, (May) April's incidents, each of
    # which happened after April's run; the windows end in May, so (June) a reconciliation per site
    assert totals["2027-04"]["documents_rendered"] > 3 and totals["2027-05"]["documents_rendered"] > 6
    # the PDF forms: the coordinator designation in July, paper-exam requests in December
    assert totals["2026-07"]["documents_rendered"] == 1 and totals["2026-12"]["documents_rendered"] > 0
    assert all(totals[k]["documents_rendered"] == 0 for k in ("2026-08", "2026-09", "2026-10", "2026-11"))
    # PARCC phase tasks land in the testing months
    assert totals["2027-05"]["tasks"] > totals["2026-10"]["tasks"]
    assert task_statuses(settings.ledger_url)["caaspp-feb-05"]["status"] == "done"
    assert len({m["month"] for m in ledger_messages(settings.ledger_url)}) == 12


def test_broken_template_stops_before_any_email(district, tmp_path):
    import shutil

    from docx import Document

    templates = tmp_path / "templates"
    shutil.copytree(Path(__file__).resolve().parents[2] / "templates", templates)
    path = templates / "letters" / "parent_notification.en.docx"
    doc = Document(path)
    doc.add_paragraph("{{ student.shoe_size }}")
    doc.save(path)
    edit_config(district, templates=str(templates))
    app = build_app(district, "2026-27")
    plan = prepare_month(app, parse_month("february", app.school_year))
    with pytest.raises(RenderingFailed, match="parent_notification.en.docx.*shoe_size"):
        for batch in batches(plan):
            render_batch(plan, batch)
    settings = load_settings(district)
    assert not (settings.output_dir / "outbox").exists()


def test_output_folders_are_private(district):
    run_month(district, "february")
    settings = load_settings(district)
    # every folder and file holding student data: documents, messages, the ledger, reports, tracker
    paths = [settings.output_dir, *settings.output_dir.rglob("*"), *settings.state_dir.rglob("*")]
    assert any(p.suffix == ".eml" for p in paths) and any(p.name == "ledger.sqlite3" for p in paths)
    assert any(p.parent.name == "documents" for p in paths)
    for path in paths:
        assert path.stat().st_mode & 0o077 == 0, (path, oct(path.stat().st_mode))
