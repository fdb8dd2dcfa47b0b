"""Options every command that reads the district shares (one definition, one help text)."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Annotated

import typer

ConfigOpt = Annotated[
    Path | None,
    typer.Option("--config", "-c", help="District file (default: config/district.yaml or $EXAMDESK_CONFIG)."),
]
YearOpt = Annotated[
    str | None, typer.Option("--year", "-y", help="School year, e.g. 2026-27 (default: the current one).")
]
TodayOpt = Annotated[
    datetime | None,
    typer.Option("--today", formats=["%Y-%m-%d"], help="Act as if today were this date (for planning and rehearsals)."),
]
