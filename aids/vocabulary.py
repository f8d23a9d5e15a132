"""The decision's vocabulary: steps, topics, the SURE test and the value scale.

One place for the words and rules that the walkthrough (forms, pages, views), the
services, the record and the models all share. It sits at the bottom of the
layers and imports nothing from the app, so every other module may read it.
"""

from dataclasses import dataclass, replace

# Words shown to people are translated where they are shown (Django's i18n, issue 16);
# the words about the decision itself come from the pinned content.
from django.utils.translation import gettext_lazy as _


# --------------------------------------------------------------------------- steps

# Eleven steps (README.md, "Using it"), plus a short page before the topics where
# the patient chooses the order of the four topic steps and may skip any. The topic
# steps then follow in the patient's order; skipped ones stay in the step list,
# marked, so it is plain what was not discussed.


@dataclass(frozen=True)
class Step:
    key: str
    title: str
    topic: bool = False


START = Step("start", _("Start"))
DECISION = Step("decision", _("The decision"))
ABOUT = Step("about", _("About the procedure"))
ORDER = Step("topics", _("Choose topics"))
BENEFITS = Step("benefits", _("Benefits"), topic=True)
RISKS = Step("risks", _("Risks"), topic=True)
CRITERIA = Step("criteria", _("When it is considered"), topic=True)
ALTERNATIVES = Step("alternatives", _("Alternatives"), topic=True)
VALUES = Step("values", _("What matters to you"))
QUESTIONS = Step("questions", _("Questions and understanding"))
NEXT = Step("next", _("Next steps"))
REVIEW = Step("review", _("Review"))

STEPS = {
    s.key: s
    for s in (START, DECISION, ABOUT, ORDER, BENEFITS, RISKS, CRITERIA, ALTERNATIVES,
              VALUES, QUESTIONS, NEXT, REVIEW)
}


# --------------------------------------------------------------------------- topics


@dataclass(frozen=True)
class Topic:
    """A topic step: the patient orders the four and may skip any.

    ``relation`` is the pinned version's related name for the topic's items and
    ``kind`` the ``ItemRecord.Kind`` value that records each item; ``cited`` says whether
    its items carry their own references; ``scoped`` whether they say which forms
    of the operation they apply to.
    """

    key: str
    kind: str
    relation: str
    summary: str
    cited: bool = False
    scoped: bool = False

    @property
    def step(self):
        return STEPS[self.key]

    @property
    def title(self):
        return self.step.title


TOPIC_LIST = [
    Topic("benefits", "benefit", "benefits",
          "What it may help with, and how likely that is.", cited=True, scoped=True),
    Topic("risks", "risk", "risks",
          _("What can go wrong, how likely that is, and how serious it can be."), cited=True,
          scoped=True),
    Topic("criteria", "criterion", "criteria",
          "When it is considered: each point talked through.", scoped=True),
    Topic("alternatives", "option", "options",
          _("The other options, including no procedure, side by side.")),
]
TOPIC_BY_KEY = {t.key: t for t in TOPIC_LIST}
TOPIC_BY_KIND = {t.kind: t for t in TOPIC_LIST}
TOPICS = [t.key for t in TOPIC_LIST]  # the default (content's) order
TOPIC_STEPS = {t.key: t.step for t in TOPIC_LIST}


# Where the list of topics starts when the content sets no order: the patient then
# chooses. Not benefits first: what the operation is for and the other options come
# before its outcomes, and benefits and risks sit side by side.
DEFAULT_TOPIC_ORDER = ["criteria", "alternatives", "benefits", "risks"]


# --------------------------------------------------------------------------- the aid's own words

# Words of the walkthrough that are about the decision come from the pinned version
# (``AidVersion``'s fields below), so any aid can be shown; the words above are the
# neutral ones used where a version leaves a field blank.
# {step key: the version field holding that step's title}
STEP_TITLE_FIELDS = {"about": "about_title", "criteria": "criteria_title"}
# {topic key: the version field holding its one-line summary on the topics page}
TOPIC_SUMMARY_FIELDS = {t.key: f"{t.key}_summary" for t in TOPIC_LIST}
# {topic key: the version field holding the sentence that opens its step; the page
# follows it with the app's own framing (figures out of 100, criteria never added up)}
TOPIC_INTRO_FIELDS = {"benefits": "benefits_intro", "criteria": "criteria_intro"}
TOPIC_INTROS = {
    "benefits": "What it may help with.",
    "risks": "What can go wrong.",
    "criteria": "",
}
# Every version field above, in the order the editor shows them.
VERSION_WORD_FIELDS = (
    "about_title", "criteria_title",
    *TOPIC_SUMMARY_FIELDS.values(), *TOPIC_INTRO_FIELDS.values(),
)


def _own(version, field):
    return (getattr(version, field, "") or "").strip() if version is not None and field else ""


def version_step(version, step):
    """``step`` with its title as the pinned ``version`` words it."""
    title = _own(version, STEP_TITLE_FIELDS.get(step.key))
    return replace(step, title=title) if title else step


def own_step_title(version, key):
    """The step's title as ``version`` words it, or "" when it leaves it to the neutral one."""
    return _own(version, STEP_TITLE_FIELDS.get(key))


def step_title(version, key):
    return version_step(version, STEPS[key]).title


def topic_summary(version, key):
    return _own(version, TOPIC_SUMMARY_FIELDS.get(key)) or TOPIC_BY_KEY[key].summary


def topic_intro(version, key):
    return _own(version, TOPIC_INTRO_FIELDS.get(key)) or TOPIC_INTROS.get(key, "")


def is_topic_order(keys):
    """True when ``keys`` names every topic exactly once."""
    return sorted(keys) == sorted(TOPICS)


def parse_topic_order(text):
    """The content's topic order ("criteria, alternatives, ...") as a list of keys;
    [] when blank. ``ValueError`` with a plain message when it is not the four topics."""
    keys = [k.strip().lower() for k in (text or "").split(",") if k.strip()]
    if not keys:
        return []
    if not is_topic_order(keys):
        raise ValueError("List the four topics once each, separated by commas: "
                         + ", ".join(TOPICS) + ".")
    return keys


def content_topic_order(version):
    """The order the version's content lists the topics in before the patient chooses."""
    try:
        return parse_topic_order(getattr(version, "topic_order", "")) or list(DEFAULT_TOPIC_ORDER)
    except ValueError:
        return list(DEFAULT_TOPIC_ORDER)


def topic_order(consultation):
    """The order of the topic steps: the patient's choice, completed by the content's."""
    chosen = [t for t in (consultation.topic_order or []) if t in TOPIC_BY_KEY]
    return chosen + [t for t in content_topic_order(consultation.version) if t not in chosen]


def topic_moved(order, topic, direction):
    """``order`` with ``topic`` moved one place "up" or "down" (unchanged at an end)."""
    order = list(order)
    if topic not in order or direction not in ("up", "down"):
        return order
    i = order.index(topic)
    j = i - 1 if direction == "up" else i + 1
    if 0 <= j < len(order):
        order[i], order[j] = order[j], order[i]
    return order


def all_steps(consultation):
    """Every step in walkthrough order, skipped topics included."""
    topics = [TOPIC_STEPS[t] for t in topic_order(consultation)]
    steps = [START, DECISION, ABOUT, ORDER, *topics, VALUES, QUESTIONS, NEXT, REVIEW]
    return [version_step(consultation.version, s) for s in steps]


def sequence(consultation):
    """The steps taken, in order: skipped topics left out."""
    skipped = set(consultation.skipped_topics or [])
    return [s for s in all_steps(consultation) if s.key not in skipped]


def neighbours(consultation, key):
    """(previous step, next step) around ``key``; None at either end."""
    full = all_steps(consultation)
    skipped = set(consultation.skipped_topics or [])
    index = next(i for i, s in enumerate(full) if s.key == key)
    before = [s for s in full[:index] if s.key not in skipped]
    after = [s for s in full[index + 1:] if s.key not in skipped]
    return (before[-1] if before else None), (after[0] if after else None)


# --------------------------------------------------------------------------- SURE

# The SURE test (Legare et al.): four yes/no questions, asked unchanged. Its own
# score is the number of "yes" answers; 3 or less suggests decisional conflict.
SURE_ITEMS = [
    ("sure", "S", _("Do you feel SURE about the best choice for you?")),
    ("understand", "U", _("Do you know the benefits and risks of each option?")),
    ("risks_benefits", "R", _("Are you clear about which benefits and risks matter most to you?")),
    ("encouragement", "E", _("Do you have enough support and advice to make a choice?")),
]
SURE_KEYS = [key for key, _letter, _text in SURE_ITEMS]
SURE_CONFLICT_AT_MOST = 3  # a complete score at or below this: conflict may be present
SURE_ANSWERS = ("yes", "no")


def sure_clean(answers):
    """Only the SURE keys, each "yes" or "no"; anything else dropped."""
    answers = answers or {}
    return {k: answers[k] for k in SURE_KEYS if answers.get(k) in SURE_ANSWERS}


def sure_score(answers):
    """(number of "yes", number answered) for a SURE answers dict."""
    given = sure_clean(answers).values()
    return sum(1 for a in given if a == "yes"), len(given)


def sure_conflict(answers):
    """True when all four are answered and the score is 3 or less (information only)."""
    yes, answered = sure_score(answers)
    return answered == len(SURE_ITEMS) and yes <= SURE_CONFLICT_AT_MOST


# --------------------------------------------------------------------------- values

# How much a consideration matters to the patient. Echoed as given; never turned
# into an option, a score or an order.
RATING_CHOICES = [
    ("0", _("0 - Not at all")),
    ("1", _("1 - A little")),
    ("2", _("2 - Somewhat")),
    ("3", _("3 - Quite a lot")),
    ("4", _("4 - Very much")),
    ("not_sure", _("Not sure")),
]
RATING_LABELS = dict(RATING_CHOICES)
RATING_MIN, RATING_MAX = 0, 4
NOT_RATED = _("Not rated")


def rating_text(rating):
    """A ``ValueRating`` (or None) as the words shown on screen and in the record, left
    lazy: the patient copy is drawn in the patient's language from data read in the
    request's, so the words are chosen where they are shown."""
    if rating is None:
        return NOT_RATED
    if rating.not_sure:
        return RATING_LABELS["not_sure"]
    if rating.rating is None:
        return NOT_RATED
    return RATING_LABELS.get(str(rating.rating), str(rating.rating))
