"""The program profiles file: the one shipped with examdesk (config/programs.yaml), or a district's."""

from __future__ import annotations

from pathlib import Path

import yaml

from .. import resources
from ..domain.programs import ProfileError, parse_profiles


def read_profiles(path: Path | None = None) -> dict[str, dict]:
    path = path or resources.folder("config") / "programs.yaml"
    try:
        raw = yaml.safe_load(Path(path).read_text(encoding="utf-8")) or {}
    except OSError as exc:
        raise ProfileError(f"{path}: cannot read the program profiles ({exc.strerror})") from None
    except yaml.YAMLError as exc:
        raise ProfileError(f"{path}: not valid YAML ({exc})") from None
    return parse_profiles(raw, str(path))
