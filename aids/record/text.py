"""The one way dynamic text enters the PDF.

ReportLab Paragraph text is markup: unescaped, ``a<b`` raises, ``<script>x`` silently
drops words and ``<img src=...>`` opens a local file. Every string that did not come
from this package's own source (typed by a clinician, written by a content editor,
even a user's name) passes through :func:`esc`, usually via :func:`paragraphs`, so
it appears exactly as typed. ReportLab's ``splitLongWords`` (on by default) breaks
a word wider than the line at the line's end, so no character is added or lost.
"""

import re
from xml.sax.saxutils import escape

from reportlab.platypus import Paragraph, Spacer

# Layout time of one Paragraph grows super-linearly with its length; a page holds
# about 4,000 characters, so 2,000-character pieces cost nothing visible.
CHUNK = 2000
_NEWLINES = re.compile(r"\r\n?")
# Control characters other than tab and newline have no glyph; a PDF cannot show them.
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")


def esc(value):
    """Escape any value for ReportLab markup; newlines become line breaks."""
    text = "" if value is None else str(value)
    text = _CONTROL.sub("\ufffd", _NEWLINES.sub("\n", text))
    return escape(text).replace("\n", "<br/>")


def _pieces(line, size=CHUNK):
    """Split one line into pieces of at most ``size`` characters, at a space if there is one."""
    while len(line) > size:
        cut = line.rfind(" ", size // 2, size)
        cut = cut + 1 if cut > 0 else size
        yield line[:cut]
        line = line[cut:]
    yield line


def paragraphs(value, style, *, bullet_style=None, prefix=""):
    """Flowables for a plain-text value: one Paragraph per line (and per 2,000
    characters), an empty line as a small gap. With ``bullet_style``, lines
    starting with "- " (the content format's list items) become bullets.
    ``prefix`` is trusted markup (our own label) put before the first piece."""
    text = _NEWLINES.sub("\n", "" if value is None else str(value)).strip("\n")
    flowables = []
    for line in text.split("\n"):
        if not line.strip():
            flowables.append(Spacer(1, style.fontSize * 0.5))
            continue
        line_style, bullet = style, None
        if bullet_style is not None and line.startswith("- "):
            line, line_style, bullet = line[2:], bullet_style, "\u2022"
        for i, piece in enumerate(_pieces(line)):
            markup = esc(piece)
            if prefix:
                markup, prefix = prefix + markup, ""
            flowables.append(
                Paragraph(markup, line_style, bulletText=bullet if i == 0 else None)
            )
    if prefix:  # empty value: still show the label
        flowables.append(Paragraph(prefix, style))
    return flowables
