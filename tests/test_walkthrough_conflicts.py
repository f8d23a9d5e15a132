"""Two tabs, double clicks and background saves: nothing is silently overwritten."""

import json

import pytest

from aids.models import PatientQuestion
from walkthrough_support import form_data, published_aid, start_consultation, step_url, visible_text

pytestmark = pytest.mark.django_db


def opened(client, consultation, key):
    """What a tab holds after opening a step: the data its form would post."""
    return form_data(client.get(step_url(consultation, key)))


def post(client, consultation, key, data, nav="stay", autosave=False, **changes):
    data = {**data, **{k: [v] for k, v in changes.items()}, "nav": [nav]}
    headers = {"HTTP_X_AUTOSAVE": "1"} if autosave else {}
    return client.post(step_url(consultation, key), data, **headers)


def test_a_stale_save_is_refused_and_shows_both_versions(clinician_client):
    published_aid()
    consultation = start_consultation(clinician_client)
    tab_a = opened(clinician_client, consultation, "values")
    tab_b = opened(clinician_client, consultation, "values")
    post(clinician_client, consultation, "values", tab_a, **{"values-values_own_words": "Saved by tab A"})

    response = post(clinician_client, consultation, "values", tab_b, **{"values-values_own_words": "Typed in tab B"})

    html = response.content.decode()
    text = visible_text(html)
    assert response.status_code == 409
    assert "Not saved: this step was changed in another tab or window" in text
    assert "Saved now Saved by tab A" in text
    assert "This page Typed in tab B" in text
    assert ">\nTyped in tab B</textarea>" in html  # this tab's text stays in the form
    assert 'name="revision" value="1"' in html  # so "keep this page's version" can save it
    assert "data-autosave>" not in html  # nothing saves in the background until the user chooses
    consultation.refresh_from_db()
    assert consultation.values_own_words == "Saved by tab A"


def test_after_a_conflict_the_user_can_keep_this_tabs_version(clinician_client):
    published_aid()
    consultation = start_consultation(clinician_client)
    tab_a = opened(clinician_client, consultation, "values")
    tab_b = opened(clinician_client, consultation, "values")
    post(clinician_client, consultation, "values", tab_a, **{"values-values_own_words": "A"})
    conflict = post(clinician_client, consultation, "values", tab_b, **{"values-values_own_words": "B"})

    response = post(clinician_client, consultation, "values", form_data(conflict))

    assert response.status_code == 302
    consultation.refresh_from_db()
    assert consultation.values_own_words == "B"


def test_two_stale_saves_of_item_records_are_both_refused(clinician_client):
    version = published_aid()
    consultation = start_consultation(clinician_client)
    risk = version.risks.first()
    tabs = [opened(clinician_client, consultation, "risks") for _ in range(3)]
    post(clinician_client, consultation, "risks", tabs[0], **{f"risks-{risk.pk}-note": "First"})

    second = post(clinician_client, consultation, "risks", tabs[1], **{f"risks-{risk.pk}-note": "Second"})
    third = post(clinician_client, consultation, "risks", tabs[2], **{f"risks-{risk.pk}-note": "Third"})

    assert second.status_code == third.status_code == 409
    assert f"{risk.title}: The patient's reaction or notes (optional)" in visible_text(third.content.decode())
    assert consultation.item_records.get(item_id=risk.pk).note == "First"


def test_autosave_conflict_answers_409_json(clinician_client):
    published_aid()
    consultation = start_consultation(clinician_client)
    tab_a = opened(clinician_client, consultation, "next")
    tab_b = opened(clinician_client, consultation, "next")
    post(clinician_client, consultation, "next", tab_a, autosave=True, **{"next-next_steps": "A"})

    response = post(clinician_client, consultation, "next", tab_b, autosave=True, **{"next-next_steps": "B"})

    body = json.loads(response.content)
    assert response.status_code == 409
    assert body["conflict"] is True and body["revision"] == 1
    assert "changed in another tab or window" in body["message"]
    consultation.refresh_from_db()
    assert consultation.next_steps == "A"


def test_the_same_data_posted_twice_is_not_a_conflict(clinician_client):
    published_aid()
    consultation = start_consultation(clinician_client)
    tab = opened(clinician_client, consultation, "next")
    data = {**tab, "next-next_steps": ["Same words"]}

    first = post(clinician_client, consultation, "next", data, nav="next")
    second = post(clinician_client, consultation, "next", data, nav="next")  # a double click

    assert first.status_code == second.status_code == 302
    assert second.url == step_url(consultation, "review")
    consultation.refresh_from_db()
    assert consultation.step_revisions["next"] == 1


def test_autosave_answers_the_new_revision_and_new_row_ids(clinician_client):
    published_aid()
    consultation = start_consultation(clinician_client)
    tab = opened(clinician_client, consultation, "questions")

    first = post(clinician_client, consultation, "questions", tab, autosave=True,
                 **{"questions-0-question": "Will it hurt?"})
    body = json.loads(first.content)
    tab.update({"revision": [str(body["revision"])], **{k: [v] for k, v in body["set"].items()}})
    second = post(clinician_client, consultation, "questions", tab, autosave=True,
                  **{"questions-0-question": "Will it hurt afterwards?"})

    assert first.status_code == 200 and body["saved"] is True and body["revision"] == 1
    question = PatientQuestion.objects.get()
    assert body["set"] == {"questions-0-id": str(question.pk)}
    assert json.loads(second.content)["revision"] == 2
    assert PatientQuestion.objects.get().question == "Will it hurt afterwards?"


def test_autosave_with_an_invalid_value_answers_400_and_saves_nothing(clinician_client):
    published_aid()
    consultation = start_consultation(clinician_client)
    tab = opened(clinician_client, consultation, "start")

    response = post(clinician_client, consultation, "start", tab, autosave=True,
                    **{"start-patient_ref": "someone@example.org"})

    body = json.loads(response.content)
    assert response.status_code == 400
    assert body["errors"]["start-patient_ref"][0].startswith("This looks like an email address.")
    consultation.refresh_from_db()
    assert consultation.patient_ref == "Clinic-A 17"


def test_topic_order_conflict_shows_both_orders(clinician_client):
    published_aid()
    consultation = start_consultation(clinician_client)
    tab_a = opened(clinician_client, consultation, "topics")
    tab_b = opened(clinician_client, consultation, "topics")
    post(clinician_client, consultation, "topics", tab_a, move="down:benefits")

    response = post(clinician_client, consultation, "topics", tab_b, move="up:alternatives")

    text = visible_text(response.content.decode())
    assert response.status_code == 409
    assert "Saved now Last-resort criteria, then Alternatives, then Risks, then Benefits" in text
    assert "This page Last-resort criteria, then Alternatives, then Benefits, then Risks" in text
    consultation.refresh_from_db()
    assert consultation.topic_order == ["criteria", "alternatives", "risks", "benefits"]


# --------------------------------------------------------------------------- lost replies


def autosave(client, consultation, key, data, edit_key):
    """One background save as autosave.js sends it: the edit's idempotency key with it."""
    return client.post(step_url(consultation, key), data, HTTP_X_AUTOSAVE="1", HTTP_IDEMPOTENCY_KEY=edit_key)


def applied(data, body):
    """What the page's form holds once autosave.js has applied a save's answer."""
    return {**data, "revision": [str(body["revision"])], **{k: [v] for k, v in body["set"].items()}}


def test_a_retried_background_save_whose_reply_was_lost_adds_no_second_set_of_questions(clinician_client):
    published_aid()
    consultation = start_consultation(clinician_client)
    tab = opened(clinician_client, consultation, "questions")
    tab.update({"questions-TOTAL_FORMS": ["3"], "nav": ["stay"],
                **{f"questions-{i}-question": [f"Question {i + 1}?"] for i in range(3)},
                **{f"questions-{i}-status": ["open"] for i in range(3)}})

    first = autosave(clinician_client, consultation, "questions", tab, "edit-0001")  # its reply is lost
    retry = autosave(clinician_client, consultation, "questions", tab, "edit-0001")  # the same body again
    tab = applied(tab, retry.json())
    tab["questions-0-answer"] = ["An answer typed next"]
    following = autosave(clinician_client, consultation, "questions", tab, "edit-0002")

    ids = sorted(PatientQuestion.objects.values_list("pk", flat=True))
    assert retry.status_code == 200
    assert retry.json() == first.json()
    assert sorted(int(v) for v in retry.json()["set"].values()) == ids
    assert following.status_code == 200 and following.json()["revision"] == 2
    assert list(PatientQuestion.objects.values_list("question", flat=True)) == [
        "Question 1?", "Question 2?", "Question 3?"]
    assert PatientQuestion.objects.get(question="Question 1?").answer == "An answer typed next"


STEPS_WITH_FORMS = ["start", "decision", "topics", "benefits", "risks", "criteria", "alternatives",
                    "values", "questions", "next"]


@pytest.mark.parametrize("key", STEPS_WITH_FORMS)
def test_a_retried_background_save_answers_what_the_first_answered(clinician_client, key):
    """Even when another tab saved the step in between: the retry changes nothing and
    answers as the first did; the tab's next save then meets the other tab's change."""
    published_aid()
    consultation = start_consultation(clinician_client)
    tab_a = {**opened(clinician_client, consultation, key), "nav": ["stay"]}
    before = int(tab_a["revision"][0])
    first = autosave(clinician_client, consultation, key, tab_a, "edit-a-1")  # its reply is lost
    tab_b = {**opened(clinician_client, consultation, key), "nav": ["stay"]}
    second = autosave(clinician_client, consultation, key, tab_b, "edit-b-1")

    retry = autosave(clinician_client, consultation, key, tab_a, "edit-a-1")

    assert first.status_code == 200 and first.json()["revision"] == before + 1
    assert second.json()["revision"] == before + 2
    assert (retry.status_code, retry.json()) == (200, first.json())
    consultation.refresh_from_db()
    assert consultation.step_revisions[key] == before + 2
