"""Check every output of every document family, and every memo, against its sample context.

Word templates are rendered with the fast renderer and with docxtpl and must give the same text
with no tag left; table workbooks are built; PDF forms are compiled with their field maps and,
where a sample exists, filled; each memo's email template is rendered in every language it is
written in. Word templates no family uses are listed too.
"""

from __future__ import annotations

import io
import json
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from docx import Document

from ...adapters.emails import EmailTemplates
from ...adapters.fastdocx import CompiledTemplate, make_environment, render_with_docxtpl
from ...adapters.form_library import FormLibrary
from ...adapters.pdfforms import read_values
from ...adapters.workbook import table_workbook
from ...domain.documents import document_id
from ...domain.families import DocumentFamily, Output
from ...domain.memos import MemoKind
from ...errors import TemplateError


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
    family: str = ""  # the document family whose output this is ("" for a template no family uses)


def _sample(samples_dir: Path, output: Output) -> tuple[dict | None, str]:
    """(sample context, problem); the problem is '' when the sample was read."""
    name = output.sample_name
    path = samples_dir / f"{name}.json"
    if not path.is_file():
        return None, f"no sample context {path.name} in {samples_dir}"
    try:
        return json.loads(path.read_text(encoding="utf-8")), ""
    except json.JSONDecodeError as exc:
        return None, f"{path.name}: not valid JSON ({exc})"


def check_word_template(template: Path, context: dict) -> CheckResult:
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


def _check_output(
    family: DocumentFamily, output: Output, templates_dir: Path, forms: FormLibrary
) -> Iterable[CheckResult]:
    letters, samples = templates_dir / "letters", templates_dir / "samples"
    if output.format == "docx":
        files = sorted(letters.glob(f"{output.template}.*.docx"))
        if not any(p.name == f"{output.template}.en.docx" for p in files):
            yield CheckResult(letters / f"{output.template}.en.docx", False, False, "no English template")
        context, problem = _sample(samples, output)
        for path in files:
            if context is None:
                yield CheckResult(path, False, False, problem)
            else:
                result = check_word_template(path, context)
                result.message = result.message
                yield result
    elif output.format == "xlsx":
        context, problem = _sample(samples, output)
        target = samples / f"{output.sample_name}.json"
        if context is None:
            yield CheckResult(target, False, False, problem)
            return
        try:
            table_workbook(context)
        except (KeyError, TypeError, ValueError) as exc:
            yield CheckResult(target, False, False, f"the sample does not make a table workbook ({exc!r})")
            return
        yield CheckResult(target, True, True, "ok, table workbook")
    elif output.format == "pdf":
        target = forms.directory / f"{output.template}.pdf"
        try:
            forms.form(output.template)
        except TemplateError as exc:
            yield CheckResult(target, False, False, str(exc))
            return
        context, problem = _sample(samples, output)
        if context is None:
            yield CheckResult(target, True, True, f"ok, field map matches the form ({problem})")
            return
        try:
            filled = forms.render(output.template, context, document_id("templates-check"), "sample")
            read_values(filled, target.name)
        except TemplateError as exc:
            yield CheckResult(target, False, False, str(exc))
            return
        yield CheckResult(target, True, True, "ok, field map matches the form, sample filled")


def check_all(families: Iterable[DocumentFamily], templates_dir: Path, forms: FormLibrary) -> list[CheckResult]:
    results: list[CheckResult] = []
    used: set[str] = set()
    for family in families:
        for output in family.outputs:
            if output.sample_name is None:
                continue
            if output.format == "docx":
                used.add(output.template)
            for result in _check_output(family, output, templates_dir, forms):
                result.family = family.name
                results.append(result)
    for path in sorted((templates_dir / "letters").glob("*.docx")):
        if path.name.split(".", 1)[0] not in used:
            results.append(CheckResult(path, True, True, "not used by any document family (`examdesk render` can)"))
    return results


def check_memos(memos: Iterable[MemoKind], templates_dir: Path) -> list[CheckResult]:
    """Each memo's email template (``templates/email/memo_<kind>.<language>.txt``) rendered with
    its sample (``templates/samples/memo_<kind>.json``) in every language it is written in."""
    emails, samples = EmailTemplates(templates_dir / "email"), templates_dir / "samples"
    results = []
    for kind in memos:
        name = f"memo_{kind.name}"
        files = sorted((templates_dir / "email").glob(f"{name}.*.txt"))
        if not any(p.name == f"{name}.en.txt" for p in files):
            results.append(CheckResult(templates_dir / "email" / f"{name}.en.txt", False, False, "no English template"))
        sample = samples / f"{name}.json"
        try:
            context = json.loads(sample.read_text(encoding="utf-8"))
            context["month_date"] = date.fromisoformat(context["month_date"])
        except (OSError, ValueError, KeyError) as exc:
            results += [CheckResult(p, False, False, f"sample {sample.name}: {exc}") for p in files]
            continue
        for path in files:
            language = path.name[len(name) + 1 : -len(".txt")]
            try:
                subject, body, _ = emails.render(name, language, context)
            except TemplateError as exc:
                results.append(CheckResult(path, False, False, str(exc), f"memo {kind.name}"))
                continue
            ok = bool(subject) and context["recipient"]["name"] in body
            message = "ok, memo rendered from its sample" if ok else "the sample's recipient is not in the memo"
            results.append(CheckResult(path, ok, True, message, f"memo {kind.name}"))
    return results
