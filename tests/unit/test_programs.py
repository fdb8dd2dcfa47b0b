"""Program profiles (config/programs.yaml): the rules that differ by program and state are data."""

from datetime import date

import pytest

from examdesk.adapters.programs_file import read_profiles
from examdesk.domain.calendar import WorkingCalendar
from examdesk.domain.programs import ProfileError, ResultLetterRule, profile_for

PROFILES = read_profiles()
CAL = WorkingCalendar.build([date(2027, 5, 31), date(2027, 6, 18), date(2027, 9, 6)], [])


def test_caaspp_reports_within_24_hours_in_stairs_and_parcc_within_two_school_days():
    caaspp = profile_for(PROFILES, "CAASPP", "CA")
    assert caaspp.irregularity.due(date(2027, 4, 13), CAL) == date(2027, 4, 14)  # Tuesday -> Wednesday
    assert caaspp.irregularity.due(date(2027, 4, 16), CAL) == date(2027, 4, 16)  # Friday: before the weekend
    assert "STAIRS" in caaspp.irregularity.channel and caaspp.irregularity.text == "within 24 hours"
    parcc = profile_for(PROFILES, "PARCC", None)
    assert parcc.irregularity.due(date(2027, 4, 16), CAL) == date(2027, 4, 20)  # two school days
    assert parcc.irregularity.text == "within 2 school days" and parcc.window.minimum_days is None


@pytest.mark.parametrize(
    "state,years,within,unit,replaced",
    [
        ("CO", 3, 0, "school_days", "Colorado Security Form"),
        ("DC", 4, 24, "hours", "Testing Integrity and Security Notification Statement"),
        ("IL", 3, 5, "business_days", None),
        ("MD", 6, 2, "school_days", "Maryland State Non-Disclosure"),
        ("MA", 3, 2, "school_days", "no security agreement"),
        ("NJ", 3, 5, "school_days", None),
        ("NM", 5, 3, "business_days", "PED Staff Confidentiality Form"),
        ("RI", 3, 5, "school_days", None),
    ],
)
def test_every_state_of_the_seed_has_its_retention_deadline_and_forms(state, years, within, unit, replaced):
    profile = profile_for(PROFILES, "PARCC", state)
    assert profile.label == f"PARCC/{state}" and profile.retention_years == years
    assert (profile.irregularity.within, profile.irregularity.unit) == (within, unit)
    assert profile.irregularity.channel
    if replaced:
        assert replaced in profile.replaces["security_agreement"]
    else:
        assert "security_agreement" not in profile.replaces


def test_a_state_without_an_entry_takes_the_programs_rules():
    assert profile_for(PROFILES, "parcc", "OH") == profile_for(PROFILES, "PARCC", None)


def test_result_letters_roll_over_into_the_next_school_year_after_the_last_day_of_instruction():
    rule = profile_for(PROFILES, "CAASPP", "CA").result_letters
    last_day = date(2027, 6, 3)
    # received before the last day: 20 working days (Memorial Day and Juneteenth skipped)
    assert rule.due(date(2027, 5, 24), last_day, None, CAL) == date(2027, 6, 23)
    # after it: the 20th working day of next year, counting its first day (Aug 11; Labor Day skipped)
    assert rule.due(date(2027, 6, 10), last_day, date(2027, 8, 11), CAL) == date(2027, 9, 8)
    assert rule.due(date(2027, 6, 10), last_day, None, CAL) is None  # next year's first day unknown yet
    assert ResultLetterRule(20, rollover=False).due(date(2027, 6, 10), last_day, None, CAL) == date(2027, 7, 9)


def test_a_broken_profile_is_named():
    with pytest.raises(ProfileError, match="no profile for program 'SBAC'"):
        profile_for(PROFILES, "SBAC", None)
    with pytest.raises(ProfileError, match="irregularity unit 'weeks'"):
        profile_for({"X": {"irregularity": {"within": 1, "unit": "weeks"}}}, "X", None)
    with pytest.raises(ProfileError, match="retention_years"):
        profile_for({"X": {"retention_years": 0}}, "X", None)
