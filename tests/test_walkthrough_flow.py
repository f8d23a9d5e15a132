"""A whole consultation through the Django test client, as a browser would post it."""

import datetime
import re

import pytest
from django.urls import reverse

from aids.models import AuditEvent, Consultation, ItemRecord, PatientQuestion, ValueRating
from walkthrough_support import form_data, published_aid, start_consultation, step_url, visible_text

pytestmark = pytest.mark.django_db

# An aid whose content lists the topics in this order before the patient chooses.
CONTENT_ORDER = "benefits, risks, criteria, alternatives"


def post_page(client, consultation, key, changes=None, nav="next", **extra):
    """GET the step, take what the browser would post, apply ``changes``, POST it."""
    page = client.get(step_url(consultation, key))
    assert page.status_code == 200
    data = form_data(page)
    for name, value in (changes or {}).items():
        if value is None:
            data.pop(name, None)
        else:
            data[name] = value if isinstance(value, list) else [value]
    data["nav"] = [nav]
    data.update({k: [v] for k, v in extra.items()})
    return client.post(step_url(consultation, key), data)


def test_home_lists_nothing_and_offers_to_start(clinician_client):
    response = clinician_client.get("/")

    text = visible_text(response.content.decode())
    assert "Your consultations" in text
    assert "Start a consultation" in text
    assert "No consultations yet" in text


def test_start_page_says_when_nothing_is_published(clinician_client):
    response = clinician_client.get(reverse("consultation_new"))

    text = visible_text(response.content.decode())
    assert "No published content yet" in text
    assert "An administrator must load or publish the content first" in text
    assert 'name="start-patient_ref"' not in response.content.decode()


def test_start_post_without_published_version_explains_and_keeps_text(clinician_client):
    response = clinician_client.post(
        reverse("consultation_new"), {"start-patient_ref": "Clinic 4", "start-language": "English"}
    )

    assert response.status_code == 200
    assert "An administrator must load or publish" in visible_text(response.content.decode())
    assert Consultation.objects.count() == 0


def test_a_whole_consultation_from_start_to_locked_record(clinician_client, clinician):
    version = published_aid(topic_order=CONTENT_ORDER)
    benefits = list(version.benefits.all())
    risks = list(version.risks.all())
    options = list(version.options.all())
    statements = list(version.value_statements.all())
    understanding = list(version.understanding_questions.all())

    # 1 Start
    response = clinician_client.post(reverse("consultation_new"), {
        "start-patient_ref": "Clinic-B 22", "start-present": ["patient", "interpreter"],
        "start-present_other": "ward nurse", "start-language": "Polish",
    })
    consultation = Consultation.objects.get()
    assert response.url == step_url(consultation, "decision")
    assert consultation.version == version
    assert consultation.clinician == clinician

    # 2 The decision, SURE before
    decision = clinician_client.get(step_url(consultation, "decision"))
    text = visible_text(decision.content.decode())
    assert version.decision in text
    assert "Having no procedure is one of the options" in text
    assert "No decision is needed today" in text
    assert "Do you feel SURE about the best choice for you?" in text
    response = post_page(clinician_client, consultation, "decision", {
        "sure_before-sure": "no", "sure_before-understand": "yes",
        "sure_before-risks_benefits": "no", "sure_before-encouragement": "yes",
    })
    assert response.url == step_url(consultation, "about")

    # 3 About
    about = clinician_client.get(step_url(consultation, "about"))
    text = visible_text(about.content.decode())
    assert "What tractotomy is" in text
    assert "What we don't know" in text
    assert "How long the pain relief lasts for most people." in text
    response = post_page(clinician_client, consultation, "about")
    assert response.url == step_url(consultation, "topics")

    # Topics: risks first, criteria skipped
    response = post_page(clinician_client, consultation, "topics", nav="stay", move="up:risks")
    assert response.url.startswith(step_url(consultation, "topics"))
    response = post_page(clinician_client, consultation, "topics", {"topics-skip_criteria": "on"})
    assert response.url == step_url(consultation, "risks")
    consultation.refresh_from_db()
    assert consultation.topic_order == ["risks", "benefits", "criteria", "alternatives"]
    assert consultation.skipped_topics == ["criteria"]

    # Risks: the first one discussed, with the patient's reaction
    page = clinician_client.get(step_url(consultation, "risks"))
    text = visible_text(page.content.decode())
    assert "About 20 in 100 people" in text
    assert "About 20 in 100 people: 20 filled, 80 outlined" in page.content.decode()
    assert "How serious" in text and "Does it last" in text
    response = post_page(clinician_client, consultation, "risks", {
        f"risks-{risks[0].pk}-discussed": "on",
        f"risks-{risks[0].pk}-note": "Worried about the face numbness.",
    })
    assert response.url == step_url(consultation, "benefits")

    # Benefits: all discussed
    response = post_page(clinician_client, consultation, "benefits", {
        f"benefits-{b.pk}-discussed": "on" for b in benefits
    })
    assert response.url == step_url(consultation, "alternatives")  # criteria skipped

    # Alternatives: the patient looks at "no procedure"; it is discussed
    no_procedure = options[1]
    response = post_page(clinician_client, consultation, "alternatives", {
        f"alternatives-{no_procedure.pk}-selected": "on",
        f"alternatives-{no_procedure.pk}-discussed": "on",
    })
    assert response.url == step_url(consultation, "values")

    # What matters: 4 and "not sure", and own words
    response = post_page(clinician_client, consultation, "values", {
        f"value-{statements[0].pk}-rating": "4",
        f"value-{statements[1].pk}-rating": "not_sure",
        "values-values_own_words": "Being at home with my grandchildren.",
    })
    assert response.url == step_url(consultation, "questions")

    # Questions: one answered, then another left open (a new blank row each save)
    response = post_page(clinician_client, consultation, "questions", {
        "questions-0-question": "How long would I be in hospital?",
        "questions-0-answer": "Usually a few days.",
        "questions-0-status": "answered",
        f"understanding-{understanding[1].pk}-answer": "true",
    }, nav="stay")
    page = clinician_client.get(step_url(consultation, "questions"))
    html = page.content.decode()
    assert 'name="questions-1-question"' in html  # the new blank row
    assert "About 70 in 100 people get less pain in the first month." in visible_text(html)  # explanation
    response = post_page(clinician_client, consultation, "questions", {
        "questions-1-question": "Can I change my mind later?",
        "sure_after-sure": "yes", "sure_after-understand": "yes",
        "sure_after-risks_benefits": "yes", "sure_after-encouragement": "yes",
    })
    assert response.url == step_url(consultation, "next")

    # Next steps: the open question carries over; preference needs the patient's words
    page = clinician_client.get(step_url(consultation, "next"))
    text = visible_text(page.content.decode())
    assert "Questions still open" in text and "Can I change my mind later?" in text
    assert "SURE score 2 of 4 - some decisional conflict may be present" in text
    response = post_page(clinician_client, consultation, "next", {"next-positions": "preference"})
    assert response.status_code == 200
    assert "write it in their own words" in visible_text(response.content.decode())
    response = post_page(clinician_client, consultation, "next", {
        "next-positions": "preference",
        "next-preference_words": "I would like to try the operation.",
        "next-position_words": "I have thought about it a lot.",
        "next-next_steps": "Meet the surgeon in two weeks.",
        "next-follow_up_on": "2031-03-04",
    })
    assert response.url == step_url(consultation, "review")

    # Review: everything, and what was not discussed
    review = clinician_client.get(step_url(consultation, "review"))
    text = visible_text(review.content.decode())
    assert "Clinic-B 22" in text and "Patient, Interpreter" in text and "ward nurse" in text
    assert "Polish" in text
    assert "Risks, then Benefits, then Last-resort criteria (skipped), then Alternatives" in text
    assert "Last-resort criteria: skipped - none of these was discussed" in text
    assert "Risks: not marked as discussed" in text
    assert risks[1].title in text.split("Risks: not marked as discussed")[1]
    assert "Worried about the face numbness." in text
    assert "Having less pain. 4 - Very much" in text
    assert "Avoiding an operation. Not sure" in text
    assert "Being at home with my grandchildren." in text
    assert "How long would I be in hospital?" in text and "Usually a few days." in text
    assert "SURE score 2 of 4 - some decisional conflict may be present" in text
    assert "SURE score 4 of 4 - no decisional conflict shown by this screen" in text
    assert "I would like to try the operation." in text
    assert "Meet the surgeon in two weeks." in text
    assert "4 March 2031" in text
    assert "Finalize record" in text

    # Finalize: locked
    response = clinician_client.post(reverse("consultation_finalize", args=[consultation.pk]), {"confirm": "yes"})
    assert response.url == reverse("consultation_record", args=[consultation.pk])
    consultation.refresh_from_db()
    assert consultation.status == Consultation.Status.FINAL
    record = clinician_client.get(response.url)
    text = visible_text(record.content.decode())
    assert "The record is final." in text
    assert "Audit trail" in text and "Finalized" in text and "Created" in text

    # What the database holds
    assert ItemRecord.objects.get(kind="risk", item_id=risks[0].pk).note == "Worried about the face numbness."
    assert ValueRating.objects.get(statement=statements[0]).rating == 4
    assert ValueRating.objects.get(statement=statements[1]).not_sure is True
    assert list(PatientQuestion.objects.values_list("question", "status")) == [
        ("How long would I be in hospital?", "answered"), ("Can I change my mind later?", "open"),
    ]
    assert consultation.follow_up_on == datetime.date(2031, 3, 4)
    assert consultation.sure_before == {"sure": "no", "understand": "yes", "risks_benefits": "no",
                                        "encouragement": "yes"}


def test_back_and_jump_save_what_was_typed(clinician_client):
    published_aid(topic_order=CONTENT_ORDER)
    consultation = start_consultation(clinician_client)

    back = post_page(clinician_client, consultation, "values",
                     {"values-values_own_words": "Typed before going back"}, nav="back")
    jump = post_page(clinician_client, consultation, "next",
                     {"next-next_steps": "Typed before jumping"}, nav="goto:start")

    consultation.refresh_from_db()
    assert back.url == step_url(consultation, "alternatives")
    assert jump.url == step_url(consultation, "start")
    assert consultation.values_own_words == "Typed before going back"
    assert consultation.next_steps == "Typed before jumping"


def test_skipped_topic_is_left_out_of_back_and_next(clinician_client):
    published_aid(topic_order=CONTENT_ORDER)
    consultation = start_consultation(clinician_client)
    post_page(clinician_client, consultation, "topics", {"topics-skip_risks": "on"}, nav="stay")

    response = post_page(clinician_client, consultation, "benefits")
    back = post_page(clinician_client, consultation, "criteria", nav="back")

    assert response.url == step_url(consultation, "criteria")
    assert back.url == step_url(consultation, "benefits")
    nav = visible_text(clinician_client.get(step_url(consultation, "benefits")).content.decode())
    assert "Risks skipped" in nav


def test_patient_view_hides_clinician_fields_and_keeps_their_values(clinician_client):
    version = published_aid()
    consultation = start_consultation(clinician_client)
    risk = version.risks.first()
    post_page(clinician_client, consultation, "risks", {
        f"risks-{risk.pk}-discussed": "on", f"risks-{risk.pk}-note": "Clinician note",
    }, nav="stay")

    switched = post_page(clinician_client, consultation, "risks", nav="view:patient")
    page = clinician_client.get(step_url(consultation, "risks"))
    post_page(clinician_client, consultation, "risks", nav="next")

    html = page.content.decode()
    assert switched.url == step_url(consultation, "risks")
    assert "patient-view" in html
    assert "Clinician note" not in html
    assert f'name="risks-{risk.pk}-discussed"' not in html
    record = ItemRecord.objects.get(kind="risk", item_id=risk.pk)
    assert record.discussed is True and record.note == "Clinician note"


def test_list_is_newest_first_paginated_and_searchable(clinician_client):
    published_aid()
    for i in range(23):
        start_consultation(clinician_client, patient_ref=f"Ref {i:02d}")

    first_html = clinician_client.get("/").content.decode()
    older = re.search(r'href="(\?older=[^"]+)">Older</a>', first_html).group(1)
    first = visible_text(first_html)
    second = visible_text(clinician_client.get("/" + older).content.decode())
    found = visible_text(clinician_client.get("/?q=ref 07").content.decode())

    assert first.index("Ref 22") < first.index("Ref 21")
    assert "Ref 02" not in first and "Oldest" in first
    assert "Ref 02" in second and "Ref 00" in second
    assert "Ref 07" in found and "Ref 08" not in found


def test_audit_records_one_change_per_step_within_five_minutes(clinician_client):
    published_aid()
    consultation = start_consultation(clinician_client)

    for words in ("a", "ab", "abc"):
        post_page(clinician_client, consultation, "values", {"values-values_own_words": words}, nav="stay")
    post_page(clinician_client, consultation, "next", {"next-next_steps": "x"}, nav="stay")

    changed = AuditEvent.objects.filter(consultation=consultation, action="changed")
    assert list(changed.values_list("detail", flat=True)) == ["values", "next"]
