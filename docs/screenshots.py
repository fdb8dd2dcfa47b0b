"""Screenshots of the web pages for the README, taken in Debian's Chromium on the demo district.

    .venv/bin/python docs/screenshots.py            # writes docs/screenshots/*.png

A copy of the demo (in a temporary folder) runs February and March, a few staff sign online,
a family reports a timetable problem and a parent asks for an exemption; then each page is
photographed as a coordinator, a site coordinator, a staff member and a parent see it.
"""

from __future__ import annotations

import os
import secrets
import shutil
import sys
import tempfile
from datetime import date
from pathlib import Path

import yaml

REPO = Path(__file__).resolve().parents[1]
OUT = REPO / "docs" / "screenshots"
sys.path.insert(0, str(REPO / "tests"))

from web_server import browser, free_port, outbox_links, serving  # noqa: E402

from examdesk.bootstrap import build_app  # noqa: E402
from examdesk.domain.calendar import parse_month  # noqa: E402
from examdesk.services.month.delivery import deliver_month  # noqa: E402
from examdesk.services.month.documents import batches, render_batch  # noqa: E402
from examdesk.services.month.plan import prepare_month  # noqa: E402
from examdesk.services.month.record import finish_month  # noqa: E402
from examdesk.services.users import add_user  # noqa: E402

PASSWORD = "screenshots only " + secrets.token_hex(4)


def demo_copy(root: Path) -> Path:
    shutil.copytree(REPO / "demo" / "data", root / "data")
    raw = yaml.safe_load((REPO / "config" / "district.yaml").read_text(encoding="utf-8"))
    raw["data"]["directory"] = str(root / "data")
    raw["templates"] = str(REPO / "templates")
    raw["forms"]["directory"] = str(REPO / "forms")
    raw["output"]["directory"] = str(root / "output")
    raw["checklist"] = str(REPO / "config" / "checklist.yaml")
    raw["web"] = {"base_url": f"http://127.0.0.1:{free_port()}"}
    path = root / "district.yaml"
    path.write_text(yaml.safe_dump(raw, allow_unicode=True), encoding="utf-8")
    return path


def run_month(config: Path, month: str, today: date) -> None:
    app = build_app(config, "2026-27", today)
    plan = prepare_month(app, parse_month(month, app.school_year))
    rendered = sum(render_batch(plan, batch) for batch in batches(plan))
    finish_month(plan, rendered, deliver_month(plan))


def shoot(page, name: str) -> None:
    page.screenshot(path=str(OUT / f"{name}.png"), full_page=False)
    print(f"docs/screenshots/{name}.png")


def main() -> None:
    os.environ["EXAMDESK_WEB__SECRET"] = secrets.token_urlsafe(48)
    OUT.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="examdesk-screenshots-") as folder:
        config = demo_copy(Path(folder))
        run_month(config, "february", date(2027, 2, 1))
        run_month(config, "march", date(2027, 3, 1))
        output = Path(folder) / "output"
        app = build_app(config, "2026-27", date(2027, 3, 10))
        add_user(app, "assessment@mesaverde.example.org", PASSWORD, "district", None)
        add_user(app, "grace.quintero@mesaverde.example.org", PASSWORD, "site", "LIN")
        signers = outbox_links(output, "2027-03", "sign")
        with serving(config, date(2027, 3, 10)) as base, browser() as chromium:
            page = chromium.new_page(viewport={"width": 1100, "height": 820})
            _, name, url = signers[0]
            page.goto(url)
            page.fill("#typed_name", name)
            shoot(page, "sign")
            page.check("#attest")
            page.click("button[type=submit]")
            page.wait_for_selector("text=Signed by")
            shoot(page, "signed")
            for _, other, link in signers[3:12:3]:
                page.goto(link)
                page.fill("#typed_name", other)
                page.check("#attest")
                page.click("button[type=submit]")
                page.wait_for_selector("text=Signed by")
            page.goto(url[:-6] + "tamper")
            shoot(page, "refused")
            _, _, confirm = outbox_links(output, "2027-03", "confirm")[0]
            page.goto(confirm)
            page.check("#problem")
            page.fill("textarea[name=detail]", "We will be away on April 14; can the make-up session be on April 20?")
            page.click("button[type=submit]")
            _, guardian, exemption = outbox_links(output, "2027-02", "exemption")[0]
            page.goto(exemption)
            page.locator("input[name=tests]").first.check()
            page.fill("#typed_name", guardian)
            shoot(page, "exemption")
            page.click("button[type=submit]")
            page.goto(f"{base}/login")
            page.fill("#email", "assessment@mesaverde.example.org")
            page.fill("#password", PASSWORD)
            shoot(page, "login")
            page.click("button[type=submit]")
            page.goto(f"{base}/dashboard?month=2027-03")
            shoot(page, "dashboard")
            page.goto(f"{base}/returns")
            shoot(page, "returns")
            page.goto(f"{base}/returns/LIN")
            shoot(page, "returns-lincoln")
            page.goto(f"{base}/requests")
            shoot(page, "requests")
            site = chromium.new_page(viewport={"width": 1100, "height": 600})
            site.goto(f"{base}/login")
            site.fill("#email", "grace.quintero@mesaverde.example.org")
            site.fill("#password", PASSWORD)
            site.click("button[type=submit]")
            site.goto(f"{base}/returns")
            shoot(site, "site-coordinator")


if __name__ == "__main__":
    main()
