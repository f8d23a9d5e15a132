"""One read model (``aids.readmodel``) behind every summary of a consultation: the
review page, the record page and both PDF copies state the same facts."""

import io
import re

import pytest
from django.urls import reverse
from pypdf import PdfReader

from aids.consultations import StepChanges, consultation_start, record_finalize, step_save
from aids.models import PatientQuestion, RecordDocument
from aids.readmodel import record_data
from walkthrough_support import published_aid, step_url, visible_text

pytestmark = pytest.mark.django_db


def squash(text):
    return re.sub(r"\s+", " ", text)


def pdf_text(consultation, variant):
    document = RecordDocument.objects.get(consultation=consultation, revision=1, variant=variant)
    reader = PdfReader(io.BytesIO(bytes(document.pdf)))
    return squash(" ".join(page.extract_text() for page in reader.pages))


@pytest.fixture
def recorded(clinician):
    """A consultation with the cases the two old summaries told differently: an
    unrated value, others present, a skipped topic, an item not discussed, SURE at
    the boundary (3 of 4) and one question open of two."""
    version = published_aid()
    c = consultation_start(clinician=clinician, patient_ref="SAME-1", present=["patient"],
                           present_other="Ward nurse")

    def save(step, **changes):
        c.refresh_from_db()
        step_save(consultation=c, user=clinician, step=step,
                  revision=int(c.step_revisions.get(step, 0)), changes=StepChanges(**changes))

    save("decision", fields={"sure_before": {"sure": "no", "understand": "yes",
                                             "risks_benefits": "yes", "encouragement": "yes"}})
    c.refresh_from_db()
    c.skipped_topics = ["criteria"]
    c.save(update_fields=["skipped_topics"])
    benefits = list(version.benefits.all())
    save("benefits", items=[("benefit", benefits[0].pk, {"discussed": True})])
    statements = list(version.value_statements.all())
    save("values", ratings=[(statements[0].pk, 3, False)], fields={"values_own_words": ""})
    save("questions", questions=[
        {"id": None, "question": "QA answered?", "answer": "Yes.", "status": "answered"},
        {"id": None, "question": "QB still open?", "answer": "", "status": "open"},
    ])
    save("next", fields={"positions": ["more_time"], "next_steps": "Clinic in two weeks."})
    c.refresh_from_db()
    return c, version, benefits, statements


def test_readmodel_review_record_page_and_both_pdfs_state_the_same_facts(clinician_client, clinician,
                                                                         recorded):
    c, version, benefits, statements = recorded
    data = record_data(consultation=c)
    facts = [
        "Patient, Ward nurse",  # who was present, others included
        f"{statements[0].text}",
        "3 - Quite a lot",
        "Not rated",  # the unrated statement
        "SURE score 3 of 4 - some decisional conflict may be present",
        "Last-resort criteria: skipped - none of these was discussed",
        "Benefits: not marked as discussed",
        benefits[1].title,
        "Questions still open: 1 (question 2)",
        "Wants more time",
    ]
    # The read model itself says each fact.
    assert data.present == ["Patient", "Ward nurse"]
    assert [row.rating for row in data.values][:2] == ["3 - Quite a lot", "Not rated"]
    assert data.sure_before.summary() == facts[4]
    assert data.open_questions_text == "1 (question 2)"

    review = visible_text(clinician_client.get(step_url(c, "review")).content.decode())
    record_finalize(consultation=c, user=clinician)
    record_page = visible_text(clinician_client.get(reverse("consultation_record", args=[c.pk])).content.decode())
    clinical, patient = pdf_text(c, "clinical"), pdf_text(c, "patient")

    for fact in facts:
        assert fact in review, f"review page lacks {fact!r}"
        assert fact in record_page, f"record page lacks {fact!r}"
        assert fact in clinical, f"clinical copy lacks {fact!r}"
        assert fact in patient, f"patient copy lacks {fact!r}"


def test_readmodel_sure_boundary_three_of_four_is_conflict_four_is_not(clinician):
    published_aid()
    c = consultation_start(clinician=clinician, patient_ref="SURE-1")
    three = {"sure": "no", "understand": "yes", "risks_benefits": "yes", "encouragement": "yes"}
    c.sure_before, c.sure_after = three, {k: "yes" for k in three}

    data = record_data(consultation=c)

    assert data.sure_before.conflict and data.sure_before.yes == 3
    assert not data.sure_after.conflict and data.sure_after.yes == 4


def test_readmodel_open_questions_counts_open_ones_not_the_last_number(clinician):
    published_aid()
    c = consultation_start(clinician=clinician, patient_ref="OPEN-1")
    for order, status in enumerate(["open", "answered", "open"]):
        PatientQuestion.objects.create(consultation=c, order=order, question=f"Q{order}", status=status)

    data = record_data(consultation=c)

    assert data.open_questions_text == "2 (questions 1 and 3)"
