"""Certificates: the register of those received from the awarding bodies (who collected which,
when), and a letter to each former candidate whose certificates are waiting for them."""

from __future__ import annotations

from collections import defaultdict

from .documents import Recipient, safe_filename
from .families import FamilyInput, FamilyOutput
from .series import Certificate

KEPT_MONTHS = 12  # JCQ: unclaimed certificates are kept for at least this long from their issue


def collected(certificate: Certificate, inp: FamilyInput) -> bool:
    """Collected by the day the run acts as of (a rehearsal's data may say when it will be)."""
    return certificate.collected_on is not None and certificate.collected_on <= inp.today


def certificate_registers(inp: FamilyInput) -> FamilyOutput:
    """Every certificate received, collected or waiting, with a column to sign for it."""
    certificates = sorted(
        (c for c in inp.data.series.certificates if c.received_on <= inp.today),
        key=lambda c: (c.series, c.last_name, c.first_name, c.candidate_number),
    )
    waiting = [c for c in certificates if not collected(c, inp)]
    rows = [
        [
            c.candidate_number,
            c.last_name,
            c.first_name,
            c.board,
            c.qualification,
            c.series,
            c.received_on,
            c.collected_on if collected(c, inp) else None,
            c.collected_by or "" if collected(c, inp) else "",
            "collected" if collected(c, inp) else "waiting",
            "",
        ]
        for c in certificates
    ]
    context = {
        "title": f"{inp.organisation.name}: certificate register "
        f"({len(certificates)} received, {len(waiting)} waiting)",
        "sheet": "Certificates",
        "columns": [
            "Candidate number",
            "Last name",
            "First name",
            "Awarding body",
            "Qualification",
            "Series",
            "Received",
            "Collected",
            "Collected by",
            "Status",
            "Signature",
        ],
        "widths": [12, 16, 14, 12, 14, 11, 12, 12, 18, 10, 22],
        "rows": rows,
    }
    jobs = [
        inp.job(
            recipient.key,
            filename=f"certificate-register_{inp.month.key}.xlsx",
            title=f"Certificate register: {len(waiting)} of {len(certificates)} waiting",
            recipient=recipient,
            context=context,
        )
        for recipient in inp.staff_recipients()
    ]
    return FamilyOutput(jobs, [f"{inp.task.id}: certificate register, {len(waiting)} of {len(certificates)} waiting"])


def certificate_collection_letters(inp: FamilyInput) -> FamilyOutput:
    """To each former candidate with certificates waiting: which ones, and how to collect them."""
    fmt = inp.date_formatter("en")
    waiting: dict[str, list[Certificate]] = defaultdict(list)
    for c in inp.data.series.certificates:
        if not collected(c, inp) and c.received_on <= inp.today:
            waiting[c.candidate_number].append(c)
    jobs = []
    for number, certificates in sorted(waiting.items()):
        first = certificates[0]
        recipient = Recipient(
            key=f"former-candidate:{number}", name=first.full_name, email=first.email, kind="student", role="candidate"
        )
        context = {
            "centre": {"name": inp.organisation.name, "number": inp.centre.centre_number},
            "candidate": {"name": first.full_name, "number": number},
            "rows": [
                {"board": c.board, "qualification": c.qualification, "series": c.series, "received": fmt(c.received_on)}
                for c in sorted(certificates, key=lambda c: (c.series, c.board, c.qualification))
            ],
            "kept_months": KEPT_MONTHS,
            "coordinator": {"name": inp.organisation.coordinator_name, "email": inp.organisation.coordinator_email},
        }
        jobs.append(
            inp.job(
                recipient.key,
                filename=safe_filename(f"certificates_{number}") + ".docx",
                title=f"Your certificates are ready to collect ({len(certificates)})",
                recipient=recipient,
                context=context,
                about_student=number,
            )
        )
    return FamilyOutput(jobs, [f"{inp.task.id}: {len(jobs)} letter(s) to former candidates with certificates waiting"])
