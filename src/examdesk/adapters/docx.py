"""Word templates in templates/letters/<name>.<language>.docx, rendered by the fast engine."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from ..errors import TemplateError
from .docx_properties import stamp
from .docx_slim import slim
from .fastdocx import CompiledTemplate, TemplateCache


class TemplateLibrary:
    """``author`` and ``created`` go into every document's properties, with its language."""

    def __init__(self, letters_dir: Path, author: str = "", created: datetime | None = None):
        self.letters_dir = letters_dir
        self.author = author
        self.created = created or datetime.now(UTC)
        self._cache = TemplateCache()

    def languages(self, name: str) -> set[str]:
        return {p.name[len(name) + 1 : -len(".docx")] for p in self.letters_dir.glob(f"{name}.*.docx")}

    def path(self, name: str, language: str) -> Path:
        return self.letters_dir / f"{name}.{language}.docx"

    def load(self, name: str, language: str) -> CompiledTemplate:
        """The template, compiled once (a missing or broken template is a TemplateError)."""
        path = self.path(name, language)
        compiled = self._cache.cached(path)
        if compiled is not None:
            return compiled
        if not path.is_file():
            raise TemplateError(f"{path}: template not found")
        return self._cache.get(path, lambda raw: stamp(slim(raw), language, self.author, self.created))

    def render(self, name: str, language: str, context: dict) -> bytes:
        return self.load(name, language).render(context)
