"""What a record says, gathered once from a consultation and its pinned version.

Plain Python, no ReportLab: the clinical and the patient copy are both rendered
from one :class:`RecordData`, so they can never disagree about what was shown,
discussed or skipped. Everything comes from the pinned version, never from the
aid's current content. Topic keys, SURE questions and rating words are the
walkthrough's own, so the record echoes exactly what was on screen.
"""

from dataclasses import dataclass, field

from django.db.models import Prefetch
from django.utils import timezone

from aids.consultations import SURE_ITEMS, TOPIC_KIND, sure_score
from aids.models import Consultation, Reference
from aids.walkthrough.forms import VALUE_CHOICES
from aids.walkthrough.steps import TOPIC_STEPS, topic_order

RATING_LABELS = dict(VALUE_CHOICES)
_CONTENT = {"benefits": "benefits", "risks": "risks", "criteria": "criteria",
            "alternatives": "options"}
_SURE_KEYS = [key for key, _letter, _text in SURE_ITEMS]


@dataclass
class Sure:
    answers: list  # [(question, "yes" | "no" | "")]

    def summary(self):
        """The SURE score, shown plainly as information (never as a verdict)."""
        yes, answered = sure_score(dict(zip(_SURE_KEYS, (a for _, a in self.answers))))
        if not answered:
            return "Not asked"
        if answered < len(SURE_ITEMS):
            return f"SURE score not calculated: {answered} of {len(SURE_ITEMS)} questions answered"
        if yes <= 3:
            return f"SURE score {yes} of 4 - some decisional conflict may be present"
        return f"SURE score {yes} of 4 - no decisional conflict shown by this screen"



def sure_from(stored):
    stored = stored or {}
    return Sure([(text, stored.get(key) if stored.get(key) in ("yes", "no") else "")
                 for key, _letter, text in SURE_ITEMS])


@dataclass
class Item:
    kind: str
    obj: object  # Benefit, Risk, Criterion or Option of the pinned version
    discussed: bool = False
    selected: bool = False
    note: str = ""

    @property
    def label(self):
        o = self.obj
        return getattr(o, "title", None) or getattr(o, "statement", None) or o.name


@dataclass
class Topic:
    key: str
    title: str
    items: list


@dataclass
class RecordData:
    consultation: Consultation
    version: object
    revision: int
    generated_at: object
    generated_by: str
    clinician: str
    present: list
    started_at: object
    finalized_at: object
    review_overdue: bool
    sections: list
    topics: list  # taken, in the order taken
    skipped: list  # topics skipped
    grid_questions: list
    grid_answers: dict  # (option_id, question_id) -> GridAnswer
    sure_before: Sure
    sure_after: Sure
    values: list  # [(ValueStatement, rating as shown on screen)]
    questions: list
    understanding: list  # [(UnderstandingQuestion, answer text)]
    addenda: list
    references: list
    contributors: list = field(default_factory=list)

    @property
    def record_id(self):
        return self.consultation.record_id

    @property
    def not_discussed(self):
        """[(topic title, [item labels], skipped)] for every item not ticked discussed."""
        rows = [(t.title, [i.label for i in t.items], True) for t in self.skipped]
        rows += [(t.title, [i.label for i in t.items if not i.discussed], False) for t in self.topics]
        return [row for row in rows if row[2] or row[1]]

    @property
    def position_text(self):
        c = self.consultation
        return c.get_position_display() if c.position else ""


def person_name(user):
    return (user.get_full_name() or user.get_username()) if user else ""


def rating_text(rating):
    if rating is None:
        return "Not rated"
    if rating.not_sure:
        return RATING_LABELS["not_sure"]
    if rating.rating is None:
        return "Not rated"
    return RATING_LABELS.get(str(rating.rating), str(rating.rating))


def record_data(*, consultation, revision, generated_at=None, generated_by=None):
    """Gather everything a record shows (about twenty queries, whatever the size)."""
    c = consultation
    version = c.version
    ref_prefetch = Prefetch("references", queryset=Reference.objects.order_by("order", "pk"))
    records = {(r.kind, r.item_id): r for r in c.item_records.all()}
    skipped_keys = set(c.skipped_topics or [])

    def topic(key):
        kind, items = TOPIC_KIND[key], getattr(version, _CONTENT[key]).all()
        if key in ("benefits", "risks"):
            items = items.prefetch_related(ref_prefetch)
        rows = []
        for obj in items:
            rec = records.get((kind, obj.pk))
            rows.append(Item(kind, obj, discussed=bool(rec and rec.discussed),
                             selected=bool(rec and rec.selected), note=rec.note if rec else ""))
        return Topic(key, TOPIC_STEPS[key].title, rows)

    all_topics = [topic(key) for key in topic_order(c)]
    topics = [t for t in all_topics if t.key not in skipped_keys]
    grid_answers = {(a.option_id, a.question_id): a
                    for a in version.grid_answers.prefetch_related(ref_prefetch)}
    shown_options = {i.obj.pk for t in topics if t.key == "alternatives"
                     for i in t.items if i.selected or i.discussed}
    cited = {r.pk for t in topics if t.key in ("benefits", "risks")
             for i in t.items for r in i.obj.references.all()}
    cited |= {r.pk for (option_id, _), a in grid_answers.items() if option_id in shown_options
              for r in a.references.all()}

    ratings = {r.statement_id: r for r in c.value_ratings.all()}
    answers = {a.question_id: a for a in c.understanding_answers.all()}
    started = timezone.localtime(c.created_at) if c.created_at else timezone.localtime()
    present = dict(Consultation.Present.choices)
    return RecordData(
        consultation=c,
        version=version,
        revision=revision,
        generated_at=timezone.localtime(generated_at or timezone.now()),
        generated_by=person_name(generated_by),
        clinician=person_name(c.clinician),
        present=[str(present.get(p, p)) for p in c.present or []]
        + ([c.present_other] if c.present_other else []),
        started_at=started,
        finalized_at=timezone.localtime(c.finalized_at) if c.finalized_at else None,
        review_overdue=version.review_overdue(on=started.date()),
        sections=list(version.sections.all()),
        topics=topics,
        skipped=[t for t in all_topics if t.key in skipped_keys],
        grid_questions=list(version.grid_questions.all()),
        grid_answers=grid_answers,
        sure_before=sure_from(c.sure_before),
        sure_after=sure_from(c.sure_after),
        values=[(s, rating_text(ratings.get(s.pk))) for s in version.value_statements.all()],
        questions=list(c.questions.all()),
        understanding=[
            (q, answers[q.pk].get_answer_display() if q.pk in answers and answers[q.pk].answer
             else "Not answered")
            for q in version.understanding_questions.all()
        ],
        addenda=list(c.addenda.select_related("author")),
        references=[r for r in version.references.all() if r.pk in cited],
        contributors=list(version.contributors.all()),
    )
