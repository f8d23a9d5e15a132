"""A realistic demo record (typical or maximal), for the benchmark and layout checks.

The bundled aid (aids/content/), and a finalized consultation over it built straight
through the models, so a record can be rendered without walking through the
steps. Not used by the running site.
"""

import io

from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.utils import timezone

from aids.models import (
    Addendum, Aid, Consultation, ItemRecord, PatientQuestion, StaffProfile, UnderstandingAnswer,
    ValueRating,
)


def demo_clinician():
    """A made-up demo account (its name says so on no record: the demo is the demo)."""
    user, _ = get_user_model().objects.get_or_create(
        username="demo-clinician", defaults={"first_name": "Alex", "last_name": "Morgan-Ørsted"})
    StaffProfile.objects.get_or_create(user=user, defaults={"role": "Consultant in pain medicine"})
    return user


def demo_version():
    """The bundled aid, loaded and published (once, as the unreviewed demo) as the walkthrough uses it."""
    import json

    from aids.management.commands.load_aid import DEFAULT_FILE

    call_command("load_aid", publish_demo=True, verbosity=0, stdout=io.StringIO())
    slug = json.loads(DEFAULT_FILE.read_text(encoding="utf-8"))["aid"]["slug"]
    return Aid.objects.get(slug=slug).current_version()


def filler(length, seed=0):
    """Deterministic text of ``length`` characters, with line breaks and mixed scripts."""
    words = ("the pain in my arm is worse at night Zoë Ångström Ελληνικά Кириллица "
             "<b>not bold</b> a<b & x > y morphine helps a little").split()
    out, i = [], seed
    while sum(map(len, out)) + len(out) < length:
        out.append(words[i % len(words)] + ("\n" if i % 97 == 96 else ""))
        i += 1
    return " ".join(out)[:length]


def demo_consultation(*, version, clinician, maximal=False):
    """A finalized consultation: risks taken first, a few items not discussed, notes typed."""
    note = (lambda n, i=0: filler(n, i)) if maximal else (lambda n, i=0: filler(min(n, 160), i))
    c = Consultation.objects.create(
        clinician=clinician, version=version, patient_ref="MRN-4471 (Zoë)",
        present=["patient", "family", "interpreter"], present_other="Daughter Ελένη; interpreter Кирилл",
        language="Greek (with interpreter)", pain_sites=["mesencephalotomy"], cancer_pain="yes",
        topic_order=["risks", "benefits", "criteria", "alternatives"], skipped_topics=[],
        sure_before={"sure": "no", "understand": "no", "risks_benefits": "yes", "encouragement": "yes"},
        sure_after={"sure": "no", "understand": "yes", "risks_benefits": "yes", "encouragement": "yes"},
        values_own_words=note(50_000, 1) if maximal else "I want to be awake enough to talk to my grandchildren.",
        positions=[Consultation.Position.MORE_TIME, Consultation.Position.FAMILY],
        position_words=note(50_000, 2) if maximal else "I need to talk it over with my daughter first.",
        next_steps=note(50_000, 3) if maximal else "Pain team review next week.\nMDT discussion on the 14th.",
        follow_up_on=timezone.localdate() + timezone.timedelta(days=14),
    )
    kinds = (("benefit", version.benefits.all()), ("risk", version.risks.all()),
             ("criterion", version.criteria.all()), ("option", version.options.all()))
    for kind, items in kinds:
        for i, item in enumerate(items):
            ItemRecord.objects.create(
                consultation=c, kind=kind, item_id=item.pk, discussed=i != 1, selected=i < 4,
                note=note(50_000 if i == 0 else 2_000, i) if maximal else (note(120, i) if i % 2 == 0 else ""),
            )
    for i, statement in enumerate(version.value_statements.all()):
        ValueRating.objects.create(consultation=c, statement=statement,
                                   rating=None if i == 3 else i % 5, not_sure=i == 2)
    for i in range(200 if maximal else 3):
        PatientQuestion.objects.create(
            consultation=c, order=i, question=note(500, i) if maximal else f"Question {i + 1}: will I still feel my hand?",
            answer=note(1_000, i + 7) if maximal else ("Yes, touch is kept." if i != 2 else ""),
            status="open" if i == 2 else "answered")
    for i, q in enumerate(version.understanding_questions.all()):
        UnderstandingAnswer.objects.create(consultation=c, question=q, answer=["true", "not_sure"][i % 2])
    # Final last: from then on the model layer refuses new answers (addenda are allowed).
    c.status, c.finalized_at = Consultation.Status.FINAL, timezone.now()
    c.save(update_fields=["status", "finalized_at"])
    for i in range(3 if maximal else 1):
        Addendum.objects.create(consultation=c, author=clinician,
                                text=note(10_000, i) if maximal else "Daughter phoned: family meeting booked.")
    return c
