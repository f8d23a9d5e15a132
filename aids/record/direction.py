"""Direction of text for the PDF record: which paragraphs are right to left, the
visual order of a line (the Unicode bidi algorithm, python-bidi) and Arabic joining
(arabic-reshaper). See ``aids.record.text`` for how paragraphs use them."""

import re
import unicodedata

from arabic_reshaper import ArabicReshaper
from arabic_reshaper.ligatures import LETTERS_LIGATURES, SENTENCES_LIGATURES, WORDS_LIGATURES
from bidi import algorithm as uba
from reportlab.pdfbase import pdfmetrics

_RTL_CLASSES = {"R", "AL"}
_RTL_CHAR = re.compile("[\u0590-\u08ff\ufb1d-\ufdff\ufe70-\ufefc\U00010800-\U00010fff"
                       "\U0001e800-\U0001efff]")


def is_rtl(text):
    """True when the first strong character of ``text`` is right-to-left (Unicode
    bidi rule P2); False for a left-to-right one or none."""
    for ch in text:
        kind = unicodedata.bidirectional(ch)
        if kind in _RTL_CLASSES:
            return True
        if kind == "L":
            return False
    return False


def needs_bidi(text):
    return _RTL_CHAR.search(text) is not None


def visual_order(text, rtl):
    """(indices, chars): the logical index of each character of ``text`` in visual
    order (left to right) and the character to draw there (mirrored brackets), by
    the Unicode bidi algorithm with the paragraph direction given. Characters the
    algorithm drops (embedding controls, zero-width joiners) are kept beside their
    logical neighbour; combining marks follow their base (rule L3)."""
    if not text:
        return [], []
    storage = uba.get_empty_storage()
    storage["base_level"] = 1 if rtl else 0
    storage["base_dir"] = "R" if rtl else "L"
    uba.get_embedding_levels(text, storage)
    for i, ch in enumerate(storage["chars"]):
        ch["index"] = i
    uba.explicit_embed_and_overrides(storage)
    uba.resolve_weak_types(storage)
    uba.resolve_neutral_types(storage, False)
    uba.resolve_implicit_levels(storage, False)
    uba.reorder_resolved_levels(storage, False)
    uba.apply_mirroring(storage, False)
    order = [(ch["index"], ch["ch"], ch["level"]) for ch in storage["chars"]]
    # L3: marks on a right-to-left base now precede it; put them after it.
    i = 0
    while i < len(order):
        j = i
        while j < len(order) and order[j][2] % 2 and unicodedata.combining(order[j][1]):
            j += 1
        if j > i and j < len(order):
            order[i:j + 1] = [order[j]] + order[i:j][::-1]
            i = j + 1
        else:
            i += 1
    kept = {index for index, _, _ in order}
    for index in range(len(text)):  # what rule X9 removed, next to its neighbour
        if index not in kept:
            at = next((k + 1 for k, item in enumerate(order) if item[0] == index - 1), 0)
            order.insert(at, (index, text[index], 0))
            kept.add(index)
    return [index for index, _, _ in order], [ch for _, ch, _ in order]


_LAM_ALEF = {"ARABIC LIGATURE LAM WITH ALEF", "ARABIC LIGATURE LAM WITH ALEF WITH HAMZA ABOVE",
             "ARABIC LIGATURE LAM WITH ALEF WITH HAMZA BELOW",
             "ARABIC LIGATURE LAM WITH ALEF WITH MADDA ABOVE"}
_RESHAPER = ArabicReshaper(configuration={
    "delete_harakat": False,  # never drop a vowel mark
    "delete_tatweel": False,
    "support_ligatures": True,
    # Only the ligatures Arabic writing requires: the rest would change the text.
    **{name: name in _LAM_ALEF
       for name, _ in (*SENTENCES_LIGATURES, *WORDS_LIGATURES, *LETTERS_LIGATURES)},
})
_ARABIC = re.compile("[\u0600-\u06ff\u0750-\u077f\u08a0-\u08ff]")


def _font_chars(font_name):
    face = getattr(pdfmetrics.getFont(font_name), "face", None)
    return getattr(face, "charToGlyph", None)


def shape_arabic(text, font_name):
    """Arabic joining forms for a run drawn in ``font_name``, word by word; a word
    whose joined forms the font lacks stays as typed (unjoined, never boxes)."""
    if not _ARABIC.search(text):
        return text
    chars = _font_chars(font_name)
    if chars is None:
        return text

    def word(match):
        shaped = _RESHAPER.reshape(match.group(0))
        return shaped if all(ord(c) in chars for c in shaped) else match.group(0)

    return re.sub(r"[^\s]+", word, text)
