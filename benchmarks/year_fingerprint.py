"""Run the whole demo year through the real CLI and print a fingerprint of every message sent.

    python benchmarks/year_fingerprint.py OUT.json [--months 2026-07,2026-08]

Each month runs as ``examdesk run YYYY-MM --today YYYY-MM-01`` on a private copy of the demo
district (outbox transport, SQLite ledger, a temporary Prefect server). The fingerprint lists,
per month and message: the recipient, the subject, the attachment names, the text of the body,
and the text of each attachment (Word: every paragraph and cell; PDF: every field value;
workbook: every cell; calendar: every event without its time stamp). Two fingerprints taken
before and after a change show whether what people receive changed: compare them with
``python benchmarks/year_fingerprint.py --compare A.json B.json``.
"""

from __future__ import annotations

import argparse
import email
import hashlib
import io
import json
import os
import shutil
import subprocess
import sys
import tempfile
from email.policy import default as default_policy
from pathlib import Path

import yaml

REPO = Path(__file__).resolve().parents[1]
YEAR = [f"2026-{m:02d}" for m in range(7, 13)] + [f"2027-{m:02d}" for m in range(1, 7)]


def district_copy(root: Path) -> Path:
    cfg = root / "config"
    cfg.mkdir()
    shutil.copytree(REPO / "demo" / "data", root / "data")
    raw = yaml.safe_load((REPO / "config" / "district.yaml").read_text(encoding="utf-8"))
    raw["data"]["directory"] = str(root / "data")
    raw["templates"] = str(REPO / "templates")
    raw["forms"]["directory"] = str(REPO / "forms")
    raw["output"]["directory"] = str(root / "output")
    shutil.copy(REPO / "config" / "checklist.yaml", cfg / "checklist.yaml")
    path = cfg / "district.yaml"
    path.write_text(yaml.safe_dump(raw, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


def attachment_text(name: str, content: bytes | str) -> str:
    if isinstance(content, str):  # text parts (a calendar file) come back decoded
        content = content.encode()
    suffix = name.rsplit(".", 1)[-1].lower()
    if suffix == "docx":
        from docx import Document

        doc = Document(io.BytesIO(content))
        parts = [p.text for p in doc.paragraphs]
        for table in doc.tables:
            parts += [c.text for row in table.rows for c in row.cells]
        for section in doc.sections:
            parts += [p.text for p in section.header.paragraphs + section.footer.paragraphs]
        return "\n".join(parts)
    if suffix == "pdf":
        from pypdf import PdfReader

        fields = PdfReader(io.BytesIO(content)).get_fields() or {}
        return "\n".join(f"{k}={v.get('/V', '')}" for k, v in sorted(fields.items()))
    if suffix == "xlsx":
        from openpyxl import load_workbook

        wb = load_workbook(io.BytesIO(content), read_only=True)
        return "\n".join(
            "|".join("" if v is None else str(v) for v in row)
            for ws in wb.worksheets
            for row in ws.iter_rows(values_only=True)
        )
    if suffix == "ics":
        return "\n".join(line for line in content.decode().splitlines() if not line.startswith("DTSTAMP"))
    return hashlib.sha256(content).hexdigest()


def message_fingerprint(msg) -> dict:
    body = msg.get_body(preferencelist=("plain",))
    attachments = []
    for part in msg.iter_attachments():
        name = part.get_filename()
        attachments.append({"name": name, "text": attachment_text(name, part.get_content())})
    return {
        "to": msg["To"],
        "subject": str(msg["Subject"]),
        "body": body.get_content() if body is not None else "",
        "attachments": attachments,
    }


def run_year(months: list[str]) -> dict:
    env = dict(os.environ, PREFECT_SERVER_ANALYTICS_ENABLED="false", DO_NOT_TRACK="1")
    env.pop("PREFECT_API_URL", None)
    exe = Path(sys.executable).with_name("examdesk")
    result: dict = {}
    with tempfile.TemporaryDirectory(prefix="examdesk-year-") as tmp:
        root = Path(tmp)
        config = district_copy(root)
        env["PREFECT_HOME"] = str(root / "prefect")
        for month in months:
            proc = subprocess.run(
                [str(exe), "run", month, "--config", str(config), "--today", f"{month}-01"],
                env=env,
                capture_output=True,
                text=True,
            )
            print(f"{month}: exit {proc.returncode}", file=sys.stderr)
            if proc.returncode not in (0, 1):
                print(proc.stdout[-3000:], proc.stderr[-3000:], file=sys.stderr)
            folder = root / "output" / "outbox" / month
            messages = [
                message_fingerprint(email.message_from_bytes(p.read_bytes(), policy=default_policy))
                for p in sorted(folder.glob("*.eml"))
            ]
            result[month] = sorted(
                messages, key=lambda m: (m["to"], m["subject"], [a["name"] for a in m["attachments"]])
            )
    return result


def _order(message: dict) -> tuple:
    return message["to"], message["subject"], [a["name"] for a in message["attachments"]]


def compare(a: dict, b: dict) -> int:
    differences = 0
    for month in sorted(set(a) | set(b)):
        left, right = a.get(month, []), b.get(month, [])
        if left == right:
            print(f"{month}: {len(left)} message(s), identical")
            continue
        differences += 1
        print(f"{month}: {len(left)} vs {len(right)} message(s), DIFFERENT")
        for x, y in zip(left, right, strict=False):
            if x != y:
                for key in ("to", "subject", "body"):
                    if x[key] != y[key]:
                        print(f"  first difference in {key}: {x[key][:200]!r} vs {y[key][:200]!r}")
                        break
                else:
                    print(f"  first difference in attachments of {x['to']}: {[t['name'] for t in x['attachments']]}")
                break
    return 1 if differences else 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("out", nargs="?", type=Path)
    parser.add_argument("--months", default=",".join(YEAR))
    parser.add_argument("--compare", nargs=2, type=Path, metavar=("A", "B"))
    args = parser.parse_args()
    if args.compare:
        return compare(*(json.loads(p.read_text(encoding="utf-8")) for p in args.compare))
    if args.out is None:
        parser.error("give OUT.json or --compare A B")
    fingerprint = run_year(args.months.split(","))
    args.out.write_text(json.dumps(fingerprint, indent=1, ensure_ascii=False), encoding="utf-8")
    total = sum(len(v) for v in fingerprint.values())
    print(f"{total} message(s) in {len(fingerprint)} month(s) -> {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
