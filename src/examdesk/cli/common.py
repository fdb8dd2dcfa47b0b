"""What every command shares: the consoles, the common options, building the app, and the one
place where examdesk's errors become messages and exit codes."""

from __future__ import annotations

import csv
import os
from datetime import date, datetime
from pathlib import Path
from typing import Annotated, Any, NoReturn

import typer
from rich.console import Console
from typer.core import TyperGroup

from ..bootstrap import build_app
from ..errors import ConfigurationError, ExamdeskError
from ..services.app import App
from ..services.tracking.tracker import write_tracker
from ..settings import Settings

out = Console()
err = Console(stderr=True)

ConfigOpt = Annotated[
    Path | None,
    typer.Option("--config", "-c", help="District file (default: config/district.yaml or $EXAMDESK_CONFIG)."),
]
YearOpt = Annotated[
    str | None, typer.Option("--year", "-y", help="School year, e.g. 2026-27 (default: the current one).")
]
TodayOpt = Annotated[
    datetime | None,
    typer.Option(
        "--today",
        formats=["%Y-%m-%d", "%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"],
        help="Act as if today were this date (for planning and rehearsals), or this date and time "
        "(2027-08-19T07:30: a results embargo is held until its release time).",
    ),
]


def error_message(exc: ExamdeskError) -> str:
    """The error as the person reads it: what is wrong and where, then what happened because of it."""
    problems = getattr(exc, "problems", None)
    text = str(exc)
    if problems and isinstance(problems, list):
        first = {"input data": "the input data cannot be used"}.get(exc.kind)
        if first:
            text = f"{first}:\n" + "\n".join(f"  - {p}" for p in problems)
    return "\n".join([text, *getattr(exc, "__notes__", [])])


class ExamdeskGroup(TyperGroup):
    """Turns an ExamdeskError from any command into one message on stderr and its exit code."""

    def invoke(self, ctx: Any) -> Any:  # typer's own (vendored) click Context
        try:
            return super().invoke(ctx)
        except ExamdeskError as exc:
            err.print("[bold red]error:[/] ", end="", highlight=False)
            err.print(error_message(exc), highlight=False, markup=False, soft_wrap=True)
            raise typer.Exit(exc.exit_code) from None


def fail(message: str) -> NoReturn:
    """A problem with what the person typed, found by the command itself (shown like any other error)."""
    raise ConfigurationError(message)


def as_of(today: datetime | None) -> date | None:
    """A date, or a date and time when one was given (midnight: the whole day)."""
    if today is None:
        return None
    return today if today.time() != datetime.min.time() else today.date()


def load_app(config: Path | None, year: str | None = None, today: datetime | None = None) -> App:
    return build_app(config, year, as_of(today))


def refresh_tracker(app: App) -> None:
    """Rewrite the tracker workbook after a change to the ledger, so it is never older than the ledger."""
    try:
        path = write_tracker(app, app.today)
    except OSError as exc:  # e.g. the workbook is open in Excel on a shared drive
        err.print(f"[yellow]tracker not updated:[/] {exc}; run `examdesk tracker` once it is closed", soft_wrap=True)
        return
    out.print(f"tracker: {path}", soft_wrap=True, highlight=False)


def prefect_environment(settings: Settings) -> None:
    """Before Prefect is imported: local state under examdesk's folder, no telemetry."""
    os.environ.setdefault("PREFECT_HOME", str(settings.state_dir / "prefect"))
    os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
    os.environ.setdefault("DO_NOT_TRACK", "1")
    os.environ.setdefault("PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS", "120")
    Path(os.environ["PREFECT_HOME"]).mkdir(parents=True, exist_ok=True, mode=0o700)


def require_server_for_pool(settings: Settings) -> None:
    """Shards on a work pool are runs the pool's workers take from a Prefect server: a temporary
    server that lives as long as this command would leave them nowhere to look."""
    pool = settings.performance.work_pool
    if pool and not os.environ.get("PREFECT_API_URL"):
        fail(
            f"performance.work_pool is {pool!r}: set PREFECT_API_URL to the Prefect server its workers "
            "poll (examdesk server; examdesk deploy --pool NAME once)"
        )


def print_problems(report_path: Path, limit: int = 15) -> None:
    """The validation report's problems, the first ``limit`` of them, each with file, row and column."""
    with report_path.open(encoding="utf-8") as fh:
        problems = list(csv.DictReader(fh))
    if not problems:
        out.print("[green]input data: no problems[/]")
        return
    out.print(
        f"[yellow]input data: {len(problems)} problem(s); those rows were left out[/] (full list: {report_path})",
        soft_wrap=True,
    )
    for p in problems[:limit]:
        where = (
            p["file"] + (f", row {p['row']}" if p["row"] else "") + (f", column {p['column']!r}" if p["column"] else "")
        )
        value = f" (value {p['value']!r})" if p["value"] else ""
        out.print(f"  {where}: {p['problem']}{value}", highlight=False, markup=False, soft_wrap=True)
    if len(problems) > limit:
        out.print(f"  … and {len(problems) - limit} more in {report_path}")
