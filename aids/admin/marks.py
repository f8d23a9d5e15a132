"""The preview marks each flagged phrase where it stands.

``mark_flagged_phrases`` puts two private-use characters around each phrase the
directive-wording gate finds (``aids.wording``), in the preview's in-memory copy
of the version only (never saved); the display partials escape the text as
usual and leave those characters alone; ``render_marks`` then turns them into
``<mark>`` elements with the reason as their title. So the preview uses the very
partials the walkthrough uses, and no admin text is ever trusted as HTML.
"""

import re
from dataclasses import dataclass

from django.utils.html import escape

from aids.wording import find_directive_wording
from aids.vocabulary import VERSION_WORD_FIELDS

OPEN, CLOSE = "\ue000", "\ue001"
_INDEX_BASE = 0xE100  # OPEN is followed by chr(_INDEX_BASE + n): which flag it is
_MAX_FLAGS = 0x0E00
_OURS = re.compile("[\ue000-\ue001\ue100-\uef00]")
_TAG = re.compile(r"<[^>]*>")


@dataclass
class Flag:
    number: int
    phrase: str
    label: str
    where: str


# The texts a patient reads, per kind of item: (related name, label, fields).
_ITEM_TEXTS = (
    ("sections", "Section", ("heading", "summary", "body")),
    ("benefits", "Benefit", ("title", "description", "time_frame", "certainty_note", "unknown_reason")),
    ("risks", "Risk", ("title", "description", "time_frame", "certainty_note", "unknown_reason")),
    ("criteria", "Criterion", ("statement", "explanation")),
    ("options", "Option", ("name", "summary")),
    ("grid_questions", "Grid question", ("text",)),
    ("grid_answers", "Grid answer", ("text",)),
    ("value_statements", "Value statement", ("text",)),
    ("understanding_questions", "Understanding question", ("statement", "explanation")),
)
_VERSION_TEXTS = ("decision", "audience", "intro", "unknowns", *VERSION_WORD_FIELDS)


def _marked(text, flags, where):
    text = _OURS.sub("", text or "")
    matches = find_directive_wording(text)
    if not matches:
        return text
    out, last = [], 0
    for m in matches:
        if len(flags) >= _MAX_FLAGS:
            break
        flags.append(Flag(len(flags) + 1, m.phrase, m.label, where))
        out += [text[last:m.start], OPEN, chr(_INDEX_BASE + len(flags) - 1), text[m.start:m.end], CLOSE]
        last = m.end
    out.append(text[last:])
    return "".join(out)


def mark_flagged_phrases(version):
    """Mark every flagged phrase in ``version`` (prefetched, in memory); return the flags."""
    flags = []
    for name in _VERSION_TEXTS:
        setattr(version, name, _marked(getattr(version, name), flags, name.replace("_", " ")))
    for relation, label, fields in _ITEM_TEXTS:
        for i, item in enumerate(getattr(version, relation).all(), 1):
            for name in fields:
                setattr(item, name, _marked(getattr(item, name), flags, f"{label} {i}"))
    return flags


def render_marks(html, flags):
    """Turn the markers in rendered ``html`` into ``<mark>`` elements (dropped inside tags)."""
    html = _TAG.sub(lambda m: _OURS.sub("", m.group(0)), html)

    def open_mark(m):
        index = ord(m.group(1)) - _INDEX_BASE
        flag = flags[index] if 0 <= index < len(flags) else None
        if flag is None:
            return ""
        return (f'<mark class="aids-flag" id="flag-{flag.number}" '
                f'title="{escape("Directive wording: " + flag.label)}">')

    html = re.sub(f"{OPEN}([\ue100-\uef00])", open_mark, html)
    return html.replace(CLOSE, "</mark>")
