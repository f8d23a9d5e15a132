"""The consultation services, the final lock, addenda and version pinning."""

import json

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from aids.consultations import (
    ConsultationFinal,
    NoPublishedVersion,
    StaleRevision,
    StepChanges,
    addendum_add,
    consultation_start,
    record_finalize,
    step_save,
    topic_order_set,
)
from aids.models import (
    AuditEvent,
    Consultation,
    ItemRecord,
    PatientQuestion,
    UnderstandingAnswer,
    ValueRating,
)
from aids.vocabulary import sure_score
from aids.walkthrough.pages import PAGES
from concurrency_support import run_together, skip_on_sqlite
from factories import make_draft
from walkthrough_support import (
    form_data,
    publish_directly,
    published_aid,
    start_consultation,
    step_url,
    visible_text,
)

pytestmark = pytest.mark.django_db


def snapshot(consultation):
    """Everything a consultation holds, to prove that nothing changed."""
    c = Consultation.objects.filter(pk=consultation.pk).values().get()
    c.pop("updated_at")
    return {
        "consultation": c,
        "items": list(ItemRecord.objects.filter(consultation=consultation).values()),
        "ratings": list(ValueRating.objects.filter(consultation=consultation).values()),
        "questions": list(PatientQuestion.objects.filter(consultation=consultation).values()),
        "understanding": list(UnderstandingAnswer.objects.filter(consultation=consultation).values()),
        "addenda": list(consultation.addenda.values()),
    }


# --------------------------------------------------------------------------- start


def test_start_pins_the_current_published_version(clinician):
    first = published_aid()
    second = publish_directly(make_draft(decision="A newer decision sentence."))

    consultation = consultation_start(clinician=clinician, patient_ref="P1")

    assert consultation.version == second != first
    assert consultation.status == Consultation.Status.IN_PROGRESS
    assert AuditEvent.objects.get(consultation=consultation).action == "created"


def test_start_without_a_published_version_is_refused(clinician):
    make_draft()

    with pytest.raises(NoPublishedVersion, match="An administrator must load or publish"):
        consultation_start(clinician=clinician, patient_ref="P1")


def test_start_refuses_an_nhs_number_even_without_the_form(clinician):
    published_aid()

    with pytest.raises(ValidationError, match="NHS number"):
        consultation_start(clinician=clinician, patient_ref="4010232137")


def test_sure_score_counts_yes_answers():
    assert sure_score({"sure": "yes", "understand": "no", "risks_benefits": "yes"}) == (2, 3)
    assert sure_score({}) == (0, 0)


# --------------------------------------------------------------------------- step saves


def test_step_save_bumps_the_revision_and_refuses_a_stale_one(clinician):
    published_aid()
    consultation = consultation_start(clinician=clinician, patient_ref="P1")
    changes = StepChanges(fields={"next_steps": "One"})

    result = step_save(consultation=consultation, user=clinician, step="next", revision=0, changes=changes)

    assert result.revision == 1
    with pytest.raises(StaleRevision) as stale:
        step_save(consultation=consultation, user=clinician, step="next", revision=0,
                  changes=StepChanges(fields={"next_steps": "Two"}))
    assert stale.value.current == 1
    consultation.refresh_from_db()
    assert consultation.next_steps == "One"


def test_step_save_refuses_items_of_another_version(clinician):
    published_aid()
    other = published_aid("another-aid", aid_title="Another aid")
    consultation = consultation_start(clinician=clinician, patient_ref="P1", aid_slug="tractotomy")
    foreign = other.risks.first()

    with pytest.raises(ValidationError):
        step_save(consultation=consultation, user=clinician, step="risks", revision=0,
                  changes=StepChanges(items=[("risk", foreign.pk, {"discussed": True})]))
    assert not ItemRecord.objects.exists()


def test_step_save_refuses_fields_no_step_may_write(clinician):
    published_aid()
    consultation = consultation_start(clinician=clinician, patient_ref="P1")

    with pytest.raises(ValueError):
        step_save(consultation=consultation, user=clinician, step="next", revision=0,
                  changes=StepChanges(fields={"status": "final"}))


def test_step_save_leaves_out_fields_it_is_not_given(clinician):
    version = published_aid()
    consultation = consultation_start(clinician=clinician, patient_ref="P1")
    risk = version.risks.first()
    step_save(consultation=consultation, user=clinician, step="risks", revision=0,
              changes=StepChanges(items=[("risk", risk.pk, {"discussed": True, "note": "kept"})]))

    # patient view posts no ticks or notes
    step_save(consultation=consultation, user=clinician, step="risks", revision=1,
              changes=StepChanges(items=[("risk", risk.pk, {})]))

    record = ItemRecord.objects.get()
    assert (record.discussed, record.note) == (True, "kept")


def test_topic_order_set_needs_each_topic_once(clinician):
    published_aid()
    consultation = consultation_start(clinician=clinician, patient_ref="P1")

    with pytest.raises(ValidationError):
        topic_order_set(consultation=consultation, user=clinician, order=["risks", "risks"],
                        skipped=[], revision=0)
    topic_order_set(consultation=consultation, user=clinician,
                    order=["criteria", "alternatives", "risks", "benefits"], skipped=["risks"], revision=0)

    consultation.refresh_from_db()
    assert consultation.topic_order == ["criteria", "alternatives", "risks", "benefits"]
    assert consultation.skipped_topics == ["risks"]


# --------------------------------------------------------------------------- final


def test_finalize_twice_makes_one_final_record(clinician):
    published_aid()
    consultation = consultation_start(clinician=clinician, patient_ref="P1")

    _first, newly_first = record_finalize(consultation=consultation, user=clinician)
    finalized_at = Consultation.objects.get().finalized_at
    _second, newly_second = record_finalize(consultation=consultation, user=clinician)

    assert (newly_first, newly_second) == (True, False)
    assert Consultation.objects.get().finalized_at == finalized_at
    assert AuditEvent.objects.filter(action="finalized").count() == 1
    documents = list(consultation.documents.values_list("revision", "variant"))
    assert sorted(documents) == [(1, "clinical"), (1, "patient")]


@pytest.mark.django_db(transaction=True)
def test_finalize_at_the_same_moment_from_two_tabs_makes_one_final_record(clinician):
    skip_on_sqlite()
    published_aid()
    consultation = consultation_start(clinician=clinician, patient_ref="P1")

    results, failures = run_together(
        [lambda: record_finalize(consultation=consultation, user=clinician)] * 3
    )

    newly = [is_new for _final, is_new in results]
    assert failures == []
    assert sorted(newly) == [False, False, True]
    assert AuditEvent.objects.filter(action="finalized").count() == 1
    assert consultation.documents.count() == 2


def test_double_click_on_finalize_through_the_views(clinician_client):
    published_aid()
    consultation = start_consultation(clinician_client)
    url = reverse("consultation_finalize", args=[consultation.pk])

    first = clinician_client.post(url, {"confirm": "yes"})
    second = clinician_client.post(url, {"confirm": "yes"})
    page = clinician_client.get(second.url)

    assert first.url == second.url == reverse("consultation_record", args=[consultation.pk])
    assert "This record was already final; nothing changed." in visible_text(page.content.decode())
    assert AuditEvent.objects.filter(action="finalized").count() == 1


def test_a_final_consultation_refuses_step_saves(clinician):
    published_aid()
    consultation = consultation_start(clinician=clinician, patient_ref="P1")
    record_finalize(consultation=consultation, user=clinician)

    with pytest.raises(ConsultationFinal):
        step_save(consultation=consultation, user=clinician, step="next", revision=0,
                  changes=StepChanges(fields={"next_steps": "Too late"}))


@pytest.mark.parametrize("key", sorted(PAGES))
def test_after_finalize_every_step_post_is_refused_and_nothing_changes(clinician_client, key):
    version = published_aid()
    consultation = start_consultation(clinician_client)
    data = form_data(clinician_client.get(step_url(consultation, key)))
    for name in list(data):  # change every text and tick what the page offers
        if name.endswith(("note", "_words", "next_steps", "question", "answer", "present_other")):
            data[name] = ["Typed after the record was final"]
        elif name.endswith(("discussed", "selected")) or name.startswith("topics-skip"):
            data[name] = ["on"]
    for benefit in version.benefits.all():
        data[f"benefits-{benefit.pk}-discussed"] = ["on"]
    clinician_client.post(reverse("consultation_finalize", args=[consultation.pk]), {"confirm": "yes"})
    before = snapshot(consultation)

    response = clinician_client.post(step_url(consultation, key), {**data, "nav": ["next"]})
    autosave = clinician_client.post(step_url(consultation, key), data, HTTP_X_AUTOSAVE="1")

    assert response.status_code == 409
    text = visible_text(response.content.decode())
    assert "This record is final and can no longer be changed: nothing was saved." in text
    assert autosave.status_code == 409 and json.loads(autosave.content)["final"] is True
    assert snapshot(consultation) == before


def test_after_finalize_a_post_to_the_review_is_refused(clinician_client):
    published_aid()
    consultation = start_consultation(clinician_client)
    clinician_client.post(reverse("consultation_finalize", args=[consultation.pk]), {"confirm": "yes"})

    response = clinician_client.post(step_url(consultation, "review"), {"nav": "next"})

    assert response.status_code == 409
    assert "This record is final" in visible_text(response.content.decode())


def test_refused_post_shows_what_was_typed_so_it_can_go_in_an_addendum(clinician_client):
    published_aid()
    consultation = start_consultation(clinician_client)
    data = form_data(clinician_client.get(step_url(consultation, "next")))
    clinician_client.post(reverse("consultation_finalize", args=[consultation.pk]), {"confirm": "yes"})

    response = clinician_client.post(step_url(consultation, "next"),
                                     {**data, "next-next_steps": ["Book a scan"], "nav": ["next"]})

    assert "Agreed next steps Book a scan" in visible_text(response.content.decode())


def test_after_finalize_a_step_page_leads_to_the_record(clinician_client):
    published_aid()
    consultation = start_consultation(clinician_client)
    clinician_client.post(reverse("consultation_finalize", args=[consultation.pk]), {"confirm": "yes"})

    response = clinician_client.get(step_url(consultation, "values"))

    assert response.url == reverse("consultation_record", args=[consultation.pk])


def test_addenda_are_dated_and_appended(clinician_client, clinician):
    published_aid()
    consultation = start_consultation(clinician_client)
    clinician_client.post(reverse("consultation_finalize", args=[consultation.pk]), {"confirm": "yes"})
    before = snapshot(consultation)["consultation"]

    response = clinician_client.post(reverse("addendum_add", args=[consultation.pk]),
                                     {"addendum-text": "The follow-up moved to May."})
    page = clinician_client.get(response.url)

    text = visible_text(page.content.decode())
    assert "The addendum was added." in text
    assert "The follow-up moved to May." in text
    assert "Added an addendum" in text  # audit trail
    assert snapshot(consultation)["consultation"] == before
    assert consultation.addenda.get().author == clinician


def test_addendum_is_refused_before_the_record_is_final(clinician):
    published_aid()
    consultation = consultation_start(clinician=clinician, patient_ref="P1")

    with pytest.raises(ValidationError, match="still in progress"):
        addendum_add(consultation=consultation, user=clinician, text="Too early")


# --------------------------------------------------------------------------- pinning


def test_publishing_a_new_version_mid_consultation_changes_nothing_on_screen(clinician_client):
    published_aid()
    consultation = start_consultation(clinician_client)
    screens_before = {
        key: visible_text(clinician_client.get(step_url(consultation, key)).content.decode())
        for key in [*PAGES, "review"]
    }
    newer = make_draft(
        decision="NEWER decision sentence.",
        sections=[{"heading": "NEWER heading", "body": "NEWER body."}],
        value_statements=[{"text": "NEWER value."}],
    )
    publish_directly(newer)

    for key, before in screens_before.items():
        after = visible_text(clinician_client.get(step_url(consultation, key)).content.decode())
        assert "NEWER" not in after, key
        assert after == before, key
    assert start_consultation(clinician_client, patient_ref="Later").version == newer


def test_finalize_changes_nothing_when_the_record_cannot_be_generated(clinician_client, monkeypatch):
    from reportlab.platypus.doctemplate import LayoutError

    from aids.record import storage

    def broken(data, copy):
        raise LayoutError("a paragraph too large for the frame")

    monkeypatch.setattr(storage, "render_pdf", broken)
    published_aid()
    consultation = start_consultation(clinician_client)

    response = clinician_client.post(reverse("consultation_finalize", args=[consultation.pk]), {"confirm": "yes"})
    page = clinician_client.get(response.url)

    assert response.url == step_url(consultation, "review")
    assert "Nothing was finalized" in visible_text(page.content.decode())
    consultation.refresh_from_db()
    assert consultation.status == Consultation.Status.IN_PROGRESS
    assert not AuditEvent.objects.filter(action="finalized").exists()



def test_a_save_with_a_known_key_writes_nothing_and_only_the_last_answers_are_kept(clinician):
    from aids.consultations import RECEIPTS_KEPT

    published_aid()
    consultation = consultation_start(clinician=clinician, patient_ref="P1")
    changes = StepChanges(questions=[{"id": None, "question": "Will it hurt?", "answer": ""}])
    first = step_save(consultation=consultation, user=clinician, step="questions", revision=0,
                      changes=changes, key="key-00000")
    again = step_save(consultation=consultation, user=clinician, step="questions", revision=0,
                      changes=changes, key="key-00000")
    for n in range(1, RECEIPTS_KEPT + 5):
        step_save(consultation=consultation, user=clinician, step="decision", revision=n - 1,
                  changes=StepChanges(), key=f"key-{n:05d}")

    assert again == first and set(first.new_question_ids.values()) == {PatientQuestion.objects.get().pk}
    consultation.refresh_from_db()
    assert consultation.step_revisions["questions"] == 1
    assert len(consultation.save_receipts) == RECEIPTS_KEPT
    assert consultation.save_receipts[-1]["key"] == f"key-{RECEIPTS_KEPT + 4:05d}"


# --------------------------------------------------------------------------- changes while the record renders


def during_render(monkeypatch, *calls):
    """Run each call while a record renders (the first call during the first render,
    and so on), as another request would, on the same database."""
    from aids.record import storage

    real, pending = storage.render_pdf, list(calls)

    def render(data, copy):
        if pending:
            pending.pop(0)()
        return real(data, copy)

    monkeypatch.setattr(storage, "render_pdf", render)


def pdf_text(document):
    import io

    from pypdf import PdfReader

    return "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(bytes(document.pdf))).pages)


def test_a_save_while_finalizing_renders_is_in_the_final_record(clinician, monkeypatch):
    published_aid()
    consultation = consultation_start(clinician=clinician, patient_ref="P1")
    during_render(monkeypatch, lambda: step_save(
        consultation=consultation, user=clinician, step="next", revision=0,
        changes=StepChanges(fields={"next_steps": "Saved by another tab while the PDF rendered"})))

    _final, newly = record_finalize(consultation=consultation, user=clinician)

    assert newly is True
    assert AuditEvent.objects.filter(action="finalized").count() == 1
    clinical = consultation.documents.get(variant="clinical")
    assert clinical.revision == 1
    assert "Saved by another tab while the PDF rendered" in pdf_text(clinical)


def test_finalizing_while_another_finalize_renders_finalizes_once(clinician, monkeypatch):
    published_aid()
    consultation = consultation_start(clinician=clinician, patient_ref="P1")
    during_render(monkeypatch, lambda: record_finalize(consultation=consultation, user=clinician))

    _final, newly = record_finalize(consultation=consultation, user=clinician)

    assert newly is False  # the other click finalized it while this one rendered
    assert AuditEvent.objects.filter(action="finalized").count() == 1
    assert sorted(consultation.documents.values_list("revision", "variant")) == [(1, "clinical"), (1, "patient")]


def test_an_addendum_while_another_renders_ends_in_one_revision_each_listing_both(clinician, monkeypatch):
    published_aid()
    consultation = consultation_start(clinician=clinician, patient_ref="P1")
    record_finalize(consultation=consultation, user=clinician)
    during_render(monkeypatch, lambda: addendum_add(consultation=consultation, user=clinician, text="First note."))

    addendum_add(consultation=consultation, user=clinician, text="Second note.")

    assert list(consultation.addenda.values_list("text", flat=True)) == ["First note.", "Second note."]
    assert sorted(consultation.documents.values_list("revision", "variant")) == [
        (r, v) for r in (1, 2, 3) for v in ("clinical", "patient")]
    second = pdf_text(consultation.documents.get(revision=2, variant="clinical"))
    third = pdf_text(consultation.documents.get(revision=3, variant="clinical"))
    assert "First note." in second and "Second note." not in second
    assert third.index("Addendum 1") < third.index("First note.") < third.index("Addendum 2") < third.index(
        "Second note.")
    assert AuditEvent.objects.filter(action="addendum").count() == 2


def test_an_addendum_is_stored_with_the_time_its_record_shows(clinician):
    from django.utils import timezone

    published_aid()
    consultation = consultation_start(clinician=clinician, patient_ref="P1")
    record_finalize(consultation=consultation, user=clinician)

    addendum = addendum_add(consultation=consultation, user=clinician, text="A note.")

    when = timezone.localtime(consultation.addenda.get().created_at)
    assert addendum.created_at == consultation.addenda.get().created_at
    assert f"{when:%H:%M}" in pdf_text(consultation.documents.get(revision=2, variant="clinical"))


def test_finalizing_a_consultation_that_keeps_changing_is_refused_and_changes_nothing(clinician, monkeypatch):
    from aids.consultations import RENDER_ATTEMPTS, RecordChanging

    published_aid()
    consultation = consultation_start(clinician=clinician, patient_ref="P1")

    def save(n):
        return lambda: step_save(consultation=consultation, user=clinician, step="next", revision=n,
                                 changes=StepChanges(fields={"next_steps": f"Change {n}"}))

    # Each attempt renders two copies; a save lands during the first of each.
    calls = []
    for n in range(RENDER_ATTEMPTS):
        calls += [save(n), lambda: None]
    during_render(monkeypatch, *calls)

    with pytest.raises(RecordChanging):
        record_finalize(consultation=consultation, user=clinician)

    consultation.refresh_from_db()
    assert consultation.status == Consultation.Status.IN_PROGRESS
    assert consultation.next_steps == f"Change {RENDER_ATTEMPTS - 1}"
    assert not consultation.documents.exists()
    assert not AuditEvent.objects.filter(action="finalized").exists()
