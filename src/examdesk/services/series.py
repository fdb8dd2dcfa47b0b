"""An exam centre's series checked against the JCQ rules, for `examdesk validate`."""

from __future__ import annotations

from ..domain.centre_checks import Finding
from ..domain.centre_plan import plan_series
from ..domain.records import DistrictData
from .app import App


def series_findings(app: App, data: DistrictData) -> list[Finding]:
    """Every breach in the centre's series (none for a district without one)."""
    if not data.series:
        return []
    return plan_series(data, app.calendar, app.centre_rules).findings
