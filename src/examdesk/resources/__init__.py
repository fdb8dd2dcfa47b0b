"""Files shipped with examdesk (importlib.resources): Word and email templates with their samples
(``templates``), fillable PDF forms with their field maps (``forms``), and the default checklist and
a starter district (``config``). In a checkout these are the top-level folders of the same names."""

from __future__ import annotations

from importlib.resources import as_file, files
from pathlib import Path


def folder(name: str) -> Path:
    """The shipped folder ``templates``, ``forms`` or ``config`` as a path on disk."""
    resource = files(f"examdesk.resources.{name}")
    with as_file(resource) as path:  # a real folder for an installed wheel or a checkout
        return Path(path)
