"""`examdesk retention`: student data past the program's retention period, listed or removed."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.table import Table

from ..services import retention as service
from .common import ConfigOpt, TodayOpt, fail, load_app, out


def retention(
    dry_run: Annotated[bool, typer.Option("--dry-run", help="List what is past retention; remove nothing.")] = False,
    apply: Annotated[
        bool, typer.Option("--apply", help="Remove the student data of every school year past retention.")
    ] = False,
    config: ConfigOpt = None,
    today: TodayOpt = None,
) -> None:
    """Student data kept past the program's retention period (config/programs.yaml): each school
    year's documents, messages, returns and reports, and when they may be removed. Nothing is
    removed without --apply; what --apply removes is recorded in the ledger."""
    if dry_run == apply:
        fail("say --dry-run (list what is past retention) or --apply (remove it)")
    app = load_app(config, None, today)
    out.print(f"retention: {service.rule_text(app)}; as of {app.today}")
    years = service.review(app)
    t = Table("year", "kept until", "docs", "msgs", "returns", "failed", "files", "MB", "status")
    for column in t.columns:
        column.no_wrap = True
    for y in years:
        status = "[bold]past[/]" if y.past(app.today) else "kept"
        t.add_row(
            y.school_year,
            y.kept_until.isoformat(),
            *(str(y.rows[k]) for k in ("documents", "messages", "acknowledgements", "document_failures")),
            str(y.files),
            f"{y.bytes / 1e6:.1f}",
            status,
        )
    out.print(t)
    if not years:
        out.print("no student data held")
    if dry_run:
        due = [y.school_year for y in years if y.past(app.today)]
        out.print(
            f"past retention: {', '.join(due)}; `examdesk retention --apply` removes it"
            if due
            else "nothing is past retention"
        )
        return
    removed = service.apply(app, app.today)
    for y in removed:
        out.print(
            f"removed {y.school_year}: {y.rows['documents']} document(s), {y.rows['messages']} message(s), "
            f"{y.rows['acknowledgements']} return(s), {y.files} file(s); recorded in the ledger",
            highlight=False,
        )
    if not removed:
        out.print("nothing is past retention; nothing removed")
