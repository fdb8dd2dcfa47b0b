"""`examdesk forms`: inspect any fillable PDF and fill it from a table."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from ...adapters.files import make_private_dir
from ...adapters.form_library import check_map_against_form, load_field_map
from ...adapters.pdfforms import CompiledForm, FormError, FormField, flatten, inspect_form, merge, protect
from ...domain.fieldmap import FieldMapError
from ...progress import track
from .mailmerge import load_records, output_stem


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
    records = load_records(data)
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
