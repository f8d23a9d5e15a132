"""Fast line layout for the record's text: :class:`TextParagraph`.

ReportLab's Paragraph parses markup with html.parser, clones a style fragment per
word and re-measures the line it is building at every word, which made the record
cost about 6 us per typed character. The record's text is never rich: it is what
``aids.record.text.esc`` makes (escaped text, ``<font face=...>`` runs for the
fallback fonts, ``<br/>``) and our own ``<b>`` labels. :class:`TextParagraph` reads
exactly that markup, breaks lines itself and writes the PDF text operators itself,
with the same rules as ReportLab's Paragraph (so lines break where they did):

- words are separated by ReportLab's whitespace (``_wsc``), drawn as one space in
  the font of the run the space was typed in;
- greedy lines, a line may exceed its width by 5% of its spaces (ReportLab's
  ``spaceShrinkage``; the spaces are then narrowed with ``Tw``, as ReportLab does);
- a word wider than the line is cut character by character (``splitLongWords``),
  no character added or lost; ``<br/>`` ends a line;
- left or right alignment, ``leftIndent``, ``rightIndent``, ``firstLineIndent``,
  a bullet (``bulletIndent``, its font and size); page splits at a line, with
  ReportLab's orphan rule (never one line alone at the foot of a page);
- right-to-left and mixed lines: broken in logical order, then each line is put in
  visual order (``aids.record.direction``), Arabic joined first.

Word widths come from the font's C ``stringWidth`` and are cached per font, size
and word. Text is encoded into the TrueType subsets ReportLab assigns, with a
per-document translation table. Anything else (other markup, a font that is not
TrueType: Helvetica when the record fonts are missing) stays a ReportLab Paragraph
(:func:`parse` returns None).
"""

import re
from itertools import groupby
from xml.sax.saxutils import unescape

from reportlab.lib.colors import CMYKColor
from reportlab.lib.enums import TA_RIGHT
from reportlab.lib.fonts import ps2tt, tt2ps
from reportlab.lib.rl_accel import escapePDF, fp_str
from reportlab.pdfbase.pdfmetrics import getFont, stringWidth
from reportlab.platypus.paragraph import Paragraph as _RLParagraph
from reportlab.platypus.paragraph import _wsc, cleanBlockQuotedText
from reportlab.platypus.paraparser import ParaParser

from aids.record.direction import shape_arabic, visual_order
from aids.record.fonts import fallback_faces

_FUZZ = 1e-6
_SPLIT = re.compile("[%s]+" % re.escape(_wsc)).split
_MARKUP = re.compile(r'(<b>|</b>|<br/>|<font face="[^"<>&]+">|</font>)')
_ENTITIES = re.compile(r"&(?!(?:amp|lt|gt);)")


# --- Reading the markup ---------------------------------------------------------------

def parse(markup):
    """The runs of ``markup`` as [(face or None, bold, text)], a line break as
    (None, False, None); None when the markup holds anything else than what
    ``esc`` and our ``<b>`` labels make."""
    runs, faces, bold = [], [], 0
    for i, part in enumerate(_MARKUP.split(markup)):
        if not i % 2:
            if not part:
                continue
            if "<" in part or ">" in part:
                return None
            if "&" in part:
                if _ENTITIES.search(part):
                    return None
                part = unescape(part)
            runs.append((faces[-1] if faces else None, bold > 0, part))
        elif part == "<b>":
            bold += 1
        elif part == "</b>":
            bold -= 1
            if bold < 0:
                return None
        elif part == "<br/>":
            runs.append((None, False, None))
        elif part == "</font>":
            if not faces:
                return None
            faces.pop()
        else:
            faces.append(part[12:-2])
    if bold or faces:
        return None
    return runs


_BOLD = {}
_TRUETYPE = {}


def bold_face(name):
    """The bold weight of a registered font (its family's), or the font itself."""
    try:
        return _BOLD[name]
    except KeyError:
        try:
            family, _bold, italic = ps2tt(name)
            found = tt2ps(family, 1, italic)
        except ValueError:
            found = name
        _BOLD[name] = found
        return found


_IS_BOLD = {}


def is_bold(name):
    found = _IS_BOLD.get(name)
    if found is None:
        try:
            found = bool(ps2tt(name)[1])
        except ValueError:
            found = False
        _IS_BOLD[name] = found
    return found


def is_truetype(name):
    found = _TRUETYPE.get(name)
    if found is None:
        try:
            found = bool(getattr(getFont(name), "_dynamicFont", False))
        except KeyError:
            found = False
        _TRUETYPE[name] = found
    return found


# --- Widths -----------------------------------------------------------------------------

class _Widths(dict):
    """Width of a string in one font and size, computed once (the font's C stringWidth)."""

    __slots__ = ("face", "size")

    def __init__(self, face, size):
        super().__init__()
        self.face, self.size = face, size

    def __missing__(self, text):
        width = self[text] = stringWidth(text, self.face, self.size)
        return width


_WIDTHS = {}
_WIDTHS_LIMIT = 400_000  # words kept per font and size (a long-running server forgets)


def widths(face, size):
    key = (face, size)
    table = _WIDTHS.get(key)
    if table is None or len(table) > _WIDTHS_LIMIT:
        table = _WIDTHS[key] = _Widths(face, size)
    return table


# --- Words --------------------------------------------------------------------------------

class Words:
    """A paragraph's words, in parallel lists: text (a string, or a tuple of
    (face, text) pieces for a word in more than one font), face (None for a
    word in pieces), width, width of the space after it (None: no space), the
    face of that space. A line break is a word whose text is None. ``forced``:
    indices of word pieces after which a line must end (a long word cut)."""

    __slots__ = ("text", "face", "width", "space", "space_face", "uniform", "forced")

    def __init__(self, text, face, width, space, space_face, uniform, forced=frozenset()):
        self.text, self.face, self.width = text, face, width
        self.space, self.space_face = space, space_face
        self.uniform, self.forced = uniform, forced

    def tail(self, start):
        forced = frozenset(i - start for i in self.forced if i >= start)
        return Words(self.text[start:], self.face[start:], self.width[start:],
                     self.space[start:], self.space_face[start:], self.uniform, forced)


def words_of(runs, style, bidi):
    """The Words of parsed runs in ``style`` (its font for runs without a face; bold
    runs, and every run of a bold style, in the bold weight)."""
    size = style.fontSize
    base = style.fontName
    all_bold = is_bold(base)

    def resolve(face, bold):
        face = face or base
        return bold_face(face) if (bold or all_bold) else face

    if len(runs) == 1 and runs[0][2] is not None:  # one font: the usual case
        face = resolve(runs[0][0], runs[0][1])
        text = shape_arabic(runs[0][2], face) if bidi else runs[0][2]
        parts = _SPLIT(text)
        if parts and not parts[0]:
            del parts[0]
        if parts and not parts[-1]:
            parts.pop()
        table = widths(face, size)
        n = len(parts)
        space = [table[" "]] * n
        if n:
            space[-1] = None
        faces = [face] * n
        return Words(parts, faces, list(map(table.__getitem__, parts)), space, faces, True)

    text, faces, width, space, space_face = [], [], [], [], []
    pending = None

    def finish(pieces, after):
        if len(pieces) == 1:  # a word in one font
            face, t = pieces[0]
            text.append(t)
            faces.append(face)
            width.append(widths(face, size)[t])
            space.append(widths(after, size)[" "] if after else None)
            space_face.append(after)
            return
        merged = []
        for face, t in pieces:
            if merged and merged[-1][0] == face:
                merged[-1] = (face, merged[-1][1] + t)
            else:
                merged.append((face, t))
        if len(merged) == 1:
            face, t = merged[0]
            text.append(t)
            faces.append(face)
            width.append(widths(face, size)[t])
        else:
            text.append(tuple(merged))
            faces.append(None)
            width.append(sum(widths(face, size)[t] for face, t in merged))
        space.append(widths(after, size)[" "] if after else None)
        space_face.append(after)

    for face, bold, run in runs:
        if run is None:
            if pending:
                finish(pending, None)
                pending = None
            text.append(None)
            faces.append(None)
            width.append(None)
            space.append(None)
            space_face.append(None)
            continue
        face = resolve(face, bold)
        if bidi:
            run = shape_arabic(run, face)
        parts = _SPLIT(run)
        head = parts[0]
        if head:  # joins the word before (no white space between the runs)
            if pending is None:
                pending = [(face, head)]
            else:
                pending.append((face, head))
        if len(parts) == 1:
            continue
        if pending:
            finish(pending, face)
        pending = None
        middle = parts[1:-1]  # whole words of this run, each followed by a space
        if middle:
            table = widths(face, size)
            m = len(middle)
            text += middle
            faces += [face] * m
            width += map(table.__getitem__, middle)
            space += [table[" "]] * m
            space_face += [face] * m
        if parts[-1]:
            pending = [(face, parts[-1])]
    if pending:
        finish(pending, None)
    uniform = len(set(faces) | set(space_face) - {None}) <= 1 and None not in faces
    return Words(text, faces, width, space, space_face, uniform)


def _chars(word, face):
    """(face, character) of one word."""
    if isinstance(word, tuple):
        return [(f, c) for f, t in word for c in t]
    return [(face, c) for c in word]


def _pieces(chars):
    """(face, text) runs of a list of (face, character)."""
    return [(f, "".join(c for _, c in group)) for f, group in groupby(chars, key=lambda x: x[0])]


def break_lines(words, max_widths, size, simple):
    """Greedy lines as ReportLab's Paragraph breaks them: [(start, end, width,
    max width)], words[start:end] on the line. May return new Words (a word wider
    than a line is cut into pieces) with the lines: (words, lines)."""
    W, S = words.width, words.space
    forced = words.forced
    first, later = max_widths[0], max_widths[-1]
    lines = []
    append = lines.append
    n = len(W)
    max_width = first
    start = 0
    current = 0.0
    count = 0
    spaces = 0.0  # the widths of the spaces on the line (for the 5% shrinkage)
    pending = 0.0  # the space before the next word
    i = 0
    while i < n:
        w = W[i]
        if w is None:  # <br/>
            append((start, i, current, max_width))
            start = i + 1
            current = spaces = pending = 0.0
            count = 0
            max_width = later
            i += 1
            continue
        if count:
            new = current + pending + w
            if simple:
                limit = max_width + 0.05 * pending * count
            else:
                limit = max_width + 0.05 * (pending + spaces)
            if new > limit:
                if w > max_width and i not in forced:
                    words, room = _cut(words, i, current + pending, max_width, later, size)
                    W, S, forced = words.width, words.space, words.forced
                    n = len(W)
                    if not room:  # not even a character fits: the line ends here
                        append((start, i, current, max_width))
                        start = i
                        current = spaces = pending = 0.0
                        count = 0
                        max_width = later
                    continue
                append((start, i, current, max_width))
                start = i
                current = w
                spaces = 0.0
                count = 1
                max_width = later
            else:
                current = new
                spaces += pending
                count += 1
        else:
            if w > max_width and i not in forced:
                words, room = _cut(words, i, 0.0, max_width, later, size)
                W, S, forced = words.width, words.space, words.forced
                n = len(W)
                if not room:  # a character wider than this (first) line: it stays empty
                    append((start, i, 0.0, max_width))
                    start = i
                    max_width = later
                continue
            current = w
            count = 1
        pending = S[i] or 0.0
        if i in forced:  # a cut piece: the line ends after it
            append((start, i + 1, current, max_width))
            start = i + 1
            current = spaces = pending = 0.0
            count = 0
            max_width = later
        i += 1
    if count:
        append((start, n, current, max_width))
    return words, lines


def _cut(words, i, used, max_width, later, size):
    """(words, room): the words with word ``i`` cut into pieces, the first filling
    the line from ``used``, each next one a line (ReportLab's _splitWord rule);
    ``room`` is False when not even its first character fitted after ``used``."""
    chars = _chars(words.text[i], words.face[i])
    pieces, piece = [], []
    line_width = used
    width = max_width
    for face, c in chars:
        cw = widths(face, size)[c]
        new = line_width + cw
        if new > width and (piece or cw <= later):
            pieces.append(piece)
            piece = []
            width = later
            new = cw
        piece.append((face, c))
        line_width = new
    pieces.append(piece)
    room = bool(pieces[0])
    if not room:
        del pieces[0]
    text, faces, wds = [], [], []
    for p in pieces:
        runs = _pieces(p)
        if len(runs) == 1:
            text.append(runs[0][1])
            faces.append(runs[0][0])
        else:
            text.append(tuple(runs))
            faces.append(None)
        wds.append(sum(widths(face, size)[t] for face, t in runs))
    k = len(pieces)
    space = [None] * (k - 1) + [words.space[i]]
    space_face = [None] * (k - 1) + [words.space_face[i]]
    forced = {j if j < i else j + k - 1 for j in words.forced}
    # Every piece but the last ends its line; a word that did not need cutting after
    # all (its characters' widths add up to a hair less than the word's) ends its line
    # too, so it is not cut again.
    forced.update(range(i, i + (k - 1 if k > 1 or not room else 1)))
    uniform = words.uniform and all(isinstance(t, str) for t in text)
    cut = Words(words.text[:i] + text + words.text[i + 1:],
                 words.face[:i] + faces + words.face[i + 1:],
                 words.width[:i] + wds + words.width[i + 1:],
                 words.space[:i] + space + words.space[i + 1:],
                 words.space_face[:i] + space_face + words.space_face[i + 1:],
                 uniform, frozenset(forced))
    return cut, room


# --- Writing text -------------------------------------------------------------------------

class _Encoder:
    """Text to (subset, bytes) for one TrueType font in one document, through the
    code assignments ReportLab keeps for the document (``TTFont.splitString``
    makes them; a translation table reuses them)."""

    def __init__(self, font, doc):
        self.font, self.doc = font, doc
        self.known = set()
        self.table = {}
        self.names = {}

    def name(self, subset):
        name = self.names.get(subset)
        if name is None:
            name = self.names[subset] = self.font.getSubsetInternalName(subset, self.doc)
        return name

    def encode(self, text):
        missing = self.known.issuperset(text) is False and set(text) - self.known
        if missing:
            ordered = sorted(missing)
            self.font.splitString("".join(ordered), self.doc)
            assignments = self.font.state[self.doc].assignments
            for c in ordered:
                code = 32 if c == "\xa0" else ord(c)
                self.table[ord(c)] = chr(assignments.get(code, 0))
            self.known.update(ordered)
        coded = text.translate(self.table)
        if not coded or max(coded) < "\u0100":
            return [(0, coded.encode("latin-1"))]
        return [(subset, bytes(ord(c) & 0xFF for c in group))
                for subset, group in groupby(coded, key=lambda c: ord(c) >> 8)]


def _encoder(canvas, face):
    encoders = canvas.__dict__.get("_record_encoders")
    if encoders is None or encoders[0] is not canvas._doc:
        encoders = canvas._record_encoders = (canvas._doc, {})
    table = encoders[1]
    enc = table.get(face)
    if enc is None:
        enc = table[face] = _Encoder(getFont(face), canvas._doc)
    return enc


class _Text:
    """PDF text operators for one BT ... ET block, moving with Td and choosing a font
    subset only when it changes."""

    def __init__(self, canvas, fill):
        self.canvas = canvas
        self.ops = ["q", fill, "BT"]
        self.x = self.y = 0.0
        self.font = None

    def move(self, x, y):
        self.ops.append(f"{fp_str(x - self.x)} {fp_str(y - self.y)} Td")
        self.x, self.y = x, y

    def show(self, face, size, text):
        enc = _encoder(self.canvas, face)
        ops = self.ops
        for subset, data in enc.encode(text):
            font = (face, subset, size)
            if font != self.font:
                ops.append(f"{enc.name(subset)} {fp_str(size)} Tf")
                self.font = font
            ops.append(f"({escapePDF(data)}) Tj")

    def close(self):
        self.ops.append("ET Q")
        self.canvas._code.append("\n".join(self.ops))


def _fill(color):
    """The PDF operator that sets ``color`` as the fill colour."""
    if isinstance(color, CMYKColor):
        return f"{fp_str(color.cyan, color.magenta, color.yellow, color.black)} k"
    return f"{fp_str(color.red, color.green, color.blue)} rg"


# --- The flowable -----------------------------------------------------------------------

class TextParagraph(_RLParagraph):
    """A paragraph of the record's text, laid out and drawn without ReportLab's
    paragraph machinery (see the module docstring). ``text`` is the markup it was
    made from; ``frags`` are ReportLab's, parsed only if asked for."""

    def __init__(self, text, style, runs, bulletText=None, *, rtl=False, bidi=False,  # noqa: N803
                 words=None):
        self._markup = text
        self._text = None
        self.style = style
        self.bulletText = bulletText
        self.rtl = rtl
        self.bidi = bidi
        self._frags = None
        self.debug = 0
        self.caseSensitive = 1
        self.encoding = "utf8"
        self._runs = runs
        self._words = words if words is not None else words_of(runs, style, bidi)
        self._simple = words is None and len(runs) == 1 and runs[0][2] is not None
        self._layout = None

    # ReportLab's own view, for whoever asks (tests, minWidth of a table cell).
    @property
    def text(self):
        """The markup as ReportLab's Paragraph keeps it (white space collapsed)."""
        if self._text is None:
            self._text = cleanBlockQuotedText(self._markup or "")
        return self._text

    @text.setter
    def text(self, value):
        self._text = value

    @property
    def frags(self):
        if self._frags is None:
            parser = ParaParser()
            _style, frags, _bullet = parser.parse(
                cleanBlockQuotedText(bold_faces(self._markup or "", self.style)), self.style)
            self._frags = frags or []
        return self._frags

    @frags.setter
    def frags(self, value):
        self._frags = value

    def __repr__(self):
        return f"TextParagraph({(self._markup or '')[:40]!r})"

    def minWidth(self):  # noqa: N802 - ReportLab's name
        return max((w for w in self._words.width if w), default=0)

    def getPlainText(self, identify=None):  # noqa: N802 - ReportLab's name
        return "".join(t for _f, _b, t in self._runs if t)

    def _widths(self, avail):
        style = self.style
        first = avail - style.leftIndent - style.firstLineIndent - style.rightIndent
        later = avail - style.leftIndent - style.rightIndent
        offset = style.firstLineIndent
        if self.bulletText:
            bw = stringWidth(self.bulletText, style.bulletFontName, style.bulletFontSize)
            bullet_len = style.bulletIndent + bw + 0.6 * style.bulletFontSize
            indent = style.leftIndent + style.firstLineIndent
            if bullet_len > indent:
                first -= bullet_len - indent
            offset = max(offset, bullet_len - style.leftIndent)
        return [first, later], offset

    def _lay_out(self, avail):
        if self._layout is None or self._layout[0] != avail:
            max_widths, offset = self._widths(avail)
            words, lines = break_lines(self._words, max_widths, self.style.fontSize,
                                       self._simple)
            self._layout = (avail, words, lines, offset)
        return self._layout

    def wrap(self, availWidth, availHeight):  # noqa: N803
        if availWidth < _FUZZ:
            return 0, 0x7FFFFFFF
        self.width = availWidth
        _avail, _words, lines, _offset = self._lay_out(availWidth)
        self.height = len(lines) * self.style.leading
        return self.width, self.height

    def split(self, availWidth, availHeight):  # noqa: N803
        if availWidth < _FUZZ or availHeight < _FUZZ:
            return []
        _avail, words, lines, offset = self._lay_out(availWidth)
        if not lines:
            return []
        style = self.style
        leading = style.leading
        s = int(availHeight / float(leading))
        if (not getattr(style, "allowOrphans", 0) and s <= 1) or s == 0:
            return []
        n = len(lines)
        if n <= s:
            return [self]
        if not getattr(style, "allowWidows", 1) and n == s + 1:
            if n > 3:
                s -= 1
            else:
                return []
        first = self._part(style, self.bulletText, words, lines[:s], availWidth, offset)
        start = lines[s][0]
        rest_lines = [(a - start, b - start, w, m) for a, b, w, m in lines[s:]]
        rest_style = style
        if style.firstLineIndent:
            rest_style = style.clone(f"{style.name}_cont", firstLineIndent=0)
        second = self._part(rest_style, None, words.tail(start), rest_lines, availWidth,
                            rest_style.firstLineIndent)
        first.height = s * leading
        first.width = availWidth
        return [first, second]

    def _part(self, style, bullet, words, lines, avail, offset):
        part = TextParagraph(self._markup, style, self._runs, bullet, rtl=self.rtl, bidi=self.bidi,
                             words=words)
        part._layout = (avail, words, lines, offset)
        return part

    def drawOn(self, canvas, x, y, _sW=0):  # noqa: N802, N803 - ReportLab's names
        """Draw at (x, y) without the save, translate and restore of every flowable:
        the text is written at absolute positions, its colour inside q ... Q."""
        x = self._hAlignAdjust(x, _sW)
        self.canv = canvas
        try:
            self._draw(x, y)
        finally:
            del self.canv

    def draw(self):
        self._draw(0.0, 0.0)

    def _draw(self, x0, y0):
        _avail, words, lines, offset = self._lay_out(self.width)
        if not lines:
            return
        canvas = self.canv
        style = self.style
        size = style.fontSize
        leading = style.leading
        left = x0 + style.leftIndent
        right_aligned = style.alignment == TA_RIGHT
        out = _Text(canvas, _fill(style.textColor))
        y = y0 + self.height - size
        if self.bulletText:
            out.move(x0 + style.bulletIndent, y)
            out.show(style.bulletFontName, style.bulletFontSize, self.bulletText)
        T, F, S, SF = words.text, words.face, words.space, words.space_face
        uniform = words.uniform and not self.bidi
        face0 = F[0] if uniform and F else None
        ops = out.ops
        for number, (start, end, width, max_width) in enumerate(lines):
            extra = max_width - width
            x = left + (offset if number == 0 else 0.0)
            spaces = end - start - 1
            squeeze = extra <= -1e-8 and spaces > 0
            if right_aligned and not squeeze:
                x += extra
            out.move(x, y)
            if squeeze:
                ops.append(f"{fp_str(extra / spaces)} Tw")
            if uniform:
                if end > start:
                    out.show(face0, size, " ".join(T[start:end]))
            else:
                for face, text in self._line_pieces(T, F, S, SF, start, end):
                    out.show(face, size, text)
            if squeeze:
                ops.append("0 Tw")
            y -= leading
        out.close()

    def _line_pieces(self, T, F, S, SF, start, end):
        """(face, text) runs of one line, in visual order."""
        if self.bidi:
            return self._visual_pieces(T, F, S, SF, start, end)
        out = []
        last = None
        for i in range(start, end):
            t = T[i]
            if t is None:
                continue
            for face, piece in (t if isinstance(t, tuple) else ((F[i], t),)):
                if face == last:
                    out[-1] += piece
                else:
                    out += [face, piece]  # flat: face, text, face, text ...
                    last = face
            if i < end - 1 and S[i] is not None:
                face = SF[i]
                if face == last:
                    out[-1] += " "
                else:
                    out += [face, " "]
                    last = face
        return list(zip(out[::2], out[1::2]))

    def _visual_pieces(self, T, F, S, SF, start, end):
        chars = []
        for i in range(start, end):
            t = T[i]
            if t is None:
                continue
            if isinstance(t, tuple):
                chars.extend((f, c) for f, piece in t for c in piece)
            else:
                face = F[i]
                chars.extend((face, c) for c in t)
            if i < end - 1 and S[i] is not None:
                chars.append((SF[i], " "))
        if self.bidi and chars:
            indices, visual = visual_order("".join(c for _, c in chars), self.rtl)
            chars = [(chars[index][0], c) for index, c in zip(indices, visual)]
        return _pieces(chars)


_BOLD_TAG = re.compile(r"<(/?)([a-zA-Z]+)([^>]*)>")
_BOLD_FACE = re.compile(r'face="([^"]+)"')


def bold_faces(markup, style):
    """Bold weights for fallback runs in bold text: ``<font face=...>`` would
    otherwise reset a bold paragraph's fallback runs to regular."""
    faces = fallback_faces()
    if "<font" not in markup:
        return markup
    try:
        depth = ps2tt(style.fontName)[1]
    except ValueError:
        depth = 0
    out, last = [], 0
    for m in _BOLD_TAG.finditer(markup):
        closing, name, attrs = m.group(1), m.group(2).lower(), m.group(3)
        if name in ("b", "strong"):
            depth += -1 if closing else 1
        elif name == "font" and not closing and depth > 0:
            f = _BOLD_FACE.search(attrs)
            if f and f.group(1) in faces:
                out.append(markup[last:m.start()])
                out.append(m.group(0).replace(f.group(0), f'face="{faces[f.group(1)]}"'))
                last = m.end()
    out.append(markup[last:])
    return "".join(out)
