"""Wording in every shipped language, kept in gettext catalogues a district can edit
(``templates/locale/<language>.po``, read with Babel; no compile step): test names, supports and
accommodations, achievement levels, document titles. English is the message id itself."""

from __future__ import annotations

from collections.abc import Callable
from functools import cache
from pathlib import Path

from babel.messages.pofile import read_po

from ..errors import TemplateError


class Catalogues:
    def __init__(self, directory: Path):
        self.directory = directory
        self._by_language: dict[str, dict[str, str]] = {}

    @property
    def languages(self) -> set[str]:
        return {p.stem for p in self.directory.glob("*.po")} | {"en"}

    def translator(self, language: str) -> Callable[[str], str]:
        """text -> its translation in ``language`` (the text itself where there is none)."""
        messages = self._messages(language)
        return lambda text: messages.get(text) or text

    def translate(self, language: str, text: str) -> str:
        return self._messages(language).get(text) or text

    def _messages(self, language: str) -> dict[str, str]:
        found = self._by_language.get(language)
        if found is None:  # each catalogue is read once per process
            found = self._by_language[language] = _messages(self.directory / f"{language}.po")
        return found


@cache
def _messages(path: Path) -> dict[str, str]:
    if not path.is_file():
        return {}
    try:
        with path.open("rb") as fh:
            catalog = read_po(fh, abort_invalid=True)
    except Exception as exc:  # Babel raises its own PoFileError and plain ValueErrors
        raise TemplateError(f"{path}: not a readable gettext catalogue ({exc})") from None
    return {str(m.id): str(m.string) for m in catalog if m.id and m.string and not m.fuzzy}
