"""Quality gates for a content version.

``check_version`` returns errors (content that breaks the SDM standards and
should not be published as it is) and warnings (to fix or to justify in
``warnings_justification``). It reads a version's content in a fixed number of
queries, however long it is (``load_content``); the IPDAS self-check in
``aids.ipdas`` reads it the same way.
"""

import re
from collections import defaultdict
from dataclasses import dataclass, field

import textstat
from django.utils import timezone

from aids.readability import reading_grade
from aids.vocabulary import VERSION_WORD_FIELDS
from aids.wording import find_directive_wording

ERROR = "error"
WARNING = "warning"

READING_GRADE_MAX = 8  # IPDAS literacy criterion [I2]
# Flesch-Kincaid is a formula over sentence length and syllables: on a heading
# or a one-line label it swings wildly, so only texts this long are graded.
READING_MIN_WORDS = 20
RISK_DETAIL_RATIO = 0.75

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

    def add(self, level, code, message, location):
        finding = Finding(level, code, message, location)
        (self.errors if level == ERROR else self.warnings).append(finding)


# -- loading --------------------------------------------------------------------------


@dataclass
class Content:
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
    forms: list = field(default_factory=list)  # the version's OperationForms


def load_content(version):
    """Every part of the version, in a fixed number of queries."""
    answers = version.grid_answers.prefetch_related("references")
    return Content(
        version=version,
        sections=list(version.sections.prefetch_related("references")),
        benefits=list(version.benefits.prefetch_related("references", "forms")),
        risks=list(version.risks.prefetch_related("references", "forms")),
        criteria=list(version.criteria.all()),
        options=list(version.options.all()),
        questions=list(version.grid_questions.all()),
        answers={(a.option_id, a.question_id): a for a in answers},
        values=list(version.value_statements.all()),
        understanding=list(version.understanding_questions.all()),
        reference_keys=list(version.references.values_list("key", flat=True)),
        forms=list(version.operation_forms.all()),
    )


def _short(text, limit=60):
    text = " ".join((text or "").split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _loc(kind, index, title):
    return f'{kind} {index} "{_short(title)}"'


def outcomes(c):
    for kind, items in (("Benefit", c.benefits), ("Risk", c.risks)):
        for i, outcome in enumerate(items, 1):
            yield _loc(kind, i, outcome.title), outcome


def grid_cells(c):
    """(location, answer or None) for every option x grid question."""
    for option in c.options:
        for question in c.questions:
            location = f'Grid answer "{_short(option.name, 40)}" / "{_short(question.text, 50)}"'
            yield location, c.answers.get((option.pk, question.pk))


def version_word_locations():
    """{location in the report: field} for the walkthrough's own words (step titles,
    topic lines), located by the field's label as the editor shows it."""
    from django.utils.text import capfirst

    from aids.models import AidVersion

    return {capfirst(AidVersion._meta.get_field(name).verbose_name): name
            for name in VERSION_WORD_FIELDS}


def _version_texts(v):
    """(location, text) for the version's own texts a patient reads."""
    yield "The decision", v.decision
    yield "Who this aid is for", v.audience
    yield "Introduction", v.intro
    yield "What we don't know", v.unknowns
    for location, name in version_word_locations().items():
        yield location, getattr(v, name)


def _patient_texts(c):
    """(location, text) for every piece of text a patient reads."""
    yield from _version_texts(c.version)
    for i, s in enumerate(c.sections, 1):
        loc = _loc("Section", i, s.heading)
        yield f"{loc}, heading", s.heading
        yield f"{loc}, text", s.body
    for loc, o in outcomes(c):
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
    for loc, answer in grid_cells(c):
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
    for location, o in outcomes(c):
        if o.has_figure:
            denominators[o.denominator].append(location)
            if not o.references.all():
                report.add(
                    ERROR, "figure-without-reference",
                    f'"{o.frequency_text()}" has no reference; cite where the figure comes from.',
                    location,
                )
        elif o.is_universal:
            if not o.references.all():
                report.add(
                    ERROR, "figure-without-reference",
                    f'"{o.frequency_text()}" has no reference; cite where this comes from.',
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
    for location, answer in grid_cells(c):
        if answer is not None and mentions_figure(answer.text) and not answer.references.all():
            report.add(
                ERROR, "figure-without-reference",
                "The answer states a figure but has no reference.", location,
            )


def _check_time_frames(c, report):
    """Each likelihood has a time frame, or says that none is known."""
    for location, o in outcomes(c):
        if not (o.time_frame or "").strip():
            report.add(
                ERROR, "missing-time-frame",
                f'"{o.frequency_text()}" has no time frame: say when or over what time it '
                'happens (e.g. "3 months after the operation"), or write that no time frame '
                "is known.",
                f"{location}, time frame",
            )


# Texts a patient reads that have no references of their own: a figure there has
# nowhere to cite its source. (An understanding question's explanation repeats a
# figure the aid shows with its source, and is not checked.)
def _uncitable_texts(c):
    yield from _version_texts(c.version)
    for i, cr in enumerate(c.criteria, 1):
        loc = _loc("Criterion", i, cr.statement)
        yield f"{loc}, statement", cr.statement
        yield f"{loc}, explanation", cr.explanation
    for i, o in enumerate(c.options, 1):
        yield f'{_loc("Option", i, o.name)}, summary', o.summary
    for i, vs in enumerate(c.values, 1):
        yield _loc("Value statement", i, vs.text), vs.text


def _check_section_figures(c, report):
    for i, s in enumerate(c.sections, 1):
        loc = _loc("Section", i, s.heading)
        for part, text in (("summary", s.summary), ("text", s.body)):
            if mentions_figure(text) and not s.references.all():
                report.add(
                    ERROR, "figure-without-reference",
                    f"The section's {part} states a figure but the section cites no "
                    "reference; choose the references it comes from.",
                    f"{loc}, {part}",
                )
    for location, text in _uncitable_texts(c):
        if mentions_figure(text):
            report.add(
                WARNING, "figure-cannot-be-cited",
                "This text states a figure but cannot cite a source; give the figure in a "
                "section, benefit, risk or grid answer that cites one, or justify it.",
                location,
            )


_GENERIC_FORM_WORDS = {"tractotomy", "operation", "procedure", "surgery", "the", "and", "of"}


def _form_words(form):
    """Words that name a form in a text: its distinctive name words, or where the pain is."""
    words = {
        w for w in re.split(r"[\s\-/(),]+", form.name.lower())
        if len(w) >= 6 and w not in _GENERIC_FORM_WORDS
    }
    site = re.sub(r"^the\s+", "", (form.pain_site or "").strip().lower())
    if site and len(site.split()) <= 2:
        words.add(site)
    return words


def _names_form(text, form):
    text = (text or "").lower()
    return any(re.search(rf"\b{re.escape(w)}\b", text) for w in _form_words(form))


def _check_form_scope(c, report):
    """Risks and benefits that apply to some forms only say so in their words."""
    if not c.forms:
        return
    for location, o in outcomes(c):
        text = f"{o.title}\n{o.description}"
        own = list(o.forms.all())
        if own and len(own) < len(c.forms):
            if not any(_names_form(text, f) for f in own):
                names = ", ".join(f.name for f in own)
                report.add(
                    ERROR, "form-not-stated",
                    f"Applies to {names} only, but its title and description do not say "
                    "so: name the form (or where the pain is), so no one reads it as "
                    "being about every form.",
                    f"{location}, description",
                )
        elif not own:
            named = [f for f in c.forms if _names_form(text, f)]
            if len(named) == 1:
                report.add(
                    WARNING, "form-scope-unset",
                    f"Names only {named[0].name} but applies to every form: if it comes "
                    f"from {named[0].name} only, choose that form under \"forms\"; if not, "
                    "say which forms it applies to.",
                    f"{location}, forms",
                )


def _check_grid(c, report):
    for location, answer in grid_cells(c):
        if answer is None or not answer.text.strip():
            report.add(
                ERROR, "missing-grid-answer",
                "Every option needs an answer to every grid question.", location,
            )


def detail_balance(c):
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
    reasons = detail_balance(c)
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
    c = load_content(version)
    report = QualityReport()
    _check_wording(c, report)
    _check_figures(c, report)
    _check_time_frames(c, report)
    _check_section_figures(c, report)
    _check_form_scope(c, report)
    _check_grid(c, report)
    _check_reading_level(c, report)
    _check_balance(c, report)
    _check_governance(c, report, today or timezone.localdate())
    return report
