"""PDF forms with their field maps, read from a folder: ``<name>.pdf`` beside ``<name>.yaml``."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path

import yaml

from ..domain.fieldmap import FieldMap, FieldMapError
from .pdf_unicode_text import FontSet
from .pdfforms import SHARED_FONTS, CompiledForm, FormError, FormField


def load_field_map(path: Path) -> FieldMap:
    if not path.is_file():
        raise FieldMapError(f"{path}: field map not found")
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        raise FieldMapError(f"{path}: not valid YAML ({exc})") from None
    return FieldMap.from_dict(raw, str(path))


def check_map_against_form(field_map: FieldMap, fields: dict[str, FormField], form_name: str) -> None:
    missing = sorted(field_map.field_names() - set(fields))
    if missing:
        raise FieldMapError(
            f"{field_map.source}: field(s) {', '.join(map(repr, missing))} not in {form_name} "
            f"(run `examdesk forms inspect {form_name}` to list its fields)"
        )


class FormLibrary:
    """A district's fillable forms, each compiled on first use."""

    def __init__(self, directory: Path, format_date: Callable[[date], str], fonts: FontSet = SHARED_FONTS):
        self.directory = directory
        self.format_date = format_date
        self.fonts = fonts
        self._compiled: dict[str, tuple[FieldMap, CompiledForm]] = {}

    def names(self) -> list[str]:
        return sorted(p.stem for p in self.directory.glob("*.yaml") if (self.directory / f"{p.stem}.pdf").is_file())

    def form(self, name: str) -> tuple[FieldMap, CompiledForm]:
        if name not in self._compiled:
            field_map = load_field_map(self.directory / f"{name}.yaml")
            pdf = self.directory / field_map.form
            if not pdf.is_file():
                raise FormError(f"{field_map.source}: form {pdf} not found")
            compiled = CompiledForm(pdf.read_bytes(), pdf.name, self.fonts)
            check_map_against_form(field_map, compiled.fields, pdf.name)
            self._compiled[name] = (field_map, compiled)
        return self._compiled[name]

    def render(
        self, name: str, context: dict, document_id: str, row: str = "", notes: list[str] | None = None
    ) -> bytes:
        field_map, compiled = self.form(name)
        return compiled.fill(field_map.values(context, row, self.format_date, document_id), row, notes)
