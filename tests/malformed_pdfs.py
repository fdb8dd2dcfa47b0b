"""A corpus of malformed and hostile PDFs, built on demand (nothing binary is kept in the repo).

    python tests/malformed_pdfs.py FOLDER     # writes the corpus there

Each file is named for what is wrong with it; ``EXPECTED`` says what ``ack import`` must make of
it. The real form they start from is the shipped security agreement.
"""

from __future__ import annotations

import io
import sys
import zipfile
from pathlib import Path

from pypdf import PdfReader, PdfWriter
from pypdf.generic import NameObject

FORMS = Path(__file__).resolve().parents[1] / "forms"
HUGE_BYTES = 100 * 1_000_000

# file -> the outcome ack import gives it ("unreadable" with a reason that names the problem)
EXPECTED = {
    "parent-loop.pdf": ("unmatched", "not one of the forms"),
    "deep-nesting.pdf": ("unreadable", ""),
    "huge.pdf": ("unreadable", "more than a returned form may be"),
    "junk-after-eof.pdf": ("unmatched", "matches nothing sent"),
    "encrypted.pdf": ("unreadable", "encrypted"),
    "docx-renamed.pdf": ("unreadable", "not a readable PDF"),
    "truncated.pdf": ("unreadable", ""),
    "empty.pdf": ("unreadable", ""),
    "random-bytes.pdf": ("unreadable", ""),
}


def _form(values: dict[str, str] | None = None) -> PdfWriter:
    writer = PdfWriter(clone_from=PdfReader(FORMS / "security_agreement.pdf"))
    writer.update_page_form_field_values(
        None,
        values or {"first_name": "Ima", "last_name": "Stranger", "document_id": "ED-0000000000000000"},
        auto_regenerate=False,
    )
    return writer


def _bytes(writer: PdfWriter) -> bytes:
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def parent_loop() -> bytes:
    """Two fields each the other's /Parent: walking up the field tree never ends."""
    writer = _form()
    widgets = [a.get_object() for a in writer.pages[0]["/Annots"] if a.get_object().get("/T")][:2]
    first, second = widgets
    first[NameObject("/Parent")] = second.indirect_reference
    second[NameObject("/Parent")] = first.indirect_reference
    return _bytes(writer)


def deep_nesting(depth: int = 100_000) -> bytes:
    """An array nested 100,000 deep in the catalog: a recursive parser overflows its stack."""
    nested = b"[" * depth + b"]" * depth
    body = b"%PDF-1.7\n1 0 obj\n<< /Type /Catalog /Pages 2 0 R /Junk " + nested + b" >>\nendobj\n"
    body += b"2 0 obj\n<< /Type /Pages /Kids [] /Count 0 >>\nendobj\n"
    xref = len(body)
    body += b"xref\n0 3\n0000000000 65535 f \n0000000009 00000 n \n"
    body += b"%010d 00000 n \n" % body.index(b"2 0 obj")
    body += b"trailer\n<< /Size 3 /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % xref
    return body


def junk_after_eof() -> bytes:
    return _bytes(_form()) + b"\n" + b"\x00\xffjunk" * 10_000


def encrypted() -> bytes:
    writer = _form()
    writer.encrypt("secret", algorithm="AES-256")
    return _bytes(writer)


def docx_renamed() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as zf:
        zf.writestr("[Content_Types].xml", "<Types/>")
        zf.writestr("word/document.xml", "<w:document/>")
    return out.getvalue()


def build_corpus(folder: Path) -> dict[str, tuple[str, str]]:
    folder.mkdir(parents=True, exist_ok=True)
    whole = _bytes(_form())
    files = {
        "parent-loop.pdf": parent_loop(),
        "deep-nesting.pdf": deep_nesting(),
        "junk-after-eof.pdf": junk_after_eof(),
        "encrypted.pdf": encrypted(),
        "docx-renamed.pdf": docx_renamed(),
        "truncated.pdf": whole[: len(whole) // 3],
        "empty.pdf": b"",
        "random-bytes.pdf": bytes((i * 7919) % 251 for i in range(50_000)),
    }
    for name, data in files.items():
        (folder / name).write_bytes(data)
    with (folder / "huge.pdf").open("wb") as fh:  # sparse: 100 MB on paper, nothing on disk
        fh.write(whole)
        fh.truncate(HUGE_BYTES)
    return EXPECTED


if __name__ == "__main__":
    target = Path(sys.argv[1] if len(sys.argv) > 1 else "malformed-pdfs")
    build_corpus(target)
    print(f"{len(EXPECTED)} malformed PDFs in {target}")
