"""Prefect flows: orchestration only; every step is a service call."""

from __future__ import annotations

from typing import TypeVar

F = TypeVar("F")


def with_workers(flow: F, workers: int) -> F:
    """The flow with a process pool of ``workers`` for its shard tasks (1: the flow as it is)."""
    if workers <= 1:
        return flow
    from prefect.task_runners import ProcessPoolTaskRunner

    return flow.with_options(task_runner=ProcessPoolTaskRunner(max_workers=workers))  # type: ignore[attr-defined]
