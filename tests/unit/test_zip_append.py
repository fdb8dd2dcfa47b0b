"""Documents built by adding entries to a fixed base read back as zipfile's own append mode's do."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import docx

from examdesk.adapters.zip_append import ZipBase

TEMPLATES = Path(__file__).resolve().parents[2] / "templates"


def base_archive(entries: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, content in entries.items():
            zf.writestr(name, content)
    return out.getvalue()


def test_added_entries_read_back_whole_with_their_crcs_checked() -> None:
    base = ZipBase(base_archive({"a.txt": b"alpha" * 100, "dir/b.bin": bytes(range(256))}))
    added = [("word/document.xml", "<w:t>Zoë 陳</w:t>".encode() * 500), ("é/ü.xml", b""), ("c.xml", b"x")]
    data = base.with_entries(added)
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        assert zf.testzip() is None  # every entry's CRC matches its content
        assert zf.namelist() == ["a.txt", "dir/b.bin", "word/document.xml", "é/ü.xml", "c.xml"]
        assert zf.read("a.txt") == b"alpha" * 100
        for name, content in added:
            assert zf.read(name) == content
            assert zf.getinfo(name).compress_type == zipfile.ZIP_DEFLATED
    # the base is not changed by a document: the next one is built from it afresh
    with zipfile.ZipFile(io.BytesIO(base.with_entries([("c.xml", b"y")]))) as zf:
        assert zf.namelist() == ["a.txt", "dir/b.bin", "c.xml"] and zf.read("c.xml") == b"y"


def test_a_word_document_put_together_this_way_opens_in_python_docx() -> None:
    raw = (TEMPLATES / "letters" / "result_letter.en.docx").read_bytes()
    with zipfile.ZipFile(io.BytesIO(raw)) as zf:
        body = zf.read("word/document.xml")
        rest = {info.filename: zf.read(info.filename) for info in zf.infolist() if info.filename != "word/document.xml"}
    document = docx.Document(io.BytesIO(ZipBase(base_archive(rest)).with_entries([("word/document.xml", body)])))
    assert any("{{" in p.text for p in document.paragraphs)  # the template's own body, read back
