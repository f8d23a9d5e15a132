"""Quality gates for a content translation.

Errors: a source text left untranslated; a number in a translated text that is
not the source's (the multiset of numbers must be identical: one that differs,
is missing or is added is an error); directive wording in the translation's
language, where ``aids.wording`` knows that language. Warnings: a reading level
above plain language, where ``aids.readability`` has a formula for the language;
and, for a language without directive-wording patterns or without a reading
formula, that the approver must read for it (never a silent pass).
"""

import re
import unicodedata
from collections import Counter

from aids.quality import ERROR, READING_MIN_WORDS, WARNING, QualityReport
from aids.readability import reading_level
from aids.translations import source_texts, translated_texts
from aids.wording import directive_wording_known, find_directive_wording_in

_NUMBER = re.compile(r"\d+")


def numbers_in(text):
    """The numbers in ``text`` as a multiset of their values: every run of digits, in
    any script ("30", "٣٠"), so "1.5" and "1,5" (decimal point or comma), "1,000" and
    "1.000" (thousands) are the same numbers in either language."""
    return Counter(int("".join(str(unicodedata.digit(ch)) for ch in m.group(0)))
                   for m in _NUMBER.finditer(text or ""))


def number_problem(source, translated):
    """Why the numbers of ``translated`` are not those of ``source``, or ""."""
    want, have = numbers_in(source), numbers_in(translated)
    if want == have:
        return ""
    missing = sorted((want - have).elements())
    added = sorted((have - want).elements())
    parts = []
    if missing:
        parts.append("the source's " + ", ".join(map(str, missing)) + " not found")
    if added:
        parts.append(", ".join(map(str, added)) + " not in the source")
    return "; ".join(parts)


def check_translation(translation):
    """Errors and warnings of a translation against its source version (a fixed
    number of queries, whatever its size)."""
    report = QualityReport()
    lang = translation.language_code
    texts = translated_texts(translation, fresh=True)
    name = translation.language_name
    wording_known = directive_wording_known(lang)
    level_known = reading_level("Texto.", lang) is not None
    if not wording_known:
        report.add(WARNING, "wording-unchecked",
                   f"The directive-wording check knows no patterns for {name}: the approver "
                   "reads every text for wording that tells, ranks or reassures.", "Whole translation")
    if not level_known:
        report.add(WARNING, "reading-level-unknown",
                   f"No reading-level formula is known here for {name}: the approver judges "
                   "whether the texts are plain.", "Whole translation")
    if translation.unreviewed:
        report.add(ERROR, "not-reviewed",
                   "Labelled as not yet reviewed by a qualified medical translator: a qualified "
                   "translator reviews every text against the source and clears the label "
                   "(then a second person publishes).", "Whole translation")
    for source in source_texts(translation.version):
        text = texts.get(source.key, "")
        if not text.strip():
            report.add(ERROR, "untranslated", "Not translated yet.", source.location)
            continue
        if problem := number_problem(source.text, text):
            report.add(ERROR, "figure-changed",
                       f"The numbers differ from the source ({problem}). Every figure must be "
                       "identical to the source.", source.location)
        if wording_known:
            matches = find_directive_wording_in(text, lang)
            if matches:
                found = ", ".join(f'"{m.phrase}" ({m.label})' for m in matches)
                report.add(ERROR, "directive-wording",
                           f"Directive wording: {found}. The aid informs; it never recommends.",
                           source.location)
        if level_known and len(text.split()) >= READING_MIN_WORDS:
            formula, score, ok = reading_level(text, lang)
            if not ok:
                report.add(WARNING, "reading-level",
                           f"{formula} {score:.0f}: harder than plain language.", source.location)
    return report
