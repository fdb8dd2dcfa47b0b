"""Chain of custody (seed 004 §2.1): sheets per session, and reconciliation of returns."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from .documents import RenderJob, safe_filename, staff_recipient
from .events import in_reach
from .families import FamilyInput, FamilyOutput
from .organisation import Organisation
from .records import DistrictData, Material, MaterialReturn, Session

DISPOSITIONS = ("returned", "destroyed", "recycled", "missing", "damaged")
HANDOUT_MINUTES = 15  # materials go out this long before the session starts


def _minus(t: time, minutes: int) -> str:
    return (datetime.combine(date(2000, 1, 1), t) - timedelta(minutes=minutes)).strftime("%H:%M")


def custody_sheet_context(org: Organisation, data: DistrictData, session: Session, coordinator: str, fmt) -> dict:
    items = sorted((m for m in data.materials if m.session_id == session.session_id), key=lambda m: m.security_number)
    administrator = data.staff_by_id.get(session.administrator_id)
    proctor = data.staff_by_id.get(session.proctor_id) if session.proctor_id else None
    return {
        "district": {"name": org.name},
        "site": {"name": data.sites[session.site_id].name},
        "session": {
            "id": session.session_id,
            "test": session.test_name,
            "grade": session.grade,
            "date": fmt(session.date),
            "start": session.start_time.strftime("%H:%M"),
            "end": session.end_time.strftime("%H:%M"),
            "room": session.room,
            "administrator": administrator.full_name if administrator else session.administrator_id,
            "proctor": proctor.full_name if proctor else "",
        },
        "coordinator": coordinator,
        "items": [
            {
                "security_number": m.security_number,
                "type": m.material_type,
                "grade_subject": f"Grade {m.grade} {m.subject}",
                "quantity": m.quantity,
                "time_out": _minus(session.start_time, HANDOUT_MINUTES),
                "administrator": administrator.full_name if administrator else "",
            }
            for m in items
        ],
        "totals": {"count": len(items), "quantity": sum(m.quantity for m in items)},
        "dispositions": " / ".join(DISPOSITIONS),
    }


def chain_of_custody_sheets(inp: FamilyInput) -> FamilyOutput:
    """A sheet per session held this month, to the site coordinator who issues the materials."""
    data, month = inp.data, inp.month
    fmt = inp.date_formatter("en")
    coordinators = {s.site_id: s for s in data.staff_with_role("site_coordinator") if s.site_id}
    jobs = []
    for session in sorted(data.sessions, key=lambda s: (s.site_id, s.date, s.start_time, s.session_id)):
        coordinator = coordinators.get(session.site_id)
        if not month.contains(session.date) or coordinator is None:
            continue
        ctx = custody_sheet_context(inp.organisation, data, session, coordinator.full_name, fmt)
        if not ctx["items"]:
            continue
        jobs.append(
            inp.job(
                f"session:{session.session_id}",
                filename=safe_filename(f"custody_{session.date.isoformat()}_{session.session_id}") + ".docx",
                title=f"Chain-of-custody sheet {session.session_id} ({session.date.isoformat()})",
                recipient=staff_recipient(coordinator, session.site_id),
                context=ctx,
            )
        )
    return FamilyOutput(jobs, [f"{inp.task.id}: {len(jobs)} chain-of-custody sheet(s)"])


@dataclass
class SiteReconciliation:
    site_id: str
    issued: int = 0
    returned: int = 0
    missing: list[Material] = field(default_factory=list)  # issued, no return
    short: list[tuple[Material, MaterialReturn]] = field(default_factory=list)  # fewer returned than issued
    flagged: list[tuple[Material, MaterialReturn]] = field(default_factory=list)  # returned as missing/damaged
    unmatched: list[MaterialReturn] = field(default_factory=list)  # a return for no issued item

    @property
    def problems(self) -> int:
        return len(self.missing) + len(self.short) + len(self.flagged) + len(self.unmatched)


def reconcile(materials: list[Material], returns: list[MaterialReturn]) -> dict[str, SiteReconciliation]:
    """Match every issued security number with its return; list whatever does not add up."""
    issued = {m.security_number: m for m in materials if m.session_id}
    by_site: dict[str, SiteReconciliation] = defaultdict(lambda: SiteReconciliation(""))
    returned = {r.security_number: r for r in returns}
    for number, material in sorted(issued.items()):
        site = by_site[material.site_id]
        site.site_id = material.site_id
        site.issued += 1
        ret = returned.get(number)
        if ret is None:
            site.missing.append(material)
            continue
        site.returned += 1
        if ret.disposition in ("missing", "damaged"):
            site.flagged.append((material, ret))
        elif ret.quantity_returned < material.quantity:
            site.short.append((material, ret))
    for number, ret in sorted(returned.items()):
        if number not in issued:
            site = by_site[ret.site_id]
            site.site_id = ret.site_id
            site.unmatched.append(ret)
    return dict(by_site)


def closed_sites(inp: FamilyInput) -> dict[str, date]:
    """Sites whose testing window has ended by today (this month or the month before), with the
    day it ended: their materials can be reconciled."""
    return {
        w.site_id: w.end_date for w in inp.data.windows if w.end_date <= inp.today and in_reach(w.end_date, inp.month)
    }


def waiting_note(inp: FamilyInput, closed: Mapping[str, date]) -> list[str]:
    waiting = sorted({w.site_id for w in inp.data.windows if in_reach(w.end_date, inp.month)} - set(closed))
    if not waiting:
        return []
    return [f"{inp.task.id}: {', '.join(waiting)} still testing; done on the day each window ends (examdesk tick)"]


def custody_reconciliations(inp: FamilyInput) -> FamilyOutput:
    """Per site whose window has ended: issued items against returns (Word), and the Appendix E
    damaged/missing form (PDF). A site still testing is reconciled on the day its window ends."""
    if not inp.data.returns:
        return FamilyOutput([], [f"{inp.task.id}: no returned-materials table yet; nothing to reconcile"])
    closed = closed_sites(inp)
    reconciliations = reconciliation_jobs(inp, closed)
    reports = materials_report_jobs(inp, closed)
    note = f"{len(reconciliations)} site reconciliation(s), {len(reports)} damaged/missing materials form(s)"
    return FamilyOutput(reconciliations + reports, [f"{inp.task.id}: {note}", *waiting_note(inp, closed)])


def reconciliation_jobs(inp: FamilyInput, ended: Mapping[str, date]) -> list[RenderJob]:
    """Per site whose window ended (``ended``: site -> the day), issued items against returns."""
    data = inp.data
    letter_date = inp.date_formatter("en")(inp.today)
    results = reconcile(data.materials, data.returns)
    coordinators = {s.site_id: s for s in data.staff_with_role("site_coordinator") if s.site_id}
    jobs = []
    for site_id, rec in sorted(results.items()):
        coordinator = coordinators.get(site_id)
        if coordinator is None or site_id not in data.sites or site_id not in ended:
            continue
        ctx = {
            "district": {"name": inp.organisation.name},
            "site": {"name": data.sites[site_id].name},
            "letter_date": letter_date,
            "coordinator": coordinator.full_name,
            "counts": {"issued": rec.issued, "returned": rec.returned, "problems": rec.problems},
            "missing": [
                {
                    "security_number": m.security_number,
                    "type": m.material_type,
                    "session": m.session_id,
                    "note": "no return recorded",
                }
                for m in rec.missing
            ]
            + [
                {
                    "security_number": m.security_number,
                    "type": m.material_type,
                    "session": m.session_id,
                    "note": f"returned {r.quantity_returned} of {m.quantity}",
                }
                for m, r in rec.short
            ]
            + [
                {
                    "security_number": m.security_number,
                    "type": m.material_type,
                    "session": m.session_id,
                    "note": f"reported {r.disposition}",
                }
                for m, r in rec.flagged
            ],
            "unmatched": [{"security_number": r.security_number, "disposition": r.disposition} for r in rec.unmatched],
        }
        jobs.append(
            inp.job(
                f"site:{site_id}",
                output="reconciliation",
                filename=safe_filename(f"custody-reconciliation_{site_id}") + ".docx",
                title=f"Secure materials reconciliation: {rec.problems} item(s) to resolve",
                recipient=staff_recipient(coordinator, site_id),
                context=ctx,
                facts={k: v for k, v in ctx.items() if k != "letter_date"},  # more returns: a new version
                event_day=ended[site_id],
            )
        )
    return jobs


MATERIAL_ROWS_PER_FORM = 8  # rows in forms/materials_report.pdf


def material_report_rows(rec: SiteReconciliation) -> list[dict]:
    """One row per missing, short, damaged or unmatched item, as the Appendix E table wants it."""
    rows = []
    for m in rec.missing:
        rows.append(_item_row(m, m.quantity, "Missing: issued, no return recorded after investigation."))
    for m, r in rec.short:
        rows.append(_item_row(m, m.quantity - r.quantity_returned, f"Returned {r.quantity_returned} of {m.quantity}."))
    for m, r in rec.flagged:
        rows.append(_item_row(m, m.quantity, f"Reported {r.disposition} on return."))
    for r in rec.unmatched:
        rows.append(
            {
                "type": "Unknown (number not issued)",
                "quantity": r.quantity_returned,
                "barcodes": r.security_number,
                "administration": "Spring",
                "circumstances": "Returned, but no item with this number was issued to the site.",
            }
        )
    return rows


def _item_row(m: Material, quantity: int, circumstances: str) -> dict:
    return {
        "type": f"{m.material_type}, Grade {m.grade} {m.subject}",
        "quantity": quantity,
        "barcodes": m.security_number,
        "administration": "Spring",
        "circumstances": circumstances,
    }


def materials_report_jobs(inp: FamilyInput, ended: Mapping[str, date]) -> list[RenderJob]:
    """Appendix E forms per site whose window ended with items to report, 8 rows a form, to the
    site coordinator."""
    data, org = inp.data, inp.organisation
    coordinators = {s.site_id: s for s in data.staff_with_role("site_coordinator") if s.site_id}
    jobs = []
    for site_id, rec in sorted(reconcile(data.materials, data.returns).items()):
        coordinator = coordinators.get(site_id)
        rows = material_report_rows(rec)
        if coordinator is None or site_id not in data.sites or not rows or site_id not in ended:
            continue
        site = data.sites[site_id]
        pages = [rows[i : i + MATERIAL_ROWS_PER_FORM] for i in range(0, len(rows), MATERIAL_ROWS_PER_FORM)]
        for number, page_rows in enumerate(pages, start=1):
            ctx = {
                "state": inp.state,
                "district": {"name": org.name, "code": org.code},
                "site": {"name": site.name, "code": site.code},
                "contact": {
                    "name": coordinator.full_name,
                    "role": "School Test Coordinator",
                    "phone": coordinator.phone,
                    "email": coordinator.email,
                },
                "items": page_rows + [dict.fromkeys(page_rows[0], "")] * (MATERIAL_ROWS_PER_FORM - len(page_rows)),
                "more_items": f"Form {number} of {len(pages)}" if len(pages) > 1 else "",
            }
            suffix = f"_{number}" if len(pages) > 1 else ""
            jobs.append(
                inp.job(
                    f"materials-report:{site_id}{suffix}",
                    output="materials_report",
                    filename=safe_filename(f"materials-report_{site_id}{suffix}") + ".pdf",
                    title=f"Damaged or missing materials report ({len(page_rows)} item(s)): check and submit",
                    recipient=staff_recipient(coordinator, site_id),
                    context=ctx,
                    facts=ctx,
                    event_day=ended[site_id],
                )
            )
    return jobs
