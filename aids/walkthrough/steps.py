"""The walkthrough's steps and their order.

Eleven steps (README.md, "Using it"), plus a short page before the topics
where the patient chooses the order of the four topic steps and may skip any.
The topic steps then follow in the patient's order; skipped ones stay in the
step list, marked, so it is plain what was not discussed.
"""

from dataclasses import dataclass

from aids.consultations import TOPICS


@dataclass(frozen=True)
class Step:
    key: str
    title: str
    topic: bool = False


START = Step("start", "Start")
DECISION = Step("decision", "The decision")
ABOUT = Step("about", "About tractotomy")
ORDER = Step("topics", "Choose topics")
BENEFITS = Step("benefits", "Benefits", topic=True)
RISKS = Step("risks", "Risks", topic=True)
CRITERIA = Step("criteria", "Last-resort criteria", topic=True)
ALTERNATIVES = Step("alternatives", "Alternatives", topic=True)
VALUES = Step("values", "What matters to you")
QUESTIONS = Step("questions", "Questions and understanding")
NEXT = Step("next", "Next steps")
REVIEW = Step("review", "Review")

STEPS = {
    s.key: s
    for s in (START, DECISION, ABOUT, ORDER, BENEFITS, RISKS, CRITERIA, ALTERNATIVES,
              VALUES, QUESTIONS, NEXT, REVIEW)
}
TOPIC_STEPS = {key: STEPS[key] for key in TOPICS}
TOPIC_SUMMARIES = {
    "benefits": "What tractotomy may help with, and how likely that is.",
    "risks": "What can go wrong, how likely that is, and how serious it can be.",
    "criteria": "When tractotomy is considered: each point talked through.",
    "alternatives": "The other options, including no procedure, side by side.",
}


def topic_order(consultation):
    """The order of the topic steps: the patient's choice, or the default."""
    chosen = [t for t in (consultation.topic_order or []) if t in TOPICS]
    return chosen + [t for t in TOPICS if t not in chosen]


def all_steps(consultation):
    """Every step in walkthrough order, skipped topics included."""
    topics = [TOPIC_STEPS[t] for t in topic_order(consultation)]
    return [START, DECISION, ABOUT, ORDER, *topics, VALUES, QUESTIONS, NEXT, REVIEW]


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


def navigation(consultation, current_key):
    """The step list shown on every page: [{step, number, current, skipped}]."""
    skipped = set(consultation.skipped_topics or [])
    taken = sequence(consultation)
    numbers = {s.key: i for i, s in enumerate(taken, start=1)}
    return [
        {
            "step": s,
            "number": numbers.get(s.key),
            "current": s.key == current_key,
            "skipped": s.key in skipped,
        }
        for s in all_steps(consultation)
    ]
