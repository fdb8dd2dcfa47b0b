"""A shard that stops half-way leaves its ledger run failed (not "running"), names only the kind of
error, and the next run sends what it did not."""

from __future__ import annotations

from datetime import date

import pytest

from examdesk.domain.calendar import parse_month
from examdesk.domain.shards import Shard
from examdesk.services.month import pipeline
from fakes import memory_app


def test_a_shard_that_fails_half_way_marks_its_run_failed_and_the_next_run_finishes_the_month(district, monkeypatch):
    app, transport = memory_app(district, date(2027, 2, 1))
    month = parse_month("february", app.school_year)

    def broken(plan):
        raise RuntimeError("connection lost while sending to 9100000037")  # an error that names a student

    monkeypatch.setattr(pipeline, "deliver_month", broken)
    with pytest.raises(RuntimeError):
        pipeline.run_shard(app, month, Shard(0, 2))
    with app.unit_of_work() as uow:
        run = uow.runs.get(1)
    assert run["state"] == "failed" and run["summary"] == {"error": "RuntimeError"}  # the kind, not the text
    with pytest.raises(pipeline.ShardsUnfinished):
        pipeline.shard_summaries(app, [1])  # a coordinator never counts a failed shard as done

    monkeypatch.undo()
    summary = pipeline.run_shard(app, month, Shard(0, 2))
    assert summary["messages_sent"] > 0 and len(transport.sent) == summary["messages_sent"] + summary.get(
        "reminders_sent", 0
    )
    pipeline.mark_failed(app, [1, 2], "later")  # a finished run is never marked failed afterwards
    with app.unit_of_work() as uow:
        assert uow.runs.get(2)["state"] == "completed"
