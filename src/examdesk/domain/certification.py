"""Post-test certification (seed 004 Appendix F): one per site after testing, counts prefilled."""

from __future__ import annotations

from .custody import material_report_rows, reconcile
from .documents import RenderJob, safe_filename, staff_recipient
from .letters import Organisation
from .records import DistrictData

SCORABLE = ("booklet", "answer document")  # paper a student wrote in is shipped for scoring


def post_test_certification_jobs(
    data: DistrictData, org: Organisation, *, task_id: str, school_year: str, month_key: str, state: str
) -> list[RenderJob]:
    """To each site coordinator, with the principal's block named; signed copies come back."""
    reconciliation = reconcile(data.materials, data.returns)
    principals = {s.site_id: s for s in data.staff_with_role("principal") if s.site_id}
    jobs = []
    for coordinator in sorted(data.staff_with_role("site_coordinator"), key=lambda s: s.site_id or ""):
        site = data.sites.get(coordinator.site_id or "")
        if site is None:
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
            RenderJob(
                doc_key=f"{school_year}/{month_key}/{task_id}/certification:{site.id}",
                task_id=task_id,
                family="post_test_certification",
                template="post_test_certification",
                language="en",
                filename=safe_filename(f"post-test-certification_{site.id}") + ".pdf",
                title="Post-test certification: complete with the principal, sign and return",
                recipient=staff_recipient(coordinator, site.id),
                context=ctx,
                format="pdf",
                comes_back=True,
            )
        )
    return jobs
