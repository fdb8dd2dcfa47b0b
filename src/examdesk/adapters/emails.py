"""Email subjects and bodies from the Jinja templates in templates/email/.

Each message has a plain-text body (``<name>.<language>.txt``, first line ``Subject: ...``) and
an HTML body: ``<name>.<language>.html`` when a district writes one, otherwise the text body set
in ``layout.html`` (paragraphs and lists), so every language gets HTML without a second copy of
its wording.
"""

from __future__ import annotations

from pathlib import Path

import jinja2
from babel.dates import format_date

from ..domain.languages import LOCALES
from ..errors import TemplateError


class EmailTemplates:
    def __init__(self, directory: Path):
        self.directory = directory
        # plain text: no HTML escaping; undefined variables are errors, not blanks
        self._env = jinja2.Environment(
            loader=jinja2.FileSystemLoader(directory),
            autoescape=False,
            undefined=jinja2.StrictUndefined,
            keep_trailing_newline=True,
        )
        self._html = jinja2.Environment(
            loader=jinja2.FileSystemLoader(directory), autoescape=True, undefined=jinja2.StrictUndefined
        )

    def render(self, name: str, language: str, context: dict) -> tuple[str, str, str | None]:
        """Return (subject, text body, HTML body or None) for <name> in ``language`` (English fallback)."""
        for lang in (language, "en"):
            if (self.directory / f"{name}.{lang}.txt").is_file():
                break
        month = context.get("month_date")
        ctx = dict(context)
        if month is not None:
            ctx["month_name"] = format_date(month, "LLLL", locale=LOCALES.get(lang, "en_US")).capitalize()
        try:
            text = self._env.get_template(f"{name}.{lang}.txt").render(ctx)
        except jinja2.TemplateNotFound:
            raise TemplateError(f"{self.directory / f'{name}.{lang}.txt'}: email template not found") from None
        except jinja2.UndefinedError as exc:
            raise TemplateError(f"email template {name}.{lang}.txt: {exc}") from None
        first, _, body = text.partition("\n")
        if not first.lower().startswith("subject:"):
            raise TemplateError(f"email template {name}.{lang}.txt: the first line must be 'Subject: ...'")
        subject, body = first.split(":", 1)[1].strip(), body.lstrip("\n")
        return subject, body, self._render_html(name, lang, ctx, subject, body)

    def _render_html(self, name: str, lang: str, ctx: dict, subject: str, body: str) -> str | None:
        own = f"{name}.{lang}.html"
        try:
            if (self.directory / own).is_file():
                return self._html.get_template(own).render(ctx, subject=subject)
            if (self.directory / "layout.html").is_file():
                return self._html.get_template("layout.html").render(
                    subject=subject, blocks=text_blocks(body), language=lang
                )
        except jinja2.UndefinedError as exc:
            raise TemplateError(f"email template {own}: {exc}") from None
        return None


def text_blocks(body: str) -> list[dict]:
    """The plain-text body as paragraphs and bulleted lists, for the HTML layout."""
    blocks: list[dict] = []
    for chunk in body.strip().split("\n\n"):
        lines = [line.rstrip() for line in chunk.splitlines() if line.strip()]
        items = [line.strip()[2:] if line.strip()[:2] in ("- ", "* ") else line.strip() for line in lines]
        bulleted = [line for line in lines if line.strip()[:2] in ("- ", "* ") or line.startswith("  ")]
        if lines and len(bulleted) == len(lines):
            blocks.append({"kind": "list", "lines": items})
        elif lines and len(bulleted) == len(lines) - 1 and lines[0] not in bulleted:
            blocks.append({"kind": "para", "lines": [lines[0].strip()]})
            blocks.append({"kind": "list", "lines": items[1:]})
        elif lines:
            blocks.append({"kind": "para", "lines": [line.strip() for line in lines]})
    return blocks
