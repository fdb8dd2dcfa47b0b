"""PDF forms for the year and for `examdesk forms`: field maps, filling, inspecting."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import yaml

from ..adapters.pdfforms import CompiledForm, FormError, FormField, flatten, inspect_form, merge, protect
from ..domain.fieldmap import FieldMap, FieldMapError
from ..progress import track
from .bootstrap import make_private_dir
from .mailmerge import MergeInputError, load_records, output_stem


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
    """examdesk's own forms (forms/<name>.pdf with forms/<name>.yaml), compiled on first use."""

    def __init__(self, directory: Path, format_date: Callable[[date], str]):
        self.directory = directory
        self.format_date = format_date
        self._compiled: dict[str, tuple[FieldMap, CompiledForm]] = {}

    def names(self) -> list[str]:
        return sorted(p.stem for p in self.directory.glob("*.yaml") if (self.directory / f"{p.stem}.pdf").is_file())

    def form(self, name: str) -> tuple[FieldMap, CompiledForm]:
        if name not in self._compiled:
            field_map = load_field_map(self.directory / f"{name}.yaml")
            pdf = self.directory / field_map.form
            if not pdf.is_file():
                raise FormError(f"{field_map.source}: form {pdf} not found")
            compiled = CompiledForm(pdf.read_bytes(), pdf.name)
            check_map_against_form(field_map, compiled.fields, pdf.name)
            self._compiled[name] = (field_map, compiled)
        return self._compiled[name]

    def render(self, name: str, context: dict, document_id: str, row: str = "") -> bytes:
        field_map, compiled = self.form(name)
        return compiled.fill(field_map.values(context, row, self.format_date, document_id), row)


def starter_map(form_path: Path, fields: list[FormField]) -> dict:
    """A field map to edit: every fillable field mapped to a column named after it."""
    mapping = {}
    for f in fields:
        if f.kind in ("button", "signature", "unknown"):
            continue
        column = "".join(c if c.isalnum() else "_" for c in f.name.lower()).strip("_") or "value"
        mapping[f.name] = f'row["{column}"]'
    return {"form": form_path.name, "title": form_path.stem.replace("_", " "), "fields": mapping}


def describe(fields: list[FormField]) -> list[dict]:
    return [
        {
            "name": f.name,
            "type": f.kind,
            "page": f.page,
            "options": " | ".join(f.options),
            "value": f.value,
            "flags": ", ".join(
                flag
                for flag, on in (("multiline", f.multiline), ("read-only", f.read_only), ("hidden", f.hidden))
                if on
            ),
        }
        for f in fields
    ]


def inspect(form_path: Path) -> list[FormField]:
    if not form_path.is_file():
        raise FormError(f"{form_path}: form not found")
    return inspect_form(form_path.read_bytes(), form_path.name)


@dataclass
class FillResult:
    written: list[Path] = field(default_factory=list)
    packet: Path | None = None
    problems: list[str] = field(default_factory=list)


def fill_many(
    form_path: Path,
    data: Path,
    map_path: Path,
    out_dir: Path,
    format_date: Callable[[date], str],
    *,
    flatten_copies: bool = False,
    packet: Path | None = None,
    password: str | None = None,
    name_field: str | None = None,
) -> FillResult:
    """One filled copy per record; a record that cannot be filled is reported and the rest go on."""
    if not form_path.is_file():
        raise FormError(f"{form_path}: form not found")
    field_map = load_field_map(map_path)
    compiled = CompiledForm(form_path.read_bytes(), form_path.name)
    check_map_against_form(field_map, compiled.fields, form_path.name)
    try:
        records = load_records(data)
    except MergeInputError as exc:
        raise FormError(str(exc)) from None
    make_private_dir(out_dir)
    result = FillResult()
    used: set[str] = set()
    copies: list[tuple[str, bytes]] = []
    for index, (label, record) in enumerate(track(records, f"filling {len(records)} form(s)"), start=1):
        where = f"{data.name}, {label}"
        try:
            content = compiled.fill(field_map.values(record, where, format_date), where)
        except (FormError, FieldMapError) as exc:
            result.problems.append(str(exc))
            continue
        name = output_stem(record, label, name_field, f"{form_path.stem}_{index:05d}", used, data.name, result.problems)
        if packet is not None:
            copies.append((f"copy-{index:05d}", content))
        if flatten_copies:
            content = flatten(content, f"{form_path.name}, {label}")
        if password:
            content = protect(content, password, form_path.name)
        path = out_dir / f"{name}.pdf"
        path.write_bytes(content)
        result.written.append(path)
    if packet is not None and copies:
        content = merge(copies, packet.name)
        if flatten_copies:
            content = flatten(content, packet.name)
        if password:
            content = protect(content, password, packet.name)
        make_private_dir(packet.parent)
        packet.write_bytes(content)
        result.packet = packet
    return result
