"""In a real browser (Debian's Chromium, driven by Playwright) against a real server: staff sign
from the links in the demo's March emails, the dashboard and `examdesk status --site` agree on
who is outstanding, reminders go only to the rest; a tampered link; a site coordinator's view;
a parent's exemption request approved and shown in the site student list."""

from __future__ import annotations

import io
import re
from datetime import date
from pathlib import Path

import pytest
from openpyxl import load_workbook
from typer.testing import CliRunner
from web_server import browser, free_port, have_chromium, outbox_links, serving

from conftest import edit_config
from examdesk.adapters.pdf_signing import check_signature
from examdesk.bootstrap import build_app
from examdesk.cli import app as cli
from examdesk.services.tracking.reminders import send_reminders
from examdesk.services.users import add_user
from examdesk.settings import load_settings
from helpers import attachments, read_outbox, run_month

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not have_chromium(), reason="no Chromium at /usr/bin/chromium (apt-get install chromium)"),
]

SECRET = "browser-test-secret-" + "y" * 40
PASSWORD = "a long enough password"


@pytest.fixture
def site(district, monkeypatch):
    monkeypatch.setenv("EXAMDESK_WEB__SECRET", SECRET)
    edit_config(district, web__base_url=f"http://127.0.0.1:{free_port()}")
    return district


def sign(page, url: str, name: str) -> None:
    page.goto(url)
    page.fill("#typed_name", name)
    page.check("#attest")
    page.click("button[type=submit]")
    page.wait_for_selector("text=Signed by")


def login(page, base: str, email: str) -> None:
    page.goto(f"{base}/login")
    page.fill("#email", email)
    page.fill("#password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(re.compile(r".*/dashboard.*"))


def outstanding_on_dashboard(page, base: str, site_id: str) -> set[str]:
    page.goto(f"{base}/returns/{site_id}")
    rows = page.locator("tbody tr").all_inner_texts()
    return {re.search(r"<([^>]+)>", r).group(1) for r in rows if r.split("\t")[0].strip() in ("outstanding", "overdue")}


def outstanding_in_cli(district: Path, site_id: str, today: str) -> set[str]:
    result = CliRunner().invoke(cli, ["status", "--site", site_id, "-c", str(district), "--today", today])
    assert result.exit_code == 0, result.output
    return {
        re.search(r"<([^>]+)>", line).group(1)
        for line in result.output.splitlines()
        if line.startswith(("overdue", "outstanding"))
    }


def test_a_third_of_the_staff_sign_online_and_the_rest_are_reminded(site):
    district = site
    run_month(district, "march", today=date(2027, 3, 1))
    settings = load_settings(district)
    links = [(to, name, url) for to, name, url in outbox_links(settings.output_dir, "2027-03", "sign")]
    assert len(links) == 34
    signing = links[::3]  # a third of them
    app = build_app(district, "2026-27", date(2027, 3, 10))
    add_user(app, "office@mesaverde.example.org", PASSWORD, "district", None)
    with serving(district, date(2027, 3, 10)) as base, browser() as chromium:
        page = chromium.new_page()
        for _, name, url in signing:
            sign(page, url, name)
        login(page, base, "office@mesaverde.example.org")
        for site_id in ("LIN", "RMS", "VHS"):
            on_dashboard = outstanding_on_dashboard(page, base, site_id)
            assert on_dashboard == outstanding_in_cli(district, site_id, "2027-03-10"), site_id
        # every site's date has passed by April 13: only those who did not sign are reminded
        app.today = date(2027, 4, 13)
        result, due = send_reminders(app, app.today)
    signed = {to for to, _, _ in signing}
    assert set(due.people) and not {r.email for rows in due.people.values() for r in rows} & signed
    assert {r.email for rows in due.people.values() for r in rows} == {to for to, _, _ in links} - signed
    # each signer got a certificate of completion, signed by the district and unaltered
    certificates = [
        (m["To"].addresses[0].addr_spec, attachments(m)[0][1])
        for m in read_outbox(settings.output_dir, "2027-03")
        if "signature is recorded" in m["Subject"]
    ]
    assert {to for to, _ in certificates} == signed
    assert all(check_signature(pdf, settings.signing_certificate_path).ok for _, pdf in certificates)


def test_a_tampered_link_and_a_site_coordinators_view(site):
    district = site
    run_month(district, "march", today=date(2027, 3, 1))
    settings = load_settings(district)
    to, name, url = outbox_links(settings.output_dir, "2027-03", "sign")[0]
    app = build_app(district, "2026-27", date(2027, 3, 10))
    add_user(app, "grace.quintero@mesaverde.example.org", PASSWORD, "site", "LIN")
    with serving(district, date(2027, 3, 10)) as base, browser() as chromium:
        page = chromium.new_page()
        response = page.goto(url[:-6] + "tamper")
        assert response.status == 403
        assert "This link cannot be used" in page.content() and name not in page.content() and to not in page.content()
        login(page, base, "grace.quintero@mesaverde.example.org")
        page.goto(f"{base}/returns")
        assert "Lincoln Elementary School" in page.content() and "Roosevelt" not in page.content()
        assert page.goto(f"{base}/returns/RMS").status == 404
        assert page.goto(f"{base}/deliveries").status == 404


def test_a_parents_exemption_request_approved_on_the_dashboard_appears_in_the_site_list(site):
    district = site
    run_month(district, "february", today=date(2027, 2, 1))
    settings = load_settings(district)
    _, guardian, url = outbox_links(settings.output_dir, "2027-02", "exemption")[0]
    app = build_app(district, "2026-27", date(2027, 2, 10))
    add_user(app, "office@mesaverde.example.org", PASSWORD, "district", None)
    with serving(district, date(2027, 2, 10)) as base, browser() as chromium:
        page = chromium.new_page()
        page.goto(url)
        student = page.locator("dl.facts dd").first.inner_text()
        test_label = page.locator("input[name=tests] + label").first.inner_text()
        page.locator("input[name=tests]").first.check()
        page.fill("#reason", "Our family's choice")
        page.fill("#typed_name", guardian)
        page.click("button[type=submit]")
        page.wait_for_selector("text=Your request was received")
        login(page, base, "office@mesaverde.example.org")
        page.goto(f"{base}/requests")
        assert student in page.content() and "requested" in page.content()
        page.click("text=Approve")
        page.wait_for_selector("text=Approved")
    # the next site student list carries the exemption (PGE) for that test
    run_month(district, "april", today=date(2027, 4, 5))
    lists = [
        c
        for m in read_outbox(settings.output_dir, "2027-04")
        for n, c in attachments(m)
        if n.startswith("student-list_")
    ]
    cells = [
        [str(c.value or "") for c in row]
        for content in lists
        for ws in load_workbook(io.BytesIO(content)).worksheets
        for row in ws.iter_rows()
    ]
    last, first = student.rsplit(" ", 1)[-1], student.split(" ", 1)[0]
    rows = [r for r in cells if last in r and first in " ".join(r)]
    assert rows and any("PGE" in " ".join(r) for r in rows), (test_label, rows)
