"""The web pages over HTTP (FastAPI's test client, the real app, the demo's ledger in memory):
signing from the link in a real email, what is recorded, the certificate, and every security
promise: refused links, headers, sessions, CSRF, rate limits, a site coordinator's reach."""

from __future__ import annotations

import base64
import hashlib
import html
import io
import json
import logging
import re
from datetime import date

import pytest
from fastapi.testclient import TestClient
from pypdf import PdfReader

from examdesk.adapters.pdf_signing import check_signature
from examdesk.services.tracking.returns import return_rows
from examdesk.services.users import add_user
from examdesk.web.app import create_web_app
from fakes import memory_app
from helpers import attachments, run_day, run_month

pytestmark = pytest.mark.slow  # a month through the services first

SECRET = "test-secret-" + "x" * 40
PASSWORD = "correct horse battery staple"
TODAY = date(2027, 3, 10)


@pytest.fixture
def web(district, monkeypatch):
    monkeypatch.setenv("EXAMDESK_WEB__SECRET", SECRET)
    app, transport = memory_app(district, date(2027, 3, 1))
    run_month(None, "march", app=app)  # agreements to 34 staff, duty timetables, family schedules
    app.today = TODAY
    client = TestClient(create_web_app(app, today=lambda: TODAY), base_url="http://testserver", follow_redirects=False)
    return app, transport, client


def link(message, purpose: str) -> str:
    found = re.search(rf"http://127\.0\.0\.1:8080(/{purpose}/\S+)", message.get_body(("plain",)).get_content())
    assert found, f"no {purpose} link in the email"
    return found.group(1)


def form_token(page: str) -> str:
    return re.search(r'name="csrf" value="([^"]+)"', page).group(1)


def signers(transport):
    return [(to, m) for to, m in transport.sent if "sign it online" in m.get_body(("plain",)).get_content()]


def test_signing_from_the_link_in_the_email_records_the_signature_and_sends_a_signed_certificate(web):
    app, transport, client = web
    to, message = signers(transport)[0]
    [(form_name, form_bytes)] = [(n, c) for n, c in attachments(message) if n.endswith(".pdf")]
    url = link(message, "sign")
    page = client.get(url, headers={"user-agent": "Mozilla/5.0 (examdesk test)"})
    assert page.status_code == 200 and "Type your full name to sign" in page.text
    assert "For Test Administrators and Proctors" in page.text or "For School Test Coordinators" in page.text
    name = html.unescape(re.search(r"<dt>Name</dt><dd>([^<]+)</dd>", page.text).group(1))
    refused = client.post(url, data={"typed_name": "Someone Else", "attest": "yes", "csrf": form_token(page.text)})
    assert refused.status_code == 400 and "type your full name as it appears here" in refused.text
    unticked = client.post(url, data={"typed_name": name, "csrf": form_token(page.text)})
    assert unticked.status_code == 400 and "tick the box" in unticked.text

    signed = client.post(
        url,
        data={"typed_name": name.upper(), "attest": "yes", "csrf": form_token(page.text)},
        headers={"user-agent": "Mozilla/5.0 (examdesk test)"},
    )
    assert signed.status_code == 303
    again = client.get(signed.headers["location"])
    assert "Signed by" in again.text and "Type your full name" not in again.text

    with app.unit_of_work() as uow:
        [row] = [r for r in uow.documents.expected_returns("2026-27") if r["recipient_email"] == to]
        signature = uow.signatures.of_document("2026-27", row["doc_key"])
    # the fingerprint of the document exactly as it was sent: the attachment's own bytes
    assert signature["document_sha256"] == hashlib.sha256(form_bytes).hexdigest()
    assert signature["typed_name"] == name.upper() and signature["ip"] == "testclient"
    assert signature["user_agent"] == "Mozilla/5.0 (examdesk test)" and signature["token_id"]
    assert signature["signed_local"].endswith(("PST", "PDT"))
    assert row["status"] == "complete" and row["ack"]["source"] == "online"
    mine = [r for r in return_rows(app) if r.email == to]
    assert [r.status for r in mine] == ["complete"]

    [(_, certificate_mail)] = [(t, m) for t, m in transport.sent if t == to and "signature is recorded" in m["Subject"]]
    [(cert_name, certificate)] = attachments(certificate_mail)
    check = check_signature(certificate, app.settings.signing_certificate_path)
    assert check.ok, check
    text = PdfReader(io.BytesIO(certificate)).pages[0].extract_text()
    assert signature["document_sha256"] in text and form_name in text and name.upper() in text
    tampered = certificate[:2000] + bytes([certificate[2000] ^ 1]) + certificate[2001:]
    assert not check_signature(tampered, app.settings.signing_certificate_path).intact  # any change shows
    # a signed PDF that comes back later is recorded beside it; the online signature, first, counts
    twice = client.post(url, data={"typed_name": name, "attest": "yes", "csrf": form_token(page.text)})
    assert twice.status_code == 303  # nothing new recorded
    with app.unit_of_work() as uow:
        assert len([a for a in uow.acks.of_year("2026-27") if a["person_email"] == to]) == 1


def test_a_link_that_is_tampered_expired_or_for_another_document_is_refused_and_shows_no_one(web, monkeypatch):
    app, transport, client = web
    (to_a, first), (to_b, second) = signers(transport)[:2]
    url_a, url_b = link(first, "sign"), link(second, "sign")
    names = {m["To"].addresses[0].display_name for m in (first, second)} | {to_a, to_b}

    def refused(url: str) -> str:
        page = client.get(url)
        assert page.status_code == 403, url
        assert not [n for n in names if n and n in page.text]  # nothing about anyone
        return page.text

    assert "changed or cut short" in refused(url_a[:-4] + ("AAAA" if not url_a.endswith("AAAA") else "BBBB"))
    doc_a, token_a = url_a.split("/")[2:4]
    doc_b = url_b.split("/")[2]
    assert "not valid for this page" in refused(f"/sign/{doc_b}/{token_a}")  # A's link, B's document
    refused(f"/confirm/{doc_a}/{token_a}")  # a signing link is not a confirming one

    import itsdangerous.timed

    from examdesk.services.tracking.online import links

    real = itsdangerous.timed.time.time
    monkeypatch.setattr(itsdangerous.timed.time, "time", lambda: real() - 61 * 86400)
    old = links(app).url("sign", doc_a, to_a)  # sent 61 days ago: links last 60
    monkeypatch.setattr(itsdangerous.timed.time, "time", real)
    assert "expired" in refused(old.removeprefix("http://127.0.0.1:8080"))
    # a form posted without the link's own form token is refused too
    assert client.post(url_a, data={"typed_name": "x", "attest": "yes", "csrf": "forged"}).status_code == 403


def test_links_and_pages_carry_no_student_data_and_every_page_has_the_security_headers(web, tmp_path):
    app, transport, client = web
    import csv

    with (tmp_path / "data" / "students.csv").open(encoding="utf-8") as fh:
        students = list(csv.DictReader(fh))
    personal = {s["student_id"] for s in students} | {s["last_name"] for s in students if len(s["last_name"]) > 3}
    schedules = [
        m for _, m in transport.sent if "confirm it, or tell us" in m.get_body(("plain",)).get_content().lower()
    ]
    assert schedules
    for message in schedules[:40]:
        url = link(message, "confirm")
        payload = url.split("/")[3].split(".")[0]
        decoded = base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)).decode()
        assert set(json.loads(decoded)) == {"d", "p", "i"}  # a document id, a digest, a random id
        assert not [p for p in personal if p in url or p in decoded]
        page = client.get(url)
        title = re.search(r"<title>(.*?)</title>", page.text, re.S).group(1)
        assert not [p for p in personal if p in title]
        for header, value in {
            "content-security-policy": "frame-ancestors 'none'",
            "cache-control": "no-store",
            "x-frame-options": "DENY",
            "referrer-policy": "no-referrer",
        }.items():
            assert value in page.headers[header]
        assert "<script" not in page.text  # works without JavaScript
    assert SECRET not in page.text and SECRET not in str(page.headers)


def test_a_timetable_problem_reaches_the_coordinators_next_run_and_the_dashboard(web):
    app, transport, client = web
    message = next(
        m for _, m in transport.sent if "confirm it, or tell us" in m.get_body(("plain",)).get_content().lower()
    )
    url = link(message, "confirm")
    page = client.get(url)
    answered = client.post(
        url, data={"answer": "problem", "detail": "Room 103 is the library that week", "csrf": form_token(page.text)}
    )
    assert answered.status_code == 200 and "will be in touch" in answered.text
    before = len(transport.sent)
    run_day(app, date(2027, 3, 11))
    [report] = [m for _, m in transport.sent[before:] if "from the web" in m["Subject"]]
    assert "Room 103 is the library that week" in report.get_body(("plain",)).get_content()
    before = len(transport.sent)
    run_day(app, date(2027, 3, 12))
    assert not [m for _, m in transport.sent[before:] if "from the web" in m["Subject"]]  # once


def test_sign_in_sessions_csrf_rate_limit_and_a_site_coordinators_reach(web, caplog):
    app, transport, client = web
    add_user(app, "office@mesaverde.example.org", PASSWORD, "district", None)
    add_user(app, "lin@mesaverde.example.org", PASSWORD, "site", "LIN")
    assert client.get("/dashboard", follow_redirects=False).headers["location"].endswith("/login")
    login = client.get("/login")
    assert client.post("/login", data={"email": "lin@mesaverde.example.org", "password": PASSWORD}).status_code == 403
    caplog.set_level(logging.INFO, logger="examdesk.web")
    done = client.post(
        "/login", data={"email": "lin@mesaverde.example.org", "password": PASSWORD, "csrf": form_token(login.text)}
    )
    assert done.status_code == 303
    returns = client.get("/returns")
    assert "Lincoln Elementary School" in returns.text and "Roosevelt" not in returns.text
    assert client.get("/returns/RMS").status_code == 404  # another site, typed by hand
    assert client.get("/returns/LIN").status_code == 200
    for page in ("/deliveries", "/upload", "/tracker.xlsx"):
        assert client.get(page).status_code == 404
    assert "examdesk_session" in client.cookies
    lines = [r.getMessage() for r in caplog.records if r.name == "examdesk.web"]
    assert lines and all(re.fullmatch(r"(GET|POST) [/{}a-z_.]* \d{3}", line) for line in lines), lines
    assert any("GET /returns/{site} 404" in r.getMessage() for r in caplog.records)

    other = TestClient(client.app, follow_redirects=False)
    token = form_token(other.get("/login").text)
    codes = [
        other.post(
            "/login", data={"email": "office@mesaverde.example.org", "password": "wrong", "csrf": token}
        ).status_code
        for _ in range(7)
    ]
    assert codes[:5] == [401] * 5 and codes[5:] == [429, 429]
    with app.unit_of_work() as uow:
        stored = uow.users.by_email("office@mesaverde.example.org")["password_hash"]
    assert stored.startswith("$argon2id$") and PASSWORD not in stored


def test_the_district_dashboard_resends_confirms_reads_uploads_and_hands_out_the_tracker(web):
    from openpyxl import load_workbook

    from examdesk.domain.messages import MessageState

    app, transport, client = web
    add_user(app, "office@mesaverde.example.org", PASSWORD, "district", None)
    token = form_token(client.get("/login").text)
    client.post("/login", data={"email": "office@mesaverde.example.org", "password": PASSWORD, "csrf": token})
    with app.unit_of_work() as uow:
        rows = list(uow.messages.of_year("2026-27", "2027-03"))[:2]
        uow.messages.mark(rows[0]["idempotency_key"], MessageState.UNKNOWN, error="connection lost during data")
        uow.messages.mark(rows[1]["idempotency_key"], MessageState.FAILED_PERMANENT, error="550 no such user")
        uow.commit()
    page = client.get("/deliveries")
    assert page.status_code == 200 and "550 no such user" in page.text and "Confirm delivered" in page.text
    csrf = form_token(page.text)
    assert client.post(f"/deliveries/{rows[0]['idempotency_key']}/confirm", data={"csrf": csrf}).status_code == 303
    assert client.post(f"/deliveries/{rows[1]['idempotency_key']}/resend", data={"csrf": csrf}).status_code == 303
    assert client.post(f"/deliveries/{rows[1]['idempotency_key']}/resend", data={}).status_code == 403  # no CSRF
    with app.unit_of_work() as uow:
        assert uow.messages.state_of(rows[0]["idempotency_key"]) is MessageState.SENT
        assert uow.messages.state_of(rows[1]["idempotency_key"]) is MessageState.FAILED  # the next run sends it

    from pathlib import Path

    returned = sorted((Path(__file__).resolve().parents[2] / "demo" / "returned").glob("agreement_*.pdf"))
    files = [("files", (p.name, p.read_bytes(), "application/pdf")) for p in returned]
    files.append(("files", ("notes.pdf", b"not a pdf at all", "application/pdf")))
    uploaded = client.post("/upload", data={"csrf": csrf}, files=files)
    assert uploaded.status_code == 200
    outcomes = dict(re.findall(r"<td>([\w.]+\.pdf)</td><td class=\"status-(\w+)\">", uploaded.text))
    assert outcomes["agreement_S009_unsigned.pdf"] == "incomplete" and outcomes["notes.pdf"] == "unreadable"
    assert outcomes["agreement_visitor.pdf"] == "unmatched" and list(outcomes.values()).count("complete") == 3
    workbook = client.get("/tracker.xlsx")
    assert workbook.status_code == 200
    assert "Checklist" in load_workbook(io.BytesIO(workbook.content)).sheetnames
