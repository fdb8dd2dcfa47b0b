from datetime import date

import holidays
import pytest

from examdesk.domain.calendar import CalendarError, Month, SchoolYear, WorkingCalendar, parse_month


def ca_calendar(closures=()):
    public = holidays.country_holidays("US", subdiv="CA", years=[2026, 2027])
    return WorkingCalendar.build(public.keys(), closures)


@pytest.mark.parametrize("text", ["september", "Sep", "sept", "SEPTEMBER", "9", "2026-09"])
def test_month_forms_all_mean_september_2026(text):
    assert parse_month(text, SchoolYear(2026)) == Month(2026, 9)


def test_spring_months_belong_to_the_second_calendar_year():
    assert parse_month("feb", SchoolYear(2026)) == Month(2027, 2)
    assert parse_month("july", SchoolYear(2026)) == Month(2026, 7)


@pytest.mark.parametrize("text", ["smarch", "13", "2026-13", ""])
def test_bad_months_are_refused_with_the_text(text):
    with pytest.raises(CalendarError, match="month"):
        parse_month(text, SchoolYear(2026))


def test_yyyy_mm_outside_the_school_year_is_refused():
    with pytest.raises(CalendarError, match="not in school year 2026-27"):
        parse_month("2027-09", SchoolYear(2026))


def test_school_year_parsing():
    assert SchoolYear.parse("2026-27").label == "2026-27"
    assert SchoolYear.parse("2026/2027") == SchoolYear(2026)
    assert SchoolYear.containing(date(2027, 6, 30)) == SchoolYear(2026)
    assert SchoolYear.containing(date(2027, 7, 1)) == SchoolYear(2027)
    with pytest.raises(CalendarError):
        SchoolYear.parse("2026-28")


def test_working_days_skip_thanksgiving_and_the_weekend():
    cal = ca_calendar()
    # Wed Nov 25 2026 + 1 working day: Thu 26 is Thanksgiving, Fri 27 is a CA holiday too
    assert cal.add_working_days(date(2026, 11, 25), 1) == date(2026, 11, 30)


def test_working_days_skip_district_closures():
    closures = [date(2027, 3, 29) + __import__("datetime").timedelta(days=i) for i in range(5)]
    cal = ca_calendar(closures)
    # Fri Mar 26 2027 + 1: spring break all week (Cesar Chavez Day Mar 31 inside it)
    assert cal.add_working_days(date(2027, 3, 26), 1) == date(2027, 4, 5)


def test_twenty_working_days_across_memorial_day():
    cal = ca_calendar()
    # received Mon Jun 7 2027 ... counting 20 working days; Juneteenth observed Fri Jun 18 2027
    due = cal.add_working_days(date(2027, 6, 7), 20)
    assert due == date(2027, 7, 7)  # Jun 18 and Jul 5 (Independence Day observed) are skipped
    assert cal.working_days_between(date(2027, 6, 7), due) == 20


def test_negative_offsets_and_zero():
    cal = ca_calendar()
    assert cal.add_working_days(date(2027, 1, 19), -1) == date(2027, 1, 15)  # MLK day Jan 18
    assert cal.add_working_days(date(2026, 11, 28), 0) == date(2026, 11, 30)  # Saturday -> Monday
    assert cal.first_working_day_of(Month(2027, 1)) == date(2027, 1, 4)  # Jan 1 holiday, weekend


def test_an_exam_centre_s_year_runs_september_to_august_with_results_day_in_it():
    from datetime import date

    from examdesk.domain.calendar import SchoolYear, parse_month

    year = SchoolYear.parse("2026-27", first_month=9)
    assert (year.first_day, year.last_day) == (date(2026, 9, 1), date(2027, 8, 31))
    assert [m.key for m in year.months()][:2] == ["2026-09", "2026-10"] and year.months()[-1].key == "2027-08"
    assert parse_month("august", year).key == "2027-08"  # results day's month is this year's
    assert year.span_text == "September 1 to August 31"
    assert SchoolYear.containing(date(2027, 8, 19), first_month=9).label == "2026-27"
    assert SchoolYear.containing(date(2027, 8, 19)).label == "2027-28"  # a US district's July start
