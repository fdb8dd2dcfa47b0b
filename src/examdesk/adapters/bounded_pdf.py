"""Reading a PDF that came from outside (a returned form, an upload) within bounded time and memory.

Each file is parsed in a child process (forkserver: forked from a clean, preloaded server, so it
starts in milliseconds and shares nothing with the caller's open database connection) whose
address space is capped; the parent waits at most a set time, then kills it. A crafted file (a
field tree with a /Parent loop, 100,000 levels of nesting, a compression bomb) therefore costs at
most those bounds and yields an "unreadable: why" for that file alone.
"""

from __future__ import annotations

import logging
import multiprocessing
from dataclasses import dataclass
from pathlib import Path

from .pdfforms import FormError, read_values

MAX_VALUE_CHARS = 2000  # a returned value longer than this is cut: examdesk reads names, emails and dates


@dataclass(frozen=True)
class ReadLimits:
    max_bytes: int = 20 * 1_000_000
    seconds: float = 20.0
    memory_bytes: int = 1024 * 1024 * 1024


def _context():
    methods = multiprocessing.get_all_start_methods()
    context = multiprocessing.get_context("forkserver" if "forkserver" in methods else "spawn")
    if "forkserver" in methods:
        context.set_forkserver_preload(["examdesk.adapters.pdfforms"])
    return context


def _read_in_child(connection, path: str, memory_bytes: int) -> None:
    logging.getLogger("pypdf").setLevel(logging.ERROR)  # its warnings about a broken file are our message
    try:
        import resource

        resource.setrlimit(resource.RLIMIT_AS, (memory_bytes, memory_bytes))
    except (ImportError, ValueError, OSError):  # no such limit on this system: time still bounds it
        pass
    try:
        data = Path(path).read_bytes()
        values = read_values(data, Path(path).name)
        connection.send(("ok", {k: v[:MAX_VALUE_CHARS] for k, v in values.items()}))
    except FormError as exc:
        connection.send(("error", str(exc)))
    except MemoryError:
        connection.send(("error", f"{Path(path).name}: reading it needs more memory than a returned form may use"))
    except RecursionError:
        connection.send(("error", f"{Path(path).name}: its objects are nested too deeply to be a form"))
    except Exception as exc:  # a malformed file can break the parser in many ways
        connection.send(("error", f"{Path(path).name}: not a readable PDF ({type(exc).__name__}: {exc})"[:500]))
    finally:
        connection.close()


def read_values_bounded(path: Path, limits: ReadLimits) -> dict[str, str]:
    """The field values of a PDF from outside, or FormError saying why it cannot be read."""
    size = path.stat().st_size
    if size > limits.max_bytes:
        raise FormError(
            f"{path.name}: {size / 1e6:.1f} MB, more than a returned form may be "
            f"({limits.max_bytes / 1e6:.0f} MB, setting forms.returned_max_mb)"
        )
    context = _context()
    receiver, sender = context.Pipe(duplex=False)
    child = context.Process(target=_read_in_child, args=(sender, str(path), limits.memory_bytes), daemon=True)
    child.start()
    sender.close()
    try:
        if not receiver.poll(limits.seconds):
            raise FormError(
                f"{path.name}: reading it took longer than {limits.seconds:g} s (setting forms.returned_seconds)"
            )
        try:
            outcome, payload = receiver.recv()
        except EOFError:
            child.join(5)
            raise FormError(
                f"{path.name}: the reader stopped (exit code {child.exitcode}); not a readable PDF"
            ) from None
    finally:
        receiver.close()
        if child.is_alive():
            child.kill()
        child.join(5)
    if outcome != "ok":
        raise FormError(payload)
    return payload


def limits_from(max_mb: float, seconds: float, memory_mb: int) -> ReadLimits:
    return ReadLimits(int(max_mb * 1_000_000), seconds, memory_mb * 1024 * 1024)
