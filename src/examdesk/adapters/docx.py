"""Word documents from docxtpl templates: always escaped, undefined variables are errors."""

from __future__ import annotations

import io
from pathlib import Path

import jinja2
from docxtpl import DocxTemplate


class TemplateRenderError(ValueError):
    pass


class TemplateLibrary:
    """Finds templates/letters/<name>.<lang>.docx and renders them with autoescape."""

    def __init__(self, letters_dir: Path):
        self.letters_dir = letters_dir
        self._env = jinja2.Environment(autoescape=True, undefined=jinja2.StrictUndefined)

    def languages(self, name: str) -> set[str]:
        return {p.name[len(name) + 1 : -len(".docx")] for p in self.letters_dir.glob(f"{name}.*.docx")}

    def path(self, name: str, language: str) -> Path:
        return self.letters_dir / f"{name}.{language}.docx"

    def render(self, name: str, language: str, context: dict) -> bytes:
        path = self.path(name, language)
        if not path.is_file():
            raise TemplateRenderError(f"{path}: template not found")
        doc = DocxTemplate(path)
        try:
            doc.render(context, jinja_env=self._env, autoescape=True)
        except jinja2.UndefinedError as exc:
            raise TemplateRenderError(
                f"{path.name}: {exc} (the template uses a variable the data does not provide)"
            ) from None
        except jinja2.TemplateSyntaxError as exc:
            raise TemplateRenderError(f"{path.name}: template syntax error: {exc.message}") from None
        buffer = io.BytesIO()
        doc.save(buffer)
        return buffer.getvalue()
