"""Peak memory of a result-letter month against the number of students, same run.

    .venv/bin/python benchmarks/month_memory.py [--students 10000 100000]

For each size a synthetic district is written to a temporary folder and one June month
(result letters only) runs through the services in a fresh process, outbox transport and
SQLite ledger. Each child reports its resident memory once the district is loaded and
planned (the input tables themselves grow with the district) and its peak while rendering,
recording and sending every letter. Documents are streamed in batches, so the growth from
the first figure to the second should stay flat as the district grows; the last column is
that growth divided by the smallest district's.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import yaml

REPO = Path(__file__).resolve().parents[1]
CHECKLIST = {
    "tasks": [
        {
            "id": "results-jun",
            "month": "june",
            "title": "Send result letters",
            "category": "results",
            "owner": "district_coordinator",
            "action": "result_letter",
            "recipients": ["guardians"],
            "due": "20 working days after results_received",
        }
    ]
}


def write_district(folder: Path, students: int) -> Path:
    data = folder / "data"
    data.mkdir(parents=True)
    for name in ("staff.csv", "testing_windows.csv", "sessions.csv"):
        shutil.copy(REPO / "demo" / "data" / name, data / name)
    for name, header in (
        ("entries.csv", "student_id,session_id,seat"),
        ("materials.csv", "security_number,site_id,material_type,grade,subject,quantity,session_id"),
    ):
        (data / name).write_text(header + "\n", encoding="utf-8")
    sites, grades = ("LIN", "RMS", "VHS"), {"LIN": 4, "RMS": 7, "VHS": 11}
    with (
        (data / "students.csv").open("w", newline="", encoding="utf-8") as s_fh,
        (data / "guardians.csv").open("w", newline="", encoding="utf-8") as g_fh,
        (data / "results.csv").open("w", newline="", encoding="utf-8") as r_fh,
    ):
        s_w, g_w, r_w = csv.writer(s_fh), csv.writer(g_fh), csv.writer(r_fh)
        s_w.writerow(
            [
                "student_id",
                "first_name",
                "last_name",
                "grade",
                "site_id",
                "birth_date",
                "home_language",
                "english_learner",
                "us_school_entry_date",
                "iep",
                "plan_504",
                "accommodations",
                "designated_supports",
            ]
        )
        g_w.writerow(
            [
                "guardian_id",
                "student_id",
                "first_name",
                "last_name",
                "email",
                "relationship",
                "preferred_language",
                "primary_contact",
                "address",
            ]
        )
        r_w.writerow(["student_id", "test_code", "scale_score", "achievement_level", "received_date"])
        for i in range(students):
            sid, site = f"{9000000000 + i}", sites[i % 3]
            lang = "Spanish" if i % 4 == 0 else "English"
            s_w.writerow(
                [sid, f"First{i}", f"O'Last{i}", grades[site], site, "2014-05-05", lang, "N", "", "N", "N", "", ""]
            )
            g_w.writerow([f"G{i}", sid, f"Parent{i}", f"O'Last{i}", f"parent{i}@example.org", "Mother", lang, "Y", ""])
            for code, score in (("SB-ELA", 2400 + i % 300), ("SB-MATH", 2350 + i % 400)):
                r_w.writerow([sid, code, score, 1 + i % 4, "2027-05-24"])
    config = yaml.safe_load((REPO / "config" / "district.yaml").read_text(encoding="utf-8"))
    config.update(templates=str(REPO / "templates"), checklist="checklist.yaml")
    config["data"] = {"directory": str(data), "exemptions": None, "returns": None, "incidents": None}
    config["forms"]["directory"] = str(REPO / "forms")
    config["output"] = {"directory": str(folder / "output")}
    (folder / "checklist.yaml").write_text(yaml.safe_dump(CHECKLIST), encoding="utf-8")
    path = folder / "district.yaml"
    path.write_text(yaml.safe_dump(config, allow_unicode=True), encoding="utf-8")
    return path


def rss_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def child(config: str) -> None:
    from datetime import date

    from examdesk.bootstrap import build_app
    from examdesk.domain.calendar import parse_month
    from examdesk.domain.messages import MessageState
    from examdesk.services.month.delivery import deliver_month
    from examdesk.services.month.documents import batches, render_batch
    from examdesk.services.month.plan import prepare_month
    from examdesk.services.month.record import finish_month

    start = time.perf_counter()
    app = build_app(config, "2026-27", date(2027, 6, 1))
    plan = prepare_month(app, parse_month("june", app.school_year))
    loaded = rss_mb()
    rendered = sum(render_batch(plan, batch) for batch in batches(plan))
    outcome = deliver_month(plan)
    finish_month(plan, rendered, outcome)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(
        json.dumps(
            {
                "loaded_mb": loaded,
                "peak_mb": peak,
                "letters": rendered,
                "sent": outcome.states[MessageState.SENT],
                "seconds": time.perf_counter() - start,
            }
        )
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--students", type=int, nargs="+", default=[10000, 100000])
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.child)
        return 0
    rows = []
    for n in sorted(args.students):
        with tempfile.TemporaryDirectory() as tmp:
            config = write_district(Path(tmp), n)
            out = subprocess.run(
                [sys.executable, __file__, "--child", str(config)],
                capture_output=True,
                text=True,
                env={**os.environ, "PYTHONWARNINGS": "ignore"},
            )
            if out.returncode:
                print(out.stderr[-2000:], file=sys.stderr)
                return 1
            rows.append((n, json.loads(out.stdout.strip().splitlines()[-1])))
    base_growth = rows[0][1]["peak_mb"] - rows[0][1]["loaded_mb"]
    print(
        f"{'students':>9} {'letters':>8} {'sent':>8} {'loaded MB':>10} {'peak MB':>8} {'growth MB':>10} "
        f"{'ms/letter':>9} {'growth ratio':>12}"
    )
    for n, r in rows:
        growth = r["peak_mb"] - r["loaded_mb"]
        print(
            f"{n:>9} {r['letters']:>8} {r['sent']:>8} {r['loaded_mb']:>10.0f} {r['peak_mb']:>8.0f} {growth:>10.0f} "
            f"{1000 * r['seconds'] / max(r['letters'], 1):>9.2f} {growth / base_growth:>12.2f}"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
