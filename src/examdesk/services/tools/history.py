"""Recent month and day flow runs, read from the Prefect API."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from prefect.client.orchestration import get_client
from prefect.client.schemas.filters import FlowFilter, FlowFilterName
from prefect.client.schemas.sorting import FlowRunSort

MONTH_FLOW = "examdesk-month"  # the flows' names (examdesk.flows.month and .day use them)
DAY_FLOW = "examdesk-day"
SHARD_FLOW = "examdesk-month-shard"  # one shard of a month, run by a work pool's workers (examdesk.flows.shard)
SHARD_DEPLOYMENT = "shards"


def recent_runs(limit: int = 20, time_zone: str = "UTC") -> list[dict]:
    """The latest month and day runs, newest first; start times in ``time_zone`` (the district's), named."""
    zone = ZoneInfo(time_zone)
    with get_client(sync_client=True) as client:
        runs = client.read_flow_runs(
            flow_filter=FlowFilter(name=FlowFilterName(any_=[MONTH_FLOW, DAY_FLOW, SHARD_FLOW])),
            sort=FlowRunSort.START_TIME_DESC,
            limit=limit,
        )
    rows = []
    for r in runs:
        duration = r.total_run_time or (r.end_time - r.start_time if r.start_time and r.end_time else None)
        rows.append(
            {
                "name": r.name,
                "month": str(r.parameters.get("month", "")),
                "school_year": str(r.parameters.get("school_year") or ""),
                "state": r.state_name or "",
                "start": r.start_time.astimezone(zone).strftime("%Y-%m-%d %H:%M %Z") if r.start_time else "",
                "outcome": (r.state.message or "") if r.state else "",
                "duration": f"{duration.total_seconds():.1f}s" if duration else "",
            }
        )
    return rows
