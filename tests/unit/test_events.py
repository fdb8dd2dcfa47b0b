"""Events documents follow: which month's run acts on them, their keys, and labelled new versions."""

from datetime import date

from examdesk.domain.calendar import Month
from examdesk.domain.documents import Recipient, RenderJob, facts_digest
from examdesk.domain.events import in_reach
from examdesk.domain.records import DistrictData
from fakes import family_input


def test_a_months_run_acts_on_events_of_the_month_and_of_the_month_before():
    may = Month(2027, 5)
    assert in_reach(date(2027, 5, 31), may) and in_reach(date(2027, 4, 1), may)
    assert not in_reach(date(2027, 3, 31), may) and not in_reach(date(2027, 6, 1), may)
    assert in_reach(date(2026, 12, 31), Month(2027, 1))  # across the calendar year


def test_a_document_that_follows_an_event_is_keyed_by_the_events_month():
    inp = family_input("irregularity_report", DistrictData.from_rows({}, {}), month=Month(2027, 6))
    who = Recipient("staff:S1", "A", "a@example.org")
    job = inp.job("incident:INC-9", recipient=who, filename="r.pdf", title="t", context={}, event_day=date(2027, 5, 28))
    assert job.doc_key == "2026-27/2027-05/feb-05/incident:INC-9"  # June's run, May's incident
    plain = inp.job("x", recipient=who, filename="r.pdf", title="t", context={})
    assert plain.doc_key == "2026-27/2027-06/feb-05/x" and plain.facts is None


def test_a_new_version_is_labelled_in_its_key_name_title_and_context():
    who = Recipient("staff:S1", "A", "a@example.org")
    job = RenderJob(
        "2026-27/2027-05/t/site:LIN", "t", "f", "tpl", "en", "reconciliation_LIN.docx", "Reconciliation", who, {"a": 1}
    )
    v2 = job.as_version(2, "version 2, replaces the one sent on May 21, 2027")
    assert v2.doc_key == "2026-27/2027-05/t/site:LIN/v2" and v2.base_key == job.doc_key and v2.version == 2
    assert v2.filename == "reconciliation_LIN_v2.docx"
    assert v2.title == "Reconciliation (version 2, replaces the one sent on May 21, 2027)"
    assert v2.context == {"a": 1, "version": {"number": 2, "label": "version 2, replaces the one sent on May 21, 2027"}}
    v3 = v2.as_version(3, "version 3")
    assert v3.doc_key == "2026-27/2027-05/t/site:LIN/v3" and v3.base_key == job.doc_key


def test_facts_digest_is_stable_and_tells_changes_apart():
    assert facts_digest({"b": [1, 2], "a": date(2027, 5, 21)}) == facts_digest({"a": date(2027, 5, 21), "b": [1, 2]})
    assert facts_digest({"missing": ["1"]}) != facts_digest({"missing": []})
