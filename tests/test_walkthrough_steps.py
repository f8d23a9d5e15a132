"""Each step's validation: clear messages, and the typed text stays in the form."""

import pytest
from django.urls import reverse

from aids.models import Consultation, ItemRecord, PatientQuestion
from test_walkthrough_flow import post_page
from walkthrough_support import published_aid, start_consultation, step_url, visible_text

pytestmark = pytest.mark.django_db


def start(client, **fields):
    data = {"start-patient_ref": "Clinic 9", "start-language": "English"}
    data.update(fields)
    return client.post(reverse("consultation_new"), data)


@pytest.mark.parametrize("ref, message", [
    ("", "Enter a patient reference"),
    ("   ", "Enter a patient reference"),
    ("jane.doe@example.org", "This looks like an email address."),
    ("943 476 5919", "This looks like an NHS number (10 digits)."),
    ("NHS 9434765919", "This looks like an NHS number (10 digits)."),
    ("943-476-5919", "This looks like an NHS number (10 digits)."),
])
def test_start_refuses_a_reference_that_identifies_the_patient(clinician_client, ref, message):
    published_aid()

    response = start(clinician_client, **{"start-patient_ref": ref})

    assert response.status_code == 200
    assert message in visible_text(response.content.decode())
    assert Consultation.objects.count() == 0


def test_start_accepts_a_pseudonymous_reference_with_few_digits(clinician_client):
    published_aid()

    response = start(clinician_client, **{"start-patient_ref": "Pain clinic 2025-07 #3"})

    assert response.status_code == 302
    assert Consultation.objects.get().patient_ref == "Pain clinic 2025-07 #3"


def test_start_form_says_not_to_type_a_name(clinician_client):
    published_aid()

    html = clinician_client.get(reverse("consultation_new")).content.decode()

    assert "Do not type the patient's name" in html
    assert 'maxlength' not in html  # browsers would cut pasted text silently


def test_start_too_long_reference_is_refused_and_kept(clinician_client):
    published_aid()
    typed = "R" * 41

    response = start(clinician_client, **{"start-patient_ref": typed})

    text = visible_text(response.content.decode())
    assert "This is 41 characters long; the limit is 40." in text
    assert f'value="{typed}"' in response.content.decode()


def test_start_step_edits_keep_the_same_rules(clinician_client):
    published_aid()
    consultation = start_consultation(clinician_client)

    response = post_page(clinician_client, consultation, "start", {"start-patient_ref": "a@b.co"})

    assert "This looks like an email address." in visible_text(response.content.decode())
    consultation.refresh_from_db()
    assert consultation.patient_ref == "Clinic-A 17"


def test_decision_refuses_an_answer_that_is_not_yes_or_no(clinician_client):
    published_aid()
    consultation = start_consultation(clinician_client)

    response = post_page(clinician_client, consultation, "decision", {"sure_before-sure": "maybe"})

    assert "Select a valid choice." in visible_text(response.content.decode())
    consultation.refresh_from_db()
    assert consultation.sure_before == {}


def test_item_note_too_long_is_refused_and_kept_in_the_form(clinician_client):
    version = published_aid()
    consultation = start_consultation(clinician_client)
    risk = version.risks.first()
    typed = "word " * 10_001  # 50,005 characters

    response = post_page(clinician_client, consultation, "risks", {f"risks-{risk.pk}-note": typed})

    html = response.content.decode()
    assert response.status_code == 200
    assert "This is 50005 characters long; the limit is 50000." in visible_text(html)
    assert typed.strip() in html
    assert not ItemRecord.objects.exists()


def test_values_refuse_a_rating_outside_the_scale(clinician_client):
    version = published_aid()
    consultation = start_consultation(clinician_client)
    statement = version.value_statements.first()

    response = post_page(clinician_client, consultation, "values", {f"value-{statement.pk}-rating": "7"})

    assert "Select a valid choice." in visible_text(response.content.decode())


def test_questions_refuse_an_answer_without_its_question(clinician_client):
    published_aid()
    consultation = start_consultation(clinician_client)

    response = post_page(clinician_client, consultation, "questions", {"questions-0-answer": "An answer"})

    assert "Type the question too, or clear the answer to remove this row." in visible_text(
        response.content.decode()
    )
    assert not PatientQuestion.objects.exists()


def test_questions_clearing_the_text_removes_the_question(clinician_client):
    published_aid()
    consultation = start_consultation(clinician_client)
    post_page(clinician_client, consultation, "questions", {"questions-0-question": "Q one"}, nav="stay")

    post_page(clinician_client, consultation, "questions", {"questions-0-question": ""}, nav="stay")

    assert not PatientQuestion.objects.exists()


def test_next_steps_refuse_a_date_that_is_not_a_date(clinician_client):
    published_aid()
    consultation = start_consultation(clinician_client)

    response = post_page(clinician_client, consultation, "next", {
        "next-follow_up_on": "next Tuesday", "next-next_steps": "Kept text",
    })

    html = response.content.decode()
    assert "Enter a valid date." in visible_text(html)
    assert "Kept text" in html


def test_next_steps_preference_words_needed_only_for_a_stated_preference(clinician_client):
    published_aid()
    consultation = start_consultation(clinician_client)

    response = post_page(clinician_client, consultation, "next", {"next-positions": "more_time"})

    assert response.status_code == 302
    consultation.refresh_from_db()
    assert consultation.positions == ["more_time"]


def test_errors_are_linked_to_their_fields(clinician_client):
    published_aid()
    consultation = start_consultation(clinician_client)

    html = post_page(clinician_client, consultation, "next", {"next-positions": "preference"}).content.decode()

    assert 'aria-invalid="true"' in html
    assert 'id="id_next-preference_words_error"' in html
    assert 'aria-describedby="id_next-preference_words_helptext id_next-preference_words_error"' in html


def test_unknown_step_is_404(clinician_client):
    published_aid()
    consultation = start_consultation(clinician_client)

    assert clinician_client.get(step_url(consultation, "nonsense")).status_code == 404


def test_addendum_cannot_be_empty(clinician_client):
    published_aid()
    consultation = start_consultation(clinician_client)
    clinician_client.post(reverse("consultation_finalize", args=[consultation.pk]), {"confirm": "yes"})

    response = clinician_client.post(reverse("addendum_add", args=[consultation.pk]), {"addendum-text": ""})

    assert "This field is required." in visible_text(response.content.decode())
    assert not consultation.addenda.exists()


def test_item_note_with_a_nul_character_is_refused_with_a_message(clinician_client):
    version = published_aid()
    consultation = start_consultation(clinician_client)
    risk = version.risks.first()

    response = post_page(clinician_client, consultation, "risks", {f"risks-{risk.pk}-note": "pasted\x00text"})

    assert response.status_code == 200
    assert "Null characters are not allowed." in visible_text(response.content.decode())
    assert not ItemRecord.objects.exists()
