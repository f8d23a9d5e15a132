"""Fonts for the PDF record: a chain of fonts that together cover the scripts
patients write in, registered once per process.

ReportLab draws a character its font lacks as an empty box (or, for Helvetica,
a black square) without any error, and it does not fall back to another font by
itself. So every character is given the first font of :data:`CHAIN` that has a
glyph for it (``font_for``); ``aids.record.text`` turns that into ``<font face=...>``
runs and :func:`draw_string` does the same for canvas strings (page furniture).

The chain, all TrueType (``glyf`` outlines: ReportLab cannot read CFF), found in
``settings.PDF_FONT_DIRS`` (npm packages ``dejavu-fonts-ttf`` and
``@expo-google-fonts/*``, or the system's copies):

- DejaVu Sans: Latin, Greek, Cyrillic, Hebrew, Arabic, symbols (always loaded);
- Noto Sans Hebrew, Noto Sans Arabic: letters DejaVu lacks;
- Noto Sans Devanagari;
- Noto Emoji (monochrome), tried first for code points from U+1F000;
- Noto Sans SC: Chinese, and Japanese kana and kanji;
- Noto Sans KR: Korean Hangul.

Only DejaVu Sans is registered up front; the others are read the first time a
character needs them (Noto Sans SC, 10.5 MB, takes about 0.1 s per weight), so a
Latin-only record costs what it did. A font counts as having a character when
both its regular and its bold weight do.

Without DejaVu Sans the renderer falls back to Helvetica (Windows-1252 only). The
system check ``aids.E001`` then stops a production server from starting, and any
character no font has makes the record refuse to be built (:class:`MissingGlyphs`),
so nothing is ever stored as boxes.
"""

import functools
import logging
import struct
import threading
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from reportlab import rl_config
from reportlab.pdfbase import pdfmetrics, ttfonts
from reportlab.pdfbase.ttfonts import TTFont

from aids.record.direction import is_rtl, needs_bidi, shape_arabic, visual_order

logger = logging.getLogger(__name__)

REGULAR_FILE = "DejaVuSans.ttf"
BOLD_FILE = "DejaVuSans-Bold.ttf"


@dataclass(frozen=True)
class FontSpec:
    """One font of the chain: its ReportLab name and the file names it may have
    (the npm package's first, then the Debian/Google Fonts names)."""

    name: str
    covers: str
    regular_files: tuple
    bold_files: tuple

    @property
    def bold_name(self):
        return f"{self.name}-Bold"


def _noto(stem, covers):
    return FontSpec(stem, covers, (f"{stem}_400Regular.ttf", f"{stem}-Regular.ttf"),
                    (f"{stem}_700Bold.ttf", f"{stem}-Bold.ttf"))


BASE = FontSpec("DejaVuSans", "Latin, Greek, Cyrillic, Hebrew, Arabic",
                (REGULAR_FILE,), (BOLD_FILE,))
CHAIN = (
    BASE,
    _noto("NotoSansHebrew", "Hebrew"),
    _noto("NotoSansArabic", "Arabic"),
    _noto("NotoSansDevanagari", "Devanagari"),
    _noto("NotoEmoji", "emoji"),
    _noto("NotoSansSC", "Chinese, Japanese kana and kanji"),
    _noto("NotoSansKR", "Korean Hangul"),
)
EMOJI = "NotoEmoji"
EMOJI_FROM = 0x1F000  # emoji blocks: the emoji font first, so they all look alike


class MissingGlyphs(ValueError):
    """Characters that no font of the chain can draw. The message names each
    character by code point and Unicode name only, never the text around it."""

    def __init__(self, characters):
        self.characters = tuple(sorted(set(characters)))
        names = ", ".join(describe(ch) for ch in self.characters)
        super().__init__(
            f"The PDF fonts have no glyph for {len(self.characters)} character(s): {names}. "
            "Remove or replace them (or ask IT to install the record fonts)."
        )


def describe(ch):
    return f"U+{ord(ch):04X} {unicodedata.name(ch, 'unnamed character')}"


@dataclass(frozen=True)
class FontSet:
    regular: str
    bold: str
    unicode: bool  # False when falling back to Helvetica (Windows-1252 only)


# --- Finding the files ----------------------------------------------------------

def is_truetype(path):
    """True if ``path`` is a single TrueType font with glyf outlines (not CFF/OTTO,
    not a collection): what ReportLab's TTFont reads."""
    try:
        with open(path, "rb") as f:
            head = f.read(12)
            if len(head) < 12 or head[:4] not in (b"\x00\x01\x00\x00", b"true"):
                return False
            (count,) = struct.unpack(">H", head[4:6])
            tables = f.read(16 * count)
    except OSError:
        return False
    return any(tables[i:i + 4] == b"glyf" for i in range(0, len(tables), 16))


def _find(dirs, names):
    for directory in dirs or ():
        directory = Path(directory)
        if not directory.is_dir():
            continue
        for name in names:
            direct = directory / name
            found = direct if direct.is_file() else next(directory.rglob(name), None)
            if found is not None:
                return found
    return None


def find_font(spec, dirs):
    """(regular, bold) paths of one font of the chain, or None."""
    regular, bold = _find(dirs, spec.regular_files), _find(dirs, spec.bold_files)
    return (regular, bold) if regular and bold else None


def find_font_files(dirs):
    """(regular, bold) paths of DejaVu Sans in the first directory that has both, or None."""
    return find_font(BASE, dirs)


def font_problems(dirs):
    """What is wrong with the record fonts in ``dirs``: a list of sentences, empty when
    every font of the chain is there in both weights and readable."""
    problems = []
    for spec in CHAIN:
        found = find_font(spec, dirs)
        if found is None:
            problems.append(f"{spec.name} ({spec.covers}): {spec.regular_files[0]} and "
                            f"{spec.bold_files[0]} not found")
        else:
            bad = [p.name for p in found if not is_truetype(p)]
            if bad:
                problems.append(f"{spec.name}: {', '.join(bad)} is not a TrueType (glyf) font")
    return problems


# --- Registering ----------------------------------------------------------------

def harden_reportlab():
    """Belt and braces: every dynamic string is escaped (aids.record.text), so no
    markup reaches ReportLab; should one ever slip through, it may not fetch URLs or
    local files, nor evaluate colour expressions."""
    rl_config.trustedSchemes = []
    rl_config.trustedHosts = []
    rl_config.toColorCanUse = None


def _utf16_hex(code):
    return "".join(f"{unit:04X}" for unit in struct.unpack(
        f">{2 if code > 0xFFFF else 1}H", chr(code).encode("utf-16-be")))


def make_to_unicode_cmap(fontname, subset):
    """ReportLab's ToUnicode CMap, with characters beyond U+FFFF written as UTF-16
    surrogate pairs, as the PDF specification requires (ReportLab 5.1 writes
    ``<1F600>``, which readers reject, so emoji were lost from the text layer)."""
    return "\n".join([
        "/CIDInit /ProcSet findresource begin", "12 dict begin", "begincmap",
        "/CIDSystemInfo", f"<< /Registry ({fontname})", f"/Ordering ({fontname})",
        "/Supplement 0", ">> def", f"/CMapName /{fontname} def", "/CMapType 2 def",
        "1 begincodespacerange", f"<00> <{len(subset) - 1:02X}>", "endcodespacerange",
        f"{len(subset)} beginbfchar",
        *(f"<{i:02X}> <{_utf16_hex(v)}>" for i, v in enumerate(subset)),
        "endbfchar", "endcmap", "CMapName currentdict /CMap defineresource pop", "end", "end",
    ])


ttfonts.makeToUnicodeCMap = make_to_unicode_cmap
_lock = threading.RLock()


@dataclass(frozen=True, eq=False)
class LoadedFont:
    spec: FontSpec | None  # None: Helvetica, the last resort without DejaVu Sans
    regular: str
    bold: str
    chars: frozenset = field(repr=False)  # code points both weights have


def _register(name, path):
    if name not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(TTFont(name, str(path)))  # subsets: only used glyphs embedded
    return pdfmetrics.getFont(name)


@functools.cache
def _load(spec):
    """Register both weights of one font of the chain (once per process), or None
    when its files are missing."""
    found = find_font(spec, settings.PDF_FONT_DIRS)
    if found is None:
        return None
    with _lock:
        try:
            regular, bold = (_register(n, p) for n, p in zip((spec.name, spec.bold_name), found))
        except Exception:  # noqa: BLE001 - an unreadable file is reported by check aids.E001
            logger.warning("PDF font %s could not be read from %s", spec.name, found[0])
            return None
        pdfmetrics.registerFontFamily(spec.name, normal=spec.name, bold=spec.bold_name,
                                      italic=spec.name, boldItalic=spec.bold_name)
    chars = frozenset(regular.face.charToGlyph) & frozenset(bold.face.charToGlyph)
    return LoadedFont(spec, spec.name, spec.bold_name, chars)


def _helvetica():
    chars = frozenset(ord(ch) for ch in bytes(range(0x20, 0x100)).decode("cp1252", "ignore"))
    return LoadedFont(None, "Helvetica", "Helvetica-Bold", chars | {0x09, 0x0A})


def base_font():
    """The first font of the chain as loaded: DejaVu Sans, or Helvetica without it."""
    return _load(BASE) or _HELVETICA


_HELVETICA = _helvetica()


@functools.cache
def register_fonts():
    """Register DejaVu Sans (regular and bold) once; return the names to use."""
    harden_reportlab()
    if _load(BASE) is None:
        logger.warning(
            "DejaVu Sans not found in PDF_FONT_DIRS; PDF records fall back to "
            "Helvetica and refuse any character it cannot draw (see check aids.E001)."
        )
        return FontSet("Helvetica", "Helvetica-Bold", unicode=False)
    return FontSet(BASE.name, BASE.bold_name, unicode=True)


def reset():
    """Forget which fonts were found (for tests that change PDF_FONT_DIRS). Fonts
    already registered with ReportLab stay registered."""
    register_fonts.cache_clear()
    _load.cache_clear()
    _first_font.cache_clear()


# --- Choosing a font per character ----------------------------------------------

# Characters that stay in the font of the run they are in, when it has them:
# combining marks with their letter, and spaces, punctuation and format characters
# so a line does not switch fonts at every comma.
_STICKY = {"Mn", "Me", "Mc", "Cf", "Zs", "Pc", "Pd", "Ps", "Pe", "Pi", "Pf", "Po"}


def _fallbacks(code):
    chain = CHAIN[1:]
    if code >= EMOJI_FROM:
        chain = sorted(chain, key=lambda spec: spec.name != EMOJI)
    return chain


@functools.lru_cache(maxsize=65536)
def _first_font(ch):
    """The LoadedFont for a character, or None when no font has it."""
    code = ord(ch)
    base = base_font()
    if code < EMOJI_FROM and code in base.chars:
        return base
    for spec in _fallbacks(code):
        loaded = _load(spec)
        if loaded is not None and code in loaded.chars:
            return loaded
    return base if code in base.chars else None


def font_runs(text):
    """Split ``text`` into (font, run) pairs, ``font`` a LoadedFont (``base_font()``
    for the first font of the chain). Raises MissingGlyphs listing every character
    no font has."""
    register_fonts()
    runs, missing = [], set()
    current, start = None, 0
    for i, ch in enumerate(text):
        kind = unicodedata.category(ch)
        if current is not None and ord(ch) in current.chars and kind in _STICKY \
                and not (kind == "Zs" and current.regular == EMOJI):  # its spaces are wide
            font = current
        else:
            font = _first_font(ch)
            if font is None:
                missing.add(ch)
                font = current or base_font()
        if font is not current:
            if current is not None:
                runs.append((current, text[start:i]))
            current, start = font, i
    if text:
        runs.append((current, text[start:]))
    if missing:
        raise MissingGlyphs(missing)
    return runs


def check_glyphs(text):
    """Raise MissingGlyphs if any character of ``text`` has no font in the chain."""
    font_runs(text)


def face(font, bold=False):
    """The registered name of a run's font in the weight asked for."""
    return font.bold if bold else font.regular


def fallback_faces():
    """{regular name: bold name} of the fonts after the first."""
    return {spec.name: spec.bold_name for spec in CHAIN[1:]}


# --- Canvas strings (page furniture) --------------------------------------------

def visual_line(text):
    """One line for a canvas string, joined and in visual order."""
    if not needs_bidi(text):
        return text
    text = shape_arabic(text, base_font().regular) if base_font().spec else text
    _, chars = visual_order(text, is_rtl(text))
    return "".join(chars)




def string_width(text, size, bold=False):
    """The width of ``text`` drawn by :func:`draw_string`."""
    return sum(pdfmetrics.stringWidth(run, face(font, bold), size) for font, run in font_runs(text))


def draw_string(canvas, x, y, text, size, *, bold=False, align="left"):
    """Draw a one-line canvas string in runs, each in a font that has its glyphs
    (``canvas.drawString`` would draw anything the current font lacks as boxes).
    ``align`` is "left", "right" (x is the right end) or "centre". Right-to-left
    text is put in visual order first (:func:`visual_line`)."""
    text = visual_line(text)
    runs = font_runs(text)
    width = sum(pdfmetrics.stringWidth(run, face(font, bold), size) for font, run in runs)
    x = {"left": x, "right": x - width, "centre": x - width / 2}[align]
    canvas.saveState()
    for font, run in runs:
        name = face(font, bold)
        canvas.setFont(name, size)
        canvas.drawString(x, y, run)
        x += pdfmetrics.stringWidth(run, name, size)
    canvas.restoreState()
    return width
