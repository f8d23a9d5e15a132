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


# -- Spanish: the Fernández-Huerta reading ease -----------------------------------
# L = 206.84 - 0.60 P - 1.02 F, with P syllables per 100 words and F words per
# sentence (Fernández Huerta 1959, the Spanish adaptation of Flesch's ease). 0 to
# 100, higher is easier; 60 to 70 is "normal" (about the level of a 12 to 13 year
# old reader, grade 7 to 8), 70 and above is easy.
SPANISH_EASE_MIN = 60

_ES_VOWELS = "aeiouáéíóúü"
_ES_STRONG = "aeoáéóíú"  # an accented í or ú breaks a diphthong: "día", "reúne"


def spanish_syllables(word):
    """Syllables of a Spanish word by its vowel nuclei (diphthongs are one; two
    strong vowels side by side are two, "le-er", "dí-a")."""
    word = word.lower()
    count, previous = 0, ""
    for ch in word:
        if ch in _ES_VOWELS:
            if previous not in _ES_VOWELS or (previous in _ES_STRONG and ch in _ES_STRONG):
                count += 1
        previous = ch
    return max(1, count)  # "y" (and), a word with no vowel letter, is one syllable


_ES_WORD = re.compile(r"[^\W\d_]+", re.UNICODE)


def fernandez_huerta(text):
    """Fernández-Huerta reading ease of Spanish text (0 to 100, higher is easier)."""
    text = _as_sentences(text)
    words = _ES_WORD.findall(text)
    sentences = max(1, len(re.findall(r"[.!?]+", text)))
    if not words:
        return 100.0
    syllables = sum(spanish_syllables(w) for w in words)
    return 206.84 - 60.0 * syllables / len(words) - 1.02 * len(words) / sentences


def reading_level(text, language_code):
    """(formula name, score, acceptable) for text in that language, or None when no
    formula is known here for the language."""
    base = (language_code or "en").split("-")[0].lower()
    if base == "en":
        grade = reading_grade(text)
        return ("Flesch-Kincaid grade", grade, grade <= 8)
    if base == "es":
        ease = fernandez_huerta(text)
        return ("Fernández-Huerta reading ease", ease, ease >= SPANISH_EASE_MIN)
    return None
