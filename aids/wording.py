"""Directive and recommending wording: the one list the whole app checks against.

The aid informs and records; it never tells a patient what to choose. The
quality gates (``aids.quality``) scan every piece of content with this list
before a version is published, and the walkthrough's neutrality tests scan
every rendered page with it, so a phrase added here is caught everywhere.

Three kinds of neutral text must not be flagged, and are handled explicitly:

- negated disclaimers about recommending ("It does not recommend any
  treatment", "not a recommendation", "recommends no treatment");
- "there is no best option" / "no right choice" (a classic SDM reassurance);
- the validated SURE test: its question "Do you feel sure about the best choice
  for you?", whose wording must not be changed, and its "SURE score" (a measure
  of decisional conflict, not of any option).

Negation never excuses the rest: "is not recommended", "you are not eligible",
"not the best option for you" and "you should not" are still verdicts.
"""

import re
from dataclasses import dataclass

__all__ = ["DIRECTIVE_PATTERNS", "DirectiveMatch", "DirectivePattern", "Match", "find_directive_wording"]

# Straight, curly and HTML-escaped apostrophes: rendered pages escape "'" as &#x27;.
_APOS = r"(?:['’‘`]|&#x27;|&#39;|&rsquo;|&apos;)"
_FLAGS = re.IGNORECASE

TELLS = "tells the patient what to do"
RECOMMENDS = "recommends or advises"
RANKS = "ranks an option as best or right"
FITS = "says an option fits this person"
ELIGIBILITY = "gives an eligibility verdict"
URGES = "pressures the patient to decide"
SCORES = "scores or ranks"


@dataclass(frozen=True)
class DirectivePattern:
    label: str
    regex: re.Pattern
    # Which negations excuse a match: "" (none), "recommend" (a disclaimer
    # such as "does not recommend"), or "determiner" ("there is no best option").
    negatable: str = ""


@dataclass(frozen=True)
class DirectiveMatch:
    phrase: str  # the text as found
    label: str  # why it is directive
    start: int
    end: int


Match = DirectiveMatch


def _p(label, pattern, negatable=""):
    return DirectivePattern(label, re.compile(pattern, _FLAGS), negatable)


DIRECTIVE_PATTERNS = [
    _p(TELLS, rf"\byou\s+(?:really\s+|definitely\s+)?(?:should|shouldn{_APOS}t|must|mustn{_APOS}t|ought\s+to)\b"),
    # "Do you need to stay in?" is a question, not an instruction.
    _p(TELLS, r"(?<!do\s)(?<!will\s)(?<!would\s)(?<!did\s)\byou\s+(?:really\s+)?(?:need|have)\s+to\b"),
    _p(TELLS, rf"\byou(?:{_APOS}d|\s+had)\s+better\b"),
    _p(TELLS, r"\bshould\s+have\b"),
    _p(TELLS, r"\bshould\s+(?:be\s+)?(?:considered|consider|offered|tried|chosen|choose)\b"),
    _p(TELLS, r"\bstrongly\s+consider\b"),
    _p(TELLS, r"\bif\s+I\s+were\s+you\b"),
    _p(RECOMMENDS, r"\b(?:we|I|doctors?|surgeons?|the\s+team)\s+(?:would\s+|strongly\s+)?recommend(?:s)?\b"),
    _p(RECOMMENDS, r"\b(?:is|are|was|were|be|been)\s+(?:(?:highly|strongly|generally|usually|often)\s+)?recommended\b"),
    _p(RECOMMENDS, r"\brecommend(?:s|ed|ing|ation|ations)?\b", negatable="recommend"),
    _p(RECOMMENDS, r"\b(?:we|I)\s+(?:would\s+|strongly\s+)?(?:advise|suggest)\b"),
    _p(RECOMMENDS, r"\badvise\s+you\b"),
    _p(RECOMMENDS, r"\b(?:our|my)\s+advice\b"),
    _p(RECOMMENDS, r"\badvisable\b"),
    _p(RECOMMENDS, r"\bin\s+(?:our|my)\s+(?:view|opinion)\b"),
    _p(RANKS, r"\bbest\s+(?:option|choice|treatment|course|approach|decision)s?\b", negatable="determiner"),
    _p(RANKS, r"\bright\s+(?:option|choice|treatment|decision)s?\b", negatable="determiner"),
    _p(RANKS, r"\b(?:top|first|preferred)\s+(?:option|choice|treatment)s?\b"),
    _p(FITS, r"\b(?:right|best|ideal|suitable|appropriate|perfect)\s+(?:(?:option|choice|treatment|one|thing)\s+)?for\s+you\b"),
    _p(FITS, r"\b(?:good|ideal|suitable|right|poor)\s+candidates?\b"),
    _p(ELIGIBILITY, rf"\byou(?:{_APOS}re|\s+are|\s+were|\s+would\s+be)\s+(?:not\s+)?eligible\b"),
    _p(ELIGIBILITY, r"\b(?:in)?eligib(?:le|ility)\b"),
    _p(ELIGIBILITY, rf"\byou\s+(?:would\s+|do\s+not\s+|don{_APOS}t\s+)?qualify\b"),
    _p(URGES, rf"\b(?:don{_APOS}t|do\s+not)\s+(?:wait|delay)\b"),
    _p(URGES, r"\bact\s+now\b"),
    _p(URGES, rf"\bbefore\s+it(?:{_APOS}s|\s+is)\s+too\s+late\b"),
    # "pain score" is a measure patients report, not a score the app produces.
    _p(SCORES, r"(?<!pain\s)(?<!pain-)(?<!symptom\s)\bscor(?:e|es|ed|ing)\b", negatable="recommend"),
    _p(SCORES, r"\brank(?:s|ed|ing|ings)?\b", negatable="recommend"),
]

# Words allowed between a negation and the disclaimed word: "does not make a
# recommendation", "is not intended as a recommendation", "never counted, scored
# or turned into a verdict". A content word in between ("we do not hesitate to
# recommend") cancels the excuse.
_FILLER = (
    r"(?:a|an|any|the|this|make|makes|made|making|give|gives|gave|giving|offer|offers|"
    r"provide|provides|contain|contains|is|are|be|intended|meant|as|to|into|up|them|"
    r"it|add|adds|turn|turns|produce|produces|single|specific|particular|treatment|"
    r"personal|individual|clinical|medical|yet|or|and|counted|added|totalled|summed)"
)
_NEGATOR = rf"(?:\b(?:not|never|no|nor|without)|n{_APOS}t)"
_NEGATED_BEFORE = re.compile(rf"{_NEGATOR}(?:[\s,]+{_FILLER}){{0,5}}[\s,]*$", _FLAGS)
_NEGATED_AFTER = re.compile(r"^\s+(?:no|nothing|none|neither)\b", _FLAGS)
_NO_BEFORE = re.compile(r"\bno\s+(?:(?:single|one)\s+)?$", _FLAGS)
# A ";" ending an HTML entity (&#x27;) does not end a clause.
_CLAUSE_END = re.compile(r"[.:!?\n]|;(?<!&#x27;)(?<!&#39;)(?<!&rsquo;)(?<!&apos;)")

# The validated SURE test of decisional conflict, shown and recorded unchanged:
# its first question, and its total (a measure of conflict, not of any option).
_ALLOWED = [
    re.compile(r"\bsure\s+about\s+the\s+best\s+choice\s+for\s+you\b", _FLAGS),
    re.compile(r"\bSURE(?:\s+test)?\s+scores?\b"),
]


def _clause_before(text, start):
    """The text from the start of the clause up to ``start``."""
    before = text[:start]
    ends = list(_CLAUSE_END.finditer(before))
    return before[ends[-1].end():] if ends else before


def _is_excused(pattern, text, m):
    if not pattern.negatable:
        return False
    before = _clause_before(text, m.start())
    if pattern.negatable == "determiner":
        return bool(_NO_BEFORE.search(before))
    word = m.group(0).lower()
    if word == "recommended":
        return False  # "is not recommended" recommends against
    if _NEGATED_BEFORE.search(before):
        return True
    # "recommends no treatment"
    return word in {"recommend", "recommends"} and bool(_NEGATED_AFTER.match(text[m.end():]))


def find_directive_wording(text):
    """Every directive or recommending phrase in ``text``, in reading order.

    Returns a list of ``DirectiveMatch`` (phrase as found, label saying why it
    is directive, start and end offsets). Where patterns overlap, the longest
    phrase is kept. Case-insensitive; straight, curly and HTML-escaped
    apostrophes all match.
    """
    if not text:
        return []
    allowed = [(m.start(), m.end()) for rx in _ALLOWED for m in rx.finditer(text)]
    found = []
    for pattern in DIRECTIVE_PATTERNS:
        for m in pattern.regex.finditer(text):
            if any(a <= m.start() and m.end() <= b for a, b in allowed):
                continue
            if _is_excused(pattern, text, m):
                continue
            found.append(DirectiveMatch(m.group(0), pattern.label, m.start(), m.end()))
    # In reading order, longest first; a match overlapping one kept is the same phrase.
    found.sort(key=lambda d: (d.start, -(d.end - d.start)))
    kept = []
    for match in found:
        if any(match.start < k.end and k.start < match.end for k in kept):
            continue
        kept.append(match)
    return kept
