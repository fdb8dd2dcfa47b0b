"""Files written whole or not at all: two runs of one month may write the same file at once."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path


def write_atomic(path: Path, content: bytes) -> None:
    """Readers see the old file or the new one, never a half-written one: a file that exists is
    replaced through a private temp file and a rename. A new file is created in place (a third of
    the cost): nobody reads it before the ledger records it, and a run killed halfway leaves a
    file the next run replaces whole."""
    try:
        fd = os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY | getattr(os, "O_CLOEXEC", 0), 0o600)
    except FileExistsError:
        pass
    else:
        with os.fdopen(fd, "wb") as fh:
            fh.write(content)
        return
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(content)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def make_private_dir(path: Path) -> Path:
    """Folders that hold student data are readable by their owner only: the folder and every folder
    it creates on the way (``mkdir(parents=True)`` would leave those open to everyone)."""
    missing = []
    node = path
    while not node.exists():
        missing.append(node)
        node = node.parent
    for folder in reversed(missing):
        folder.mkdir(mode=0o700, exist_ok=True)
        os.chmod(folder, 0o700)
    os.chmod(path, 0o700)
    return path


def make_private_file(path: Path) -> Path:
    """An (empty) file only its owner can read, created before a library writes into it."""
    make_private_dir(path.parent)
    os.close(os.open(path, os.O_CREAT | os.O_WRONLY, 0o600))
    os.chmod(path, 0o600)
    return path
