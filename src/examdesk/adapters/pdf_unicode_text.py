"""Form-field text in any script, drawn with fonts embedded in the PDF.

A form's own font (Helvetica, WinAnsi encoding) has no Vietnamese, Chinese or Arabic letters, and
viewers are free to draw a missing letter as nothing, a box or "?". A value that the form font
cannot draw is therefore shaped here with HarfBuzz (uharfbuzz: ligatures, Arabic joining forms,
mark positions) using the shipped fonts (Noto Sans, Noto Sans Arabic, Droid Sans Fallback for
CJK), each font cut down by fontTools to the glyphs the value uses, and drawn as a Type0 font with
Identity-H encoding and a ToUnicode map, so the text can still be searched and copied.

Only the drawing happens here (no PDF objects): ``draw`` returns the content stream and the font
subsets; ``pdfforms`` turns them into objects of the filled copy.
"""

from __future__ import annotations

import io
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cached_property
from importlib import resources
from pathlib import Path

import uharfbuzz as hb
from fontTools import subset
from fontTools.ttLib import TTFont

from ..errors import ConfigurationError

SHIPPED_FONTS = ("NotoSans-Regular.ttf", "NotoSansArabic-Regular.ttf", "DroidSansFallbackFull.ttf")
RTL_CLASSES = {"R", "AL"}
STRONG_CLASSES = {"L", "R", "AL"}
LEADING = 1.4  # line height as a multiple of the font size (as pypdf uses for multiline fields)
MINIMUM_SIZE = 4.0


def drawable_by_form_font(text: str) -> bool:
    """Whether the standard form fonts (WinAnsi encoding) have every character of ``text``."""
    try:
        text.encode("cp1252")
    except UnicodeEncodeError:
        return False
    return True


class Font:
    """One TrueType font file: HarfBuzz shapes with it, fontTools subsets it."""

    def __init__(self, name: str, data: bytes):
        self.name = name
        self.data = data
        try:
            info = TTFont(io.BytesIO(data), lazy=True)
            if "glyf" not in info:
                raise ValueError("it has no TrueType (glyf) outlines; use a .ttf font")
        except Exception as exc:  # fontTools raises many kinds for a file that is not a font
            raise ConfigurationError(f"font {name}: cannot be used for form fields ({exc})") from None
        self.hb_font = hb.Font(hb.Face(hb.Blob(data)))
        self.characters = frozenset(info.getBestCmap())
        self.units_per_em = info["head"].unitsPerEm
        os2 = info["OS/2"]
        self.cap_height = getattr(os2, "sCapHeight", 0) or round(0.72 * self.units_per_em)
        self.ascent = info["hhea"].ascent
        self.descent = info["hhea"].descent
        head = info["head"]
        self.bbox = (head.xMin, head.yMin, head.xMax, head.yMax)
        self.postscript_name = "".join(c for c in str(info["name"].getDebugName(6) or name) if c.isalnum() or c in "-")
        self._glyph_order = info.getGlyphOrder()
        # Shaping is HarfBuzz's job, so subsets are cut from a copy without the layout and hinting
        # tables: parsing those took most of each subset's time.
        for table in ("GSUB", "GPOS", "GDEF", "fpgm", "prep", "cvt ", "hdmx", "VDMX", "LTSH"):
            if table in info:
                del info[table]
        outlines = io.BytesIO()
        info.save(outlines)
        self._outlines = outlines.getvalue()

    def has(self, char: str) -> bool:
        return ord(char) in self.characters

    def to_pdf_units(self, value: float) -> float:
        return value * 1000 / self.units_per_em

    def subset(self, glyph_ids: set[int]) -> tuple[bytes, dict[int, int], dict[int, int]]:
        """The font cut down to ``glyph_ids``: its bytes, old -> new glyph id, and each new id's
        advance width (PDF glyph space: 1000 per em)."""
        font = TTFont(io.BytesIO(self._outlines))
        options = subset.Options()
        options.notdef_outline = True
        options.layout_features = []  # shaping is done; the subset needs outlines and metrics only
        options.hinting = False
        options.name_IDs = ["*"]  # keep the licence and copyright notices
        options.drop_tables += ["GSUB", "GPOS", "GDEF"]
        subsetter = subset.Subsetter(options)
        subsetter.populate(glyphs=[self._glyph_order[g] for g in sorted(glyph_ids)])
        subsetter.subset(font)
        order = {name: index for index, name in enumerate(font.getGlyphOrder())}
        new_ids = {g: order[self._glyph_order[g]] for g in glyph_ids}
        metrics = font["hmtx"].metrics
        widths = {new: round(self.to_pdf_units(metrics[self._glyph_order[old]][0])) for old, new in new_ids.items()}
        out = io.BytesIO()
        font.save(out)
        return out.getvalue(), new_ids, widths


class FontSet:
    """Fonts tried in order for each character: the first that has it draws it."""

    def __init__(self, paths: Sequence[Path] = ()):
        self._paths = tuple(paths)

    @cached_property
    def fonts(self) -> tuple[Font, ...]:
        found = [Font(path.name, path.read_bytes()) for path in self._paths]
        folder = resources.files("examdesk.adapters").joinpath("fonts")
        found += [Font(Path(name).stem, folder.joinpath(name).read_bytes()) for name in SHIPPED_FONTS]
        return tuple(found)

    def font_for(self, char: str, current: int | None) -> int:
        """The font that draws ``char``: the current one while it can (a space or a punctuation
        mark stays with its run), else the first that has it."""
        if current is not None and self.fonts[current].has(char):
            return current
        for index, font in enumerate(self.fonts):
            if font.has(char):
                return index
        return current if current is not None else 0


def _is_neutral(char: str) -> bool:
    return unicodedata.bidirectional(char) not in STRONG_CLASSES and unicodedata.category(char)[0] != "M"


@dataclass(frozen=True)
class _Glyph:
    font: int
    glyph_id: int
    text: str  # the characters this glyph stands for ("" for a second glyph of one cluster)
    advance: float  # font units
    x_offset: float
    y_offset: float


@dataclass(frozen=True)
class _Run:
    font: int
    text: str
    rtl: bool
    glyphs: tuple[_Glyph, ...]

    def width(self, fonts: Sequence[Font], size: float) -> float:
        unit = fonts[self.font].units_per_em
        return sum(g.advance for g in self.glyphs) * size / unit


@dataclass(frozen=True)
class EmbeddedFont:
    resource: str  # the name the content stream uses, e.g. "/ExdF0"
    base_font: str  # "ABCDEF+NotoSans-Regular": a subset tag and the font's PostScript name
    data: bytes  # the subset TrueType file
    widths: dict[int, int]  # glyph id -> advance (1000 per em)
    to_unicode: bytes  # the ToUnicode CMap
    bbox: tuple[float, float, float, float]
    ascent: float
    descent: float
    cap_height: float


@dataclass(frozen=True)
class DrawnText:
    content: bytes
    fonts: tuple[EmbeddedFont, ...]
    size: float  # the font size used, after fitting


class UnicodeText:
    """Shapes and lays out text in a form field's box."""

    def __init__(self, fonts: FontSet):
        self.fonts = fonts

    def runs(self, line: str) -> list[_Run]:
        """A line cut into runs of one font and one direction, each shaped, in visual order."""
        fonts = self.fonts.fonts
        pieces: list[tuple[int, bool, str]] = []
        current: int | None = None
        for char in line:
            index = self.fonts.font_for(char, current)
            rtl = unicodedata.bidirectional(char) in RTL_CLASSES
            if pieces and pieces[-1][0] == index and (pieces[-1][1] == rtl or _is_neutral(char)):
                pieces[-1] = (index, pieces[-1][1], pieces[-1][2] + char)
            else:
                pieces.append((index, rtl, char))
            current = index
        runs = [_Run(i, text, rtl, self._shape(fonts[i], i, text, rtl)) for i, rtl, text in pieces]
        if _base_is_rtl(line):
            runs.reverse()
        return runs

    @staticmethod
    def _shape(font: Font, index: int, text: str, rtl: bool) -> tuple[_Glyph, ...]:
        buffer = hb.Buffer()
        buffer.add_codepoints([ord(c) for c in text])
        buffer.guess_segment_properties()
        buffer.direction = "rtl" if rtl else "ltr"
        hb.shape(font.hb_font, buffer, {})
        clusters = sorted({info.cluster for info in buffer.glyph_infos})
        end_of = {start: (clusters[i + 1] if i + 1 < len(clusters) else len(text)) for i, start in enumerate(clusters)}
        seen: set[int] = set()
        glyphs = []
        for info, position in zip(buffer.glyph_infos, buffer.glyph_positions, strict=True):
            first = info.cluster not in seen
            seen.add(info.cluster)
            glyphs.append(
                _Glyph(
                    index,
                    info.codepoint,
                    text[info.cluster : end_of[info.cluster]] if first else "",
                    position.x_advance,
                    position.x_offset,
                    position.y_offset,
                )
            )
        return tuple(glyphs)

    def lines(self, text: str, width: float, size: float, multiline: bool) -> list[list[_Run]]:
        if not multiline:
            return [self.runs(" ".join(text.splitlines()))]
        lines: list[list[_Run]] = []
        for paragraph in text.splitlines() or [""]:
            line = ""
            for word in paragraph.split(" "):
                candidate = f"{line} {word}" if line else word
                if line and self._width(self.runs(candidate), size) > width:
                    lines.append(self.runs(line))
                    line = word
                else:
                    line = candidate
            lines.append(self.runs(line))
        return lines

    def _width(self, runs: list[_Run], size: float) -> float:
        return sum(run.width(self.fonts.fonts, size) for run in runs)

    def draw(self, text: str, width: float, height: float, size: float, colour: str, multiline: bool) -> DrawnText:
        """The appearance content for ``text`` in a box of ``width`` x ``height`` points: ``size`` 0
        or a value too wide for the box is fitted (as the form font is), never cut."""
        margin = 1.0
        inner = width - 4 * margin
        fonts = self.fonts.fonts
        if not multiline:
            runs = self.runs(" ".join(text.splitlines()))
            natural = self._width(runs, 1.0) or 1.0
            fitting = inner / natural
            if size == 0:
                size = max(min(height / LEADING, fitting), MINIMUM_SIZE)
            elif size > fitting:
                size = max(fitting, MINIMUM_SIZE)
            lines = [runs]
        else:
            size = size or 12.0
            lines = self.lines(text, inner, size, True)
            while size > MINIMUM_SIZE and len(lines) * size * LEADING > height:
                size = max(size - 0.5, MINIMUM_SIZE)
                lines = self.lines(text, inner, size, True)
        used: dict[int, set[int]] = {}
        for runs in lines:
            for run in runs:
                used.setdefault(run.font, set()).update(g.glyph_id for g in run.glyphs)
        embedded, new_ids = self._embed(lines, used)
        tops = max((fonts[i].to_pdf_units(fonts[i].cap_height) for i in used), default=718)
        if multiline:
            # the first baseline leaves room for stacked marks (Vietnamese "ễ" reaches about 1.1 em)
            top = max((fonts[i].to_pdf_units(fonts[i].ascent) for i in used), default=1000)
            y = height - 2 * margin - max(top, 1100) * size / 1000
        else:
            y = (height - tops * size / 1000) / 2
        ops = [f"/Tx BMC q {2 * margin} {margin} {width - 4 * margin:.3f} {height - 2 * margin:.3f} re W n BT {colour}"]
        for number, runs in enumerate(lines):
            x = 2 * margin
            for run in runs:
                ops.append(self._show(run, new_ids[run.font], size, x, y - number * size * LEADING, embedded))
                x += run.width(fonts, size)
        ops.append("ET Q EMC")
        return DrawnText("\n".join(ops).encode(), tuple(embedded.values()), round(size, 2))

    def _embed(self, lines, used: dict[int, set[int]]) -> tuple[dict[int, EmbeddedFont], dict[int, dict[int, int]]]:
        fonts = self.fonts.fonts
        embedded: dict[int, EmbeddedFont] = {}
        new_ids: dict[int, dict[int, int]] = {}
        for index, glyph_ids in sorted(used.items()):
            font = fonts[index]
            data, mapping, widths = font.subset(glyph_ids | {0})
            texts: dict[int, str] = {}
            for runs in lines:
                for run in runs:
                    for g in run.glyphs:
                        if run.font == index and g.text:
                            texts.setdefault(mapping[g.glyph_id], g.text)
            tag = _subset_tag(data)
            embedded[index] = EmbeddedFont(
                resource=f"/ExdF{index}",
                base_font=f"{tag}+{font.postscript_name}",
                data=data,
                widths=widths,
                to_unicode=_to_unicode(texts),
                bbox=tuple(font.to_pdf_units(v) for v in font.bbox),  # type: ignore[arg-type]
                ascent=font.to_pdf_units(font.ascent),
                descent=font.to_pdf_units(font.descent),
                cap_height=font.to_pdf_units(font.cap_height),
            )
            new_ids[index] = mapping
        return embedded, new_ids

    def _show(self, run: _Run, ids: dict[int, int], size: float, x: float, y: float, embedded) -> str:
        """One run as TJ arrays: HarfBuzz's advances and offsets as TJ adjustments, vertical mark
        offsets as text rise."""
        font = self.fonts.fonts[run.font]
        widths = embedded[run.font].widths
        parts = [f"{embedded[run.font].resource} {size:.2f} Tf 1 0 0 1 {x:.3f} {y:.3f} Tm"]
        if run.rtl:
            parts.append(f"/Span << /ActualText <FEFF{run.text.encode('utf-16-be').hex().upper()}> >> BDC")
        rise = 0.0
        array: list[str] = []

        def flush() -> None:
            if array:
                parts.append(f"[{' '.join(array)}] TJ")
                array.clear()

        for glyph in run.glyphs:
            glyph_rise = glyph.y_offset * size / font.units_per_em
            if glyph_rise != rise:
                flush()
                parts.append(f"{glyph_rise:.3f} Ts")
                rise = glyph_rise
            new = ids[glyph.glyph_id]
            shift = font.to_pdf_units(glyph.x_offset)
            if shift:
                array.append(f"{-shift:.1f}")
            array.append(f"<{new:04X}>")
            adjust = widths[new] - font.to_pdf_units(glyph.advance) + shift
            if abs(adjust) > 0.05:
                array.append(f"{adjust:.1f}")
        flush()
        if rise:
            parts.append("0 Ts")
        if run.rtl:
            parts.append("EMC")
        return " ".join(parts)


def _base_is_rtl(text: str) -> bool:
    for char in text:
        kind = unicodedata.bidirectional(char)
        if kind in STRONG_CLASSES:
            return kind in RTL_CLASSES
    return False


def _subset_tag(data: bytes) -> str:
    """Six capital letters naming a font subset (PDF 32000 §9.6.4), derived from its bytes."""
    import hashlib

    digest = hashlib.sha256(data).digest()
    return "".join(chr(ord("A") + b % 26) for b in digest[:6])


def _to_unicode(texts: dict[int, str]) -> bytes:
    entries = sorted(texts.items())
    blocks = []
    for start in range(0, len(entries), 100):  # at most 100 entries per block
        chunk = entries[start : start + 100]
        lines = "\n".join(f"<{gid:04X}> <{text.encode('utf-16-be').hex().upper()}>" for gid, text in chunk)
        blocks.append(f"{len(chunk)} beginbfchar\n{lines}\nendbfchar")
    body = "\n".join(blocks)
    return (
        "/CIDInit /ProcSet findresource begin\n12 dict begin\nbegincmap\n"
        "/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def\n"
        "/CMapName /Adobe-Identity-UCS def\n/CMapType 2 def\n"
        "1 begincodespacerange\n<0000> <FFFF>\nendcodespacerange\n"
        f"{body}\nendcmap\nCMapName currentdict /CMap defineresource pop\nend\nend\n"
    ).encode()
