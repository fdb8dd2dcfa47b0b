"""`examdesk windows`: testing windows against the program's rules."""

from __future__ import annotations

import typer
from rich.table import Table

from ..services.data import load_district
from ..services.windows import proposals
from .common import ConfigOpt, TodayOpt, YearOpt, load_app, out

windows_app = typer.Typer(help="Testing windows: check them against the program's rules.", no_args_is_help=True)


@windows_app.command("propose")
def windows_propose(config: ConfigOpt = None, year: YearOpt = None, today: TodayOpt = None) -> None:
    """Per site: its window, the rules it breaks, and the earliest and latest compliant windows the
    school calendar allows (instructional days only; closures and holidays excluded)."""
    app = load_app(config, year, today)
    data, _ = load_district(app.settings, app.school_year)
    t = Table("site", "program", "current window", "breaks", "earliest compliant", "latest compliant", "allowed span")

    def span(window) -> str:
        return f"{window[0]} to {window[1]}" if window else "none"

    for p in proposals(app, data.windows):
        t.add_row(
            p.site,
            p.program,
            span(p.current),
            "; ".join(p.breaches) or ("ok" if p.current else "no window"),
            span(p.proposal.earliest),
            span(p.proposal.latest),
            span(p.proposal.allowable),
        )
    out.print(t)
