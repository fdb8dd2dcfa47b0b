"""Every benchmark runs, at a tiny size, so none can silently break. The figures are not judged
here (timings belong in the benchmarks' own output, not in assertions)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]

pytestmark = pytest.mark.slow


@pytest.mark.parametrize(
    ("script", "args", "expected"),
    [
        ("render_letters.py", ["--letters", "20", "--naive", "5"], "ratio"),
        ("fill_forms.py", ["--forms", "20", "--naive", "5", "--packet", "5"], "ratio"),
        ("send_loop.py", ["--messages", "20", "--attachment-kb", "2"], "ratio"),
        ("month_memory.py", ["--students", "60", "120"], "growth"),
        ("month_scale.py", ["--students", "40", "--workers", "2"], "x floor"),
        ("task_runners.py", ["--students", "40", "--workers", "2"], "vs process pool"),
    ],
)
def test_benchmark_runs_at_a_tiny_size(script, args, expected, tmp_path):
    proc = subprocess.run(
        [sys.executable, str(REPO / "benchmarks" / script), *args],
        capture_output=True,
        text=True,
        timeout=600,
        cwd=tmp_path,
    )
    assert proc.returncode == 0, proc.stdout[-2000:] + proc.stderr[-3000:]
    assert expected in proc.stdout.lower(), proc.stdout


def test_year_fingerprint_runs_and_compares(tmp_path):
    out = tmp_path / "july.json"
    script = str(REPO / "benchmarks" / "year_fingerprint.py")
    run = subprocess.run(
        [sys.executable, script, str(out), "--months", "2026-07"], capture_output=True, text=True, timeout=600
    )
    assert run.returncode == 0, run.stderr[-3000:]
    july = json.loads(out.read_text(encoding="utf-8"))["2026-07"]
    assert f"{len(july)} message(s) in 1 month(s)" in run.stdout and july  # July: the designation form and digests
    assert any(a["name"].startswith("coordinator-designation_") for m in july for a in m["attachments"])
    same = subprocess.run([sys.executable, script, "--compare", str(out), str(out)], capture_output=True, text=True)
    assert same.returncode == 0 and "identical" in same.stdout
