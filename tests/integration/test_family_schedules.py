"""March (US): each family learns their student's testing days in their own language; nothing of an
exam centre's (statements of entry, JCQ rules) reaches a US family."""

from __future__ import annotations

import csv
import io
from datetime import date
from pathlib import Path

import pytest
import yaml
from docx import Document

from examdesk.domain.checklist import parse_checklist
from examdesk.domain.memos import MEMOS
from examdesk.domain.registry import FAMILIES
from examdesk.settings import load_settings
from helpers import attachments, docx_text, read_outbox, run_month, student_in, students_by_document

pytestmark = pytest.mark.slow  # whole months through the services, real servers or processes

REPO = Path(__file__).resolve().parents[2]
EXAM_CENTRE_WORDS = ("statement of entry", "candidate", "awarding body", "smart watch", "exams office")


def rows(path: Path) -> list[dict]:
    with path.open(encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def test_exam_centre_tasks_are_not_in_a_us_districts_checklist():
    def actions(name: str) -> set[str]:
        raw = yaml.safe_load((REPO / "config" / name).read_text(encoding="utf-8"))
        return {t.action for t in parse_checklist(raw, source=name, generators=FAMILIES, memos=MEMOS)}

    assert not {"candidate_timetable", "clash_report"} & actions("checklist.yaml")
    assert {"candidate_timetable", "clash_report"} <= actions("checklist.exam-centre.yaml")


def test_march_testing_days_reach_each_family_in_their_language(district, tmp_path):
    run_month(district, "march", today=date(2027, 3, 1))
    data = tmp_path / "data"
    students = {s["student_id"]: s for s in rows(data / "students.csv")}
    guardians = {g["email"]: g for g in rows(data / "guardians.csv")}
    exempt = {(e["student_id"], e["test_code"]) for e in rows(data / "exemptions.csv")}
    spanish = 0
    schedules = 0
    languages_seen: set[str] = set()
    about = students_by_document(district)
    for msg in read_outbox(load_settings(district).output_dir, "2027-03"):
        to = msg["To"].addresses[0].addr_spec
        if to not in guardians:
            continue
        body = msg.get_body(("plain",)).get_content()
        texts = [body] + [docx_text(c) for name, c in attachments(msg) if name.endswith(".docx")]
        for text in texts:
            assert not [w for w in EXAM_CENTRE_WORDS if w in text.lower()], (to, text[:200])
        for name, content in attachments(msg):
            if not name.startswith("testing-days_") or not name.endswith(".docx"):
                continue
            schedules += 1
            sid = student_in(name, about)
            doc = Document(io.BytesIO(content))
            tests = [r.cells[0].text for r in doc.tables[0].rows[1:]]
            assert tests
            if {(sid, "ALL")} & exempt:
                pytest.fail(f"{sid} is exempted from every test but has a schedule")
            if guardians[to]["preferred_language"] == "Spanish":
                spanish += 1
                assert name.endswith("_es.docx")
                assert "Le enviamos" in body and "Días de evaluación" in docx_text(content)
                assert set(tests) <= {
                    "Smarter Balanced de Artes del Lenguaje en Inglés y Lectoescritura",
                    "Smarter Balanced de Matemáticas",
                    "Prueba de Ciencias de California",
                    "Evaluación de Español de California",
                }
            if (sid, "SB-MATH") in exempt:
                assert not [t for t in tests if "Mat" in t or "Math" in t]
            assert students[sid]["first_name"] in docx_text(content)
            # the document says its language (so viewers pick the right glyphs) and who made it, when
            language = name.removesuffix(".docx").split("_")[2]
            assert doc_language(doc) == WORD_LANGUAGE[language]
            assert doc.core_properties.author == "Mesa Verde Unified School District"
            assert doc.core_properties.created.year >= 2026  # the run's time, not the template's
            languages_seen.add(language)
    assert schedules > 250 and spanish > 20
    assert languages_seen == set(WORD_LANGUAGE)


WORD_LANGUAGE = {  # (Latin, East Asian) text language each document must carry
    "en": ("en-US", "en-US"),
    "es": ("es-US", "en-US"),
    "vi": ("vi-VN", "en-US"),
    "fil": ("fil-PH", "en-US"),
    "zh-Hant": ("zh-TW", "zh-TW"),  # not en-US, or Word and LibreOffice draw Japanese glyph variants
}


def doc_language(doc) -> tuple[str, str]:
    lang = doc.styles.element.find(f"{{{W}}}docDefaults/{{{W}}}rPrDefault/{{{W}}}rPr/{{{W}}}lang")
    return lang.get(f"{{{W}}}val"), lang.get(f"{{{W}}}eastAsia")


W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"


def test_march_emails_read_right_for_whoever_receives_them(district, tmp_path):
    """Subjects say what the packet is in the reader's language (no names); digests are proper lists;
    only the coordinator who runs examdesk hears about examdesk, and nobody gets a letter from themselves."""
    run_month(district, "march", today=date(2027, 3, 1))
    data = tmp_path / "data"
    enrolled = [s for s in rows(data / "students.csv") if s["site_id"] in ("LIN", "RMS", "VHS")]
    names = {s["first_name"] for s in enrolled} | {s["last_name"] for s in enrolled}
    coordinator = next(s for s in rows(data / "staff.csv") if s["role"] == "district_coordinator")
    subjects = {
        "en": "Testing days for your family, with a calendar file (2026-27)",
        "es": "Días de evaluación para su familia, con archivo de calendario (2026-27)",
        "vi": "Lịch kiểm tra cho gia đình quý vị, kèm tệp lịch (2026-27)",
        "zh-Hant": "給您家庭的測驗日程，附行事曆檔案（2026-27）",
        "fil": "Mga araw ng pagsusulit para sa inyong pamilya, may calendar file (2026-27)",
    }
    digests = 0
    for msg in read_outbox(load_settings(district).output_dir, "2027-03"):
        subject, to = msg["Subject"], msg["To"].addresses[0].addr_spec
        assert not [w for w in subject.replace(":", " ").replace("(", " ").split() if w in names], subject
        plain = msg.get_body(("plain",)).get_content()
        html = msg.get_body(("html",)).get_content()
        assert "`" not in plain and "`" not in html
        assert "<ul></ul>" not in html
        if to != coordinator["email"]:
            assert "examdesk" not in plain.lower(), (to, subject)
        files = [name for name, _ in attachments(msg)]
        schedule = [n for n in files if n.startswith("testing-days_") and n.endswith(".docx")]
        if schedule:
            language = schedule[0].removesuffix(".docx").split("_")[2]
            assert subject.endswith(subjects[language]), subject
        if "assessment tasks" in subject:
            digests += 1
            items = plain.count("\n  - ")
            assert html.count("<li>") == items > 0 and html.count("<ul>") == 1  # one bullet per task
            signature = plain.strip().splitlines()[-2:]
            if to == coordinator["email"]:
                assert signature[-1] == "examdesk, for Mesa Verde Unified School District"
                assert "examdesk mark TASK-ID done" in plain
            else:
                assert signature[0] == f"{coordinator['first_name']} {coordinator['last_name']}"
    assert digests >= 5
