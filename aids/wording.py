"""Directive and recommending wording: the one list the whole app checks against.

The aid informs and records; it never tells a patient what to choose. The
quality gates (``aids.quality``) scan every piece of content with this list
before a version is published, and the walkthrough's neutrality tests scan
every rendered page with it, so a phrase added here is caught everywhere.

Beyond fixed phrases, the patterns are built from word classes so that they
generalise: an option's name (or "the operation", "this option") joined by a
verb to an evaluative comparative or superlative ("cordotomy is safer", "the
most effective treatment", "better than medicines"); social norms ("most people
in your situation choose"); authority framing ("the standard treatment", "the
treatment of choice", "guidelines favour"); the team's own preference ("we
prefer", "our preferred approach"); and reassurance ("is very safe", "works
well", "a minor procedure"). Measured comparisons ("higher", "lower", "more",
"fewer", "better pain relief was reported in 80 in 100") are how figures are
compared, and are not flagged. ``tests/wording_corpus.py`` holds the steering
and neutral sentences the patterns are measured on.

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

__all__ = ["DIRECTIVE_PATTERNS", "DirectiveMatch", "DirectivePattern", "Match", "SPANISH_PATTERNS",
           "directive_wording_known", "find_directive_wording", "find_directive_wording_in"]

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
PRAISES = "praises an option with a superlative or comparative"
SOCIAL_NORM = "says what most people choose"
AUTHORITY = "frames an option as the standard or an authority's choice"
TEAM_PREFERENCE = "states the team's own preference"
REASSURES = "reassures that an option is safe or works well"


@dataclass(frozen=True)
class DirectivePattern:
    label: str
    regex: re.Pattern
    # Which negations excuse a match: "" (none), "recommend" (a disclaimer
    # such as "does not recommend"), "determiner" ("there is no best option"),
    # or "not" (a plain negation just before: "not a proven treatment", "has not
    # worked well enough").
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


# -- word classes the generalising patterns are built from --------------------------
# An option, as content names it: the operations, the other treatments, and the
# words that stand for "this option".
_OPTION = (
    r"(?:(?:trigeminal\s+)?tractotomy(?:-nucleotomy)?|nucleotomy|cordotomy|mesencephalotomy|"
    r"rhizotomy|(?:the\s+|a\s+|this\s+|that\s+)?(?:operation|surgery|procedure|pump|stimulator|"
    r"nerve\s+block|injection|radiotherapy|lesion)|spinal\s+cord\s+stimulation|stimulation|"
    r"(?:(?:pain\s+)?medicines?|palliative\s+care|talking\s+therapy|current\s+care|waiting)|"
    r"(?:this|that|either|each|which)\s+(?:option|choice|treatment|one|approach|way))"
)
# Evaluative comparatives and superlatives. Measured ones ("higher", "lower",
# "more", "fewer") are how figures are compared and are left alone.
_PRAISE_COMPARATIVE = (
    r"(?:better|safer|superior|inferior|preferable|wiser|smarter|riskier|kinder|gentler|"
    r"(?:more|less)\s+(?:effective|successful|reliable|sensible|worthwhile|appropriate|"
    r"suitable|risky|dangerous|safe|helpful))"
)
_PRAISE_SUPERLATIVE = (
    r"(?:safest|wisest|smartest|gentlest|kindest|optimal|"
    r"most\s+(?:effective|successful|reliable|sensible|worthwhile|appropriate|suitable|helpful)|"
    r"least\s+(?:risky|harmful|dangerous))"
)
_VERB_LINK = (
    r"(?:is|are|was|were|be|works?|worked|seems?|looks?|tends?\s+to\s+be|"
    r"(?:would|may|might|could|will|can)\s+(?:be|work))"
)
_DEGREE = r"(?:(?:much|far|a\s+lot|generally|usually|often|clearly|probably|likely|simply|really|definitely|always)\s+)?"
_PEOPLE = r"(?:people|patients|families|adults|men|women|others|those)"
_CHOOSE = (
    r"(?:choose|chose|chosen|choosing|opt|opted|opts|prefer|preferred|prefers|pick|picked|picks|"
    r"go(?:es)?\s+for|went\s+for|go(?:es)?\s+ahead|went\s+ahead|decide[ds]?\s+to\s+have|select|selected|"
    r"ask\s+for|asked\s+for|would\s+choose|end\s+up\s+(?:choosing|having)|"
    rf"are\s+glad|were\s+glad|never\s+regret|don{_APOS}t\s+regret|do\s+not\s+regret|"
    r"are\s+happy\s+with\s+(?:their|the)\s+(?:choice|decision))"
)

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
    # Superlatives and comparatives that praise (or run down) an option.
    _p(PRAISES, rf"\b{_OPTION}\b(?:\s+(?:alone|itself|here|now))?\s+{_VERB_LINK}\s+{_DEGREE}(?:the\s+|a\s+)?(?:{_PRAISE_COMPARATIVE}|{_PRAISE_SUPERLATIVE})\b"),
    _p(PRAISES, rf"\b{_OPTION}\s+{_VERB_LINK}\s+{_DEGREE}(?:the\s+)?best\b(?!\s+(?:option|choice|treatment|course|approach|decision)s?\b)"),
    _p(PRAISES, rf"\b{_PRAISE_COMPARATIVE}\s+than\s+(?:(?:the|a|any|other|having|with|other)\s+)*{_OPTION}"),
    _p(PRAISES, rf"\b(?:a|the)\s+{_DEGREE}(?:{_PRAISE_COMPARATIVE}|{_PRAISE_SUPERLATIVE})\s+(?:option|choice|treatment|way|approach|bet|alternative|route|idea|plan|thing\s+to\s+do)s?\b"),
    _p(PRAISES, rf"\b(?:the\s+)?{_PRAISE_SUPERLATIVE}\b"),
    _p(PRAISES, r"\b(?:works?|worked|does|did)\s+(?:the\s+)?best\b"),
    _p(PRAISES, r"\bbest\s+(?:way|bet|hope|chance|results?|outcomes?|thing)\b", negatable="determiner"),
    _p(PRAISES, rf"\b(?:the\s+)?(?:better|safer|wiser|preferable)\s+(?:of\s+the\s+(?:two|options))\b"),
    _p(PRAISES, r"\b(?:clear|obvious|natural|sensible|smart|wise|logical)\s+(?:choice|option|next\s+step|way\s+forward)\b", negatable="not"),
    # What most people choose: a social norm to follow.
    _p(SOCIAL_NORM, rf"\b(?:most|many|nearly\s+all|almost\s+all|(?:the\s+)?majority\s+of|lots\s+of|more\s+and\s+more|nearly\s+everyone|almost\s+everyone|everyone|everybody)\b(?:\s+[\w’'-]+){{0,5}}?\s+(?:{_PEOPLE}\s+)?(?:\w+\s+){{0,3}}?{_CHOOSE}\b"),
    _p(SOCIAL_NORM, rf"\b{_PEOPLE}\s+(?:like\s+you|in\s+your\s+(?:situation|position|shoes))\b"),
    _p(SOCIAL_NORM, r"\b(?:the\s+)?(?:usual|popular|common|normal|typical|most\s+common|most\s+popular)\s+(?:choice|option|decision)\b"),
    # Authority framing: a standard, the treatment of choice, what experts endorse.
    _p(AUTHORITY, r"\b(?:gold|accepted|usual)\s+standard\b|\bstandard\s+(?:of\s+care|treatment|therapy|option|approach|procedure|choice)\b", negatable="not"),
    _p(AUTHORITY, r"\b(?:treatment|operation|procedure|option|therapy)\s+of\s+choice\b"),
    _p(AUTHORITY, r"\bfirst[\s-]line\b"),
    _p(AUTHORITY, r"\b(?:guidelines?|experts?|doctors|specialists|surgeons|studies|research|the\s+evidence)\s+(?:all\s+|now\s+|generally\s+|clearly\s+)?(?:agree|favou?rs?|prefers?|supports?|endorses?|backs?|approves?\s+of|points?\s+to|says?\s+to)\b(?!\s+(?:that\s+)?(?:no|nothing|neither))", negatable="not"),
    _p(AUTHORITY, r"\b(?:proven|established|accepted|approved|trusted|tried[\s-]and[\s-]tested)\s+(?:treatment|option|operation|procedure|therapy|way|cure|choice)\b", negatable="not"),
    # The team's own preference.
    _p(TEAM_PREFERENCE, r"\b(?:we|I)\s+(?:would\s+|usually\s+|generally\s+|often\s+|tend\s+to\s+|really\s+|strongly\s+)?(?:prefer|favou?r|lean\s+towards?|believe|think|feel|would\s+(?:choose|go\s+(?:for|with)|pick|opt|have|do))\b"),
    _p(TEAM_PREFERENCE, r"\b(?:(?:our|my)(?:\s+team(?:['’]s)?)?|the\s+team(?:['’]s)?)\s+(?:(?:own|usual|clear|strong)\s+)?(?:preference|preferred|choice|favou?rite|first\s+choice|usual\s+approach)\b"),
    _p(TEAM_PREFERENCE, r"\b(?:the\s+team|your\s+(?:doctor|surgeon|team)|doctors|surgeons)\s+(?:would\s+|usually\s+|generally\s+)?(?:prefers?|favou?rs?|would\s+(?:choose|go\s+for|pick|opt))\b"),
    _p(TEAM_PREFERENCE, r"\bif\s+it\s+(?:were|was)\s+(?:me|my\s+\w+)\b|\bin\s+my\s+experience\b"),
    # Reassurance that an option is safe or works well.
    _p(REASSURES, r"(?<!whether\s)(?<!if\s)\b(?:is|are|was|be|been|very|completely|perfectly|quite|generally|entirely|totally)\s+(?:very\s+|completely\s+|perfectly\s+|quite\s+|generally\s+|entirely\s+|totally\s+|extremely\s+)?safe\b(?!\s+from)", negatable="not"),
    _p(REASSURES, r"\bsafe\s+and\s+(?:effective|reliable|simple)\b|\brisk[\s-]free\b|\blow[\s-]risk\b|\bharmless\b"),
    _p(REASSURES, rf"\b(?:works?|worked|working)\s+(?:very\s+|really\s+|extremely\s+|so\s+)?(?:well|wonders)\b(?!\s+enough)", negatable="not"),
    _p(REASSURES, r"\b(?:highly|very|extremely|remarkably|really|so)\s+(?:effective|successful|safe)\b", negatable="not"),
    _p(REASSURES, rf"\b(?:nothing\s+to\s+worry\s+about|no\s+need\s+to\s+(?:worry|be\s+afraid)|don{_APOS}t\s+worry|do\s+not\s+worry|you(?:{_APOS}ll|\s+will)\s+be\s+fine)\b"),
    _p(REASSURES, r"\b(?:a\s+)?(?:minor|simple|routine|straightforward|quick\s+and\s+easy)\s+(?:operation|procedure|surgery)\b", negatable="not"),
    _p(REASSURES, r"(?<!good\sor\s)\b(?:excellent|great|wonderful|impressive|outstanding|very\s+good)\s+(?:results?|outcomes?|success|track\s+record)\b"),
    _p(REASSURES, r"\b(?:rarely|seldom|hardly\s+ever)\s+(?:causes?|has|leads?\s+to|goes\s+wrong)\b"),
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
# "not a proven treatment", "has not worked well enough", "is not the safest"
_NOT_BEFORE = re.compile(
    rf"(?:\b(?:not|never|no|nor|neither|without|whether)|n{_APOS}t)(?:\s+(?:a|an|the|yet|always|been|be|so|as|any|one|really|necessarily|clearly|proven|shown|known|found|said|to|that|it|this|they|is|are|was|will|would))*\s*$",
    _FLAGS,
)
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
    if pattern.negatable == "not":
        return bool(_NOT_BEFORE.search(before))
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


# -- other languages ----------------------------------------------------------------
# The gates check a content translation with the patterns of its language, where
# this module knows them. Spanish: a small list of the same kinds (telling,
# recommending, ranking, fitting, eligibility, urging, social norm, reassurance),
# with the disclaimers ("no recomienda ningún tratamiento", "no hay una opción
# mejor") excused. Other languages have no list yet: the approver reads for it.

_ES_NEG_BEFORE = re.compile(
    r"\b(?:no|nunca|ni|sin)(?:\s+(?:se|le|les|lo|la|da|hace|hacen|ofrece|es|son|una|un|"
    r"ningún|ninguna|ninguno|ni|tampoco|pretende|quiere))*\s*$", _FLAGS)
_ES_NEG_AFTER = re.compile(r"^\s+(?:ningún|ninguna|ninguno|nada)\b", _FLAGS)
_ES_OPTION = (
    r"(?:la\s+)?(?:tractotomía|cordotomía|mesencefalotomía|operación|cirugía|intervención|"
    r"opción|tratamiento|estimulación|bomba|medicación|medicamentos?)"
)

SPANISH_PATTERNS = [
    # "No debe elegir..." (must not) still tells; "No tiene que decidir hoy" (need not) does not.
    _p(TELLS, r"\b(?:usted\s+|tú\s+)?(?:debe|debería|deberías|debes)\s+(?:elegir|escoger|"
              r"operarse|aceptar|decidir|probar|hacerse|tomar|optar|pedir|considerar)\b"),
    _p(TELLS, r"\b(?:usted\s+|tú\s+)?(?:tiene\s+que|tienes\s+que|hay\s+que)\s+(?:elegir|"
              r"escoger|operarse|aceptar|decidir|probar|hacerse|tomar|optar|pedir|considerar)\b",
       negatable="obligation"),
    _p(TELLS, r"\bsi\s+yo\s+fuera\s+usted\b"),
    _p(RECOMMENDS, r"\b(?:le\s+|les\s+|te\s+)?(?:recomendamos|recomiendo|aconsejamos|aconsejo|"
                   r"sugerimos|sugiero)\b"),
    _p(RECOMMENDS, r"\b(?:es|son|está|están)\s+(?:muy\s+|altamente\s+)?(?:recomendad[oa]s?|"
                   r"aconsejad[oa]s?|indicad[oa]s?\s+para\s+usted)\b"),
    _p(RECOMMENDS, r"\b(?:recomienda|recomiendan|recomendación|recomendaciones)\b",
       negatable="recommend"),
    _p(RANKS, r"\b(?:la|el)\s+mejor\s+(?:opción|elección|tratamiento|decisión|camino)\b",
       negatable="determiner"),
    _p(RANKS, r"\b(?:la\s+)?(?:opción|elección|decisión)\s+(?:correcta|adecuada|acertada)\b",
       negatable="determiner"),
    _p(RANKS, rf"\b{_ES_OPTION}\s+(?:es|son|sería|será)\s+(?:mucho\s+)?(?:mejor|más\s+segur[oa]|"
              r"más\s+eficaz|preferible|superior|la\s+más\s+segura|el\s+más\s+seguro)\b"),
    _p(FITS, r"\b(?:ideal|perfect[oa]|adecuad[oa]|apropiad[oa]|lo\s+mejor)\s+para\s+usted\b",
       negatable="not"),
    _p(FITS, r"\bes\s+(?:un|una)\s+buen[oa]?\s+candidat[oa]\b"),
    _p(ELIGIBILITY, r"\b(?:usted\s+)?(?:es|no\s+es)\s+apt[oa]\b|\bcumple\s+los\s+requisitos\b"),
    _p(URGES, r"\b(?:decida|decídase)\s+(?:ya|hoy|pronto|cuanto\s+antes)\b|"
              r"\bno\s+(?:espere|lo\s+deje)\b"),
    _p(SOCIAL_NORM, r"\b(?:la\s+mayoría|casi\s+todos)\s+(?:de\s+los\s+pacientes\s+|de\s+las\s+personas\s+)?"
                    r"(?:elige|eligen|escoge|escogen|prefiere|prefieren|opta|optan)\b"),
    _p(TEAM_PREFERENCE, r"\b(?:preferimos|nuestra\s+opción\s+preferida)\b"),
    _p(REASSURES, r"\b(?:es|son)\s+(?:muy\s+|totalmente\s+|completamente\s+)?segur[oa]s?\b|"
                  r"\bfunciona\s+(?:muy\s+)?bien\b|\buna\s+intervención\s+menor\b",
       negatable="not"),
]

_ES_NOT_BEFORE = re.compile(r"\b(?:no|nunca|ni|sin|si)(?:\s+\w+){0,2}\s*$", _FLAGS)
_ES_NO_BEFORE = re.compile(r"\b(?:no\s+(?:hay|existe)|ninguna|ningún)\s+(?:una\s+|un\s+)?$", _FLAGS)


def _es_excused(pattern, text, m):
    if not pattern.negatable:
        return False
    before = _clause_before(text, m.start())
    if pattern.negatable == "determiner":
        return bool(_ES_NO_BEFORE.search(before))
    if pattern.negatable == "not":
        return bool(_ES_NOT_BEFORE.search(before))
    if pattern.negatable == "obligation":
        return bool(re.search(r"\b(?:no|nadie|nunca)\s+(?:\w+\s+)?$", before, _FLAGS))
    return bool(_ES_NEG_BEFORE.search(before)) or (
        m.group(0).lower() in {"recomienda", "recomiendan"} and bool(_ES_NEG_AFTER.match(text[m.end():])))


def _find_es(text):
    found = []
    for pattern in SPANISH_PATTERNS:
        for m in pattern.regex.finditer(text):
            if not _es_excused(pattern, text, m):
                found.append(DirectiveMatch(m.group(0), pattern.label, m.start(), m.end()))
    found.sort(key=lambda d: (d.start, -(d.end - d.start)))
    kept = []
    for match in found:
        if not any(match.start < k.end and k.start < match.end for k in kept):
            kept.append(match)
    return kept


def directive_wording_known(language_code):
    """Whether this module has directive-wording patterns for the language."""
    return (language_code or "en").split("-")[0].lower() in {"en", "es"}


def find_directive_wording_in(text, language_code):
    """``find_directive_wording`` for a language ("en", "es"); None when the
    language has no patterns here (the caller says so; it is never a pass)."""
    base = (language_code or "en").split("-")[0].lower()
    if base == "en":
        return find_directive_wording(text)
    if base == "es":
        return _find_es(text) if text else []
    return None
