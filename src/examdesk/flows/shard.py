"""A month's shard as a flow of its own, for a Prefect work pool: the month flow asks for one run
per shard of its deployment, and whichever workers poll the pool (on this machine or others) take
them. Parameters are identifiers only; each shard reads the district itself, records its counts in
the shared ledger under the run its coordinator started, and writes to the shared output folder.

    examdesk deploy --pool NAME          # once: the work pool and this flow's deployment
    prefect worker start --pool NAME     # on each machine, with examdesk and the district's config
"""

from __future__ import annotations

import asyncio
import os
from datetime import date, datetime
from typing import cast
from uuid import UUID

from prefect import flow, get_run_logger, runtime
from prefect.client.schemas.objects import FlowRun
from prefect.states import Completed, State

from ..bootstrap import build_app
from ..domain.calendar import parse_month
from ..domain.shards import Shard
from ..errors import ConfigurationError
from ..services.month import pipeline
from ..services.tools.history import SHARD_DEPLOYMENT, SHARD_FLOW


def run_name() -> str:
    p = runtime.flow_run.parameters
    return f"{p.get('school_year')} {p.get('month')} shard {int(p.get('index', 0)) + 1} of {p.get('of')}"


@flow(name=SHARD_FLOW, flow_run_name=run_name, log_prints=False)
def month_shard_flow(
    config: str,
    school_year: str,
    month: str,
    today: datetime | date,
    index: int,
    of: int,
    run_id: int,
    resend: bool = False,
    day: bool = False,
) -> State:
    app = build_app(config, school_year, today)
    summary = pipeline.run_shard(app, parse_month(month, app.school_year), Shard(index, of), resend, day, run_id)
    worker = os.environ.get("PREFECT__WORKER_NAME", "no worker")  # set by the worker that started this run
    line = (
        f"shard {index + 1} of {of} on {worker}: {summary['documents_rendered']} document(s), "
        f"sent {summary['messages_sent']}, failed {summary['messages_failed']}, "
        f"refused {summary['messages_failed_permanent']}, unknown {summary['messages_unknown']}"
    )
    get_run_logger().info(line)
    return Completed(message=line)


def run_shards_on_pool(
    config: str, school_year: str, month: str, today: datetime | date, run_ids: list[int], resend: bool, day: bool
) -> list:
    """Ask the pool for one run of the shard deployment per shard (as sub-runs of the calling flow),
    then wait until each has finished; returns the finished flow runs."""
    from prefect.exceptions import ObjectNotFound
    from prefect.flow_runs import wait_for_flow_run
    from prefect.utilities.asyncutils import run_coro_as_sync

    try:
        started = _ask_for_shards(config, school_year, month, today, run_ids, resend, day)
    except ObjectNotFound:
        raise ConfigurationError(
            f"the Prefect server has no deployment {SHARD_FLOW}/{SHARD_DEPLOYMENT}: run examdesk deploy --pool NAME "
            "once, and start a worker on each machine (prefect worker start --pool NAME)"
        ) from None

    async def wait_all(ids: list[UUID]) -> list:
        return list(await asyncio.gather(*(wait_for_flow_run(i, timeout=None) for i in ids)))

    return run_coro_as_sync(wait_all([r.id for r in started])) or []


def _ask_for_shards(
    config: str, school_year: str, month: str, today: datetime | date, run_ids: list[int], resend: bool, day: bool
) -> list[FlowRun]:
    from prefect.deployments import run_deployment

    return [
        cast(
            FlowRun,
            run_deployment(
                f"{SHARD_FLOW}/{SHARD_DEPLOYMENT}",
                parameters={
                    "config": config,
                    "school_year": school_year,
                    "month": month,
                    "today": today.isoformat(),
                    "index": index,
                    "of": len(run_ids),
                    "run_id": run_id,
                    "resend": resend,
                    "day": day,
                },
                timeout=0,  # do not wait here: every shard is asked for first
            ),
        )
        for index, run_id in enumerate(run_ids)
    ]


def deploy(pool: str) -> str:
    """Create the process work pool if it is missing and register the shard flow's deployment in it
    (the workers import the flow from the installed examdesk package: nothing to build or push)."""
    from prefect.client.orchestration import get_client
    from prefect.client.schemas.actions import WorkPoolCreate
    from prefect.exceptions import ObjectNotFound
    from prefect.flows import EntrypointType
    from prefect.workers.process import ProcessWorker

    with get_client(sync_client=True) as client:
        try:
            client.read_work_pool(pool)
        except ObjectNotFound:
            client.create_work_pool(
                WorkPoolCreate(
                    name=pool, type="process", base_job_template=ProcessWorker.get_default_base_job_template()
                )
            )
    month_shard_flow.deploy(
        name=SHARD_DEPLOYMENT,
        work_pool_name=pool,
        entrypoint_type=EntrypointType.MODULE_PATH,
        build=False,
        push=False,
        print_next_steps=False,
        ignore_warnings=True,
        description="One shard of a month's recipients; asked for by the month flow (performance.work_pool)",
    )
    return f"{SHARD_FLOW}/{SHARD_DEPLOYMENT}"
