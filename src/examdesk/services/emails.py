"""Email subjects and bodies from the Jinja text templates in templates/email/."""

from __future__ import annotations

from pathlib import Path

import jinja2
from babel.dates import format_date

from ..domain.languages import LOCALES


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

    def render(self, name: str, language: str, context: dict) -> tuple[str, str]:
        """Return (subject, body) for templates/email/<name>.<language>.txt (English fallback)."""
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
            raise FileNotFoundError(f"{self.directory / f'{name}.{lang}.txt'}: email template not found") from None
        except jinja2.UndefinedError as exc:
            raise ValueError(f"email template {name}.{lang}.txt: {exc}") from None
        first, _, body = text.partition("\n")
        if not first.lower().startswith("subject:"):
            raise ValueError(f"email template {name}.{lang}.txt: the first line must be 'Subject: ...'")
        return first.split(":", 1)[1].strip(), body.lstrip("\n")
