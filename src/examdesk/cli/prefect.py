"""`examdesk server`, `serve`, `history`: Prefect's server and UI, the schedule, the run history."""

from __future__ import annotations

import os
import sys
from typing import Annotated

import typer
from rich.table import Table

from .common import ConfigOpt, fail, load_app, out, prefect_environment


def server(
    host: Annotated[str, typer.Option(help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port for the API and UI.")] = 4200,
    config: ConfigOpt = None,
) -> None:
    """Start the Prefect server and UI (local SQLite under examdesk's state folder, telemetry off)."""
    app = load_app(config)
    prefect_environment(app.settings)
    # the UI asks its settings for the API's address: give it this server's, not the default port 4200
    # (behind a reverse proxy, set PREFECT_SERVER_UI_API_URL to the public address yourself)
    os.environ["PREFECT_SERVER_API_HOST"] = host
    os.environ["PREFECT_SERVER_API_PORT"] = str(port)
    browse = "127.0.0.1" if host in ("0.0.0.0", "::") else host
    os.environ.setdefault("PREFECT_SERVER_UI_API_URL", f"http://{browse}:{port}/api")
    out.print(f"Prefect UI: http://{browse}:{port}  (PREFECT_HOME={os.environ['PREFECT_HOME']})")
    out.print(f"In another shell: export PREFECT_API_URL=http://{browse}:{port}/api")
    os.execvp(sys.executable, [sys.executable, "-m", "prefect", "server", "start", "--host", host, "--port", str(port)])


def serve(
    config: ConfigOpt = None,
    cron: Annotated[
        str | None,
        typer.Option(help="When to run the month flow (cron, district time zone; default: schedule.month)."),
    ] = None,
    day_cron: Annotated[
        str | None,
        typer.Option(help="When to run the day flow (cron, district time zone; default: schedule.day)."),
    ] = None,
) -> None:
    """Create the scheduled month and day deployments and serve them (needs a Prefect server:
    PREFECT_API_URL). The month flow acts on the month's first working day, the day flow on
    every working day; weekends, public holidays and closures are skipped."""
    app = load_app(config)
    prefect_environment(app.settings)
    from prefect import serve as serve_deployments

    deployments = scheduled_deployments(app, cron or app.settings.schedule.month, day_cron or app.settings.schedule.day)
    for d in deployments:
        out.print(f"serving '{d.flow_name}/{d.name}': {d.description}")
    out.print("Ctrl-C to stop")
    serve_deployments(*deployments, print_starting_message=False)


def deploy(
    pool: Annotated[
        str | None, typer.Option(help="The Prefect work pool (default: performance.work_pool in the district file).")
    ] = None,
    config: ConfigOpt = None,
) -> None:
    """Create the process work pool (if missing) and the deployment its workers run a month's
    shards from (needs a Prefect server: PREFECT_API_URL). Then start a worker on each machine:
    prefect worker start --pool NAME; runs with performance.work_pool set share their month among them."""
    app = load_app(config)
    prefect_environment(app.settings)
    name = pool or app.settings.performance.work_pool
    if not name:
        fail("name the work pool: --pool NAME, or performance.work_pool in the district file")
    from ..flows.shard import deploy as deploy_shards

    deployment = deploy_shards(name)
    out.print(f"work pool {name!r}: deployment {deployment!r} is ready")
    out.print(f"on each machine (with examdesk and this district's config): prefect worker start --pool {name}")
    if app.settings.performance.work_pool != name:
        out.print(f"then set performance.work_pool: {name} (and performance.workers: the number of shards)")


def scheduled_deployments(app, month_cron: str, day_cron: str) -> list:
    """The month flow (first working day of each month) and the day flow (every working day), on
    cron schedules in the district's time zone; parameters are identifiers only."""
    from prefect.schedules import Cron

    from ..flows import with_workers
    from ..flows.day import day_flow
    from ..flows.month import month_flow

    tz = app.settings.organisation.time_zone
    config = str(app.settings.config_file)
    workers = app.settings.performance.workers
    return [
        with_workers(month_flow, workers).to_deployment(
            name="monthly",
            schedules=[Cron(month_cron, timezone=tz, day_or=False)],
            parameters={"month": "current", "config": config, "only_first_working_day": True},
            description=f"cron {month_cron!r} in {tz}; acts on the first working day of the month",
        ),
        with_workers(day_flow, workers).to_deployment(
            name="daily",
            schedules=[Cron(day_cron, timezone=tz, day_or=False)],
            parameters={"config": config},
            description=f"cron {day_cron!r} in {tz}; acts on working days",
        ),
    ]


def history(
    limit: Annotated[int, typer.Option(help="How many runs.")] = 20,
    config: ConfigOpt = None,
) -> None:
    """List recent month flow runs from the Prefect API: name (month, as of), state, start in the
    district's time zone, duration, and what each sent."""
    app = load_app(config)
    prefect_environment(app.settings)
    from ..services.tools.history import recent_runs

    zone = app.settings.organisation.time_zone
    rows = recent_runs(limit, zone)
    t = Table("flow run", "state", f"start ({zone})", "duration", "messages")
    for r in rows:
        t.add_row(r["name"], r["state"], r["start"], r["duration"], r["outcome"])
    out.print(t)
    if not rows:
        out.print("no month flow runs recorded yet")
