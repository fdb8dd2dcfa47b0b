"""A result-letter month through the real CLI and Prefect flow, against the floor, same run.

    .venv/bin/python benchmarks/month_scale.py [--students 1000 10000 [100000]] [--workers 1 2]
        [--write-to DIR]   # where the letters and messages are written (default: the temp folder's disk)

For each size a synthetic district (benchmarks/month_memory.py's) is written to a temporary
folder and `examdesk run june` runs it as a user would: Prefect's temporary server, the outbox
transport, the SQLite ledger. Printed per size and number of workers: the month's wall time and
per letter (the same command on a district with no letters, measured first, is the fixed cost
taken off), the CPU cores it kept busy, the peak resident memory of the command's own process
("run MB": the flow, rendering, sending) and of the largest process it started ("other MB":
Prefect's temporary server, or a shard worker), and ratios to
  - the floor: a minimal script that only renders the same letters with the compiled template
    and writes their bytes to files, one core;
  - naive docxtpl: a new DocxTemplate, render and save per letter (on a sample of 300).
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

import yaml

sys.path.insert(0, str(Path(__file__).resolve().parent))
from month_memory import write_district  # noqa: E402

REPO = Path(__file__).resolve().parents[1]
ENV = {**os.environ, "PYTHONWARNINGS": "ignore", "PREFECT_LOGGING_LEVEL": "WARNING"}


RUN_CLI = Path(__file__).with_name("cli_with_peaks.py")  # `examdesk`, writing its peak memory on exit


def cli_month(config: Path, workers: int, output: Path) -> tuple[float, float, float, float]:
    """(wall seconds, CPU seconds of the command and its processes, peak RSS MB of the command's
    own process, of the largest process it started)."""
    raw = yaml.safe_load(config.read_text(encoding="utf-8"))
    raw["performance"] = {"workers": workers}
    raw["output"]["directory"] = str(output)
    config.write_text(yaml.safe_dump(raw), encoding="utf-8")
    peaks = config.with_name("peaks.txt")
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    done = subprocess.run(
        [sys.executable, str(RUN_CLI), "run", "june", "--today", "2027-06-01", "-c", str(config)],
        capture_output=True,
        text=True,
        env={**ENV, "EXAMDESK_PEAKS": str(peaks)},
    )
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if done.returncode not in (0, 1):
        raise SystemExit(f"examdesk run failed:\n{done.stdout[-2000:]}\n{done.stderr[-2000:]}")
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    own, started = (int(x) / 1024 for x in peaks.read_text().split())
    return wall, cpu, own, started


def letters_of(config: Path) -> list:
    """The month's letters as render jobs (built before timing the floor)."""
    from examdesk.bootstrap import build_app
    from examdesk.domain.calendar import parse_month
    from examdesk.services.month.plan import prepare_month

    app = build_app(config, "2026-27", date(2027, 6, 1), ledger_url="sqlite://")
    return [j for j in prepare_month(app, parse_month("june", app.school_year)).iter_jobs() if j.format == "docx"]


def floor(config: Path, out: Path) -> tuple[int, float]:
    """Render and write the same letters' bytes, nothing else: (letters, seconds)."""
    from examdesk.adapters.fastdocx import CompiledTemplate

    jobs = letters_of(config)
    templates = {}
    out.mkdir(parents=True)
    start = time.perf_counter()
    for n, job in enumerate(jobs):
        key = (job.template, job.language)
        if key not in templates:
            templates[key] = CompiledTemplate(REPO / "templates" / "letters" / f"{job.template}.{job.language}.docx")
        (out / f"{n}.docx").write_bytes(templates[key].render(job.context))
    return len(jobs), time.perf_counter() - start


def naive(config: Path, folder: Path, sample: int = 300) -> float:
    """Seconds per letter with a new DocxTemplate, render and save each (docxtpl, escaped)."""
    from docxtpl import DocxTemplate
    from jinja2 import Environment

    jobs = letters_of(config)[:sample]
    env = Environment(autoescape=True)
    start = time.perf_counter()
    for n, job in enumerate(jobs):
        doc = DocxTemplate(str(REPO / "templates" / "letters" / f"{job.template}.{job.language}.docx"))
        doc.render(job.context, env)
        doc.save(str(folder / f"naive-{n}.docx"))
    return (time.perf_counter() - start) / max(len(jobs), 1)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--students", type=int, nargs="+", default=[1000, 10000])
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--write-to", type=Path, help="a folder on the file system to write letters to")
    args = parser.parse_args()
    rows = []
    with tempfile.TemporaryDirectory() as tmp, tempfile.TemporaryDirectory(dir=args.write_to) as written:
        print(f"letters and messages written under {written}")
        empty = write_district(Path(tmp) / "empty", 0)
        # the least of two runs: starting Prefect's temporary server varies by seconds from run to run
        fixed = min(cli_month(empty, 1, Path(written) / f"empty-{i}")[0] for i in range(2))
        print(f"fixed cost of a run (no letters: Prefect's temporary server, the flow): {fixed:.1f} s")
        for n in sorted(args.students):
            folder = Path(tmp) / f"d{n}"
            config = write_district(folder, n)
            letters, floor_s = floor(config, Path(written) / f"floor-{n}")
            naive_s = naive(config, folder)
            for workers in args.workers:
                output = Path(written) / f"output-{n}-{workers}"
                wall, cpu, own, started = cli_month(config, workers, output)
                shutil.rmtree(output)
                rows.append((n, workers, letters, wall, cpu, own, started, floor_s, naive_s))
    print(
        f"{'students':>9} {'workers':>7} {'letters':>8} {'wall s':>7} {'ms/letter':>9} {'cores':>6} "
        f"{'run MB':>7} {'other MB':>8} {'floor ms':>8} {'x floor':>7} {'naive ms':>8} {'vs naive':>8}"
    )
    for n, workers, letters, wall, cpu, own, started, floor_s, naive_s in rows:
        per = 1000 * max(wall - fixed, 0.001) / max(letters, 1)
        floor_ms = 1000 * floor_s / max(letters, 1)
        print(
            f"{n:>9} {workers:>7} {letters:>8} {wall:>7.1f} {per:>9.2f} {cpu / wall:>6.2f} {own:>7.0f} {started:>8.0f} "
            f"{floor_ms:>8.2f} {per / floor_ms:>7.2f} {1000 * naive_s:>8.2f} {1000 * naive_s / per:>7.1f}x"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
