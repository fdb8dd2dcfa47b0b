"""Templates are slimmed when loaded: a letter is a third of the size and reads the same."""

import io
import json
import zipfile
from pathlib import Path

import docx
import pytest

from examdesk.adapters.docx_slim import slim
from examdesk.adapters.fastdocx import CompiledTemplate

REPO = Path(__file__).resolve().parents[2]
TEMPLATES = sorted((REPO / "templates" / "letters").glob("*.docx"))


@pytest.mark.parametrize("template", TEMPLATES, ids=lambda p: p.name)
def test_a_slim_template_keeps_every_style_its_parts_use_and_drops_the_rest(template, tmp_path):
    raw = template.read_bytes()
    slimmed = slim(raw)
    assert len(slimmed) < len(raw) / 2.5
    with zipfile.ZipFile(io.BytesIO(slimmed)) as zf:
        names = set(zf.namelist())
        assert not names & {"word/stylesWithEffects.xml", "docProps/thumbnail.jpeg"}
        package = zf.read("[Content_Types].xml") + zf.read("_rels/.rels") + zf.read("word/_rels/document.xml.rels")
        assert b"stylesWithEffects" not in package and b"thumbnail" not in package  # nothing points at them
        styles = zf.read("word/styles.xml")
        assert b"latentStyles" not in styles
    before, after = docx.Document(io.BytesIO(raw)), docx.Document(io.BytesIO(slimmed))
    kept = {s.style_id for s in after.styles}
    used = {p.style.style_id for p in before.paragraphs} | {t.style.style_id for t in before.tables if t.style}
    for section in before.sections:
        if not section.footer.is_linked_to_previous:  # (asking a missing footer for paragraphs makes one)
            used |= {p.style.style_id for p in section.footer.paragraphs}
    assert used <= kept  # every paragraph, table and footer keeps its own style ...
    for paragraph_before, paragraph_after in zip(before.paragraphs, after.paragraphs, strict=True):
        assert paragraph_after.style.style_id == paragraph_before.style.style_id  # ... not a fallback
        assert paragraph_after.text == paragraph_before.text
    assert len(kept) < len(before.styles) / 3


def test_a_letter_from_a_slim_template_is_a_third_of_the_size_with_the_same_text(tmp_path):
    template = REPO / "templates" / "letters" / "result_letter.es.docx"
    context = json.loads((REPO / "templates" / "samples" / "result_letter.json").read_text(encoding="utf-8"))
    (tmp_path / "slim.docx").write_bytes(slim(template.read_bytes()))
    full = CompiledTemplate(template).render(context)
    thin = CompiledTemplate(tmp_path / "slim.docx").render(context)
    assert len(thin) < len(full) / 2.5
    text = [[p.text for p in docx.Document(io.BytesIO(b)).paragraphs] for b in (full, thin)]
    assert text[0] == text[1] and any("Zoë" in t for t in text[1])


def test_a_document_without_styles_is_left_as_it_is():
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as zf:
        zf.writestr("word/document.xml", "<w:document/>")
    assert slim(out.getvalue()) == out.getvalue()


def test_a_file_that_is_not_a_word_document_is_left_as_it_is():
    for raw in (b"not a zip", b""):
        assert slim(raw) == raw
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as zf:
        zf.writestr("word/document.xml", "<w:document")  # broken XML
        zf.writestr("word/styles.xml", "<w:styles/>")
    assert slim(out.getvalue()) == out.getvalue()
