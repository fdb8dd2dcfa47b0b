"""Post-test certification (seed 004 Appendix F): one per site after testing, counts prefilled."""

from __future__ import annotations

from .custody import closed_sites, material_report_rows, reconcile, waiting_note
from .documents import safe_filename, staff_recipient
from .families import FamilyInput, FamilyOutput

SCORABLE = ("booklet", "answer document")  # paper a student wrote in is shipped for scoring


def post_test_certifications(inp: FamilyInput) -> FamilyOutput:
    """To each site coordinator, with the principal's block named; signed copies come back."""
    data, org, school_year, state = inp.data, inp.organisation, inp.school_year, inp.state
    reconciliation = reconcile(data.materials, data.returns)
    principals = {s.site_id: s for s in data.staff_with_role("principal") if s.site_id}
    closed = closed_sites(inp)  # certified once the site's testing is over, never before
    jobs = []
    for coordinator in sorted(data.staff_with_role("site_coordinator"), key=lambda s: s.site_id or ""):
        site = data.sites.get(coordinator.site_id or "")
        if site is None or site.id not in closed:
            continue
        rec = reconciliation.get(site.id)
        items = [m for m in data.materials if m.site_id == site.id and m.session_id]
        incidents = [i for i in data.incidents if data.session_by_id[i.session_id].site_id == site.id]
        principal = principals.get(site.id)
        ctx = {
            "state": state,
            "district": {"name": org.name, "code": org.code},
            "site": {"name": site.name, "code": site.code},
            "coordinator": {
                "first_name": coordinator.first_name,
                "last_name": coordinator.last_name,
                "name": coordinator.full_name,
                "phone": coordinator.phone,
            },
            "principal": {"name": principal.full_name if principal else ""},
            "administration": f"Spring {school_year}",
            "irregularity_forms": "yes" if incidents else "no",
            "materials_forms": "yes" if rec and material_report_rows(rec) else "no",
            "counts": {
                "issued": rec.issued if rec else 0,
                "returned": rec.returned if rec else 0,
                "scorable": sum(1 for m in items if any(w in m.material_type.lower() for w in SCORABLE)),
                "nonscorable": sum(1 for m in items if not any(w in m.material_type.lower() for w in SCORABLE)),
            },
        }
        jobs.append(
            inp.job(
                f"certification:{site.id}",
                filename=safe_filename(f"post-test-certification_{site.id}") + ".pdf",
                title="Post-test certification: complete with the principal, sign and return",
                recipient=staff_recipient(coordinator, site.id),
                context=ctx,
                facts=ctx,  # counts change as returns come in: the certification to sign changes too
                event_day=closed[site.id],
            )
        )
    return FamilyOutput(jobs, [f"{inp.task.id}: {len(jobs)} post-test certification(s)", *waiting_note(inp, closed)])
