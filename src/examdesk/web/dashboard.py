"""The coordinators' dashboard: the checklist, returns by site and person, deliveries to look at,
returned PDFs uploaded, problems and exemption requests, the tracker workbook. A site
coordinator sees their own site only, everywhere: another site's page is not found."""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Annotated

from fastapi import APIRouter, Depends, File, Form, HTTPException, Request, UploadFile
from fastapi.responses import FileResponse, RedirectResponse, Response

from ..domain.calendar import CalendarError, parse_month
from ..errors import ExamdeskError
from ..services.app import App
from ..services.data import load_district
from ..services.month.resend import release
from ..services.tracking.acks import import_returns
from ..services.tracking.outbox import confirm_delivered, needing_attention
from ..services.tracking.responses import AnswerRefused, decide_exemption, open_problems_and_requests, resolve_problem
from ..services.tracking.returns import return_rows, returns_by_site
from ..services.tracking.status import status_rows
from ..services.tracking.tracker import write_tracker
from ..services.users import User, authenticate
from .context import Pages, client_ip, examdesk_app, pages, signed_in
from .security import new_csrf, same

router = APIRouter()

AppDep = Annotated[App, Depends(examdesk_app)]
PagesDep = Annotated[Pages, Depends(pages)]
UserDep = Annotated[User, Depends(signed_in)]
MAX_UPLOADS = 50


def csrf_of(request: Request) -> str:
    token = request.session.get("csrf")
    if not token:
        token = request.session["csrf"] = new_csrf()
    return str(token)


def check_csrf(request: Request, sent: str) -> None:
    if not same(sent, request.session.get("csrf")):
        raise HTTPException(403, "the form expired; go back, reload the page and try again")


def district_only(user: User) -> None:
    if user.role != "district":
        raise HTTPException(404)


def page(view: Pages, request: Request, user: User | None, name: str, status: int = 200, **context) -> Response:
    return view.render(name, status, user=user, csrf=csrf_of(request), **context)


@router.get("/")
def home(request: Request) -> Response:
    return RedirectResponse(request.scope.get("root_path", "") + "/dashboard", status_code=303)


@router.get("/login")
def login_page(request: Request, view: PagesDep) -> Response:
    return page(view, request, None, "login.html", email="")


@router.post("/login")
def login(
    request: Request,
    app: AppDep,
    view: PagesDep,
    email: Annotated[str, Form(max_length=320)] = "",
    password: Annotated[str, Form(max_length=500)] = "",
    csrf: Annotated[str, Form(max_length=100)] = "",
) -> Response:
    check_csrf(request, csrf)
    if not request.app.state.logins.allow(f"{client_ip(request)}|{email.strip().lower()}"):
        return page(view, request, None, "login.html", 429, email=email, error="Too many attempts: wait a minute.")
    found = authenticate(app, email, password)
    if found is None:
        return page(view, request, None, "login.html", 401, email=email, error="Wrong email or password.")
    request.session.clear()  # a new session on sign-in
    request.session.update(user=found.email, csrf=new_csrf())
    return RedirectResponse(request.scope.get("root_path", "") + "/dashboard", status_code=303)


@router.post("/logout")
def logout(request: Request, csrf: Annotated[str, Form(max_length=100)] = "") -> Response:
    check_csrf(request, csrf)
    request.session.clear()
    return RedirectResponse(request.scope.get("root_path", "") + "/login", status_code=303)


@router.get("/dashboard")
def dashboard(request: Request, app: AppDep, view: PagesDep, user: UserDep, month: str | None = None) -> Response:
    try:
        target = parse_month(month, app.school_year) if month else parse_month(app.today.strftime("%Y-%m"), None)
    except CalendarError:  # a month typed by hand that is not one
        raise HTTPException(404) from None
    if target not in app.school_year.months():
        target = app.school_year.months()[0]
    data, _ = load_district(app.settings, app.school_year)
    rows = status_rows(app, app.today, target, data)
    if user.site_only:  # their site's dates only
        for r in rows:
            r["due"] = next(
                (
                    part.split(" ", 1)[1]
                    for part in r["due_by_site"].split(" · ")
                    if part.startswith(user.site_only + " ")
                ),
                r["due"],
            )
    months = [{"key": m.key, "name": f"{m.name.capitalize()[:3]}"} for m in app.school_year.months()]
    return page(
        view,
        request,
        user,
        "dashboard.html",
        rows=rows,
        label=f"{target.name.capitalize()} {target.year}",
        months=months,
        today=app.today.isoformat(),
        site=app.site_name(user.site_only) if user.site_only else "",
    )


@router.get("/returns")
def returns(request: Request, app: AppDep, view: PagesDep, user: UserDep) -> Response:
    sites = [
        dict(s, name=app.site_name(s["site"]))
        for s in returns_by_site(return_rows(app), app.today)
        if user.site_only in (None, s["site"])
    ]
    return page(view, request, user, "returns.html", sites=sites, today=app.today.isoformat())


@router.get("/returns/{site}")
def site_returns(site: str, request: Request, app: AppDep, view: PagesDep, user: UserDep) -> Response:
    known = {s.id for s in app.settings.sites}
    if site not in known or user.site_only not in (None, site):
        raise HTTPException(404)
    rows = [r for r in return_rows(app) if r.site_id == site]
    summary = next((s for s in returns_by_site(rows, app.today) if s["site"] == site), None)
    with app.unit_of_work() as uow:
        acks = {a["doc_key"]: a for a in uow.acks.of_year(app.school_year.label)}
    order = {"overdue": 0, "incomplete": 1, "outstanding": 2, "complete": 3}
    listed = [
        {
            "state": r.status_on(app.today),
            "name": r.name,
            "email": r.email,
            "task_id": r.task_id,
            "title": r.title,
            "due": r.due.isoformat(),
            "missing": r.missing,
            "source": {"online": "signed online", "pdf": "returned PDF"}.get(
                (acks.get(r.doc_key) or {}).get("source", ""), (acks.get(r.doc_key) or {}).get("source", "")
            ),
        }
        for r in rows
    ]
    listed.sort(key=lambda r: (order[r["state"]], r["name"]))
    text = (
        ", ".join(f"{summary[k]} {k}" for k in ("expected", "received", "incomplete", "outstanding", "overdue"))
        if summary
        else "Nothing is expected back from this site yet."
    )
    return page(view, request, user, "site_returns.html", site_name=app.site_name(site), rows=listed, summary=text)


@router.get("/deliveries")
def deliveries(request: Request, app: AppDep, view: PagesDep, user: UserDep, done: str = "") -> Response:
    district_only(user)
    return page(view, request, user, "deliveries.html", messages=needing_attention(app), message=done)


@router.post("/deliveries/{key}/{action}")
def delivery_action(
    key: str, action: str, request: Request, app: AppDep, user: UserDep, csrf: Annotated[str, Form(max_length=100)] = ""
) -> Response:
    district_only(user)
    check_csrf(request, csrf)
    if action not in ("confirm", "resend") or not key.isalnum() or len(key) > 64:
        raise HTTPException(404)
    try:
        if action == "confirm":
            confirm_delivered(app, key, user.email)
            done = "Recorded as delivered."
        else:
            release(app, [key], failed=False)
            done = "It goes out again with the next run (examdesk tick, each working day)."
    except ExamdeskError as exc:  # the message is not there, or not in a state to do this
        done = f"Not done: {exc}"
    root = request.scope.get("root_path", "")
    return RedirectResponse(f"{root}/deliveries?done={done}", status_code=303)


@router.get("/upload")
def upload_page(request: Request, view: PagesDep, user: UserDep) -> Response:
    district_only(user)
    return page(view, request, user, "upload.html", results=[])


@router.post("/upload")
def upload(
    request: Request,
    app: AppDep,
    view: PagesDep,
    user: UserDep,
    files: Annotated[list[UploadFile], File()],
    csrf: Annotated[str, Form(max_length=100)] = "",
) -> Response:
    """Each returned PDF is read like `ack import` reads it: on its own, within the size, time and
    memory limits of forms.returned_*; one bad file never stops the others."""
    district_only(user)
    check_csrf(request, csrf)
    limit = int(app.settings.forms.returned_max_mb * 1_000_000)
    results: list[dict[str, str]] = []
    with tempfile.TemporaryDirectory(prefix="examdesk-upload-") as folder:
        saved: dict[Path, int] = {}  # saved file -> its row in results
        for number, upload in enumerate(files[:MAX_UPLOADS], start=1):
            target = Path(folder) / f"upload-{number:03d}.pdf"
            name = Path(upload.filename or target.name).name[:120]
            results.append({"file": name, "outcome": "unreadable", "person": "", "message": ""})
            if not _copy_at_most(upload.file, target, limit):
                results[-1]["message"] = "larger than a returned form may be"
                continue
            saved[target] = len(results) - 1
        for r in import_returns(app, list(saved)) if saved else []:
            item = results[saved[r.file]]
            item.update(outcome=r.outcome, person=r.person, message=r.message.replace(str(r.file), item["file"]))
    return page(view, request, user, "upload.html", results=results)


def _copy_at_most(source, target: Path, limit: int) -> bool:
    """Copy an upload to a private file, stopping (and saying so) once it passes ``limit`` bytes."""
    copied = 0
    with target.open("wb") as out:
        while chunk := source.read(1 << 20):
            copied += len(chunk)
            if copied > limit:
                return False
            out.write(chunk)
    return True


@router.get("/requests")
def requests_page(request: Request, app: AppDep, view: PagesDep, user: UserDep, done: str = "") -> Response:
    problems, asked = open_problems_and_requests(app, user.site_only)
    data, _ = load_district(app.settings, app.school_year)
    fmt = app.date_formatter("en")
    test_names = {s.test_code: s.test_name for s in data.sessions}
    exemptions = [
        dict(
            r,
            student=data.student_by_id[r["student_id"]].full_name
            if r["student_id"] in data.student_by_id
            else r["student_id"],
            tests=", ".join(test_names.get(t, t) for t in r["tests"]),
            requested_on=fmt(r["requested_at"].date()),
            signed_on=fmt(r["signed_on"]),
        )
        for r in asked
    ]
    for p in problems:
        p["at"] = fmt(p["at"].date())
    return page(
        view,
        request,
        user,
        "requests.html",
        problems=problems,
        exemptions=exemptions,
        school_year=app.school_year.label,
        message=done,
    )


@router.post("/exemptions/{request_id}/{decision}")
def decide(
    request_id: int,
    decision: str,
    request: Request,
    app: AppDep,
    user: UserDep,
    csrf: Annotated[str, Form(max_length=100)] = "",
) -> Response:
    check_csrf(request, csrf)
    if decision not in ("approve", "decline"):
        raise HTTPException(404)
    try:
        decide_exemption(app, request_id, decision == "approve", user.email, user.site_only)
    except AnswerRefused:
        raise HTTPException(404) from None
    done = "Approved: a parent exemption (PGE) for this school year." if decision == "approve" else "Declined."
    return RedirectResponse(f"{request.scope.get('root_path', '')}/requests?done={done}", status_code=303)


@router.post("/problems/{problem_id}/resolve")
def resolve(
    problem_id: int, request: Request, app: AppDep, user: UserDep, csrf: Annotated[str, Form(max_length=100)] = ""
) -> Response:
    check_csrf(request, csrf)
    try:
        resolve_problem(app, problem_id, user.site_only)
    except AnswerRefused:
        raise HTTPException(404) from None
    return RedirectResponse(f"{request.scope.get('root_path', '')}/requests", status_code=303)


@router.get("/tracker.xlsx")
def tracker(app: AppDep, user: UserDep) -> Response:
    district_only(user)
    path = write_tracker(app, app.today)
    return FileResponse(path, filename=f"tracker-{app.school_year.label}.xlsx")
