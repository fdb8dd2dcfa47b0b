"""`examdesk init`: a starter district that `examdesk validate` accepts, to be filled in."""

from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path

from ...adapters.pdf_signing import create_signing_identity
from ...domain.calendar import SchoolYear
from ...domain.tables import TABLES
from ...errors import ConfigurationError
from ...resources import folder
from ...settings import DataFiles


def init_district(target: Path, *, name: str, with_templates: bool = False, today: date | None = None) -> list[Path]:
    """Write config/district.yaml, config/checklist.yaml and data/<table>.csv (headers only) under
    ``target``; with ``with_templates``, also templates/ and forms/ to edit. Returns what was written."""
    if target.exists() and any(target.iterdir()):
        raise ConfigurationError(f"{target}: not empty; examdesk init writes a new district into an empty folder")
    shipped = folder("config")
    year = SchoolYear.containing(today or date.today())
    config_dir, data_dir = target / "config", target / "data"
    config_dir.mkdir(parents=True)
    data_dir.mkdir()
    district = config_dir / "district.yaml"
    text = (shipped / "district.starter.yaml").read_text(encoding="utf-8")
    safe_name = name.replace("\\", "\\\\").replace('"', '\\"')
    district.write_text(
        text.format(
            name=safe_name,
            school_year=year.label,
            first_day=date(year.start_year, 8, 15).isoformat(),
            last_day=date(year.start_year + 1, 6, 5).isoformat(),
            config=district,
        ),
        encoding="utf-8",
    )
    # the district's key and self-signed certificate, which sign certificates of completion
    key, certificate = config_dir / "signing" / "district-key.pem", config_dir / "signing" / "district-certificate.pem"
    create_signing_identity(key, certificate, name)
    written = [district, config_dir / "checklist.yaml", key, certificate]
    shutil.copy(shipped / "checklist.yaml", written[1])
    defaults = DataFiles()
    for spec in TABLES.values():
        if getattr(defaults, spec.name) is None:  # an exam centre's series: not a district's starter table
            continue
        path = data_dir / f"{spec.name}.csv"
        path.write_text(",".join(c.name for c in spec.columns) + "\n", encoding="utf-8")
        written.append(path)
    if with_templates:
        for name_ in ("templates", "forms"):
            shutil.copytree(folder(name_), target / name_, ignore=shutil.ignore_patterns("*.py", "__pycache__"))
            written.append(target / name_)
        with district.open("a", encoding="utf-8") as fh:
            fh.write("templates: ../templates\nforms:\n  directory: ../forms\n")
    return written
