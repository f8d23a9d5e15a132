"""The one way dynamic text enters the PDF.

ReportLab Paragraph text is markup: unescaped, ``a<b`` raises, ``<script>x`` silently
drops words and ``<img src=...>`` opens a local file. Every string that did not come
from this package's own source (typed by a clinician, written by a content editor,
even a user's name) passes through :func:`esc`, usually via :func:`paragraphs`, so
it appears exactly as typed. ReportLab's ``splitLongWords`` (on by default) breaks
a word wider than the line at the line's end, so no character is added or lost.

Any script: :func:`esc` also splits the text into runs by the first font of the
chain (``aids.record.fonts``) that has each character, as ``<font face=...>``
markup, and raises :class:`~aids.record.fonts.MissingGlyphs` for a character no
font has (the record is then refused, never drawn with boxes).

Speed: :func:`Paragraph` returns an ``aids.record.layout.TextParagraph`` for the
markup made here (escaped text, fallback-font runs, ``<br/>``, our ``<b>`` labels):
it breaks lines with ReportLab's rules but its own code (cached word widths) and
writes the text operators itself, about ten times faster than ReportLab's Paragraph
for long text. Other markup, or Helvetica when the record fonts are missing, stays
a ReportLab Paragraph (or the :class:`BidiParagraph` below).

Right to left: a paragraph holding Hebrew or Arabic is laid out right to left and
right-aligned when its first strong character is right-to-left, left to right
otherwise (TextParagraph does it itself; :class:`BidiParagraph` on the slow path). Lines are broken in
logical order, then each line is put in visual order with the Unicode bidi algorithm
(python-bidi), Arabic letters joined first (arabic-reshaper: contextual forms and the
lam-alef ligatures, harakat kept). The PDF's text layer therefore holds each line in
visual order, as PDF text always is, and Arabic as presentation forms, which NFKC
normalisation turns back into the letters typed.
"""

import functools
import re
import weakref
from xml.sax.saxutils import escape, unescape

from reportlab.lib.enums import TA_RIGHT
from reportlab.pdfbase import pdfmetrics
from reportlab.platypus import Paragraph as _RLParagraph
from reportlab.platypus import Spacer
from reportlab.platypus.paragraph import _wsc

from aids.record import layout
from aids.record.layout import bold_faces as _bold_faces
from aids.record.direction import is_rtl, needs_bidi, shape_arabic, visual_order
from aids.record.fonts import (
    EMOJI, EMOJI_FROM, MissingGlyphs, base_font, font_runs, visual_line,
)

__all__ = ["CHUNK", "MissingGlyphs", "Paragraph", "BidiParagraph", "esc", "paragraphs",
           "visual_line", "is_rtl"]

# Layout time of one Paragraph grows super-linearly with its length; a page holds
# about 4,000 characters, so 2,000-character pieces cost nothing visible.
CHUNK = 2000
_NEWLINES = re.compile(r"\r\n?")
# Control characters other than tab and newline have no glyph; a PDF cannot show them.
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")
# What ReportLab's Paragraph treats as word breaks: never drawn, so needs no glyph.
_BREAKS = frozenset(_wsc)


@functools.cache
def _base_only(base):
    """The characters that need no run of their own: the first font's (below the
    emoji blocks) and the word breaks."""
    return frozenset(chr(c) for c in base.chars if c < EMOJI_FROM) | _BREAKS


def _runs_markup(line):
    """Escaped markup of one line, non-base runs in ``<font face=...>``."""
    base = base_font()
    if _base_only(base).issuperset(line):  # the usual case: one run in the first font
        return escape(line)
    out, drawn = [], []
    for ch in line:
        if ch in _BREAKS:
            drawn.append(None)  # a word break: no glyph needed
        else:
            drawn.append(ch)
    text = "".join(ch for ch in drawn if ch is not None)
    if not text:
        return escape(line)
    runs = iter(font_runs(text))
    # Re-insert the word breaks where they were, into the run they fall in.
    font, run = next(runs)
    pos, current = 0, []
    for original, ch in zip(line, drawn):
        if ch is None:
            if font.regular == EMOJI:  # its spaces are wide: in the base font instead
                out += [(font, "".join(current)), (base, original)]
                current = []
            else:
                current.append(original)
            continue
        while pos >= len(run):
            out.append((font, "".join(current)))
            current = []
            font, run = next(runs)
            pos = 0
        current.append(original)
        pos += 1
    out.append((font, "".join(current)))
    return "".join(escape(t) if f is base else f'<font face="{f.regular}">{escape(t)}</font>'
                   for f, t in out if t)


def esc(value):
    """Escape any value for ReportLab markup, in runs of the fonts that have its
    characters; newlines become line breaks. Raises MissingGlyphs."""
    text = "" if value is None else str(value)
    text = _CONTROL.sub("\ufffd", _NEWLINES.sub("\n", text))
    return "<br/>".join(_runs_markup(line) for line in text.split("\n"))


# --- Paragraphs ----------------------------------------------------------------------

_TAG = re.compile(r"<(/?)([a-zA-Z]+)([^>]*)>")
_FACE = re.compile(r'face="([^"]+)"')


def _plain(markup):
    return unescape(_TAG.sub("", markup.replace("<br/>", "\n")))


_RTL_STYLES = weakref.WeakKeyDictionary()


def _rtl_style(style):
    """The style right-aligned (one clone per style)."""
    clone = _RTL_STYLES.get(style)
    if clone is None:
        clone = _RTL_STYLES[style] = style.clone(f"{style.name}_rtl", alignment=TA_RIGHT)
    return clone


def Paragraph(text, style, bulletText=None, *, rtl=None, **kwargs):  # noqa: N802 - a flowable
    """A ReportLab Paragraph for markup made with :func:`esc`: fallback runs in the
    paragraph's weight, and a :class:`BidiParagraph` when it holds right-to-left
    text (direction from its first strong character unless ``rtl`` is given)."""
    runs = layout.parse(text) if not kwargs else None
    if runs is not None and layout.is_truetype(style.fontName):
        plain = "".join(t if t is not None else "\n" for _f, _b, t in runs)
        bidi = needs_bidi(plain)
        rtl = bidi and (is_rtl(plain) if rtl is None else rtl)
        return layout.TextParagraph(text, _rtl_style(style) if rtl else style, runs, bulletText,
                                    rtl=rtl, bidi=bidi)
    text = _bold_faces(text, style)
    plain = _plain(text)
    if not needs_bidi(plain):
        return _RLParagraph(text, style, bulletText, **kwargs)
    return BidiParagraph(text, style, bulletText, rtl=is_rtl(plain) if rtl is None else rtl,
                         **kwargs)


class BidiParagraph(_RLParagraph):
    """A paragraph with right-to-left text: broken into lines in logical order at
    each width it is wrapped to, then each line put in visual order (see the module
    docstring). Parts made by :meth:`split` are already visual."""

    def __init__(self, text, style, bulletText=None, frags=None, *, rtl=False, **kwargs):
        if text is None and frags is not None:  # a part of a split: lines already visual
            self._logical = None
            super().__init__(None, style, bulletText, frags, **kwargs)
            return
        super().__init__(text, _rtl_style(style) if rtl else style, bulletText, **kwargs)
        self.rtl = rtl
        self._logical = [f for f in self.frags]
        self._laid_out_for = None

    def wrap(self, availWidth, availHeight):
        if self._logical is not None and self._laid_out_for != availWidth:
            self.frags = self._visual_frags(availWidth)
            self._laid_out_for = availWidth
        return super().wrap(availWidth, availHeight)

    def _visual_frags(self, width):
        style = self.style
        widths = [width - style.leftIndent - style.firstLineIndent - style.rightIndent,
                  width - style.leftIndent - style.rightIndent]
        out = []
        for n, line in enumerate(self._lines(widths)):
            if n:
                out.append(line_break(out[-1] if out else self._logical[0]))
            indices, chars = visual_order("".join(ch for ch, _ in line), self.rtl)
            for index, ch in zip(indices, chars):
                frag = line[index][1]
                if out and out[-1].__dict__.get("_source") is frag:
                    out[-1].text += ch
                else:
                    clone = frag.clone(text=ch)
                    clone._source = frag
                    out.append(clone)
        for f in out:
            f.__dict__.pop("_source", None)
        return out or self._logical

    def _lines(self, widths):
        """The logical lines: lists of (character, frag), joined with single spaces,
        each fitting its width (a word wider than the line is cut)."""
        lines, words, word = [], [], []
        for frag in self._logical:
            if getattr(frag, "lineBreak", False):
                if word:
                    words.append(word)
                lines.append(words)
                words, word = [], []
                continue
            text = shape_arabic(frag.text, frag.fontName)
            for ch in text:
                if ch in _BREAKS:
                    if word:
                        words.append(word)
                    word = []
                    words.append((" ", frag))  # a break, drawn as one space
                else:
                    word.append((ch, frag))
        if word:
            words.append(word)
        lines.append(words)
        return [line for para in lines for line in self._fill(para, widths)]

    @staticmethod
    def _fill(items, widths):
        """Greedy lines from words (lists of (character, frag)) and spaces (tuples)."""
        def w(chars):
            return sum(pdfmetrics.stringWidth(ch, f.fontName, f.fontSize) for ch, f in chars)

        lines, line, used, space = [], [], 0.0, None
        for item in items:
            if isinstance(item, tuple):  # a break between words: one space at most
                space = item
                continue
            room = widths[min(len(lines), 1)] - 0.01
            gap = w([space]) if space and line else 0.0
            if line and used + gap + w(item) > room:
                lines.append(line)
                line, used = [], 0.0
            elif line and space:
                line.append(space)
                used += gap
            space = None
            for ch in item:  # char by char only matters for a word wider than the line
                width = w([ch])
                if line and used + width > widths[min(len(lines), 1)] - 0.01:
                    lines.append(line)
                    line, used = [], 0.0
                line.append(ch)
                used += width
        lines.append(line)
        return lines


def line_break(frag):
    br = frag.clone(text="", lineBreak=True)
    br.__dict__.pop("_source", None)
    return br


def paragraphs(value, style, *, bullet_style=None, prefix=""):
    """Flowables for a plain-text value: one Paragraph per line (and per 2,000
    characters), an empty line as a small gap. With ``bullet_style``, lines
    starting with "- " (the content format's list items) become bullets.
    ``prefix`` is trusted markup (our own label) put before the first piece.
    A line's direction is that of its first strong character (never the prefix's)."""
    text = _NEWLINES.sub("\n", "" if value is None else str(value)).strip("\n")
    flowables = []
    for line in text.split("\n"):
        if not line.strip():
            flowables.append(Spacer(1, style.fontSize * 0.5))
            continue
        line_style, bullet = style, None
        if bullet_style is not None and line.startswith("- "):
            line, line_style, bullet = line[2:], bullet_style, "\u2022"
        rtl = is_rtl(line)
        for i, piece in enumerate(_pieces(line)):
            markup = esc(piece)
            if prefix:
                markup, prefix = prefix + markup, ""
            flowables.append(
                Paragraph(markup, line_style, bulletText=bullet if i == 0 else None, rtl=rtl)
            )
    if prefix:  # empty value: still show the label
        flowables.append(Paragraph(prefix, style))
    return flowables


def _pieces(line, size=CHUNK):
    """Split one line into pieces of at most ``size`` characters, at a space if there is one."""
    while len(line) > size:
        cut = line.rfind(" ", size // 2, size)
        cut = cut + 1 if cut > 0 else size
        yield line[:cut]
        line = line[cut:]
    yield line
