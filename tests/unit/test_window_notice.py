"""The testing window notice: each site's principal and coordinator get their own site's window
and sessions, and nobody else's."""

from datetime import date, time

from examdesk.domain.calendar import WorkingCalendar
from examdesk.domain.records import DistrictData, Site
from fakes import family_input


def district() -> DistrictData:
    staff = [
        ("S1", "Ana", "principal", "A"),
        ("S2", "Ben", "site_coordinator", "A"),
        ("S3", "Cy", "site_coordinator", "B"),
        ("S4", "Di", "test_administrator", "A"),
        ("S5", "Ed", "district_coordinator", None),
    ]
    return DistrictData.from_rows(
        {"A": Site("A", "Alpha School"), "B": Site("B", "Beta School")},
        {
            "staff": [
                {
                    "staff_id": i,
                    "first_name": f,
                    "last_name": "Z",
                    "email": f"{f}@d.example.org",
                    "role": r,
                    "site_id": s,
                }
                for i, f, r, s in staff
            ],
            "testing_windows": [
                {"site_id": "A", "program": "CAASPP", "start_date": date(2027, 4, 12), "end_date": date(2027, 5, 14)},
            ],
            "sessions": [
                {
                    "session_id": sid,
                    "site_id": site,
                    "test_code": "SB-ELA",
                    "test_name": "ELA",
                    "grade": 4,
                    "date": day,
                    "start_time": time(8, 30),
                    "end_time": time(10, 0),
                    "room": "R1",
                    "administrator_id": "S4",
                }
                for sid, site, day in (("A1", "A", date(2027, 4, 13)), ("B1", "B", date(2027, 4, 20)))
            ],
        },
    )


def test_each_site_gets_its_own_window_and_sessions():
    # 25 weekdays from Monday April 12 to Friday May 14, less the closure on April 16 (Memorial Day is after)
    inp = family_input(
        "testing_window_notice",
        district(),
        recipients=("principal", "site_coordinator"),
        calendar=WorkingCalendar.build([date(2027, 5, 31)], [date(2027, 4, 16)]),
    )
    jobs = list(inp.family.generate(inp).jobs)
    assert [(j.recipient.email, j.doc_key) for j in jobs] == [
        ("Ana@d.example.org", "2026-27/2027-02/feb-05/site:A/staff:S1"),
        ("Ben@d.example.org", "2026-27/2027-02/feb-05/site:A/staff:S2"),
        ("Cy@d.example.org", "2026-27/2027-02/feb-05/site:B/staff:S3"),
    ]
    alpha, beta = jobs[0].context, jobs[2].context
    assert alpha["window"] == {"start": "2027-04-12", "end": "2027-05-14", "days": 24}  # one closure inside
    assert [s["date"] for s in alpha["sessions"]] == ["2027-04-13"]
    assert beta["window"] is None and [s["date"] for s in beta["sessions"]] == ["2027-04-20"]
    assert jobs[0].template == "testing_window_notice" and jobs[0].format == "docx" and not jobs[0].comes_back
