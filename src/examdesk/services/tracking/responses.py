"""What people answer from their links: a timetable confirmed or a problem with it, a parent's
request that their child not take a test. Problems and requests reach the coordinator's next
digest and the dashboard; an approved request is a parent exemption (PGE) for this school year,
in the site student lists from then on."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime
from zoneinfo import ZoneInfo

from ...domain.documents import Packet, Recipient
from ...domain.names import same_name
from ...domain.records import DistrictData, Exemption
from ...errors import InputDataError
from ..app import App
from ..data import load_district
from .online import LinkedDocument

MAX_TEXT = 2000


class AnswerRefused(InputDataError):
    """What the person must correct (said on the page)."""


def record_confirmation(app: App, linked: LinkedDocument, answer: str, detail: str) -> dict:
    if answer not in ("correct", "problem"):
        raise AnswerRefused("choose 'correct' or 'there is a problem'")
    detail = detail.strip()[:MAX_TEXT]
    if answer == "problem" and not detail:
        raise AnswerRefused("say what the problem is, so the coordinator can put it right")
    row = linked.row
    values = {
        "school_year": linked.school_year,
        "doc_key": linked.doc_key,
        "recipient_key": row["recipient_key"],
        "recipient_email": row["recipient_email"],
        "site_id": row["site_id"],
        "answer": answer,
        "detail": detail if answer == "problem" else "",
    }
    with app.unit_of_work() as uow:
        values["id"] = uow.confirmations.record(values)
        uow.commit()
    return values


@dataclass(frozen=True)
class ExemptionChoice:
    student_name: str
    site_id: str
    tests: list[tuple[str, str]]  # (test code, test name) the student is entered for


def exemption_choice(app: App, linked: LinkedDocument, data: DistrictData | None = None) -> ExemptionChoice:
    """The student a notification is about and the tests they are entered for (no other student)."""
    if linked.school_year != app.school_year.label:
        raise AnswerRefused(
            f"this notice is for {linked.school_year}: an exemption counts for the current school year "
            f"({app.school_year.label}) only; ask the school for this year's notice"
        )
    data = data or load_district(app.settings, app.school_year)[0]
    student = data.student_by_id.get(str(linked.row["student_ref"] or ""))
    if student is None:
        raise AnswerRefused("the school no longer lists this student; contact the school")
    tests = {s.test_code: s.test_name for s in data.sessions_by_student.get(student.student_id, [])}
    return ExemptionChoice(student.full_name, student.site_id, sorted(tests.items(), key=lambda t: t[1]))


def request_exemption(
    app: App, linked: LinkedDocument, tests: list[str], reason: str, typed_name: str, data: DistrictData | None = None
) -> dict:
    """A written, signed (typed name) and dated request for this school year, recorded for approval."""
    choice = exemption_choice(app, linked, data)
    known = {code for code, _ in choice.tests}
    chosen = sorted(set(tests) & known)
    if not chosen:
        raise AnswerRefused("choose at least one test")
    name = str(linked.row["recipient_name"] or "")
    if not same_name(typed_name, name):
        raise AnswerRefused(f"type your full name as it appears here: {name}")
    today = datetime.now(ZoneInfo(app.settings.organisation.time_zone)).date()
    values = {
        "school_year": linked.school_year,
        "doc_key": linked.doc_key,
        "student_id": str(linked.row["student_ref"]),
        "site_id": choice.site_id,
        "guardian_key": linked.row["recipient_key"],
        "tests": chosen,
        "reason": reason.strip()[:MAX_TEXT],
        "typed_name": typed_name.strip(),
        "signed_on": today,
    }
    with app.unit_of_work() as uow:
        values["id"] = uow.exemptions.record(values)
        uow.commit()
    return values


def decide_exemption(app: App, request_id: int, approve: bool, by: str, site_id: str | None = None) -> dict:
    """The coordinator approves (a PGE for each test, this school year) or declines a request.
    ``site_id``: a site coordinator decides only for their own site."""
    with app.unit_of_work() as uow:
        request = uow.exemptions.get(request_id)
        if request is None or request["school_year"] != app.school_year.label:
            raise AnswerRefused("no such request")
        if site_id is not None and request["site_id"] != site_id:
            raise AnswerRefused("no such request")
        uow.exemptions.decide(request_id, "approved" if approve else "declined", by)
        uow.commit()
        return uow.exemptions.get(request_id) or request


def with_online_exemptions(app: App, data: DistrictData) -> DistrictData:
    """The district's exemptions with the requests approved online added (this school year only)."""
    with app.unit_of_work() as uow:
        approved = uow.exemptions.of_year(app.school_year.label, status="approved")
    if not approved:
        return data
    have = {(e.student_id, e.test_code) for e in data.exemptions}
    added = [
        Exemption(
            r["student_id"],
            test,
            "PGE",
            r["school_year"],
            r["signed_on"],
            (r["decided_at"] or r["requested_at"]).date(),
        )
        for r in approved
        for test in r["tests"]
        if (r["student_id"], test) not in have and r["student_id"] in data.student_by_id
    ]
    return replace(data, exemptions=[*data.exemptions, *added]) if added else data


def existing_request(app: App, linked: LinkedDocument) -> dict | None:
    """The request already sent through this notification's link, if any."""
    with app.unit_of_work() as uow:
        return next((r for r in uow.exemptions.of_year(linked.school_year) if r["doc_key"] == linked.doc_key), None)


def open_problems_and_requests(app: App, site_id: str | None = None) -> tuple[list[dict], list[dict]]:
    """Timetable problems and exemption requests of the year (of one site, for a site coordinator)."""
    with app.unit_of_work() as uow:
        problems = uow.confirmations.of_year(app.school_year.label, problems_only=True)
        requests = uow.exemptions.of_year(app.school_year.label)
    if site_id is not None:
        problems = [p for p in problems if p["site_id"] == site_id]
        requests = [r for r in requests if r["site_id"] == site_id]
    return problems, requests


def resolve_problem(app: App, problem_id: int, site_id: str | None = None) -> None:
    problems, _ = open_problems_and_requests(app, site_id)
    if not any(p["id"] == problem_id for p in problems):
        raise AnswerRefused("no such problem")
    with app.unit_of_work() as uow:
        uow.confirmations.resolve(problem_id)
        uow.commit()


def web_reports(app: App, data: DistrictData) -> list[Packet]:
    """For the district coordinator: each timetable problem and exemption request that came in
    from the web, once (the next run after it came sends it; the ledger keys each by its id)."""
    problems, requests = open_problems_and_requests(app)
    items, keys = [], []
    for p in problems:
        if p["resolved_at"] is None:
            items.append(
                {
                    "kind": "problem",
                    "who": p["recipient_email"],
                    "site": app.site_name(p["site_id"] or ""),
                    "detail": p["detail"],
                }
            )
            keys.append(f"{app.school_year.label}/web/problem:{p['id']}")
    for r in requests:
        if r["status"] == "requested":
            student = data.student_by_id.get(r["student_id"])
            items.append(
                {
                    "kind": "exemption",
                    "who": student.full_name if student else r["student_id"],
                    "site": app.site_name(r["site_id"] or ""),
                    "detail": ", ".join(r["tests"]) + (f" ({r['reason']})" if r["reason"] else ""),
                }
            )
            keys.append(f"{app.school_year.label}/web/exemption:{r['id']}")
    if not items:
        return []
    org = app.organisation
    coordinator = Recipient(key="coordinator:reports", name=org.coordinator_name, email=org.coordinator_email)
    return [Packet(coordinator, "reports", doc_keys=keys, doc_task_ids=["web"] * len(keys), reports=items)]
