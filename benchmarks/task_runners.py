"""Prefect's process pool against prefect-dask's LocalCluster for a month's shards, same run.

    .venv/bin/python benchmarks/task_runners.py [--students 10000] [--workers 2]

`performance.workers` shares a month among worker processes by recipient: each shard task gets
identifiers only, reads the district itself, renders, records and sends its recipients' letters.
This runs the same month flow (result letters, outbox, SQLite ledger, Prefect's temporary server)
with the shards on
  - Prefect's ProcessPoolTaskRunner (what examdesk uses),
  - prefect-dask's DaskTaskRunner on a LocalCluster of as many worker processes, one thread each,
and, for reference, one process without shards. Each runs in a fresh process; the same flow on a
district with no letters is measured first for each and taken off. Needs prefect-dask
(`pip install prefect-dask`); without it, says so and measures the process pool alone.
"""

from __future__ import annotations

import argparse
import json
import os
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

ENV = {**os.environ, "PYTHONWARNINGS": "ignore", "PREFECT_LOGGING_LEVEL": "WARNING"}


def child(config: str, runner: str, workers: int) -> None:
    from examdesk.flows.month import month_flow

    if runner == "dask":
        from prefect_dask import DaskTaskRunner

        task_runner = DaskTaskRunner(
            cluster_kwargs={"n_workers": workers, "threads_per_worker": 1, "processes": True, "dashboard_address": None}
        )
    else:
        from prefect.task_runners import ProcessPoolTaskRunner

        task_runner = ProcessPoolTaskRunner(max_workers=workers)
    flow = month_flow.with_options(task_runner=task_runner) if runner != "single" else month_flow
    start = time.perf_counter()
    state = flow(month="2027-06", school_year="2026-27", config=config, today=date(2027, 6, 1), return_state=True)
    summary = state.result()
    print(json.dumps({"seconds": time.perf_counter() - start, "sent": summary.get("messages_sent", 0)}))


def timed(config: Path, runner: str, workers: int, output: Path) -> tuple[float, int]:
    raw = yaml.safe_load(config.read_text(encoding="utf-8"))
    raw["performance"] = {"workers": 1 if runner == "single" else workers}
    raw["output"]["directory"] = str(output)
    config.write_text(yaml.safe_dump(raw), encoding="utf-8")
    start = time.perf_counter()
    done = subprocess.run(
        [sys.executable, __file__, "--child", str(config), "--runner", runner, "--workers", str(workers)],
        capture_output=True,
        text=True,
        env=ENV,
    )
    wall = time.perf_counter() - start
    if done.returncode:
        raise SystemExit(f"{runner} failed:\n{done.stdout[-2000:]}\n{done.stderr[-3000:]}")
    result = json.loads(done.stdout.strip().splitlines()[-1])
    shutil.rmtree(output, ignore_errors=True)
    return wall, int(result["sent"])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--students", type=int, default=10000)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--child", help=argparse.SUPPRESS)
    parser.add_argument("--runner", default="process", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.child, args.runner, args.workers)
        return 0
    runners = ["single", "process"]
    try:
        import prefect_dask  # noqa: F401

        runners.append("dask")
    except ImportError:
        print("prefect-dask is not installed (pip install prefect-dask): the process pool alone is measured")
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        empty = write_district(Path(tmp) / "empty", 0)
        district = write_district(Path(tmp) / "district", args.students)
        for runner in runners:
            fixed, _ = timed(empty, runner, args.workers, Path(tmp) / f"out-empty-{runner}")
            wall, sent = timed(district, runner, args.workers, Path(tmp) / f"out-{runner}")
            rows.append((runner, fixed, wall, sent))
    base = next(wall - fixed for runner, fixed, wall, _ in rows if runner == "process")
    print(f"{args.students} students, {args.workers} workers; the fixed cost is the same flow with no letters")
    print(f"{'shards on':>26} {'fixed s':>8} {'wall s':>7} {'sent':>7} {'ms/letter':>9} {'vs process pool':>16}")
    labels = {
        "single": "one process, no shards",
        "process": "Prefect process pool",
        "dask": "Dask LocalCluster",
    }
    for runner, fixed, wall, sent in rows:
        work = max(wall - fixed, 0.001)
        print(
            f"{labels[runner]:>26} {fixed:>8.1f} {wall:>7.1f} {sent:>7} {1000 * work / max(sent, 1):>9.2f} "
            f"{base / work:>15.2f}x"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
