"""Build demo/returned/: signed forms as staff would send them back (run: python demo/make_returns.py).

They are filled with plain pypdf, the way any viewer saves a form, not with examdesk's filler.
The document ids are those the demo year gives the forms it sends (security agreements in
March 2027, post-test certifications on the day each site's window ends: Lincoln's on May 21,
2027), so `examdesk ack import demo/returned` after those days shows completion moving:

- two complete agreements matched by their hidden document id;
- one agreement returned without the box ticked and without a date (incomplete);
- one agreement whose document id was lost (a re-typed copy), matched by name and email;
- one agreement from someone the district never sent one to (unmatched);
- one complete post-test certification (LIN).
"""

from __future__ import annotations

import csv
import io
import sys
from pathlib import Path

from pypdf import PdfReader, PdfWriter

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))
from examdesk.domain.documents import document_id  # noqa: E402

OUT = ROOT / "demo" / "returned"
AGREEMENT_KEY = "2026-27/2027-03/parcc-before-14/staff:{}/form"
CERTIFICATION_KEY = "2026-27/2027-05/parcc-after-08/certification:{}"


def viewer_fill(form: str, values: dict[str, str]) -> bytes:
    writer = PdfWriter(clone_from=PdfReader(ROOT / "forms" / form))
    writer.update_page_form_field_values(None, values, auto_regenerate=False)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def agreement(person: dict, *, doc_id: str, agreed: bool, signed: str) -> bytes:
    return viewer_fill(
        "security_agreement.pdf",
        {
            "first_name": person["first_name"],
            "last_name": person["last_name"],
            "email": person["email"],
            "role_ta": "/Yes" if person["role"] == "test_administrator" else "/Off",
            "role_proctor": "/Yes" if person["role"] == "proctor" else "/Off",
            "agreed": "/Yes" if agreed else "/Off",
            "signature": f"{person['first_name']} {person['last_name']}" if agreed else "",
            "signed_date": signed,
            "document_id": doc_id,
        },
    )


def main() -> None:
    with (ROOT / "demo" / "data" / "staff.csv").open(encoding="utf-8") as fh:
        staff = list(csv.DictReader(fh))
    administrators = [s for s in staff if s["role"] in ("test_administrator", "proctor")]
    first, second, third, fourth = administrators[:4]
    OUT.mkdir(exist_ok=True)
    files = {
        f"agreement_{first['staff_id']}.pdf": agreement(
            first, doc_id=document_id(AGREEMENT_KEY.format(first["staff_id"])), agreed=True, signed="03/04/2027"
        ),
        f"agreement_{second['staff_id']}.pdf": agreement(
            second, doc_id=document_id(AGREEMENT_KEY.format(second["staff_id"])), agreed=True, signed="3/5/2027"
        ),
        f"agreement_{third['staff_id']}_unsigned.pdf": agreement(
            third, doc_id=document_id(AGREEMENT_KEY.format(third["staff_id"])), agreed=False, signed=""
        ),
        f"agreement_{fourth['staff_id']}_retyped.pdf": agreement(fourth, doc_id="", agreed=True, signed="03/08/2027"),
        "agreement_visitor.pdf": agreement(
            {"first_name": "Pat", "last_name": "Visitor", "email": "pat.visitor@example.com", "role": "observer"},
            doc_id="",
            agreed=True,
            signed="03/09/2027",
        ),
    }
    coordinator = next(s for s in staff if s["role"] == "site_coordinator" and s["site_id"] == "LIN")
    files["certification_LIN.pdf"] = viewer_fill(
        "post_test_certification.pdf",
        {
            "coordinator_name": f"{coordinator['first_name']} {coordinator['last_name']}",
            "coordinator_signature": f"{coordinator['first_name']} {coordinator['last_name']}",
            "coordinator_date": "05/26/2027",
            "agreed": "/Yes",
            "scorable_boxes": "2",
            "nonscorable_boxes": "1",
            "ship_back_date": "05/25/2027",
            "document_id": document_id(CERTIFICATION_KEY.format("LIN")),
        },
    )
    for name, content in files.items():
        (OUT / name).write_bytes(content)
    print(f"wrote {len(files)} returned form(s) to {OUT}")


if __name__ == "__main__":
    main()
