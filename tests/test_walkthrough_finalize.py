"""Finalizing: only after a confirmation that lists what was not discussed and
which parts of the record are empty; never by one stray click."""

import pytest
from django.urls import reverse

from aids.consultations import StepChanges, step_save, topic_order_set
from aids.models import AuditEvent, Consultation
from walkthrough_support import published_aid, start_consultation, step_url, visible_text

pytestmark = pytest.mark.django_db


def finalize_url(consultation):
    return reverse("consultation_finalize", args=[consultation.pk])


def confirm_url(consultation):
    return reverse("consultation_finalize_confirm", args=[consultation.pk])


@pytest.fixture
def consultation(clinician_client):
    published_aid()
    return start_consultation(clinician_client)


def test_finalize_post_without_the_confirmation_finalizes_nothing(clinician_client, consultation):
    response = clinician_client.post(finalize_url(consultation))
    page = clinician_client.get(response.url)

    assert response.status_code == 302 and response.url == confirm_url(consultation)
    consultation.refresh_from_db()
    assert consultation.status == Consultation.Status.IN_PROGRESS
    assert not consultation.documents.exists()
    assert not AuditEvent.objects.filter(action="finalized").exists()
    assert "Finalize the record?" in visible_text(page.content.decode())


@pytest.mark.parametrize("confirm", ["", "no", "on"])
def test_finalize_post_with_anything_but_yes_finalizes_nothing(clinician_client, consultation, confirm):
    response = clinician_client.post(finalize_url(consultation), {"confirm": confirm})

    assert response.url == confirm_url(consultation)
    consultation.refresh_from_db()
    assert consultation.status == Consultation.Status.IN_PROGRESS


def test_finalize_confirmation_lists_a_skipped_topic_and_the_empty_sections(
        clinician_client, clinician, consultation):
    topic_order_set(consultation=consultation, user=clinician, skipped=["criteria"], revision=0,
                    order=["benefits", "risks", "criteria", "alternatives"])
    criteria = [c.statement for c in consultation.version.criteria.all()]

    response = clinician_client.get(confirm_url(consultation))

    text = visible_text(response.content.decode())
    assert "Not discussed" in text
    assert "Last-resort criteria: skipped - none of these was discussed" in text
    assert all(statement in text for statement in criteria)
    assert "Benefits: not marked as discussed" in text
    for empty in ("The patient's questions: none recorded", "Agreed next steps: none typed",
                  "Where the patient stands: not recorded",
                  "The SURE questions after the discussion: not asked",
                  "The SURE questions at the start: not asked"):
        assert empty in text, empty
    html = response.content.decode()
    assert f'href="{step_url(consultation, "next")}">Go to the step "Next steps"' in html
    assert f'action="{finalize_url(consultation)}"' in html
    assert '<input type="hidden" name="confirm" value="yes">' in html


def test_finalize_confirmation_leaves_out_what_was_recorded(clinician_client, clinician, consultation):
    step_save(consultation=consultation, user=clinician, step="next", revision=0, changes=StepChanges(
        fields={"positions": [Consultation.Position.FAMILY], "position_words": "", "preference_words": "",
                "next_steps": "See the pain team in two weeks.", "follow_up_on": None}))

    text = visible_text(clinician_client.get(confirm_url(consultation)).content.decode())

    assert "Agreed next steps: none typed" not in text
    assert "Where the patient stands: not recorded" not in text
    assert "The patient's questions: none recorded" in text


def test_finalize_after_confirming_makes_the_record_final_once(clinician_client, consultation):
    first = clinician_client.post(finalize_url(consultation), {"confirm": "yes"})
    again = clinician_client.post(finalize_url(consultation), {"confirm": "yes"})
    page = clinician_client.get(again.url)

    record = reverse("consultation_record", args=[consultation.pk])
    assert first.url == again.url == record
    consultation.refresh_from_db()
    assert consultation.status == Consultation.Status.FINAL
    assert AuditEvent.objects.filter(action="finalized").count() == 1
    assert "This record was already final; nothing changed." in visible_text(page.content.decode())


def test_finalize_confirmation_of_a_final_record_leads_to_the_record(clinician_client, consultation):
    clinician_client.post(finalize_url(consultation), {"confirm": "yes"})

    response = clinician_client.get(confirm_url(consultation))

    assert response.url == reverse("consultation_record", args=[consultation.pk])


def test_review_offers_finalizing_as_a_way_to_the_confirmation(clinician_client, consultation):
    html = clinician_client.get(step_url(consultation, "review")).content.decode()

    assert f'<a class="btn btn-primary btn-lg" href="{confirm_url(consultation)}">Finalize record</a>' in html
    assert f'action="{finalize_url(consultation)}"' not in html


def test_finalize_confirmation_is_the_owners_only(client, other_clinician, consultation):
    client.force_login(other_clinician)

    response = client.get(confirm_url(consultation))

    assert response.status_code == 404
    assert consultation.patient_ref not in response.content.decode()


def test_finalize_confirmation_uses_no_directive_wording(clinician_client, consultation):
    from aids.wording import find_directive_wording

    html = clinician_client.get(confirm_url(consultation)).content.decode()

    assert find_directive_wording(visible_text(html)) == []


def test_finalize_confirmation_queries_do_not_grow_with_the_aid(clinician_client, clinician,
                                                                django_assert_max_num_queries):
    from test_walkthrough_queries import MAX_QUERIES, count_queries, filled_consultation

    small = filled_consultation(clinician, 2)
    large = filled_consultation(clinician, 20)
    # Warm up: the session, and each version's content, read once per process (aids/frozen.py).
    clinician_client.get(confirm_url(small)), clinician_client.get(confirm_url(large))

    counted_small = count_queries(clinician_client, confirm_url(small))
    with django_assert_max_num_queries(MAX_QUERIES):
        counted_large = count_queries(clinician_client, confirm_url(large))

    assert counted_large == counted_small
