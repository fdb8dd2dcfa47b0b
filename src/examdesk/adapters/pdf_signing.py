"""The district's digital signature on PDFs (pyHanko, PAdES baseline B-B): a key and a
self-signed certificate made once (cryptography), a signature added as an incremental update,
and a check that a signed PDF is intact and signed by that certificate."""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import NameOID

from ..errors import ConfigurationError
from .files import make_private_dir, write_atomic


class SigningKeyError(ConfigurationError):
    pass


def create_signing_identity(key_path: Path, certificate_path: Path, organisation: str, days: int = 3650) -> None:
    """A new RSA key (private to the user) and a self-signed certificate naming the district."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=3072)
    name = x509.Name(
        [
            x509.NameAttribute(NameOID.COMMON_NAME, f"{organisation} assessment office"[:64]),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, organisation[:64]),
        ]
    )
    now = datetime.now(UTC)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(minutes=5))
        .not_valid_after(now + timedelta(days=days))
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=True,
                content_commitment=True,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=True,
                crl_sign=False,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .sign(key, hashes.SHA256())
    )
    make_private_dir(key_path.parent)
    make_private_dir(certificate_path.parent)
    key_bytes = key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    write_atomic(key_path, key_bytes)
    write_atomic(certificate_path, certificate.public_bytes(serialization.Encoding.PEM))


def sign_pdf(content: bytes, key_path: Path, certificate_path: Path, password: bytes | None, reason: str) -> bytes:
    """The PDF with the district's signature (PAdES B-B) appended as an incremental update."""
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.sign import fields, signers
    from pyhanko.sign.fields import SigFieldSpec

    try:
        signer = signers.SimpleSigner.load(str(key_path), str(certificate_path), key_passphrase=password)
    except Exception as exc:  # pyHanko raises plain errors for unreadable keys
        raise SigningKeyError(f"{key_path}: the district's signing key cannot be used ({exc})") from None
    if signer is None:
        raise SigningKeyError(f"{key_path} / {certificate_path}: not a readable key and certificate")
    writer = IncrementalPdfFileWriter(io.BytesIO(content))
    fields.append_signature_field(writer, SigFieldSpec(sig_field_name="DistrictSignature"))
    metadata = signers.PdfSignatureMetadata(
        field_name="DistrictSignature",
        reason=reason,
        subfilter=fields.SigSeedSubFilter.PADES,
        md_algorithm="sha256",
    )
    out = io.BytesIO()
    signers.PdfSigner(metadata, signer=signer).sign_pdf(writer, output=out)
    return out.getvalue()


@dataclass(frozen=True)
class SignatureCheck:
    intact: bool  # the bytes the signature covers are unchanged
    trusted: bool  # signed by the given certificate
    covers_whole_file: bool  # nothing was added after signing
    signer: str

    @property
    def ok(self) -> bool:
        return self.intact and self.trusted and self.covers_whole_file


def check_signature(content: bytes, certificate_path: Path) -> SignatureCheck:
    """Validate the PDF's first signature against the district's certificate (as a reader would)."""
    from pyhanko.keys import load_cert_from_pemder
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign.validation import validate_pdf_signature
    from pyhanko_certvalidator import ValidationContext

    reader = PdfFileReader(io.BytesIO(content))
    if not reader.embedded_signatures:
        return SignatureCheck(False, False, False, "")
    signature = reader.embedded_signatures[0]
    trust = ValidationContext(trust_roots=[load_cert_from_pemder(str(certificate_path))])
    status = validate_pdf_signature(signature, trust)
    return SignatureCheck(
        intact=bool(status.intact and status.valid),
        trusted=bool(status.trusted),
        covers_whole_file=status.coverage is not None and status.coverage.name == "ENTIRE_FILE",
        signer=status.signing_cert.subject.human_friendly,
    )
