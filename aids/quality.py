"""Quality gates for a content version, and the IPDAS minimum-standards self-check.

``check_version`` returns errors (content that breaks the SDM standards and
should not be published as it is) and warnings (to fix or to justify in
``warnings_justification``). ``ipdas_checklist`` lists the IPDAS minimum
standards (Joseph-Williams et al. 2014 [I1]): derived from the content where
content can show them, otherwise taken from the reviewer's ticks.

Both read a version's content in a fixed number of queries, however long it is.
"""

import functools
import re
from collections import defaultdict
from dataclasses import dataclass, field

import textstat
from django.utils import timezone

from aids.wording import find_directive_wording

ERROR = "error"
WARNING = "warning"

READING_GRADE_MAX = 8
# Flesch-Kincaid is a formula over sentence length and syllables: on a heading
# or a one-line label it swings wildly, so only texts this long are graded.
READING_MIN_WORDS = 20
RISK_DETAIL_RATIO = 0.75

IPDAS_SOURCE = (
    "Joseph-Williams N, Newcombe R, Politi M, et al. Toward minimum standards for "
    "certifying patient decision aids: a modified Delphi consensus process. "
    "Med Decis Making 2014;34(6):699-710. doi:10.1177/0272989X13501721 [I1]"
)


@dataclass(frozen=True)
class Finding:
    level: str  # ERROR or WARNING
    code: str
    message: str
    location: str  # human words, e.g. 'Risk 3 "Bleeding in the brain"'


@dataclass
class QualityReport:
    errors: list = field(default_factory=list)
    warnings: list = field(default_factory=list)

    @property
    def findings(self):
        return self.errors + self.warnings

    @property
    def has_errors(self):
        return bool(self.errors)

    @property
    def has_warnings(self):
        return bool(self.warnings)

    def codes(self):
        return {f.code for f in self.findings}

    def add(self, level, code, message, location):
        finding = Finding(level, code, message, location)
        (self.errors if level == ERROR else self.warnings).append(finding)


@dataclass(frozen=True)
class IpdasItem:
    key: str
    group: str  # "qualifying" or "certification"
    label: str
    met: bool
    derived: bool  # True: worked out from the content; False: the reviewer's tick
    detail: str


# -- loading --------------------------------------------------------------------------


@dataclass
class _Content:
    version: object
    sections: list
    benefits: list
    risks: list
    criteria: list
    options: list
    questions: list
    answers: dict  # (option_id, question_id) -> GridAnswer
    values: list
    understanding: list
    reference_keys: list


def _load(version):
    """Every part of the version, in a fixed number of queries."""
    answers = version.grid_answers.prefetch_related("references")
    return _Content(
        version=version,
        sections=list(version.sections.all()),
        benefits=list(version.benefits.prefetch_related("references")),
        risks=list(version.risks.prefetch_related("references")),
        criteria=list(version.criteria.all()),
        options=list(version.options.all()),
        questions=list(version.grid_questions.all()),
        answers={(a.option_id, a.question_id): a for a in answers},
        values=list(version.value_statements.all()),
        understanding=list(version.understanding_questions.all()),
        reference_keys=list(version.references.values_list("key", flat=True)),
    )


def _short(text, limit=60):
    text = " ".join((text or "").split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _loc(kind, index, title):
    return f'{kind} {index} "{_short(title)}"'


def _outcomes(c):
    for kind, items in (("Benefit", c.benefits), ("Risk", c.risks)):
        for i, outcome in enumerate(items, 1):
            yield _loc(kind, i, outcome.title), outcome


def _grid_cells(c):
    """(location, answer or None) for every option x grid question."""
    for option in c.options:
        for question in c.questions:
            location = f'Grid answer "{_short(option.name, 40)}" / "{_short(question.text, 50)}"'
            yield location, c.answers.get((option.pk, question.pk))


def _patient_texts(c):
    """(location, text) for every piece of text a patient reads."""
    v = c.version
    yield "The decision", v.decision
    yield "Who this aid is for", v.audience
    yield "Introduction", v.intro
    yield "What we don't know", v.unknowns
    for i, s in enumerate(c.sections, 1):
        loc = _loc("Section", i, s.heading)
        yield f"{loc}, heading", s.heading
        yield f"{loc}, text", s.body
    for loc, o in _outcomes(c):
        yield f"{loc}, title", o.title
        yield f"{loc}, description", o.description
        yield f"{loc}, time frame", o.time_frame
        yield f"{loc}, note on certainty", o.certainty_note
        yield f"{loc}, why the figure is not known", o.unknown_reason
    for i, cr in enumerate(c.criteria, 1):
        loc = _loc("Criterion", i, cr.statement)
        yield f"{loc}, statement", cr.statement
        yield f"{loc}, explanation", cr.explanation
    for i, o in enumerate(c.options, 1):
        loc = _loc("Option", i, o.name)
        yield f"{loc}, name", o.name
        yield f"{loc}, summary", o.summary
    for i, q in enumerate(c.questions, 1):
        yield _loc("Grid question", i, q.text), q.text
    for loc, answer in _grid_cells(c):
        if answer is not None:
            yield loc, answer.text
    for i, vs in enumerate(c.values, 1):
        yield _loc("Value statement", i, vs.text), vs.text
    for i, u in enumerate(c.understanding, 1):
        loc = _loc("Understanding question", i, u.statement)
        yield f"{loc}, statement", u.statement
        yield f"{loc}, explanation", u.explanation


# -- figures and reading level -------------------------------------------------------

_CITATION = re.compile(r"\[[A-Za-z]{1,3}\d+[a-z]?\]")
_YEAR = re.compile(r"(?:\b(?:in|since|from|until|by|before|after)\s+|\()(?:19|20)\d\d\b\)?", re.I)
_NUMBER_WORD = r"(?:a|one|two|three|four|five|six|seven|eight|nine|ten|twenty|hundred|thousand)"
_FIGURE = re.compile(
    r"(?<![A-Za-z])\d"  # any number left once citations and years are gone
    r"|\bper\s*cent\b|\bpercent\b"
    rf"|\b{_NUMBER_WORD}\s+(?:in|out\s+of)\s+(?:every\s+)?{_NUMBER_WORD}\b",
    re.I,
)


def mentions_figure(text):
    """Whether text states a number that may be a statistic (errs on yes).

    Citation tags ([R1]) and years ("in 1987", "(2019)") are not figures.
    """
    text = _YEAR.sub(" ", _CITATION.sub(" ", text or ""))
    return bool(_FIGURE.search(text))


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


# -- the gates ------------------------------------------------------------------------


def _check_wording(c, report):
    for location, text in _patient_texts(c):
        matches = find_directive_wording(text)
        if matches:
            found = ", ".join(f'"{m.phrase}" ({m.label})' for m in matches)
            report.add(
                ERROR, "directive-wording",
                f"Directive wording: {found}. The aid informs; it never recommends.",
                location,
            )


def _check_reading_level(c, report):
    for location, text in _patient_texts(c):
        if textstat.lexicon_count(text or "") < READING_MIN_WORDS:
            continue
        grade = reading_grade(text)
        if grade > READING_GRADE_MAX:
            report.add(
                WARNING, "reading-level",
                f"Flesch-Kincaid grade {grade:.1f}; aim for {READING_GRADE_MAX} or lower.",
                location,
            )


def _check_figures(c, report):
    denominators = defaultdict(list)
    for location, o in _outcomes(c):
        if o.has_figure:
            denominators[o.denominator].append(location)
            if not o.references.all():
                report.add(
                    ERROR, "figure-without-reference",
                    f'"{o.frequency_text()}" has no reference; cite where the figure comes from.',
                    location,
                )
        elif not (o.unknown_reason or "").strip():
            report.add(
                ERROR, "missing-figure-reason",
                "No figure and no reason why it is not known.", location,
            )
    if len(denominators) > 1:
        listed = "; ".join(
            f"{d} ({', '.join(locs)})" for d, locs in sorted(denominators.items())
        )
        report.add(
            ERROR, "mixed-denominators",
            f"Benefits and risks use different denominators: {listed}. "
            "Use one denominator throughout so they can be compared.",
            "Benefits and risks",
        )
    for location, answer in _grid_cells(c):
        if answer is not None and mentions_figure(answer.text) and not answer.references.all():
            report.add(
                ERROR, "figure-without-reference",
                "The answer states a figure but has no reference.", location,
            )


def _check_grid(c, report):
    for location, answer in _grid_cells(c):
        if answer is None or not answer.text.strip():
            report.add(
                ERROR, "missing-grid-answer",
                "Every option needs an answer to every grid question.", location,
            )


def _detail_balance(c):
    """Why risks are presented with less detail than benefits, or ""."""
    def size(items):
        return sum(len(o.title) + len(o.description) for o in items)

    reasons = []
    if len(c.risks) < len(c.benefits):
        reasons.append(f"{len(c.risks)} risks for {len(c.benefits)} benefits")
    benefit_size, risk_size = size(c.benefits), size(c.risks)
    if benefit_size and risk_size < RISK_DETAIL_RATIO * benefit_size:
        reasons.append(
            f"risk text is {risk_size * 100 // benefit_size}% of the benefit text "
            f"({risk_size} vs {benefit_size} characters)"
        )
    return "; ".join(reasons)


def _check_balance(c, report):
    reasons = _detail_balance(c)
    if reasons:
        report.add(
            WARNING, "risks-less-detailed",
            f"Risks are presented with less detail than benefits: {reasons}.",
            "Benefits and risks",
        )


def _check_governance(c, report, today):
    v = c.version
    if not v.next_review_due:
        report.add(WARNING, "review-overdue", "No next review date is set.", "Review dates")
    elif v.next_review_due < today:
        report.add(
            WARNING, "review-overdue",
            f"The review was due on {v.next_review_due.isoformat()}.", "Review dates",
        )
    for attr, code, what in (
        ("funding_statement", "missing-funding", "funding statement"),
        ("conflicts_statement", "missing-conflicts", "conflicts of interest statement"),
        ("update_policy", "missing-update-policy", "update policy"),
    ):
        if not (getattr(v, attr) or "").strip():
            report.add(WARNING, code, f"The {what} is missing.", "About this aid")


def check_version(version, *, today=None):
    """Run every quality gate over a version; return a ``QualityReport``."""
    c = _load(version)
    report = QualityReport()
    _check_wording(c, report)
    _check_figures(c, report)
    _check_grid(c, report)
    _check_reading_level(c, report)
    _check_balance(c, report)
    _check_governance(c, report, today or timezone.localdate())
    return report


# -- IPDAS ----------------------------------------------------------------------------

_NO_PROCEDURE = re.compile(
    r"\bno[\s_-]+(?:new\s+)?(?:procedure|operation|surgery|treatment|intervention)\b"
    r"|\bcurrent[\s_-]+care\b|\bnothing[\s_-]+new\b|\bdo(?:ing)?[\s_-]+nothing\b|\bwatchful\b",
    re.I,
)
_LIVING_WITH = re.compile(
    r"\brecover|\bdaily\s+life\b|\bday[\s-]to[\s-]day\b|\beveryday\b|\bliving\s+with\b|\blife\s+after\b",
    re.I,
)


def _tick(v, key, met_detail, unmet_detail):
    met = bool((v.ipdas_ticks or {}).get(key, False))
    return met, False, met_detail if met else unmet_detail


def _ipdas_figures_referenced(c):
    outcomes_ok = all(o.references.all() for _, o in _outcomes(c) if o.has_figure)
    answers_ok = all(
        a.references.all() for _, a in _grid_cells(c) if a is not None and mentions_figure(a.text)
    )
    return outcomes_ok and answers_ok


def ipdas_checklist(version):
    """The 6 qualifying and 6 general certification IPDAS criteria [I1].

    Each ``IpdasItem`` says whether it is met and whether that was derived from
    the content (``derived=True``) or taken from ``version.ipdas_ticks``.
    """
    c = _load(version)
    v = c.version
    items = []

    def add(key, group, label, met, derived, detail):
        items.append(IpdasItem(key, group, label, bool(met), derived, detail))

    q, cert = "qualifying", "certification"
    describes = bool(
        (v.audience or "").strip() or (v.intro or "").strip()
        or any(s.body.strip() for s in c.sections)
    )
    add("condition", q, "Describes the health condition or problem", describes, True,
        "Audience, introduction or sections describe it." if describes
        else "Add who the aid is for, an introduction or an about section.")
    add("decision", q, "Explicitly states the decision to be considered",
        (v.decision or "").strip(), True,
        "The decision is stated in one sentence." if (v.decision or "").strip()
        else "State the decision in one sentence.")
    no_procedure = [o.name for o in c.options if _NO_PROCEDURE.search(f"{o.key} {o.name}")]
    options_met = len(c.options) >= 2 and bool(no_procedure)
    if options_met:
        options_detail = f'{len(c.options)} options, including "{no_procedure[0]}".'
    else:
        options_detail = (f"{len(c.options)} options; at least 2 are needed, "
                          "one of them no procedure (keeping current care).")
    add("options", q, "Describes the options available, including doing nothing new",
        options_met, True, options_detail)
    add("benefits", q, "Describes the positive features (benefits) of each option",
        c.benefits, True, f"{len(c.benefits)} benefits.")
    add("harms", q, "Describes the negative features (harms, side effects) of each option",
        c.risks, True, f"{len(c.risks)} risks.")

    living_questions = [
        qn for qn in c.questions if qn.key == "recovery" or _LIVING_WITH.search(qn.text)
    ]
    lacking = [
        o.name for o in c.options
        if not any((a := c.answers.get((o.pk, qn.pk))) and a.text.strip() for qn in living_questions)
    ]
    if c.options and living_questions and not lacking:
        living = (True, True, "Every option answers a grid question about recovery or daily life.")
    else:
        why = (f"No grid answer about recovery or daily life for: {', '.join(lacking)}."
               if living_questions else "No grid question about recovery or daily life.")
        living = _tick(v, "living-with-outcomes", f"Ticked by the reviewer. {why}",
                       f"{why} A reviewer can tick it if sections describe it.")
    add("living-with-outcomes", q, "Describes what it is like to live with each outcome", *living)

    balance = _detail_balance(c)
    equal = c.risks and not balance
    add("equal-detail", cert, "Shows benefits and harms with equal detail", equal, True,
        "Risks are described in as much detail as benefits." if equal
        else f"Less detail for risks: {balance}." if balance else "No risks described.")
    referenced = _ipdas_figures_referenced(c)
    cited = referenced and bool(c.reference_keys)
    add("citations", cert, "Cites the evidence for the figures", cited, True,
        f"{len(c.reference_keys)} references; every figure cites one." if cited
        else "No references listed." if not c.reference_keys
        else "Some figures cite no reference.")
    if v.published_at:
        published = (True, True, f"Published on {timezone.localdate(v.published_at).isoformat()}.")
    else:
        published = _tick(v, "publication-date", "Ticked by the reviewer (draft).",
                          "A draft: the date is set when it is published.")
    add("publication-date", cert, "Gives the production or publication date", *published)
    policy = (v.update_policy or "").strip()
    add("update-policy", cert, "States an update policy", policy, True,
        "Update policy stated." if policy else "Add the update policy.")
    uncertain = [o for _, o in _outcomes(c) if o.has_figure and not o.certainty]
    unknowns = (v.unknowns or "").strip()
    add("uncertainty", cert, "Describes the uncertainty around the figures",
        not uncertain and unknowns, True,
        "Every figure says how sure the evidence is; what we don't know is described."
        if not uncertain and unknowns
        else "Add what we don't know." if not uncertain
        else "Some figures do not say how sure the evidence is.")
    funded = (v.funding_statement or "").strip() and (v.conflicts_statement or "").strip()
    add("funding", cert, "States the funding and conflicts of interest", funded, True,
        "Funding and conflicts of interest stated." if funded
        else "Add the funding and the conflicts of interest statements.")
    return items
