"""Everything recorded in a consultation, gathered for the review and record pages.

It lists what was and was not discussed and echoes the patient's answers exactly
as given. It never counts criteria, never turns ratings into an option, never
orders anything by a rating: the only part of the summary that depends on the
value ratings is the echo of the ratings themselves.
"""

from aids.consultations import SURE_ITEMS, TOPIC_KIND, sure_score
from aids.models import Consultation, PatientQuestion, UnderstandingAnswer, ValueRating
from aids.walkthrough.forms import VALUE_CHOICES
from aids.walkthrough.steps import TOPIC_STEPS, topic_order

_RELATED = {"benefits": "benefits", "risks": "risks", "criteria": "criteria", "alternatives": "options"}
RATING_LABELS = dict(VALUE_CHOICES)


def sure_summary(answers):
    yes, answered = sure_score(answers)
    return {
        "rows": [(letter, text, (answers or {}).get(key, "")) for key, letter, text in SURE_ITEMS],
        "yes": yes,
        "answered": answered,
        "complete": answered == len(SURE_ITEMS),
        # 3 or less: some decisional conflict may be present. Information, not a verdict.
        "conflict": answered == len(SURE_ITEMS) and yes <= 3,
        "total": len(SURE_ITEMS),
    }


def build_summary(consultation):
    c = consultation
    version = c.version
    records = {(r.kind, r.item_id): r for r in c.item_records.all()}
    skipped = set(c.skipped_topics or [])
    topics = []
    for key in topic_order(c):
        kind = TOPIC_KIND[key]
        qs = getattr(version, _RELATED[key]).all()
        if key in ("benefits", "risks"):
            qs = qs.prefetch_related("references")
        rows = [{"item": item, "record": records.get((kind, item.pk))} for item in qs]
        topics.append({
            "step": TOPIC_STEPS[key],
            "skipped": key in skipped,
            "rows": rows,
            "not_discussed": [r["item"] for r in rows if not (r["record"] and r["record"].discussed)],
        })

    ratings = {r.statement_id: r for r in ValueRating.objects.filter(consultation=c)}
    values = []
    for statement in version.value_statements.all():
        r = ratings.get(statement.pk)
        if r is None:
            echo = ""
        elif r.not_sure:
            echo = RATING_LABELS["not_sure"]
        elif r.rating is None:
            echo = ""
        else:
            echo = RATING_LABELS[str(r.rating)]
        values.append({"statement": statement, "echo": echo})

    answers = {a.question_id: a for a in UnderstandingAnswer.objects.filter(consultation=c)}
    understanding = [
        {"question": q, "answer": answers.get(q.pk)} for q in version.understanding_questions.all()
    ]
    present = dict(Consultation.Present.choices)
    questions = list(PatientQuestion.objects.filter(consultation=c))
    return {
        "present": [present[p] for p in c.present or [] if p in present],
        "topics": topics,
        "skipped_topics": [t for t in topics if t["skipped"]],
        "all_discussed": not any(t["skipped"] or t["not_discussed"] for t in topics),
        "values": values,
        "questions": questions,
        "open_questions": [q for q in questions if q.status == PatientQuestion.Status.OPEN],
        "understanding": understanding,
        "sure_before": sure_summary(c.sure_before),
        "sure_after": sure_summary(c.sure_after),
    }
