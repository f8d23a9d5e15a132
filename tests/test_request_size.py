"""Edges of size: the largest step the documented limits allow is accepted, text kept
across a session expiry is never silently dropped, and a post too large to read
answers a page that says so (the text is still in the browser), not a bare 400."""

import json

import pytest
from django.conf import settings
from django.test import override_settings
from django.urls import reverse

from aids import limits
from aids.models import Consultation, PatientQuestion
from aids.walkthrough.forms import QuestionFormSet
from walkthrough_support import form_data, published_aid, start_consultation, step_url, visible_text
from test_walkthrough_expiry import expire_session

pytestmark = pytest.mark.django_db
PASSWORD = "a-long-test-password"


def questions_post(data, rows, question_chars, answer_chars):
    data = {k: v for k, v in data.items() if not k.startswith("questions-")}
    data.update({
        "questions-TOTAL_FORMS": [str(rows)], "questions-INITIAL_FORMS": ["0"],
        "questions-MIN_NUM_FORMS": ["0"], "questions-MAX_NUM_FORMS": ["1000"],
        "nav": ["stay"],
    })
    for i in range(rows):
        data[f"questions-{i}-question"] = [f"Q{i:03d} " + "q" * (question_chars - 5)]
        data[f"questions-{i}-answer"] = [f"A{i:03d} " + "a" * (answer_chars - 5)]
        data[f"questions-{i}-status"] = ["open"]
    return data


def log_in(client, user, next_url):
    return client.post(f"{reverse('login')}?next={next_url}",
                       {"username": user.username, "password": PASSWORD, "next": next_url})


# ---------------------------------------------------------------- the limits, in one place


def test_the_request_limit_holds_the_largest_step_the_limits_allow():
    assert QuestionFormSet.max_num == limits.QUESTION_ROWS_MAX
    assert Consultation._meta.get_field("next_steps").max_length == limits.NOTE_LIMIT
    assert PatientQuestion._meta.get_field("answer").max_length == limits.NOTE_LIMIT
    largest = limits.QUESTION_ROWS_MAX * 2 * limits.NOTE_LIMIT
    assert limits.STEP_MAX_CHARS >= largest
    # UTF-8 takes at most 4 bytes a character; the step form posts multipart (no %XX)
    assert settings.DATA_UPLOAD_MAX_MEMORY_SIZE >= 4 * limits.STEP_MAX_CHARS
    assert settings.DATA_UPLOAD_MAX_MEMORY_SIZE == limits.REQUEST_MAX_BYTES


def test_the_step_form_posts_multipart_and_names_its_limit(clinician_client):
    published_aid()
    consultation = start_consultation(clinician_client)
    html = clinician_client.get(step_url(consultation, "questions")).content.decode()
    assert 'enctype="multipart/form-data"' in html
    assert f'data-max-bytes="{limits.REQUEST_MAX_BYTES}"' in html


# ---------------------------------------------------------------- item 1: kept text


def test_a_large_questions_step_typed_before_an_expiry_comes_back(clinician_client, clinician):
    """21 rows of 25k + 25k (1.05 million characters) came back empty, with no word."""
    published_aid()
    consultation = start_consultation(clinician_client)
    url = step_url(consultation, "questions")
    data = questions_post(form_data(clinician_client.get(url)), 21, 25_000, 25_000)
    expire_session(clinician_client)
    assert clinician_client.post(url, data).status_code == 302
    log_in(clinician_client, clinician, url)
    html = clinician_client.get(url).content.decode()
    assert "What you had typed is back in the form" in html
    for i in range(21):
        assert f"Q{i:03d} " + "q" * 24_995 + "</textarea>" in html
        assert f"A{i:03d} " + "a" * 24_995 + "</textarea>" in html


def test_text_too_large_to_keep_is_refused_with_a_message(client, clinician, monkeypatch):
    from aids import stash

    published_aid()
    client.force_login(clinician)
    consultation = start_consultation(client)
    url = step_url(consultation, "next")
    data = form_data(client.get(url))
    expire_session(client)
    monkeypatch.setattr(stash, "STASH_MAX_CHARS", 1_000)
    data.update({"next-next_steps": ["x" * 2_000], "nav": ["next"]})
    response = client.post(url, data, follow=True)
    text = visible_text(response.content.decode())
    assert "could not be kept" in text
    # autosave is told too
    response = client.post(url, data, headers={"X-Autosave": "1"})
    assert response.status_code == 401
    assert response.json()["kept"] is False


# ---------------------------------------------------------------- item 2: request size


def test_28_questions_of_50k_and_50k_are_saved(clinician_client):
    published_aid()
    consultation = start_consultation(clinician_client)
    url = step_url(consultation, "questions")
    data = questions_post(form_data(clinician_client.get(url)), 28, 50_000, 50_000)
    response = clinician_client.post(url, data, headers={"X-Autosave": "1", "Idempotency-Key": "k" * 16})
    assert response.status_code == 200, response.content[:300]
    assert response.json()["saved"] is True
    assert PatientQuestion.objects.filter(consultation=consultation).count() == 28


def test_a_pasted_3mb_note_is_refused_by_the_field_and_shown_back(clinician_client):
    published_aid()
    consultation = start_consultation(clinician_client)
    url = step_url(consultation, "next")
    data = form_data(clinician_client.get(url))
    note = "Pasted note. " + "p" * 3_000_000
    data.update({"next-next_steps": [note], "nav": ["next"]})
    response = clinician_client.post(url, data)
    assert response.status_code == 200
    html = response.content.decode()
    assert note + "</textarea>" in html
    assert "the limit is 50000" in visible_text(html)
    response = clinician_client.post(url, data, headers={"X-Autosave": "1"})
    assert response.status_code == 400
    assert "the limit is 50000" in json.dumps(response.json())


@override_settings(DATA_UPLOAD_MAX_MEMORY_SIZE=10_000)
def test_a_post_too_large_to_read_answers_a_page_that_says_the_text_is_still_there(clinician_client):
    published_aid()
    consultation = start_consultation(clinician_client)
    url = step_url(consultation, "next")
    data = form_data(clinician_client.get(url))
    data.update({"next-next_steps": ["n" * 20_000], "nav": ["next"]})
    response = clinician_client.post(url, data)
    assert response.status_code == 413
    text = visible_text(response.content.decode())
    assert "too large" in text
    assert "still in the previous page" in text
    assert "Back" in text
    consultation.refresh_from_db()
    assert consultation.next_steps == ""

    response = clinician_client.post(url, data, headers={"X-Autosave": "1"})
    assert response.status_code == 413
    body = response.json()
    assert body["saved"] is False and body["too_large"] is True
    assert "still in this page" in body["message"]


@override_settings(DATA_UPLOAD_MAX_MEMORY_SIZE=10_000)
def test_a_post_too_large_to_read_in_the_admin_answers_the_same_page(admin_client):
    response = admin_client.post(reverse("admin:auth_user_add"),
                                 {"username": "x" * 20_000, "password1": "p", "password2": "p"})
    assert response.status_code == 413
    assert "too large" in visible_text(response.content.decode())


def test_autosave_script_handles_a_too_large_answer_and_checks_before_sending():
    script = (settings.BASE_DIR / "static" / "js" / "autosave.js").read_text()
    assert "413" in script
    assert "data-max-bytes" in script
