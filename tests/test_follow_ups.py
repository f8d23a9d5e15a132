"""Follow-up visits: a chain of three visits through the client, the questions still
open carried over, where the patient stood last time shown, the version change said,
and both records linked (the later PDF names the earlier record; the earlier record,
final and unchanged, lists its follow-ups on its page)."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from aids.consultations import consultation_start, follow_up_candidates
from aids.models import Consultation, PatientQuestion, RecordDocument, Team
from aids.publishing import version_new_draft, version_publish
from factories import make_approver, make_published, make_recorded_consultation
from walkthrough_support import pdf_texts, post_step, step_url, visible_text

pytestmark = pytest.mark.django_db

REF = "Clinic-F 31"


def record_url(consultation):
    return reverse("consultation_record", args=[consultation.pk])


def walk_and_finalize(client, consultation, *, question, words, rating="3", sure="no"):
    """Every step of ``consultation`` with a question left open, the patient's words,
    a rating and SURE after; then finalize."""
    version = consultation.version
    statement = version.value_statements.first()
    post_step(client, consultation, "decision", {"sure_before-sure": "no"})
    post_step(client, consultation, "values", {
        f"value-{statement.pk}-rating": rating, "values-values_own_words": f"Values: {words}"})
    data = {"sure_after-sure": sure, "sure_after-understand": "yes",
            "sure_after-risks_benefits": "yes", "sure_after-encouragement": "yes"}
    existing = consultation.questions.count()
    data.update({f"questions-{existing}-question": question, f"questions-{existing}-status": "open"})
    post_step(client, consultation, "questions", data)
    post_step(client, consultation, "next", {
        "next-positions": "more_time", "next-position_words": f"Stands: {words}",
        "next-next_steps": "See each other again."})
    response = client.post(reverse("consultation_finalize", args=[consultation.pk]), {"confirm": "yes"})
    assert response.url == record_url(consultation)
    consultation.refresh_from_db()
    assert consultation.is_final
    return consultation


def new_version_with_a_changed_benefit(version):
    draft = version_new_draft(version=version, user=None)
    benefit = draft.benefits.first()
    benefit.title = "Less pain, for most people"
    benefit.save()
    return version_publish(version=draft, user=make_approver("approver-2"),
                           change_note="A benefit's title reworded.")


def test_a_chain_of_three_visits(clinician_client, clinician):
    first_version = make_published(user=make_approver())

    # Visit 1: a first discussion, a question left open
    clinician_client.post(reverse("consultation_new"), {
        "start-patient_ref": REF, "start-language": "English", "start-present": ["patient"]})
    visit1 = Consultation.objects.get()
    assert visit1.follow_up_of is None
    visit1 = walk_and_finalize(clinician_client, visit1, question="Will the numbness last?",
                               words="I want to wait and see.")
    visit1_pdfs = {d.variant: d.sha256 for d in visit1.documents.all()}

    # A new version is published between the visits
    second_version = new_version_with_a_changed_benefit(first_version)

    # Visit 2: started from visit 1's record page
    page = clinician_client.get(record_url(visit1))
    follow_link = f'{reverse("consultation_new")}?follow={visit1.pk}'
    assert f'href="{follow_link}"' in page.content.decode()
    start = clinician_client.get(follow_link)
    html = start.content.decode()
    assert f'value="{REF}"' in html  # the reference filled in
    assert f'value="{visit1.pk}"' in html and "checked" in html.split(f'value="{visit1.pk}"')[1][:40]
    clinician_client.post(reverse("consultation_new"), {
        "start-aid": first_version.aid.slug, "start-patient_ref": REF, "start-language": "English",
        "start-follow_up_of": str(visit1.pk)})
    visit2 = Consultation.objects.latest("pk")
    assert visit2.follow_up_of == visit1
    assert visit2.version == second_version  # the then-current published version
    carried = list(visit2.questions.all())
    assert [(q.question, q.status, q.carried_over, q.answer) for q in carried] == [
        ("Will the numbness last?", PatientQuestion.Status.OPEN, True, "")]

    decision = visible_text(clinician_client.get(step_url(visit2, "decision")).content.decode())
    assert "Last time" in decision
    assert f"This visit follows up record {visit1.record_id}" in decision
    assert f"version {second_version.number} of" in decision and "version 1." in decision
    assert "What changed since then" in decision
    assert "Less pain, for most people" in decision  # the reworded benefit, by its new label
    assert "Stands: I want to wait and see." in decision
    assert "Values: I want to wait and see." in decision
    assert "Wants more time" in decision
    assert "SURE score 3 of 4" in decision
    assert "3 - Quite a lot" in decision
    assert "1 question still open last time is carried over" in decision
    questions = visible_text(clinician_client.get(step_url(visit2, "questions")).content.decode())
    assert "Carried over: still open at the earlier visit" in questions

    visit2 = walk_and_finalize(clinician_client, visit2, question="Can my daughter come next time?",
                               words="I am leaning towards no operation.", rating="4")

    # Visit 3: the reference typed again on the start page; the follow-up is offered
    response = clinician_client.post(reverse("consultation_new"), {
        "start-patient_ref": REF, "start-language": "English"})
    assert response.status_code == 200
    text = visible_text(response.content.decode())
    assert "This patient reference has a finalized record: say whether this visit follows it up." in text
    assert f"record {visit2.record_id}" in text and f"record {visit1.record_id}" in text
    assert Consultation.objects.count() == 2  # nothing started, the reference kept
    assert f'value="{REF}"' in response.content.decode()
    clinician_client.post(reverse("consultation_new"), {
        "start-patient_ref": REF, "start-language": "English", "start-follow_up_of": str(visit2.pk)})
    visit3 = Consultation.objects.latest("pk")
    assert visit3.follow_up_of == visit2
    assert visit3.version == second_version
    assert sorted(q.question for q in visit3.questions.all()) == [
        "Can my daughter come next time?", "Will the numbness last?"]
    decision = visible_text(clinician_client.get(step_url(visit3, "decision")).content.decode())
    assert f"The content is the same version as last time (version {second_version.number})" in decision
    visit3 = walk_and_finalize(clinician_client, visit3, question="What if I change my mind?",
                               words="I have decided to keep my current care.")

    # The PDFs: each later one names the one before it (record id and date)
    for later, earlier in ((visit2, visit1), (visit3, visit2)):
        texts = pdf_texts(later)
        date = f"{earlier.finalized_at.day} {earlier.finalized_at:%B %Y}"
        for variant, text in texts.items():
            assert f"This visit follows up record {earlier.record_id} of {date}" in text, variant
            assert f"patient reference {REF}" in text, variant
        clinical = texts[RecordDocument.Variant.CLINICAL]
        assert "carried over from the earlier visit" in clinical
    assert "follows up" not in " ".join(pdf_texts(visit1).values())
    # The earlier record is final and unchanged: the same bytes as when finalized
    assert {d.variant: d.sha256 for d in visit1.documents.all()} == visit1_pdfs
    assert visit1.documents.count() == 2

    # The record pages link each other
    page1 = clinician_client.get(record_url(visit1)).content.decode()
    assert f'href="{record_url(visit2)}"' in page1 and f'href="{record_url(visit3)}"' not in page1
    page2 = clinician_client.get(record_url(visit2)).content.decode()
    assert f'href="{record_url(visit1)}"' in page2 and f'href="{record_url(visit3)}"' in page2
    page3 = visible_text(clinician_client.get(record_url(visit3)).content.decode())
    assert f"This visit follows up record {visit2.record_id}" in page3


def test_an_in_progress_or_other_reference_is_not_offered(clinician):
    make_published()
    final = make_recorded_consultation(clinician, final=True)
    make_recorded_consultation(clinician)  # in progress

    assert list(follow_up_candidates(clinician, final.patient_ref)) == [final]
    assert list(follow_up_candidates(clinician, final.patient_ref + "x")) == []


def test_another_clinicians_record_cannot_be_followed_up(clinician, other_clinician, client):
    make_published()
    theirs = make_recorded_consultation(other_clinician, final=True)

    with pytest.raises(ValidationError, match="one of yours or your team's"):
        consultation_start(clinician=clinician, patient_ref=theirs.patient_ref, follow_up_of=theirs)
    client.force_login(clinician)
    page = client.get(f'{reverse("consultation_new")}?follow={theirs.pk}')
    assert theirs.patient_ref not in page.content.decode()  # nothing of it is shown
    response = client.post(reverse("consultation_new"), {
        "start-patient_ref": theirs.patient_ref, "start-language": "English",
        "start-follow_up_of": str(theirs.pk)})
    assert response.status_code == 200
    assert "The earlier visit chosen is not a finalized record with this patient reference" in \
        visible_text(response.content.decode())
    assert Consultation.objects.filter(clinician=clinician).count() == 0


def test_a_follow_up_chosen_then_the_reference_changed_is_refused_and_keeps_the_text(clinician_client, clinician):
    make_published()
    final = make_recorded_consultation(clinician, final=True)

    response = clinician_client.post(reverse("consultation_new"), {
        "start-patient_ref": "Typed differently", "start-language": "Polish",
        "start-follow_up_of": str(final.pk)})

    assert response.status_code == 200
    assert Consultation.objects.count() == 1
    html = response.content.decode()
    assert 'value="Typed differently"' in html and 'value="Polish"' in html
    assert "Check the reference; nothing has been started." in visible_text(html)


def test_a_team_members_record_can_be_followed_up(clinician, other_clinician):
    make_published()
    team = Team.objects.create(name="Pain team")
    team.members.add(clinician, other_clinician)
    theirs = make_recorded_consultation(other_clinician, final=True)

    visit = consultation_start(clinician=clinician, patient_ref=theirs.patient_ref, follow_up_of=theirs)

    assert visit.follow_up_of == theirs and visit.clinician == clinician


def test_a_follow_up_needs_the_same_reference(clinician):
    make_published()
    final = make_recorded_consultation(clinician, final=True)

    with pytest.raises(ValidationError):
        consultation_start(clinician=clinician, patient_ref="Someone else", follow_up_of=final)
    assert Consultation.objects.count() == 1


def test_the_decision_step_of_a_follow_up_adds_a_fixed_number_of_queries(clinician_client, clinician):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    make_published()
    final = make_recorded_consultation(clinician, final=True)
    first = consultation_start(clinician=clinician, patient_ref="Other ref")
    visit = consultation_start(clinician=clinician, patient_ref=final.patient_ref, follow_up_of=final)
    counts = []
    for consultation in (first, visit):
        clinician_client.get(step_url(consultation, "decision"))  # warm the template caches
        with CaptureQueriesContext(connection) as queries:
            response = clinician_client.get(step_url(consultation, "decision"))
        counts.append(len(queries))

    assert "Last time" in visible_text(response.content.decode())
    assert counts[1] - counts[0] == FOLLOW_UP_QUERIES, counts


# The earlier consultation, its ratings, its version's value statements, the carried-over
# count (a first visit, none of these).
FOLLOW_UP_QUERIES = 4


def test_a_reference_that_could_not_be_stored_is_never_looked_up(clinician, clinician_client):
    """A NUL in the typed reference reached the follow-up lookup and PostgreSQL refused
    the query (a 500, found by tests/test_property_posts.py): now it matches nothing and
    the start form says what is wrong, keeping the rest of what was typed."""
    make_published()
    assert list(follow_up_candidates(clinician, "P-\x001")) == []
    assert list(follow_up_candidates(clinician, "x" * 41)) == []

    response = clinician_client.post(reverse("consultation_new"), {
        "start-patient_ref": "P-\x001", "start-present_other": "Her daughter"})

    assert response.status_code == 200
    assert "Her daughter" in response.content.decode()
    assert not Consultation.objects.exists()
