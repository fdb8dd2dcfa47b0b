"""Render every Word template against its sample context and compare with docxtpl."""

from __future__ import annotations

import io
import json
from dataclasses import dataclass
from pathlib import Path

from docx import Document

from ..adapters.fastdocx import CompiledTemplate, TemplateError, make_environment, render_with_docxtpl


def document_text(content: bytes) -> str:
    """All the text a reader sees: body paragraphs, tables (nested), headers and footers."""
    doc = Document(io.BytesIO(content))
    parts: list[str] = []

    def block(container) -> None:
        for p in container.paragraphs:
            parts.append(p.text)
        for table in container.tables:
            for row in table.rows:
                for cell in row.cells:
                    block(cell)

    block(doc)
    for section in doc.sections:
        for hf in (section.header, section.footer, section.first_page_header, section.first_page_footer):
            if not hf.is_linked_to_previous:
                block(hf)
    return "\n".join(parts)


@dataclass
class CheckResult:
    template: Path
    ok: bool
    fast: bool
    message: str


def sample_for(template: Path, samples_dir: Path) -> Path:
    family = template.name.split(".", 1)[0]
    return samples_dir / f"{family}.json"


def check_template(template: Path, samples_dir: Path) -> CheckResult:
    sample = sample_for(template, samples_dir)
    if not sample.is_file():
        return CheckResult(template, False, False, f"no sample context {sample.name} in {samples_dir}")
    try:
        context = json.loads(sample.read_text(encoding="utf-8"))
    except json.JSONDecodeError as exc:
        return CheckResult(template, False, False, f"{sample.name}: not valid JSON ({exc})")
    try:
        compiled = CompiledTemplate(template)
        fast = compiled.render(context)
        reference = render_with_docxtpl(template.read_bytes(), context, make_environment(), template.name)
    except TemplateError as exc:
        return CheckResult(template, False, False, str(exc))
    text = document_text(fast)
    if text != document_text(reference):
        return CheckResult(template, False, compiled.fast, "rendered text differs from docxtpl's")
    if "{{" in text or "{%" in text:
        return CheckResult(template, False, compiled.fast, "template tags left in the rendered text")
    if "<built-in method" in text or "<bound method" in text:
        return CheckResult(
            template, False, compiled.fast, "a variable printed a method (a key named like items/keys/values?)"
        )
    how = "fast path" if compiled.fast else f"docxtpl fallback ({', '.join(compiled.fallback_reasons)})"
    return CheckResult(template, True, compiled.fast, f"ok, {how}, same text as docxtpl")


def check_all(letters_dir: Path, samples_dir: Path) -> list[CheckResult]:
    return [check_template(p, samples_dir) for p in sorted(letters_dir.glob("*.docx"))]
