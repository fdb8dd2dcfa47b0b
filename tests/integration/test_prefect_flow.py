"""Real Prefect flow runs against one temporary Prefect server for the session."""

import csv
from datetime import date

import pytest

pytestmark = pytest.mark.prefect


def test_month_flow_runs_records_artifacts_and_reruns_idempotently(prefect_harness, district, tmp_path):
    from prefect.client.orchestration import get_client
    from prefect.client.schemas.filters import ArtifactFilter, ArtifactFilterFlowRunId, ArtifactFilterKey

    from examdesk.flows.month import month_flow
    from examdesk.services.tools.history import recent_runs

    state = month_flow(
        month="2027-02", school_year="2026-27", config=str(district), today=date(2027, 1, 20), return_state=True
    )
    summary = state.result()
    assert summary["documents_rendered"] == 300 and summary["messages_failed"] == 0
    again = month_flow(month="2027-02", school_year="2026-27", config=str(district), today=date(2027, 1, 20))
    assert again["messages_sent"] == 0 and again["documents_already_sent"] > 300

    with (tmp_path / "data" / "students.csv").open(encoding="utf-8") as fh:
        students = list(csv.DictReader(fh))
    with (tmp_path / "data" / "guardians.csv").open(encoding="utf-8") as fh:
        guardians = list(csv.DictReader(fh))
    personal = (
        {s["last_name"] for s in students} | {g["email"] for g in guardians} | {s["student_id"] for s in students}
    )

    with get_client(sync_client=True) as client:
        artifacts = client.read_artifacts(
            artifact_filter=ArtifactFilter(
                key=ArtifactFilterKey(any_=["examdesk-2026-27-2027-02-summary", "examdesk-2026-27-2027-02-tasks"]),
                flow_run_id=ArtifactFilterFlowRunId(any_=[state.state_details.flow_run_id]),
            )
        )
        runs = client.read_flow_runs()
    assert {a.key for a in artifacts} == {"examdesk-2026-27-2027-02-summary", "examdesk-2026-27-2027-02-tasks"}
    summary_md = next(a.data for a in artifacts if a.key.endswith("summary"))
    assert "documents rendered | 300" in summary_md
    for artifact in artifacts:
        text = str(artifact.data)
        assert not [p for p in personal if len(p) > 3 and p in text], artifact.key
    for run in runs:  # parameters are identifiers only
        assert set(run.parameters) <= {"month", "school_year", "config", "resend", "today", "only_first_working_day"}
    history = recent_runs(10, "America/Los_Angeles")
    assert [r["month"] for r in history[:2]] == ["2027-02", "2027-02"]
    assert all(r["state"] == "Completed" for r in history[:2])
    assert [r["name"] for r in history[:2]] == ["2026-27 2027-02 as of 2027-01-20"] * 2
    rerun, first = history[:2]  # told apart by what each sent
    assert first["outcome"].startswith(f"sent {summary['messages_sent']}, failed 0") and summary["messages_sent"] > 268
    assert rerun["outcome"].startswith("sent 0, failed 0")
    assert rerun["start"].endswith(("PST", "PDT"))


def test_bad_input_fails_the_flow_run_before_anything_is_sent(prefect_harness, district, tmp_path):
    from examdesk.domain.tables import FatalDataError
    from examdesk.flows.month import month_flow

    staff = tmp_path / "data" / "staff.csv"
    lines = staff.read_text(encoding="utf-8").splitlines()
    # drop the columns role, site_id and phone
    staff.write_text("\n".join(line.rsplit(",", 3)[0] for line in lines) + "\n", encoding="utf-8")
    with pytest.raises(FatalDataError, match="staff.csv, row 1, column 'role': required column is missing"):
        month_flow(month="2027-02", school_year="2026-27", config=str(district))
    assert not (tmp_path / "output" / "outbox").exists()


def test_scheduled_run_acts_only_on_the_first_working_day(prefect_harness, district):
    from examdesk.flows.month import month_flow

    skipped = month_flow(month="current", config=str(district), today=date(2026, 11, 24), only_first_working_day=True)
    assert skipped == {"skipped": True, "month": "2026-11"}
    ran = month_flow(month="current", config=str(district), today=date(2026, 11, 2), only_first_working_day=True)
    assert ran["month"] == "2026-11" and ran["messages_sent"] > 0


def test_tick_runs_the_day_flow_on_each_working_day_and_serve_schedules_both_flows(prefect_harness, district):
    from typer.testing import CliRunner

    from examdesk.bootstrap import build_app
    from examdesk.cli import app as cli
    from examdesk.cli.prefect import scheduled_deployments
    from examdesk.services.tools.history import recent_runs

    runner = CliRunner()
    span = runner.invoke(cli, ["tick", "-c", str(district), "--today", "2027-04-16", "--through", "2027-04-19"])
    assert span.exit_code == 0, span.output
    lines = {line[:14]: line for line in span.output.splitlines() if line[:3] in ("Fri", "Sat", "Sun", "Mon")}
    assert set(lines) == {"Fri 2027-04-16", "Mon 2027-04-19"}  # the weekend is not worked
    assert "parcc-during-05 1" in lines["Fri 2027-04-16"]  # INC-001 (April 13): the first day examdesk ran
    assert "parcc-during-05 1" in lines["Mon 2027-04-19"]  # INC-003, on the day it happened
    assert "2 working day(s) worked, 2 day(s) skipped" in span.output

    again = runner.invoke(cli, ["tick", "-c", str(district), "--today", "2027-04-19"])
    assert again.exit_code == 0 and "messages sent                                   │ 0" in again.output
    weekend = runner.invoke(cli, ["tick", "-c", str(district), "--today", "2027-04-17"])
    assert weekend.exit_code == 0 and "not a working day" in weekend.output

    names = [r["name"] for r in recent_runs(5, "America/Los_Angeles")]
    assert names[:3] == ["2026-27 day 2027-04-19", "2026-27 day 2027-04-19", "2026-27 day 2027-04-16"]

    month, day = scheduled_deployments(build_app(district), "0 7 1-7 * 1-5", "30 7 * * 1-5")
    assert (month.flow_name, day.flow_name) == ("examdesk-month", "examdesk-day")
    assert [s.schedule.cron for s in day.schedules] == ["30 7 * * 1-5"]
    assert day.schedules[0].schedule.timezone == "America/Los_Angeles"
    assert day.parameters == {"config": str(district)}  # identifiers only


def test_a_month_shared_by_two_worker_processes_sends_what_one_process_sends_once(prefect_harness, tmp_path):
    from conftest import edit_config, make_district
    from examdesk.flows import with_workers
    from examdesk.flows.month import month_flow
    from examdesk.settings import load_settings
    from fakes import ledger_messages
    from helpers import attachments, read_outbox

    def run(folder, workers: int) -> tuple[dict, list]:
        folder.mkdir()
        config = make_district(folder)
        edit_config(config, performance__workers=workers)
        summary = with_workers(month_flow, workers)(
            month="2027-02", school_year="2026-27", config=str(config), today=date(2027, 2, 1)
        )
        settings = load_settings(config)
        sent = sorted(
            (m["To"].addresses[0].addr_spec, m["Subject"], tuple(sorted(n for n, _ in attachments(m))))
            for m in read_outbox(settings.output_dir, "2027-02")
        )
        keys = [m["idempotency_key"] for m in ledger_messages(settings.ledger_url)]
        assert len(keys) == len(set(keys)) == len(sent)  # each message once
        return summary, sent

    one, sent_by_one = run(tmp_path / "one", 1)
    two, sent_by_two = run(tmp_path / "two", 2)
    assert two["shards"] == 2 and two["documents_rendered"] == one["documents_rendered"] == 300
    assert two["messages_sent"] == one["messages_sent"] and two["tasks"] == one["tasks"]
    # the same messages to the same people, with the same attachments (document ids follow the key)
    assert sent_by_two == sent_by_one


def test_prefect_s_work_per_batch_does_not_grow_with_the_district(prefect_harness, tmp_path):
    """A batch task is given the month plan as it is (quote): Prefect does not walk the district's
    data, so what it does per call is the same at 1,000 and 20,000 students. Counted in Python
    function calls made by the calling thread (a ratio of counts, not a time); the plan passed
    without quote is the control that shows the count would grow."""
    import cProfile
    import pstats
    import sys
    from pathlib import Path

    from prefect import flow

    from examdesk.bootstrap import build_app
    from examdesk.domain.calendar import parse_month
    from examdesk.flows.month import _given, render_batch
    from examdesk.services.month.plan import prepare_month

    sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "benchmarks"))
    from month_memory import write_district

    def plan_of(students: int):
        config = write_district(tmp_path / str(students), students)
        app = build_app(config, "2026-27", date(2027, 6, 1), ledger_url="sqlite://")
        return prepare_month(app, parse_month("june", app.school_year))

    plans = {students: plan_of(students) for students in (1_000, 4_000, 20_000)}
    assert len(plans[20_000].data.students) == 20 * len(plans[1_000].data.students)

    @flow(name="overhead probe")
    def calls_per_batch(students: int, quoted: bool, batches: int) -> float:  # the plan is not a parameter
        plan = plans[students]
        plan.pending_batches = iter(())  # each call finds no batch left: what is counted is Prefect's
        profile = cProfile.Profile()
        profile.enable()
        for _ in range(batches):
            assert render_batch(_given(plan) if quoted else plan) is None
        profile.disable()
        return pstats.Stats(profile).total_calls / batches  # type: ignore[attr-defined]

    per_small, per_large = calls_per_batch(1_000, True, 5), calls_per_batch(20_000, True, 5)
    unquoted_small, unquoted_large = calls_per_batch(1_000, False, 1), calls_per_batch(4_000, False, 1)
    print(f"calls per batch, quoted: {per_small:.0f} at 1,000 and {per_large:.0f} at 20,000 students")
    print(f"calls per batch, unquoted: {unquoted_small:.0f} at 1,000 and {unquoted_large:.0f} at 4,000 students")
    assert per_large / per_small < 1.3  # the same work per batch whatever the district's size
    assert unquoted_large / unquoted_small > 3  # (walking the plan would cost 4x as much at 4x the size)


def test_a_work_pool_without_the_shard_deployment_is_named_with_what_to_do(prefect_harness, district):
    from conftest import edit_config
    from examdesk.errors import ConfigurationError
    from examdesk.flows.month import month_flow

    edit_config(district, performance__work_pool="nowhere", performance__workers=2)
    with pytest.raises(ConfigurationError, match="examdesk deploy --pool NAME"):
        month_flow(month="2027-02", school_year="2026-27", config=str(district), today=date(2027, 2, 1))
