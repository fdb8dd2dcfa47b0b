"""`examdesk` as installed, writing on exit the peak resident memory (kB) of its own process and
of the largest process it started (Prefect's temporary server, shard workers) to $EXAMDESK_PEAKS.

    EXAMDESK_PEAKS=peaks.txt python benchmarks/cli_with_peaks.py run june -c district.yaml

Peaks are each process's VmHWM (/proc/<pid>/status), the high-water mark of its own memory
since it started its program. ``getrusage``'s ru_maxrss is not used: Linux carries the parent's
resident size at fork into the child's ru_maxrss, so a command started by a large benchmark
process would report the benchmark's memory as its own. The started processes are looked at
every 0.2 s while they run.
"""

from __future__ import annotations

import atexit
import os
import sys
import threading
import time
from pathlib import Path


def high_water_kb(pid: int | str = "self") -> int:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    except OSError:  # the process has ended
        pass
    return 0


def descendants(pid: int) -> set[int]:
    found: set[int] = set()
    todo = [pid]
    while todo:
        parent = todo.pop()
        try:
            threads = list(Path(f"/proc/{parent}/task").iterdir())
        except OSError:
            continue
        for thread in threads:
            try:
                children = {int(c) for c in (thread / "children").read_text().split()}
            except OSError:
                continue
            todo += children - found
            found |= children
    return found


started: dict[int, int] = {}


def watch() -> None:
    while True:
        for pid in descendants(os.getpid()):
            started[pid] = max(started.get(pid, 0), high_water_kb(pid))
        time.sleep(0.2)


def write_peaks() -> None:
    Path(os.environ["EXAMDESK_PEAKS"]).write_text(f"{high_water_kb()} {max(started.values(), default=0)}")


if __name__ == "__main__":
    atexit.register(write_peaks)
    threading.Thread(target=watch, daemon=True).start()
    from examdesk.cli import app

    sys.argv = ["examdesk", *sys.argv[1:]]
    app()
