"""Email subjects and bodies from the Jinja templates in templates/email/.

Each message has a plain-text body (``<name>.<language>.txt``, first line ``Subject: ...``) and
an HTML body: ``<name>.<language>.html`` when a district writes one, otherwise the text body set
in ``layout.html`` (paragraphs and lists), so every language gets HTML without a second copy of
its wording.
"""

from __future__ import annotations

import re
from pathlib import Path

import jinja2
from babel.dates import format_date
from jinja2.sandbox import SandboxedEnvironment
from markupsafe import Markup, escape

from ..domain.languages import LOCALES
from ..errors import TemplateError


class EmailTemplates:
    def __init__(self, directory: Path):
        self.directory = directory
        # sandboxed (a district's template cannot reach Python internals); plain text: no HTML
        # escaping; undefined variables are errors, not blanks
        self._env = SandboxedEnvironment(
            loader=jinja2.FileSystemLoader(directory),
            autoescape=False,
            undefined=jinja2.StrictUndefined,
            keep_trailing_newline=True,
        )
        self._html = SandboxedEnvironment(
            loader=jinja2.FileSystemLoader(directory), autoescape=True, undefined=jinja2.StrictUndefined
        )
        self._html.filters["linkify"] = linkify
        # looked up once per process: a month run renders thousands of messages from a few templates
        self._files: dict[str, bool] = {}
        self._month_names: dict[tuple[object, str], str] = {}

    def _exists(self, filename: str) -> bool:
        if filename not in self._files:
            self._files[filename] = (self.directory / filename).is_file()
        return self._files[filename]

    def _month_name(self, month: object, lang: str) -> str:
        key = (month, lang)
        if key not in self._month_names:
            name = format_date(month, "LLLL", locale=LOCALES.get(lang, "en_US")).capitalize()  # type: ignore[arg-type]
            self._month_names[key] = name
        return self._month_names[key]

    def render(self, name: str, language: str, context: dict) -> tuple[str, str, str | None]:
        """Return (subject, text body, HTML body or None) for <name> in ``language`` (English fallback)."""
        for lang in (language, "en"):
            if self._exists(f"{name}.{lang}.txt"):
                break
        month = context.get("month_date")
        ctx = dict(context)
        if month is not None:
            ctx["month_name"] = self._month_name(month, lang)
        try:
            text = self._env.get_template(f"{name}.{lang}.txt").render(ctx)
        except jinja2.TemplateNotFound:
            raise TemplateError(f"{self.directory / f'{name}.{lang}.txt'}: email template not found") from None
        except jinja2.TemplateError as exc:  # an undefined variable, an unsafe access refused by the sandbox
            raise TemplateError(f"email template {name}.{lang}.txt: {exc}") from None
        first, _, body = text.partition("\n")
        if not first.lower().startswith("subject:"):
            raise TemplateError(f"email template {name}.{lang}.txt: the first line must be 'Subject: ...'")
        subject, body = first.split(":", 1)[1].strip(), body.lstrip("\n")
        return subject, body, self._render_html(name, lang, ctx, subject, body)

    def _render_html(self, name: str, lang: str, ctx: dict, subject: str, body: str) -> str | None:
        own = f"{name}.{lang}.html"
        try:
            if self._exists(own):
                return self._html.get_template(own).render(ctx, subject=subject)
            if self._exists("layout.html"):
                return self._html.get_template("layout.html").render(
                    subject=subject, blocks=text_blocks(body), language=lang
                )
        except jinja2.TemplateError as exc:
            raise TemplateError(f"email template {own}: {exc}") from None
        return None


def text_blocks(body: str) -> list[dict]:
    """The plain-text body as paragraphs and bulleted lists, for the HTML layout.

    A line starting with "- " or "* " opens a list item; deeper-indented lines below it continue
    that item (one bullet per item, not per line); any other line is paragraph text.
    """
    blocks: list[dict] = []
    for number, chunk in enumerate(body.strip().split("\n\n")):
        for line in (line.rstrip() for line in chunk.splitlines()):
            text = line.strip()
            if not text:
                continue
            last = blocks[-1] if blocks and blocks[-1]["chunk"] == number else None
            if text[:2] in ("- ", "* "):
                if last is None or last["kind"] != "list":
                    last = {"kind": "list", "items": [], "chunk": number}
                    blocks.append(last)
                last["items"].append([text[2:]])
            elif last is not None and last["kind"] == "list" and line.startswith("    "):
                last["items"][-1].append(text)
            else:
                if last is None or last["kind"] != "para":
                    last = {"kind": "para", "lines": [], "chunk": number}
                    blocks.append(last)
                last["lines"].append(text)
    for block in blocks:
        del block["chunk"]
    return blocks


_URL = re.compile(r"https?://[^\s<>\"']+")


def linkify(text: str) -> Markup:
    """Text for HTML, escaped, with each web address made a link (personal links in emails)."""
    out, last = [], 0
    for match in _URL.finditer(text):
        url = match.group(0).rstrip(".,;:)")
        out.append(escape(text[last : match.start()]))
        out.append(Markup('<a href="{0}">{0}</a>').format(url))
        last = match.start() + len(url)
    out.append(escape(text[last:]))
    return Markup("").join(out)
