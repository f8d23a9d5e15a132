"""Template helpers that show aid content the same way everywhere.

Used by the display partials in ``templates/aids/content/`` (walkthrough, admin
preview). Content is admin-edited plain text: every helper here escapes it and
never trusts it as HTML.
"""

import re

from django import template
from django.utils.html import conditional_escape, format_html, format_html_join
from django.utils.safestring import mark_safe
from django.utils.translation import gettext

register = template.Library()

_BLANK_LINE = re.compile(r"\n[ \t]*\n")
_LIST_MARK = re.compile(r"^\s*-\s+")

# Icon array geometry, in SVG user units.
_CELL = 12
FILLED_COLOUR = "#1a4fd6"
OUTLINE_COLOUR = "#1a4fd6"
MAX_ICONS = 1000  # beyond this an array is unreadable; the text stands alone


def _paragraph_blocks(text):
    text = str(text or "").replace("\r\n", "\n").replace("\r", "\n").strip()
    return [block for block in _BLANK_LINE.split(text) if block.strip()]


def _render_block(block):
    """One block: runs of "- " lines become a list, other lines a paragraph."""
    esc = conditional_escape
    parts, run, run_is_list = [], [], None

    def flush():
        if not run:
            return
        if run_is_list:
            items = format_html_join("", "<li>{}</li>", ((esc(line),) for line in run))
            parts.append(format_html("<ul>{}</ul>", items))
        else:
            lines = mark_safe("<br>".join(str(esc(line)) for line in run))
            parts.append(format_html("<p>{}</p>", lines))

    for line in block.split("\n"):
        if not line.strip():
            continue
        is_item = bool(_LIST_MARK.match(line))
        content = _LIST_MARK.sub("", line, count=1) if is_item else line.strip()
        if run and is_item != run_is_list:
            flush()
            run = []
        run_is_list = is_item
        run.append(content)
    flush()
    return mark_safe("".join(str(p) for p in parts))


@register.filter
def plain_paragraphs(text):
    """Plain text to HTML: a blank line starts a paragraph, "- " lines are a list.

    Every piece of text is escaped, whatever the template's autoescape setting:
    nothing typed in the admin is ever taken as HTML.
    """
    blocks = _paragraph_blocks(text)
    return mark_safe("".join(str(_render_block(b)) for b in blocks))


@register.filter
def plain_points(text):
    """Plain text with one point per line, as a list of strings ("- " removed)."""
    lines = str(text or "").replace("\r\n", "\n").split("\n")
    return [_LIST_MARK.sub("", line, count=1).strip() for line in lines if line.strip()]


def icon_array_label(numerator, denominator):
    outlined = denominator - numerator
    return gettext("About %(numerator)s in %(denominator)s people: %(numerator)s filled, "
                   "%(outlined)s outlined") % {
        "numerator": numerator, "denominator": denominator, "outlined": outlined}


def _columns(denominator):
    if denominator <= 10:
        return denominator
    if denominator <= 100:
        return 10
    if denominator <= 400:
        return 20
    return 40


def _person_path(x, y):
    """A small person (head and body) in a 12-unit cell whose top left is x, y."""
    cx = x + 6
    return (
        f"M{cx - 2.2:.1f} {y + 3:.1f}a2.2 2.2 0 1 0 4.4 0a2.2 2.2 0 1 0 -4.4 0z"
        f"M{cx - 3.6:.1f} {y + 11:.1f}v-3.2q0 -2.4 2.4 -2.4h2.4q2.4 0 2.4 2.4v3.2z"
    )


SPRITE_IDS = {"filled": "sdm-pf", "outlined": "sdm-po"}  # the two people
TILE_IDS = {"filled": "sdm-tf", "outlined": "sdm-to"}  # each person as a tile that repeats


@register.simple_tag
def icon_sprite():
    """The two people every icon array places (filled and outlined), defined once per
    page (base.html), each also as a tile that repeats: an array is then a few rectangles
    filled with those tiles, not a shape per person."""
    person = _person_path(0, 0)
    return mark_safe(
        '<svg class="icon-sprite" width="0" height="0" aria-hidden="true" focusable="false" '
        'xmlns="http://www.w3.org/2000/svg"><defs>'
        f'<path id="{SPRITE_IDS["filled"]}" d="{person}" fill="{FILLED_COLOUR}" '
        f'stroke="{OUTLINE_COLOUR}" stroke-width="1"/>'
        f'<path id="{SPRITE_IDS["outlined"]}" d="{person}" fill="#ffffff" '
        f'stroke="{OUTLINE_COLOUR}" stroke-width="1"/>'
        + "".join(f'<pattern id="{TILE_IDS[kind]}" width="{_CELL}" height="{_CELL}" '
                  f'patternUnits="userSpaceOnUse"><use href="#{SPRITE_IDS[kind]}"/></pattern>'
                  for kind in ("filled", "outlined"))
        + "</defs></svg>"
    )


@register.simple_tag
def icon_array(numerator, denominator, css_class="icon-array"):
    """An inline SVG pictograph: ``numerator`` filled people of ``denominator``.

    Filled and outlined shapes differ in form as well as colour (the two people of
    :func:`icon_sprite`, which the page defines once); the text alternative ("About
    8 in 100 people: 8 filled, 92 outlined") is both the ``aria-label`` and the SVG
    ``<title>``. Presentation attributes only (no ``style``), so the CSP's ban on
    inline styles holds. Returns "" when there is no usable figure or the
    denominator is too large to draw legibly.
    """
    try:
        numerator, denominator = int(numerator), int(denominator)
    except (TypeError, ValueError):
        return ""
    if denominator <= 0 or numerator < 0 or numerator > denominator or denominator > MAX_ICONS:
        return ""
    cols = _columns(denominator)
    rows = -(-denominator // cols)
    label = icon_array_label(numerator, denominator)
    # Only integers go into these strings: nothing to escape. Each run of people of one
    # kind is at most three rectangles filled with that person's tile (the pattern of
    # icon_sprite): the rest of a row, whole rows, the start of a row.
    def people(kind, start, end):
        rects = []
        while start < end:
            row, col = divmod(start, cols)
            if col or end - start < cols:  # part of one row
                count = min(cols - col, end - start)
                height = 1
            else:  # whole rows
                count, height = cols, (end - start) // cols
            rects.append(f'<rect x="{col * _CELL}" y="{row * _CELL}" width="{count * _CELL}" '
                         f'height="{height * _CELL}" fill="url(#{TILE_IDS[kind]})"/>')
            start += count * height
        return f'<g class="icon {kind}">{"".join(rects)}</g>' if rects else ""

    icons = people("filled", 0, numerator) + people("outlined", numerator, denominator)
    return format_html(
        '<svg class="{}" role="img" aria-label="{}" viewBox="0 0 {} {}" '
        'width="{}" height="{}" xmlns="http://www.w3.org/2000/svg" focusable="false">'
        "<title>{}</title>{}</svg>",
        css_class, label, cols * _CELL, rows * _CELL, cols * _CELL * 2, rows * _CELL * 2,
        label, mark_safe(icons),
    )


@register.filter
def natural_frequency(item):
    """ "About 8 in 100 people" for a benefit or risk, "Everyone who has the
    operation" for what is part of it, "Not known" without a figure."""
    return item.frequency_text()


# A sentence ends at . ! or ? followed by a space and a capital, a digit or an opening
# quote or bracket ("e.g. a" does not end one).
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[\"'(\[A-Z0-9])")
GRID_BAND = 3  # at most this many options side by side, so each column stays readable


def grid_lead(text):
    """``(lead, rest)`` of a grid answer, as plain text: the first sentence (of the
    first paragraph or list point) and everything after it, "" when nothing is left."""
    blocks = _paragraph_blocks(text)
    if not blocks:
        return "", ""
    lines = [line for line in blocks[0].split("\n") if line.strip()]
    first = _LIST_MARK.sub("", lines[0], count=1).strip()
    parts = _SENTENCE_END.split(first, maxsplit=1)
    lead, rest_of_line = parts[0].strip(), (parts[1].strip() if len(parts) > 1 else "")
    rest_lines = ([rest_of_line] if rest_of_line else []) + lines[1:]
    rest_blocks = (["\n".join(rest_lines)] if rest_lines else []) + blocks[1:]
    return lead, "\n\n".join(rest_blocks)


def grid_bands(n, most=GRID_BAND):
    """Sizes of the groups of columns: as even as possible, none over ``most``
    (7 options: 3, 2, 2), so no option sits alone in a band of its own."""
    if n <= 0:
        return []
    count = -(-n // most)
    small, extra = divmod(n, count)
    return [small + 1] * extra + [small] * (count - extra)


@register.simple_tag
def option_grid(version, options=None):
    """The option grid, in bands of at most ``GRID_BAND`` options side by side.

    ``options`` limits and orders the columns (the options the patient chose to look
    at, in the order chosen); by default every option of the version, in its order.
    Returns ``{"options", "bands", "width"}``: each band is
    ``{"options", "number", "summaries": [cell], "rows": [(question, [cell])]}`` with a
    cell ``{"option", "answer", "lead", "rest"}`` (``answer`` None when missing), and
    ``width`` is the widest band, so every column can be drawn the same width.
    Works from prefetched ``options``, ``grid_questions`` and ``grid_answers``.
    """
    if options is None or options == "":  # "" is how a template passes "not given"
        options = list(version.options.all())
    else:
        options = list(options)
    answers = {(a.option_id, a.question_id): a for a in version.grid_answers.all()}
    questions = list(version.grid_questions.all())

    def cell(option, answer):
        lead, rest = grid_lead(answer.text) if answer else ("", "")
        return {"option": option, "answer": answer, "lead": lead, "rest": rest}

    def summary(option):
        lead, rest = grid_lead(option.summary)
        return {"option": option, "answer": option, "lead": lead, "rest": rest}

    bands, start = [], 0
    for number, size in enumerate(grid_bands(len(options)), start=1):
        shown = options[start:start + size]
        bands.append({
            "options": shown, "number": number, "summaries": [summary(o) for o in shown],
            "rows": [(q, [cell(o, answers.get((o.pk, q.pk))) for o in shown]) for q in questions],
        })
        start += size
    return {"options": options, "bands": bands,
            "width": max((len(b["options"]) for b in bands), default=0)}


@register.filter
def first_sentence(text):
    """The first sentence of a text (the grid's rule), for a one-line summary."""
    return grid_lead(text)[0]


@register.filter
def section_summary(section):
    """The section's own one-line summary, or else the first sentence of its text."""
    if section.summary.strip():
        return section.summary.strip()
    return grid_lead(section.body)[0]


@register.filter
def web_url(url):
    """The URL when it is http(s), else "": a stored link never becomes javascript:."""
    url = str(url or "").strip()
    return url if url.lower().startswith(("http://", "https://")) else ""


@register.filter
def end_sentence(text):
    """Text with a full stop added unless it already ends in punctuation."""
    text = str(text or "").strip()
    return text if not text or text[-1] in ".!?" else text + "."
