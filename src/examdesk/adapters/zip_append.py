"""A zip archive made of a fixed base plus a few new entries, without reopening the base.

``zipfile.ZipFile(..., "a")`` rereads the base's central directory and rewrites it for every
document; a month writes thousands of documents from one base. Here the base's entries and
its central directory are kept as bytes, and each document adds its own entries (deflated,
as ``zipfile`` writes them) and the directory's records for them. The archives read back in
``zipfile`` (CRCs checked), python-docx, Word and LibreOffice as the ``"a"`` mode's do.
Plain zip only: no ZIP64 (a Word document's parts are far below 4 GB), no comment.
"""

from __future__ import annotations

import io
import struct
import time
import zipfile
import zlib

_LOCAL = struct.Struct("<4s2B4HL2L2H")
_CENTRAL = struct.Struct("<4s4B4HL2L5H2L")
_END = struct.Struct("<4s4H2LH")
_VERSION = 20  # 2.0: deflate
_UNIX = 3  # "made by" system, as zipfile writes on Unix
_DEFLATED = zipfile.ZIP_DEFLATED
_MODE = 0o600 << 16  # the external attributes zipfile gives writestr's entries


def _dos_time(moment: time.struct_time) -> tuple[int, int]:
    dos_date = (moment.tm_year - 1980) << 9 | moment.tm_mon << 5 | moment.tm_mday
    dos_time = moment.tm_hour << 11 | moment.tm_min << 5 | moment.tm_sec // 2
    return dos_time, dos_date


class ZipBase:
    """``base``: a zip archive (no comment, no ZIP64) holding every part that never changes."""

    def __init__(self, base: bytes, level: int = zlib.Z_DEFAULT_COMPRESSION):
        with zipfile.ZipFile(io.BytesIO(base)) as zf:
            count = len(zf.infolist())
        end = _END.unpack(base[-_END.size :])
        if end[0] != b"PK\x05\x06" or end[7] != 0:
            raise ValueError("the base archive must end with a plain end-of-directory record and no comment")
        cd_size, cd_offset = end[5], end[6]
        self._entries = base[:cd_offset]
        self._directory = base[cd_offset : cd_offset + cd_size]
        self._count = count
        self._level = level
        self._time, self._date = _dos_time(time.localtime())

    def with_entries(self, entries: list[tuple[str, bytes]]) -> bytes:
        """The base with ``entries`` (zip name, uncompressed content) added after its own."""
        out = [self._entries]
        directory = [self._directory]
        offset = len(self._entries)
        for name, content in entries:
            packer = zlib.compressobj(self._level, zlib.DEFLATED, -15)
            data = packer.compress(content) + packer.flush()
            encoded = name.encode("utf-8")
            flags = 0 if name.isascii() else 0x800  # UTF-8 names are flagged, as zipfile does
            crc = zlib.crc32(content)
            fields = (_DEFLATED, self._time, self._date, crc, len(data), len(content), len(encoded))
            out += [_LOCAL.pack(b"PK\x03\x04", _VERSION, 0, flags, *fields, 0), encoded, data]
            directory += [
                _CENTRAL.pack(b"PK\x01\x02", _VERSION, _UNIX, _VERSION, 0, flags, *fields, 0, 0, 0, 0, _MODE, offset),
                encoded,
            ]
            offset += _LOCAL.size + len(encoded) + len(data)
        central = b"".join(directory)
        count = self._count + len(entries)
        out += [central, _END.pack(b"PK\x05\x06", 0, 0, count, count, len(central), offset, 0)]
        return b"".join(out)
