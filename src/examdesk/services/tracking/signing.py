"""Signing online: an electronic signature with its audit trail, and a certificate of completion
digitally signed by the district.

What is recorded: the name typed, the moment (UTC and the district's local time), the IP address
and browser it came from, the link it came through, and the SHA-256 of the document exactly as it
was sent. The return is then complete everywhere (status, digests, reminders stop); a signed PDF
returned later through `ack import` is recorded beside it, and whichever came first counts.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from ...adapters.files import make_private_dir, write_atomic
from ...adapters.pdf_signing import create_signing_identity, sign_pdf
from ...adapters.pdfforms import flatten
from ...domain.documents import Packet, Recipient
from ...domain.names import same_name
from ...domain.roles import role_title
from ...errors import InputDataError
from ..app import App
from ..month.delivery import SendRun, deliver
from ..month.packets import ReadyPacket
from .online import LinkedDocument

CERTIFICATE_FORM = "certificate_of_completion"


class SignRefused(InputDataError):
    """What the signer must correct before their signature can be taken (said on the page)."""


@dataclass
class Signed:
    signature: dict
    certificate: Path | None
    already: bool = False  # signed before: nothing new was recorded


def attestation(app: App, linked: LinkedDocument, language: str = "en") -> str:
    return app.catalogues.translate(language, linked.family.attestation)


def existing_signature(app: App, linked: LinkedDocument) -> dict | None:
    with app.unit_of_work() as uow:
        return uow.signatures.of_document(linked.school_year, linked.doc_key)


def sign_online(app: App, linked: LinkedDocument, typed_name: str, attested: bool, ip: str, user_agent: str) -> Signed:
    """Take the signature: the attestation ticked, the full name typed as examdesk knows it."""
    row = linked.row
    name = str(row["recipient_name"] or "")
    if not attested:
        raise SignRefused("tick the box to confirm that you have read the document and agree to it")
    if not same_name(typed_name, name):
        raise SignRefused(f"type your full name as it appears here: {name}")
    found = existing_signature(app, linked)
    if found is not None:
        return Signed(found, Path(found["certificate_path"]) if found["certificate_path"] else None, already=True)
    now = datetime.now(UTC)
    zone = ZoneInfo(app.settings.organisation.time_zone)
    local = now.astimezone(zone)
    signature = {
        "school_year": linked.school_year,
        "doc_key": linked.doc_key,
        "person_email": row["recipient_email"],
        "person_name": name,
        "role": row.get("recipient_role"),
        "typed_name": typed_name.strip(),
        "signed_at": now,
        "signed_local": local.strftime("%Y-%m-%d %H:%M %Z"),
        "ip": ip[:64],
        "user_agent": user_agent[:500],
        "token_id": linked.claims.token_id,
        "document_sha256": row["sha256"],
    }
    with app.unit_of_work() as uow:
        signature["id"] = uow.signatures.record(signature)
        uow.acks.record(
            {
                "school_year": linked.school_year,
                "task_id": row["task_id"],
                "doc_key": linked.doc_key,
                "person_email": row["recipient_email"],
                "person_name": name,
                "role": row.get("recipient_role"),
                "status": "complete",
                "signed_on": local.date(),
                "source": "online",
                "note": f"signed online, link {linked.claims.token_id}",
            }
        )
        certificate = write_certificate(app, linked, signature)
        uow.signatures.set_certificate(signature["id"], str(certificate))
        signature["certificate_path"] = str(certificate)
        uow.commit()
    send_certificate(app, linked, certificate)
    return Signed(signature, certificate)


def write_certificate(app: App, linked: LinkedDocument, signature: dict) -> Path:
    """The certificate of completion, filled, flattened and signed by the district (PAdES)."""
    row = linked.row
    org = app.organisation
    context = {
        "district": {"name": org.name},
        "school_year": linked.school_year,
        "document": {
            "title": row["title"] or row["filename"],
            "filename": row["filename"],
            "id": row["doc_id"],
            "sha256": row["sha256"],
        },
        "signer": {
            "name": signature["person_name"],
            "role": role_title(signature["role"]) if signature["role"] else "",
            "email": signature["person_email"],
            "typed_name": signature["typed_name"],
        },
        "attestation": attestation(app, linked),
        "signed": {
            "utc": signature["signed_at"].strftime("%Y-%m-%d %H:%M:%S UTC"),
            "local": signature["signed_local"],
            "ip": signature["ip"],
            "token_id": signature["token_id"],
            "user_agent": signature["user_agent"],
        },
        "issued_by": f"{org.name}, {org.coordinator_title} ({org.coordinator_email})",
    }
    filled = app.shipped_forms.render(CERTIFICATE_FORM, context, row["doc_id"], "certificate")
    key, certificate = signing_identity(app)
    password = app.settings.web.signing_key_password
    signed = sign_pdf(
        flatten(filled, f"{CERTIFICATE_FORM}.pdf"),
        key,
        certificate,
        password.get_secret_value().encode() if password else None,
        reason=f"Certificate of completion: {row['title'] or row['filename']}",
    )
    folder = make_private_dir(app.private_dir(linked.school_year, "certificates"))
    path = folder / f"certificate_{row['doc_id']}.pdf"
    write_atomic(path, signed)
    return path


def signing_identity(app: App) -> tuple[Path, Path]:
    """The district's key and certificate: the configured ones, or (for a district that has none
    yet, like the demo) a pair made on first use under the state folder, private to the user."""
    settings = app.settings
    key, certificate = settings.signing_key_path, settings.signing_certificate_path
    if not key.is_file() or not certificate.is_file():
        if settings.web.signing_key or settings.web.signing_certificate:
            raise SignRefused(f"web.signing_key / signing_certificate: {key} or {certificate} not found")
        create_signing_identity(key, certificate, settings.organisation.name)
    return key, certificate


def send_certificate(app: App, linked: LinkedDocument, certificate: Path) -> None:
    """Email the signer their certificate (exactly once: the ledger keys it by the document)."""
    row = linked.row
    org = app.organisation
    recipient = Recipient(key=row["recipient_key"], name=row["recipient_name"] or "", email=row["recipient_email"])
    ctx = {
        "district": {"name": org.name},
        "coordinator": {"name": org.coordinator_name, "title": org.coordinator_title, "email": org.coordinator_email},
        "recipient": {"name": recipient.name},
        "document": {"title": row["title"] or row["filename"]},
    }
    subject, body, html = app.emails.render("certificate", "en", ctx)
    packet = Packet(recipient, "certificate", doc_keys=[f"certificate/{linked.doc_key}"], doc_task_ids=[row["task_id"]])
    key = f"certificate-{row['doc_id']}"
    today = app.today
    month_key = f"{today.year}-{today.month:02d}"
    with app.unit_of_work() as uow:
        run_id = uow.runs.start(linked.school_year, month_key)
        uow.commit()
    ready = ReadyPacket(packet, key, subject, body, [(certificate.name, certificate)], html)
    result = deliver(SendRun(app, run_id, linked.school_year, month_key, today), iter([ready]), 1)
    with app.unit_of_work() as uow:
        uow.runs.finish(run_id, "completed", {"kind": "certificate", **{str(k): v for k, v in result.states.items()}})
        uow.commit()
