"""The day flow: what cannot wait for the month, acted on the working day it happens.

Each working day it works the month that holds today as of today: an incident reported the day
it appears in the incidents table, a site reconciled and certified the day its window ends, result
letters the day the results arrive (their deadline counted from then), anything of the month not
sent yet, reminders of overdue returns, and each owner told of the tasks due today. The ledger's
keys are the month's, so a month run and its days, or a day run twice, never send anything twice.
Parameters are identifiers only (school year, config path, as-of date).
"""

from __future__ import annotations

from datetime import date, datetime

from prefect import flow, get_run_logger, runtime
from prefect.states import Completed, State

from ..bootstrap import build_app
from ..services.tools.history import DAY_FLOW
from .month import work_month


def run_name() -> str:
    parameters = runtime.flow_run.parameters
    return f"{parameters.get('school_year') or 'current year'} day {parameters.get('today') or date.today()}"


@flow(name=DAY_FLOW, flow_run_name=run_name, log_prints=False)
def day_flow(
    school_year: str | None = None, config: str = "config/district.yaml", today: datetime | date | None = None
) -> State:
    logger = get_run_logger()
    app = build_app(config, school_year, today)
    if not app.calendar.is_working_day(app.today):
        line = f"{app.today} is not a working day (weekend, holiday or closure); nothing to do"
        logger.info(line)
        return Completed(message=line, data={"skipped": True, "today": app.today.isoformat()})
    return work_month(app, f"{app.today.year}-{app.today.month:02d}", day=True)
