"""Progress of long work: a rich progress bar in a terminal, periodic log lines otherwise.

Services call ``track``; the CLI decides how it is shown (``use_terminal``). Descriptions
carry counts only, never names.
"""

from __future__ import annotations

import logging
import sys
from collections.abc import Iterable, Iterator
from typing import TypeVar

T = TypeVar("T")
log = logging.getLogger("examdesk")
_terminal = False


def use_terminal(enabled: bool) -> None:
    global _terminal
    _terminal = enabled and sys.stderr.isatty()


def track(items: Iterable[T], description: str, total: int | None = None) -> Iterator[T]:
    total = total if total is not None else (len(items) if hasattr(items, "__len__") else None)  # type: ignore[arg-type]
    if _terminal:
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

        with Progress(
            TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn(), transient=False
        ) as bar:
            task = bar.add_task(description, total=total)
            for item in items:
                yield item
                bar.advance(task)
        return
    step = max(1, (total or 0) // 4)
    done = 0
    for item in items:
        yield item
        done += 1
        if total and (done % step == 0 or done == total):
            log.info("%s: %d/%d", description, done, total)
