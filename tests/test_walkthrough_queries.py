"""Queries per page: bounded, and the same for an aid with 2 or 20 of everything (20 options x 20 grid questions)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from aids.consultations import consultation_start, record_finalize
from aids.models import ItemRecord, PatientQuestion, UnderstandingAnswer, ValueRating
from aids.vocabulary import STEPS
from factories import make_draft
from walkthrough_support import big_overrides, publish_directly

pytestmark = pytest.mark.django_db

MAX_QUERIES = 20
MAX_RECORD_QUERIES = 25  # the record adds documents, addenda and the audit trail


def filled_consultation(clinician, n):
    """A consultation of an aid with ``n`` of every kind of item, everything recorded."""
    version = publish_directly(make_draft(**big_overrides(n)))
    c = consultation_start(clinician=clinician, patient_ref=f"Q{n}")
    for kind, items in (("benefit", version.benefits), ("risk", version.risks),
                        ("criterion", version.criteria), ("option", version.options)):
        ItemRecord.objects.bulk_create(
            ItemRecord(consultation=c, kind=kind, item_id=i.pk, discussed=True, selected=True, note="n")
            for i in items.all()
        )
    ValueRating.objects.bulk_create(
        ValueRating(consultation=c, statement=s, rating=2) for s in version.value_statements.all()
    )
    UnderstandingAnswer.objects.bulk_create(
        UnderstandingAnswer(consultation=c, question=q, answer="true")
        for q in version.understanding_questions.all()
    )
    PatientQuestion.objects.bulk_create(
        PatientQuestion(consultation=c, order=i, question=f"Q {i}", answer="A") for i in range(3)
    )
    return c


def count_queries(client, url):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(ctx.captured_queries)


@pytest.mark.parametrize("key", list(STEPS))
def test_step_page_queries_do_not_grow_with_the_aid(clinician_client, clinician, key,
                                                    django_assert_max_num_queries):
    small = filled_consultation(clinician, 2)
    large = filled_consultation(clinician, 20)
    small_url = reverse("consultation_step", args=[small.pk, key])
    large_url = reverse("consultation_step", args=[large.pk, key])
    clinician_client.get(small_url)  # warm up (session, caches)

    counted_small = count_queries(clinician_client, small_url)
    with django_assert_max_num_queries(MAX_QUERIES):
        counted_large = count_queries(clinician_client, large_url)

    assert counted_large == counted_small


def test_record_page_queries_do_not_grow_with_the_aid(clinician_client, clinician, django_assert_max_num_queries):
    small = filled_consultation(clinician, 2)
    large = filled_consultation(clinician, 20)
    for c in (small, large):
        record_finalize(consultation=c, user=clinician)
    clinician_client.get(reverse("consultation_record", args=[small.pk]))

    counted_small = count_queries(clinician_client, reverse("consultation_record", args=[small.pk]))
    with django_assert_max_num_queries(MAX_RECORD_QUERIES):
        counted_large = count_queries(clinician_client, reverse("consultation_record", args=[large.pk]))

    assert counted_large == counted_small


def test_list_page_queries_do_not_grow_with_the_number_of_consultations(clinician_client, clinician):
    filled_consultation(clinician, 2)
    few = count_queries(clinician_client, "/")
    for i in range(25):
        consultation_start(clinician=clinician, patient_ref=f"More {i}")

    many = count_queries(clinician_client, "/")

    assert many == few <= 8
