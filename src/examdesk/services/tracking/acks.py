"""Returned forms: read each PDF back, match it to what was sent, record the acknowledgement."""

from __future__ import annotations

import unicodedata
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from dateutil import parser as date_parser

from ...adapters.bounded_pdf import ReadLimits, limits_from, read_values_bounded
from ...adapters.pdfforms import FormError
from ...adapters.tables import TableReadError, read_table
from ...domain.documents import document_id
from ...domain.fieldmap import FieldMap
from ...domain.registry import FAMILIES
from ...errors import InputDataError
from ..app import App

MATCH_ID, MATCH_NAME = "document id", "name and email"


@dataclass
class ReturnedForm:
    file: Path
    outcome: str  # complete | incomplete | unmatched | unreadable
    form: str = ""
    match: str = ""  # MATCH_ID | MATCH_NAME (weaker) | ""
    doc_key: str = ""
    task_id: str = ""
    person: str = ""
    missing: list[str] = field(default_factory=list)
    message: str = ""


def pdf_files(paths: Iterable[Path]) -> list[Path]:
    files: list[Path] = []
    for path in paths:
        if path.is_dir():
            files.extend(sorted(p for p in path.rglob("*") if p.suffix.lower() == ".pdf"))
        elif path.is_file():
            files.append(path)
        else:
            raise InputDataError(f"{path}: no such file or folder")
    return files


def _normal(text: str) -> str:
    folded = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()
    return " ".join(folded.split())


def _which_map(values: dict[str, str], maps: dict[str, FieldMap]) -> tuple[str, FieldMap] | None:
    for name, field_map in maps.items():
        if field_map.field_names() <= set(values):
            return name, field_map
    return None


def parse_signed_date(text: str, day_first: bool) -> date | None:
    if not text.strip():
        return None
    try:
        return date_parser.parse(text, dayfirst=day_first).date()
    except (ValueError, OverflowError):
        return None


@dataclass
class ExpectedReturns:
    """What was sent that may come back, looked up once per import: per form, and by document id."""

    by_form: dict[str, list[dict]]
    by_id: dict[str, dict]

    @classmethod
    def of(cls, sent: list[dict]) -> ExpectedReturns:
        by_form = {
            form: [d for d in sent if d["family"] in families] for form, families in FAMILIES.returned_forms().items()
        }
        return cls(by_form, {document_id(d["doc_key"]): d for docs in by_form.values() for d in docs})


def read_return(
    path: Path, maps: dict[str, FieldMap], expected: ExpectedReturns, day_first: bool, limits: ReadLimits
) -> tuple[ReturnedForm, dict | None]:
    """What one returned PDF says, and the acknowledgement to record (None when it matches nothing).
    ``maps``: the field maps of the forms that come back, by form name. The file is read within
    ``limits`` (time, memory, size): it comes from outside."""
    try:
        values = read_values_bounded(path, limits)
    except (FormError, OSError) as exc:
        return ReturnedForm(path, "unreadable", message=str(exc)), None
    found = _which_map(values, maps)
    if found is None:
        return ReturnedForm(path, "unmatched", message="not one of the forms examdesk expects back"), None
    form_name, field_map = found
    r = field_map.returns
    name = " ".join(values[f].strip() for f in r.name if values.get(f, "").strip())
    email = values.get(r.email, "").strip() if r.email else ""
    candidates = expected.by_form.get(form_name, [])
    doc, match = expected.by_id.get(values.get(field_map.document_id or "", "").strip()), MATCH_ID
    if doc is not None and doc not in candidates:  # an id from another form's document
        doc = None
    if doc is None:
        match = MATCH_NAME
        same = [
            d
            for d in candidates
            if (email and d["recipient_email"].lower() == email.lower())
            or (name and _normal(d["recipient_name"] or "") == _normal(name))
        ]
        doc = same[-1] if same else None
    result = ReturnedForm(path, "", form=form_name, person=name)
    if doc is None:
        result.outcome, result.match = "unmatched", ""
        given = values.get(field_map.document_id or "", "").strip()
        why = f"document id {given} matches nothing sent this school year" if given else "no document id"
        result.message = f"{why}, and no form of this kind was sent to this name or email"
        return result, None
    signed = parse_signed_date(values.get(r.signed_date, ""), day_first) if r.signed_date else None
    if not name:
        result.missing.append("name")
    if r.signed_date and signed is None:
        result.missing.append("date" if not values.get(r.signed_date, "").strip() else "a readable date")
    if r.agreed and not values.get(r.agreed):
        result.missing.append("the agreement box")
    roles = [f.removeprefix("role_") for f in r.role if values.get(f)]
    result.outcome = "incomplete" if result.missing else "complete"
    result.match, result.doc_key, result.task_id = match, doc["doc_key"], doc["task_id"]
    note = f"returned file {path.name}; matched by {match}"
    if result.missing:
        note += "; missing: " + ", ".join(result.missing)
    row = {
        "task_id": doc["task_id"],
        "doc_key": doc["doc_key"],
        "person_email": email or doc["recipient_email"],
        "person_name": name or doc["recipient_name"],
        "role": ", ".join(roles)[:40] or None,
        "status": result.outcome,
        "signed_on": signed,
        "source": "pdf" if match == MATCH_ID else "pdf (name match)",
        "note": note,
    }
    return result, row


def import_returns(app: App, paths: Iterable[Path]) -> list[ReturnedForm]:
    """Record every returned form that matches a sent one; report the rest. Nothing is half-recorded:
    each form's acknowledgement is one transaction."""
    maps = {}
    for name in FAMILIES.returned_forms():
        field_map = app.forms.form(name)[0]
        if field_map.comes_back:
            maps[name] = field_map
    day_first = app.settings.forms.date_format.lower().startswith("d")
    forms = app.settings.forms
    limits = limits_from(forms.returned_max_mb, forms.returned_seconds, forms.returned_memory_mb)
    files = pdf_files(paths)
    with app.unit_of_work() as uow:
        expected = ExpectedReturns.of(uow.documents.expected_returns(app.school_year.label))
        results = []
        for path in files:
            result, row = read_return(path, maps, expected, day_first, limits)
            if row is not None:
                uow.acks.record({**row, "school_year": app.school_year.label})
                uow.commit()
            results.append(result)
    return results


COMPLETE_WORDS = {"complete", "completed", "signed", "returned", "received", "done", "yes", "y", "true"}
INCOMPLETE_WORDS = {"incomplete", "partial", "partially signed"}
OPEN_WORDS = {"", "pending", "outstanding", "not signed", "unsigned", "not returned", "no", "n", "false"}


def _expected(app: App, task_id: str | None) -> list[dict]:
    with app.unit_of_work() as uow:
        rows = uow.documents.expected_returns(app.school_year.label)
    return [r for r in rows if task_id is None or r["task_id"] == task_id]


def _record(app: App, rows: list[dict], status: str, source: str, note: str, name: str = "") -> None:
    with app.unit_of_work() as uow:
        for r in rows:
            uow.acks.record(
                {
                    "school_year": app.school_year.label,
                    "task_id": r["task_id"],
                    "doc_key": r["doc_key"],
                    "person_email": r["recipient_email"],
                    "person_name": name or r["recipient_name"],
                    "role": None,
                    "status": status,
                    "signed_on": None,
                    "source": source,
                    "note": note,
                }
            )
        uow.commit()


def mark_return(app: App, task_id: str, email: str, status: str, note: str = "") -> int:
    """`examdesk ack mark`: a coordinator records by hand that someone's document came back."""
    rows = [r for r in _expected(app, task_id) if r["recipient_email"].lower() == email.strip().lower()]
    if not rows:
        raise InputDataError(f"no document of task {task_id} that must come back was sent to {email}")
    _record(app, rows, status, "mark", note or "recorded by hand")
    return len(rows)


@dataclass
class SheetResult:
    recorded: Counter = field(default_factory=Counter)  # complete / incomplete
    left_open: int = 0
    problems: list[str] = field(default_factory=list)  # file, row, column, problem


def import_sheet(app: App, path: Path, task_id: str | None = None) -> SheetResult:
    """A status export (e.g. a security forms status report): one row per person with an email and
    a status; names are optional. Unknown statuses and unknown people are reported by row."""
    header, rows = read_table(path)
    columns = {h.strip().lower(): h for h in header}
    email_col = next((columns[c] for c in ("email", "e-mail", "email address") if c in columns), None)
    status_col = columns.get("status")
    name_col = columns.get("name")
    if email_col is None or status_col is None:
        missing = [n for n, c in (("email", email_col), ("status", status_col)) if c is None]
        raise TableReadError(f"{path.name}: missing column(s) {', '.join(missing)} (found: {', '.join(header)})")
    expected = _expected(app, task_id)
    by_email: dict[str, list[dict]] = {}
    for r in expected:
        by_email.setdefault(r["recipient_email"].lower(), []).append(r)
    result = SheetResult()
    for number, row in rows:
        email = str(row.get(email_col) or "").strip()
        word = str(row.get(status_col) or "").strip().lower()
        if word in COMPLETE_WORDS:
            status = "complete"
        elif word in INCOMPLETE_WORDS:
            status = "incomplete"
        elif word in OPEN_WORDS:
            result.left_open += 1
            continue
        else:
            result.problems.append(f"{path.name}, row {number}, column {status_col!r}: unknown status {word!r}")
            continue
        docs = by_email.get(email.lower())
        if not docs:
            what = f"task {task_id}" if task_id else "any task"
            where = f"{path.name}, row {number}, column {email_col!r}"
            result.problems.append(f"{where}: no document of {what} to return was sent to {email!r}")
            continue
        name = str(row.get(name_col) or "").strip() if name_col else ""
        _record(app, docs, status, "sheet", f"status {word!r} in {path.name}, row {number}", name)
        result.recorded[status] += len(docs)
    return result
