"""Pages reached by a personal link: sign a document, confirm a timetable, ask for an exemption.
They work without JavaScript and without an account; a link that does not work gets a page that
says so and shows nothing about anyone."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import RedirectResponse, Response

from ..domain.roles import role_title
from ..services.app import App
from ..services.tracking.online import LinkedDocument, LinkRefused, document_text, open_link
from ..services.tracking.responses import (
    AnswerRefused,
    exemption_choice,
    existing_request,
    record_confirmation,
    request_exemption,
)
from ..services.tracking.signing import SignRefused, attestation, existing_signature, sign_online
from .context import Pages, client_ip, examdesk_app, pages
from .security import link_form_token, same

router = APIRouter()

REFUSED = {
    "expired": "This link has expired.",
    "tampered": "This link is not valid: it was changed or cut short (copy the whole link from the email).",
    "other-document": "This link is not valid for this page.",
    "no-secret": "Links are not enabled here.",
}

AppDep = Annotated[App, Depends(examdesk_app)]
PagesDep = Annotated[Pages, Depends(pages)]


def _refused(view: Pages, app: App, why: str) -> Response:
    return view.render(
        "refused.html",
        403,
        reason=REFUSED.get(why, REFUSED["other-document"]),
        contact=app.organisation.coordinator_email,
    )


def _linked(app: App, purpose: str, doc_id: str, token: str) -> LinkedDocument:
    if len(token) > 600 or len(doc_id) > 40:
        raise LinkRefused("tampered")
    return open_link(app, purpose, doc_id, token)


def _open(
    request: Request, app: App, view: Pages, purpose: str, doc_id: str, token: str, csrf: str | None = None
) -> LinkedDocument | Response:
    """The document behind a link, or the refusal page; a posted form must carry the link's own token."""
    try:
        linked = _linked(app, purpose, doc_id, token)
    except LinkRefused as refused:
        return _refused(view, app, refused.why)
    if csrf is not None and not same(csrf, link_form_token(request.app.state.secret, token)):
        return _refused(view, app, "tampered")
    return linked


# ---- sign ------------------------------------------------------------------------------------
def _sign_page(request: Request, app: App, view: Pages, linked: LinkedDocument, token: str, **extra) -> Response:
    row = linked.row
    fmt = app.date_formatter("en")
    return view.render(
        "sign.html",
        extra.pop("status", 200),
        title=row["title"] or row["filename"],
        text=document_text(app, linked),
        name=row["recipient_name"],
        role=role_title(row["recipient_role"]) if row.get("recipient_role") else "",
        due=fmt(row["return_due"]) if row["return_due"] else "",
        attestation=attestation(app, linked),
        signed=existing_signature(app, linked),
        action=str(request.url.path),
        form_token=link_form_token(request.app.state.secret, token),
        typed_name=extra.pop("typed_name", ""),
        **extra,
    )


@router.get("/sign/{doc_id}/{token}")
def sign_page(doc_id: str, token: str, request: Request, app: AppDep, view: PagesDep) -> Response:
    linked = _open(request, app, view, "sign", doc_id, token)
    if isinstance(linked, Response):
        return linked
    return _sign_page(request, app, view, linked, token)


@router.post("/sign/{doc_id}/{token}")
def sign(
    doc_id: str,
    token: str,
    request: Request,
    app: AppDep,
    view: PagesDep,
    typed_name: Annotated[str, Form(max_length=200)] = "",
    attest: Annotated[str, Form(max_length=10)] = "",
    csrf: Annotated[str, Form(max_length=100)] = "",
) -> Response:
    linked = _open(request, app, view, "sign", doc_id, token, csrf)
    if isinstance(linked, Response):
        return linked
    try:
        sign_online(app, linked, typed_name, attest == "yes", client_ip(request), request.headers.get("user-agent", ""))
    except SignRefused as problem:
        return _sign_page(request, app, view, linked, token, error=str(problem), typed_name=typed_name, status=400)
    return RedirectResponse(str(request.url.path), status_code=303)


# ---- confirm a timetable --------------------------------------------------------------------
def _confirm_page(request: Request, app: App, view: Pages, linked: LinkedDocument, token: str, **extra) -> Response:
    return view.render(
        "confirm.html",
        extra.pop("status", 200),
        title=linked.row["title"] or linked.row["filename"],
        text=document_text(app, linked),
        action=str(request.url.path),
        form_token=link_form_token(request.app.state.secret, token),
        detail=extra.pop("detail", ""),
        **extra,
    )


@router.get("/confirm/{doc_id}/{token}")
def confirm_page(doc_id: str, token: str, request: Request, app: AppDep, view: PagesDep) -> Response:
    linked = _open(request, app, view, "confirm", doc_id, token)
    if isinstance(linked, Response):
        return linked
    return _confirm_page(request, app, view, linked, token)


@router.post("/confirm/{doc_id}/{token}")
def confirm(
    doc_id: str,
    token: str,
    request: Request,
    app: AppDep,
    view: PagesDep,
    answer: Annotated[str, Form(max_length=10)] = "",
    detail: Annotated[str, Form(max_length=2000)] = "",
    csrf: Annotated[str, Form(max_length=100)] = "",
) -> Response:
    linked = _open(request, app, view, "confirm", doc_id, token, csrf)
    if isinstance(linked, Response):
        return linked
    try:
        record_confirmation(app, linked, answer, detail)
    except AnswerRefused as problem:
        return _confirm_page(request, app, view, linked, token, error=str(problem), detail=detail, status=400)
    told = (
        "your timetable is confirmed."
        if answer == "correct"
        else "the assessment office has your message and will be in touch."
    )
    return _confirm_page(request, app, view, linked, token, answered=told)


# ---- ask for a parent exemption --------------------------------------------------------------
def _exemption_page(request: Request, app: App, view: Pages, linked: LinkedDocument, token: str, **extra) -> Response:
    status = extra.pop("status", 200)
    try:
        choice = exemption_choice(app, linked)
    except AnswerRefused as problem:
        return view.render("refused.html", 403, reason=str(problem), contact=app.organisation.coordinator_email)
    sent = existing_request(app, linked)
    return view.render(
        "exemption.html",
        status,
        school_year=linked.school_year,
        student=choice.student_name,
        tests=choice.tests,
        name=linked.row["recipient_name"],
        today=app.date_formatter("en")(app.today),
        sent=app.date_formatter("en")(sent["signed_on"]) if sent else "",
        action=str(request.url.path),
        form_token=link_form_token(request.app.state.secret, token),
        reason=extra.pop("reason", ""),
        typed_name=extra.pop("typed_name", ""),
        **extra,
    )


@router.get("/exemption/{doc_id}/{token}")
def exemption_page(doc_id: str, token: str, request: Request, app: AppDep, view: PagesDep) -> Response:
    linked = _open(request, app, view, "exemption", doc_id, token)
    if isinstance(linked, Response):
        return linked
    return _exemption_page(request, app, view, linked, token)


@router.post("/exemption/{doc_id}/{token}")
def exemption(
    doc_id: str,
    token: str,
    request: Request,
    app: AppDep,
    view: PagesDep,
    tests: Annotated[list[str] | None, Form()] = None,
    reason: Annotated[str, Form(max_length=2000)] = "",
    typed_name: Annotated[str, Form(max_length=200)] = "",
    csrf: Annotated[str, Form(max_length=100)] = "",
) -> Response:
    linked = _open(request, app, view, "exemption", doc_id, token, csrf)
    if isinstance(linked, Response):
        return linked
    if existing_request(app, linked) is None:
        try:
            request_exemption(app, linked, (tests or [])[:20], reason, typed_name)
        except AnswerRefused as problem:
            return _exemption_page(
                request, app, view, linked, token, error=str(problem), reason=reason, typed_name=typed_name, status=400
            )
    return RedirectResponse(str(request.url.path), status_code=303)
