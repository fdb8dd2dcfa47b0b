from datetime import date, timedelta
from pathlib import Path

import pytest
import yaml

from examdesk.domain.calendar import Month, SchoolYear, WorkingCalendar
from examdesk.domain.checklist import ChecklistError, check_events, parse_checklist, tasks_for_month
from examdesk.domain.due_rules import STANDARD_EVENTS, DueContext, DueRuleError, parse_due_rule
from examdesk.domain.memos import MEMOS
from examdesk.domain.registry import FAMILIES
from examdesk.domain.roles import CATEGORIES

REPO = Path(__file__).resolve().parents[2]
SY = SchoolYear(2026)
CTX = DueContext(
    SY, WorkingCalendar(), {"testing_window_start": date(2027, 4, 12), "testing_window_end": date(2027, 5, 28)}
)


def shipped():
    raw = yaml.safe_load((REPO / "config" / "checklist.yaml").read_text(encoding="utf-8"))
    return parse_checklist(raw, source="checklist.yaml", generators=FAMILIES, memos=MEMOS)


def task(**over):
    base = {
        "id": "t1",
        "month": "july",
        "title": "Do it",
        "category": "communication",
        "owner": "district_coordinator",
        "action": "reminder",
    }
    base.update(over)
    return base


# ---- due rules -------------------------------------------------------------------------------
def test_fixed_date_lands_in_the_right_calendar_year():
    assert parse_due_rule("July 1").resolve(CTX, None).day == date(2026, 7, 1)
    assert parse_due_rule("December 1").resolve(CTX, None).day == date(2026, 12, 1)
    assert parse_due_rule("Mar 15").resolve(CTX, None).day == date(2027, 3, 15)


def test_end_of_month_uses_the_task_month():
    assert parse_due_rule("end of month").resolve(CTX, Month(2027, 1)).day == date(2027, 1, 29)  # Jan 31 is a Sunday
    assert parse_due_rule("end of month").resolve(CTX, Month(2027, 3)).day == date(2027, 3, 31)


SPRING_BREAK = WorkingCalendar.build(
    holidays=[date(2027, 5, 31)], closures=[date(2027, 3, 29) + timedelta(days=i) for i in range(5)]
)
BREAK_CTX = DueContext(
    SY, SPRING_BREAK, {"testing_window_start": date(2027, 4, 12), "testing_window_end": date(2027, 5, 31)}
)


@pytest.mark.parametrize(
    ("rule", "month", "due"),
    [
        ("2 weeks before testing_window_start", None, date(2027, 3, 26)),  # Mar 29 opens spring break
        ("on testing_window_end", None, date(2027, 5, 28)),  # May 31 is Memorial Day
        ("end of month", Month(2027, 2), date(2027, 2, 26)),  # Feb 28 is a Sunday
        ("April 3", None, date(2027, 3, 26)),  # a Saturday after a week of spring break
        ("3 working days after testing_window_start", None, date(2027, 4, 15)),
    ],
)
def test_nothing_falls_due_on_a_weekend_holiday_or_closure(rule, month, due):
    got = parse_due_rule(rule).resolve(BREAK_CTX, month).day
    assert got == due
    assert SPRING_BREAK.is_working_day(got)


def test_a_fixed_date_is_the_next_one_after_the_tasks_month():
    assert parse_due_rule("July 1").resolve(CTX, Month(2026, 7)).day == date(2026, 7, 1)
    assert parse_due_rule("July 1").resolve(CTX, Month(2027, 4)).day == date(2027, 7, 1)  # next year's designation


def test_offsets_from_events():
    assert parse_due_rule("2 weeks before testing_window_start").resolve(CTX, None).day == date(2027, 3, 29)
    assert parse_due_rule("1 week after testing_window_end").resolve(CTX, None).day == date(2027, 6, 4)
    assert parse_due_rule("2 months before testing_window_start").resolve(CTX, None).day == date(2027, 2, 12)
    assert parse_due_rule("on testing_window_end").resolve(CTX, None).day == date(2027, 5, 28)
    # 3 working days after Fri May 28 with an empty holiday calendar: Jun 2
    assert parse_due_rule("3 working days after testing_window_end").resolve(CTX, None).day == date(2027, 6, 2)


def test_unknown_event_date_waits():
    due = parse_due_rule("20 working days after results_received").resolve(CTX, None)
    assert due.day is None and due.waiting_for == "results_received"


@pytest.mark.parametrize("text", ["soonish", "Julember 4", "February 30", "3 fortnights after x"])
def test_bad_due_rules_name_the_text(text):
    with pytest.raises(DueRuleError, match="due"):
        parse_due_rule(text)


# ---- the shipped checklist ---------------------------------------------------------------------
def test_shipped_checklist_covers_every_month_ongoing_and_parcc_phases():
    ck = shipped()
    months = {t.month for t in ck if t.month}
    assert months == set(range(1, 13))
    phases = {t.phase for t in ck if t.phase}
    assert phases == {"ongoing", "before", "during", "after"}
    assert sum(1 for t in ck if t.source == "003 Ongoing") == 15  # seed 003 lists 15 ongoing tasks
    assert {t.category for t in ck} <= set(CATEGORIES)
    feb = [t for t in ck if t.month == 2]
    assert any(t.action == "parent_notification" and t.recipients == ("guardians",) for t in feb)


def test_shipped_checklist_events_are_known():
    check_events(shipped(), STANDARD_EVENTS, source="x")


def test_phase_tasks_fall_in_the_month_of_their_due_date():
    ck = shipped()
    march = [pt.task.id for pt in tasks_for_month(ck, Month(2027, 3), CTX, (date(2027, 4, 12), date(2027, 5, 28)))]
    assert "parcc-before-06" in march  # 1 month before Apr 12 -> Mar 12
    assert "parcc-before-14" in march  # 2 weeks before -> Mar 29
    assert "parcc-during-01" not in march
    may = [pt.task.id for pt in tasks_for_month(ck, Month(2027, 5), CTX, (date(2027, 4, 12), date(2027, 5, 28)))]
    assert "parcc-during-01" in may and "parcc-after-01" in may


def test_a_task_that_follows_an_event_is_planned_where_the_event_happens_and_the_month_after():
    ck = shipped()
    window = (date(2027, 4, 12), date(2027, 5, 28))
    events = {
        "result_letter": [date(2027, 5, 24)],  # the results arrive in May; the checklist says June
        "irregularity_report": [date(2027, 4, 13), date(2027, 6, 9)],  # a make-up session's incident in June
        "custody_reconciliation": [date(2027, 5, 21), date(2027, 5, 28)],
    }

    def planned(month: Month) -> set[str]:
        return {pt.task.id for pt in tasks_for_month(ck, month, CTX, window, events)}

    assert "caaspp-jun-02" not in planned(Month(2027, 4))
    # May, when they arrive, and June, whose run looks back at May (a district that runs monthly)
    assert "caaspp-jun-02" in planned(Month(2027, 5)) and "caaspp-jun-02" in planned(Month(2027, 6))
    assert "caaspp-jun-02" not in planned(Month(2027, 7))
    # an incident is reported even outside the months of the testing window
    assert "parcc-during-05" in planned(Month(2027, 6)) and "parcc-during-05" not in planned(Month(2027, 3))
    assert "parcc-after-03" in planned(Month(2027, 5)) and "parcc-after-03" not in planned(Month(2027, 4))
    # without events, nothing that follows one is planned anywhere
    none = {k: [] for k in events}
    assert not {"caaspp-jun-02", "parcc-after-03"} & {
        pt.task.id for m in SY.months() for pt in tasks_for_month(ck, m, CTX, window, none)
    }


# ---- validation errors name the task -----------------------------------------------------------
@pytest.mark.parametrize(
    "override,message",
    [
        ({"action": "fax_machine"}, "task 't1': unknown action/generator 'fax_machine'"),
        ({"owner": "janitor"}, "task 't1': unknown owner role 'janitor'"),
        ({"month": "smarch"}, "task 't1': bad month 'smarch'"),
        ({"category": "vibes"}, "task 't1': unknown category 'vibes'"),
        ({"recipients": ["aliens"]}, "task 't1': unknown recipient role or group 'aliens'"),
        ({"due": "whenever"}, "task 't1': due 'whenever'"),
        ({"month": None}, "task 't1': missing 'month'"),
        ({"action": "parent_notification"}, "task 't1': generator 'parent_notification' needs 'recipients'"),
    ],
)
def test_bad_task_is_named(override, message):
    with pytest.raises(ChecklistError) as exc:
        parse_checklist([task(**override)], source="config/checklist.yaml", generators=FAMILIES, memos=MEMOS)
    assert any(message in p for p in exc.value.problems), exc.value.problems
    assert "config/checklist.yaml" in str(exc.value)


def test_duplicate_id_is_named_with_both_positions():
    with pytest.raises(ChecklistError) as exc:
        parse_checklist([task(), task(title="again")], source="c.yaml", generators=FAMILIES, memos=MEMOS)
    assert exc.value.problems == ["task 't1': duplicate id (also task #1)"]


def test_all_problems_are_reported_at_once():
    with pytest.raises(ChecklistError) as exc:
        tasks = [task(id="a", owner="x"), task(id="b", action="y")]
        parse_checklist(tasks, source="c.yaml", generators=FAMILIES, memos=MEMOS)
    assert len(exc.value.problems) == 2
