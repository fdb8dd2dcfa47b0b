"""A docxtpl-compatible Word renderer that compiles each template once.

docxtpl reloads the .docx, re-patches and recompiles its XML and recompresses every part
for each document. Here a template is prepared once: docxtpl's own ``patch_xml`` turns the
body, headers and footers into Jinja source (so ``{%p %}``, ``{%tr %}``, ``{%r %}``,
``{%tc %}``-free tables, RichText and Listing behave exactly as in docxtpl), each part is
compiled once, and the parts that never change are compressed once into a base archive.
A document is then: render the compiled parts, apply docxtpl's post-render steps and add
them to the base archive (``zip_append``: the base is never reopened).

Templates using what this path does not reproduce (column loops that need docxtpl's table
fixing, images and sub-documents, Jinja in core properties or footnotes) are rendered by
docxtpl itself, and the library says so once per template.
"""

from __future__ import annotations

import io
import logging
import re
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import jinja2
from docxtpl import DocxTemplate
from jinja2.sandbox import SandboxedEnvironment
from lxml import etree

from ..errors import TemplateError
from .zip_append import ZipBase

log = logging.getLogger("examdesk")

HEADER_URI = DocxTemplate.HEADER_URI
FOOTER_URI = DocxTemplate.FOOTER_URI
XML_DECLARATION = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
_TAG = re.compile(r"\{[{%]")
_LISTING_CHARS = ("\t", "\a", "\n", "\f")
_WHOLE_TAG = re.compile(r"\{\{.*?\}\}|\{%.*?%\}", re.S)


def visible_text(document_xml: bytes) -> str:
    """The text of a Word document's body, runs joined (a tag split over runs reads whole)."""
    return "".join(etree.fromstring(document_xml).itertext())


def template_tags(docx_bytes: bytes) -> frozenset[str]:
    """The template's own tags as its text shows them ("{{ student.name }}"): if one of them is in
    a rendered document, that tag was not rendered (a value that merely contains "{{" is not one)."""
    with zipfile.ZipFile(io.BytesIO(docx_bytes)) as zf:
        return frozenset(_WHOLE_TAG.findall(visible_text(zf.read("word/document.xml"))))


def make_environment() -> jinja2.Environment:
    """Sandboxed: a template from anyone cannot reach Python internals (``''.__class__.__mro__``),
    or call unsafe methods; undefined variables are errors, not blanks."""
    return SandboxedEnvironment(autoescape=True, undefined=jinja2.StrictUndefined)


@dataclass
class _Part:
    name: str  # zip entry, e.g. word/document.xml
    label: str  # for messages: body, header1.xml, ...
    source: str  # Jinja source (docxtpl-patched XML)
    template: jinja2.Template
    prefix: str = ""
    suffix: str = ""


def _unsupported_features(docx_bytes: bytes, body_source: str) -> list[str]:
    reasons = []
    if re.search(r"\{%-?\s*tc\b", body_source):
        reasons.append("table column loops ({%tc %})")
    if "wp:docPr" in body_source or "<w:drawing" in body_source:
        reasons.append("images")
    with zipfile.ZipFile(io.BytesIO(docx_bytes)) as zf:
        for name in zf.namelist():
            if name in ("docProps/core.xml", "word/footnotes.xml") and _TAG.search(
                zf.read(name).decode("utf-8", "replace")
            ):
                reasons.append(f"template tags in {name}")
    return reasons


def _render_error(template_name: str, part: _Part, exc: Exception) -> TemplateError:
    line = None
    tb = exc.__traceback__
    while tb is not None:
        if tb.tb_frame.f_code.co_filename == "<template>":
            line = tb.tb_lineno
        tb = tb.tb_next
    line = line or getattr(exc, "lineno", None)
    where = part.label
    if line:
        # docxtpl puts each paragraph on its own line: the line is the paragraph
        text = re.sub(
            r"<[^>]+>", "", part.source.splitlines()[line - 1] if line <= len(part.source.splitlines()) else ""
        )
        where += f", paragraph {line - 1}: {text.strip()[:80]!r}"
    kind = "undefined variable" if isinstance(exc, jinja2.UndefinedError) else "template error"
    message = exc.message if isinstance(exc, jinja2.TemplateError) and exc.message else str(exc)
    return TemplateError(f"{template_name}: {kind}: {message} (in {where})")


class CompiledTemplate:
    """One .docx template, prepared once, rendered many times."""

    def __init__(
        self, path: Path, env: jinja2.Environment | None = None, name: str | None = None, raw: bytes | None = None
    ):
        self.path = path
        self.name = name or path.name
        self.env = env or make_environment()
        raw = path.read_bytes() if raw is None else raw
        tpl = DocxTemplate(io.BytesIO(raw))
        tpl.init_docx()
        body = tpl.get_xml()
        self.fallback_reasons = _unsupported_features(raw, body)
        self._raw = raw
        self.tags = template_tags(raw)
        if self.fallback_reasons:
            return
        try:
            self.parts = [self._document_part(tpl, raw, body)] + list(self._header_footer_parts(tpl))
        except jinja2.TemplateSyntaxError as exc:
            raise TemplateError(f"{self.name}: template syntax error: {exc.message} (line {exc.lineno})") from None
        rendered = {p.name for p in self.parts}
        self._base = ZipBase(self._base_archive(raw, rendered))

    @property
    def fast(self) -> bool:
        return not self.fallback_reasons

    def _compile(self, tpl: DocxTemplate, xml: str) -> tuple[str, jinja2.Template]:
        source = re.sub(r"<w:p([ >])", r"\n<w:p\1", tpl.patch_xml(xml))
        return source, self.env.from_string(source)

    def _document_part(self, tpl: DocxTemplate, raw: bytes, body: str) -> _Part:
        with zipfile.ZipFile(io.BytesIO(raw)) as zf:
            name = next(n for n in zf.namelist() if n.lower() in ("word/document.xml", "word/document2.xml"))
            original = zf.read(name).decode("utf-8")
        start = re.search(r"<w:body[ >]", original)
        end = original.rfind("</w:body>")
        if not start or end < 0:
            raise TemplateError(f"{self.name}: the document has no body")
        source, template = self._compile(tpl, body)
        return _Part(
            name, "body", source, template, prefix=original[: start.start()], suffix=original[end + len("</w:body>") :]
        )

    def _header_footer_parts(self, tpl: DocxTemplate):
        for uri in (HEADER_URI, FOOTER_URI):
            for _key, part in tpl.get_headers_footers(uri):
                xml = tpl.get_part_xml(part)
                if not _TAG.search(xml):
                    continue  # nothing to render: the base archive keeps it as it is
                source, template = self._compile(tpl, xml)
                name = str(part.partname).lstrip("/")
                yield _Part(name, name.rsplit("/", 1)[-1], source, template, prefix=XML_DECLARATION)

    @staticmethod
    def _base_archive(raw: bytes, rendered: set[str]) -> bytes:
        """Every part that does not change, compressed once."""
        out = io.BytesIO()
        with zipfile.ZipFile(io.BytesIO(raw)) as zin, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zout:
            for info in zin.infolist():
                if info.filename not in rendered:
                    zout.writestr(info.filename, zin.read(info.filename), compress_type=zipfile.ZIP_DEFLATED)
        return out.getvalue()

    def render_xml(self, context: dict) -> dict[str, str]:
        """The rendered XML of every changing part, keyed by zip entry."""
        result = {}
        for part in self.parts:
            try:
                xml = part.template.render(context)
            except jinja2.TemplateError as exc:
                raise _render_error(self.name, part, exc) from None
            # docxtpl's post-render steps, in its order
            xml = re.sub(r"\n<w:p([ >])", r"<w:p\1", xml)
            xml = xml.replace("{_{", "{{").replace("}_}", "}}").replace("{_%", "{%").replace("%_}", "%}")
            if any(c in xml for c in _LISTING_CHARS):
                xml = DocxTemplate.resolve_listing(None, xml)
            result[part.name] = part.prefix + xml + part.suffix
        return result

    def render(self, context: dict) -> bytes:
        return self.render_with_body(context)[0]

    def render_with_body(self, context: dict) -> tuple[bytes, bytes | None]:
        """The document, and its body's XML as rendered (None on docxtpl's path), so that it can
        be checked without opening the finished file again."""
        if not self.fast:
            return render_with_docxtpl(self._raw, context, self.env, self.name), None
        parts = {name: xml.encode("utf-8") for name, xml in self.render_xml(context).items()}
        return self._base.with_entries(list(parts.items())), parts.get("word/document.xml")


def render_with_docxtpl(raw: bytes, context: dict, env: jinja2.Environment, name: str) -> bytes:
    """The reference path: a fresh DocxTemplate per document."""
    doc = DocxTemplate(io.BytesIO(raw))
    try:
        doc.render(context, jinja_env=env, autoescape=True)
    except jinja2.TemplateError as exc:
        context_lines = " / ".join(x.strip() for x in getattr(exc, "docx_context", []) if x.strip())[:120]
        raise TemplateError(
            f"{name}: {'undefined variable' if isinstance(exc, jinja2.UndefinedError) else 'template error'}: "
            f"{exc.message or exc} (near {context_lines!r})"
        ) from None
    buffer = io.BytesIO()
    doc.save(buffer)
    return buffer.getvalue()


class TemplateCache:
    """Compiles each template once per process; reports a fallback to docxtpl once."""

    def __init__(self, env_factory: Callable[[], jinja2.Environment] = make_environment):
        self._env = env_factory()
        self._compiled: dict[Path, CompiledTemplate] = {}

    def cached(self, path: Path) -> CompiledTemplate | None:
        return self._compiled.get(path)

    def get(self, path: Path, prepare: Callable[[bytes], bytes] | None = None) -> CompiledTemplate:
        """The compiled template; ``prepare`` changes the file's bytes first (once, like the compiling)."""
        compiled = self._compiled.get(path)
        if compiled is None:
            raw = path.read_bytes()
            compiled = CompiledTemplate(path, self._env, raw=prepare(raw) if prepare else raw)
            if not compiled.fast:
                log.warning(
                    "%s uses %s: rendered with docxtpl (slower)", path.name, ", ".join(compiled.fallback_reasons)
                )
            self._compiled[path] = compiled
        return compiled
