"""A final consultation is fixed at the model layer, whatever the code path; its
addenda and stored PDFs are append-only.

The service layer refuses first (``ConsultationFinal``, tested in
test_consultations.py); these tests go round it, straight to the ORM.
"""

import pytest
from django.db import transaction

from aids.consultations import addendum_add, record_finalize
from aids.models import (
    Addendum,
    AuditEvent,
    Consultation,
    FinalRecordError,
    ItemRecord,
    PatientQuestion,
    RecordDocument,
    UnderstandingAnswer,
    ValueRating,
)
from factories import make_recorded_consultation

pytestmark = pytest.mark.django_db

# (model, a field to change, a value it does not hold)
CHILDREN = [
    (ItemRecord, "note", "Changed."),
    (ValueRating, "rating", 0),
    (PatientQuestion, "question", "Changed?"),
    (UnderstandingAnswer, "answer", "false"),
]
CHILD_IDS = [model.__name__ for model, _field, _value in CHILDREN]

# Rows that are written once and never changed: (model, a field to change, a value)
APPEND_ONLY = [
    (RecordDocument, "pdf", b"%PDF-forged"),
    (Addendum, "text", "Changed."),
]
APPEND_ONLY_IDS = [model.__name__ for model, _field, _value in APPEND_ONLY]


@pytest.fixture
def final(clinician):
    consultation = make_recorded_consultation(clinician, final=True)
    Addendum.objects.create(consultation=consultation, author=clinician, text="The follow-up moved to May.")
    return consultation


def new_child(model, consultation):
    """An unsaved row of ``model`` that fits ``consultation`` (the factory recorded the
    first item, statement and question; this takes the last)."""
    version = consultation.version
    return {
        ItemRecord: lambda: ItemRecord(consultation=consultation, kind=ItemRecord.Kind.RISK,
                                       item_id=version.risks.last().pk, discussed=True),
        ValueRating: lambda: ValueRating(consultation=consultation,
                                         statement=version.value_statements.last(), rating=4),
        PatientQuestion: lambda: PatientQuestion(consultation=consultation, question="Another?"),
        UnderstandingAnswer: lambda: UnderstandingAnswer(
            consultation=consultation, question=version.understanding_questions.last(), answer="true"),
    }[model]()


def stored(model, consultation):
    return list(model.objects.filter(consultation=consultation).order_by("pk").values())


# -- the consultation itself --------------------------------------------------------


def test_final_consultation_save_raises(final):
    final.next_steps = "Changed."

    with pytest.raises(FinalRecordError):
        final.save()

    assert Consultation.objects.get(pk=final.pk).next_steps == ""


def test_final_consultation_save_of_one_field_raises(final):
    final.patient_ref = "Changed"

    with pytest.raises(FinalRecordError):
        final.save(update_fields=["patient_ref"])

    assert Consultation.objects.get(pk=final.pk).patient_ref != "Changed"


def test_final_consultation_save_back_to_in_progress_raises(final):
    final.status = Consultation.Status.IN_PROGRESS

    with pytest.raises(FinalRecordError):
        final.save(update_fields=["status"])

    assert Consultation.objects.get(pk=final.pk).is_final


def test_final_consultation_save_from_a_stale_copy_raises(clinician):
    consultation = make_recorded_consultation(clinician)
    stale = Consultation.objects.get(pk=consultation.pk)  # loaded before another tab finalizes
    record_finalize(consultation=consultation, user=clinician)
    stale.next_steps = "Typed in the stale tab."

    with pytest.raises(FinalRecordError):
        stale.save()

    assert stale.status == Consultation.Status.IN_PROGRESS  # the copy still says so
    assert Consultation.objects.get(pk=consultation.pk).next_steps == ""


def test_final_consultation_delete_raises(final):
    with pytest.raises(FinalRecordError):
        final.delete()

    assert Consultation.objects.filter(pk=final.pk).exists()


def test_final_consultation_delete_from_a_stale_copy_raises(clinician):
    consultation = make_recorded_consultation(clinician)
    stale = Consultation.objects.get(pk=consultation.pk)
    record_finalize(consultation=consultation, user=clinician)

    with pytest.raises(FinalRecordError):
        stale.delete()

    assert Consultation.objects.filter(pk=consultation.pk).exists()


def test_final_consultation_queryset_update_raises(final):
    with pytest.raises(FinalRecordError):
        Consultation.objects.filter(pk=final.pk).update(next_steps="Changed.")

    assert Consultation.objects.get(pk=final.pk).next_steps == ""


def test_final_consultation_queryset_update_with_open_ones_mixed_in_raises(final, clinician):
    open_one = make_recorded_consultation(clinician)

    with pytest.raises(FinalRecordError):
        Consultation.objects.filter(pk__in=[final.pk, open_one.pk]).update(next_steps="Changed.")

    assert not Consultation.objects.filter(next_steps="Changed.").exists()


def test_final_consultation_bulk_update_raises(final):
    final.next_steps = "Changed."

    with pytest.raises(FinalRecordError):
        Consultation.objects.bulk_update([final], ["next_steps"])

    assert Consultation.objects.get(pk=final.pk).next_steps == ""


def test_final_consultation_queryset_delete_raises(final):
    with pytest.raises(FinalRecordError):
        Consultation.objects.filter(pk=final.pk).delete()

    assert Consultation.objects.filter(pk=final.pk).exists()
    assert ItemRecord.objects.filter(consultation=final).exists()


# -- what stays possible --------------------------------------------------------------


def test_in_progress_consultation_save_and_queryset_update_work(clinician):
    consultation = make_recorded_consultation(clinician)
    consultation.next_steps = "Saved."

    consultation.save()
    Consultation.objects.filter(pk=consultation.pk).update(present_other="Updated.")

    stored_row = Consultation.objects.get(pk=consultation.pk)
    assert (stored_row.next_steps, stored_row.present_other) == ("Saved.", "Updated.")


def test_finalize_saves_an_in_progress_consultation_once(clinician):
    consultation = make_recorded_consultation(clinician)

    _final, newly = record_finalize(consultation=consultation, user=clinician)
    _again, newly_again = record_finalize(consultation=consultation, user=clinician)

    assert (newly, newly_again) == (True, False)
    assert consultation.is_final and consultation.finalized_at is not None
    assert sorted(consultation.documents.values_list("revision", "variant")) == [
        (1, "clinical"), (1, "patient")]


def test_final_consultation_accepts_audit_events_addenda_and_new_revisions(final, clinician):
    AuditEvent.objects.create(consultation=final, user=clinician, action=AuditEvent.Action.VIEWED)

    addendum_add(consultation=final, user=clinician, text="Second note: family called.")

    assert list(final.addenda.values_list("text", flat=True)) == [
        "The follow-up moved to May.", "Second note: family called."]
    assert sorted(set(final.documents.values_list("revision", flat=True))) == [1, 2]
    assert final.audit_events.filter(action=AuditEvent.Action.ADDENDUM).count() == 1


# -- the rows recorded at each step -------------------------------------------------------


@pytest.mark.parametrize(("model", "field", "value"), CHILDREN, ids=CHILD_IDS)
def test_final_child_save_raises(final, model, field, value):
    row = model.objects.get(consultation=final)
    setattr(row, field, value)

    with pytest.raises(FinalRecordError):
        row.save()

    assert getattr(model.objects.get(pk=row.pk), field) != value


@pytest.mark.parametrize(("model", "field", "value"), CHILDREN, ids=CHILD_IDS)
def test_final_child_save_from_a_copy_loaded_while_in_progress_raises(clinician, model, field, value):
    consultation = make_recorded_consultation(clinician)
    row = model.objects.get(consultation=consultation)
    record_finalize(consultation=consultation, user=clinician)
    setattr(row, field, value)

    with pytest.raises(FinalRecordError):
        row.save(update_fields=[field])

    assert getattr(model.objects.get(pk=row.pk), field) != value


@pytest.mark.parametrize(("model", "field", "value"), CHILDREN, ids=CHILD_IDS)
def test_final_child_delete_raises(final, model, field, value):
    row = model.objects.get(consultation=final)

    with pytest.raises(FinalRecordError):
        row.delete()

    assert model.objects.filter(pk=row.pk).exists()


@pytest.mark.parametrize(("model", "field", "value"), CHILDREN, ids=CHILD_IDS)
def test_final_child_create_raises(final, model, field, value):
    before = stored(model, final)

    with pytest.raises(FinalRecordError):
        new_child(model, final).save()

    assert stored(model, final) == before


@pytest.mark.parametrize(("model", "field", "value"), CHILDREN, ids=CHILD_IDS)
def test_final_child_bulk_create_raises(final, model, field, value):
    before = stored(model, final)

    with pytest.raises(FinalRecordError):
        model.objects.bulk_create([new_child(model, final)])

    assert stored(model, final) == before


@pytest.mark.parametrize(("model", "field", "value"), CHILDREN, ids=CHILD_IDS)
def test_final_child_queryset_update_raises(final, model, field, value):
    before = stored(model, final)

    with pytest.raises(FinalRecordError):
        model.objects.filter(consultation=final).update(**{field: value})

    assert stored(model, final) == before


@pytest.mark.parametrize(("model", "field", "value"), CHILDREN, ids=CHILD_IDS)
def test_final_child_bulk_update_raises(final, model, field, value):
    before = stored(model, final)
    rows = list(model.objects.filter(consultation=final))
    for row in rows:
        setattr(row, field, value)

    with pytest.raises(FinalRecordError):
        model.objects.bulk_update(rows, [field])

    assert stored(model, final) == before


@pytest.mark.parametrize(("model", "field", "value"), CHILDREN, ids=CHILD_IDS)
def test_final_child_queryset_delete_raises(final, model, field, value):
    before = stored(model, final)

    with pytest.raises(FinalRecordError):
        model.objects.filter(consultation=final).delete()

    assert stored(model, final) == before


def test_final_child_change_through_the_related_manager_raises(final):
    with pytest.raises(FinalRecordError):
        final.item_records.update(note="Changed.")

    assert final.item_records.get().note == "A note."


def test_final_child_queryset_with_in_progress_rows_mixed_in_raises(final, clinician):
    open_one = make_recorded_consultation(clinician)

    with pytest.raises(FinalRecordError):
        PatientQuestion.objects.filter(consultation__in=[final, open_one]).update(question="Changed?")

    assert not PatientQuestion.objects.filter(question="Changed?").exists()


def test_final_child_moved_to_an_in_progress_consultation_raises(final, clinician):
    open_one = make_recorded_consultation(clinician)
    question = PatientQuestion.objects.get(consultation=final)
    question.consultation = open_one

    with pytest.raises(FinalRecordError):
        question.save()

    assert PatientQuestion.objects.get(pk=question.pk).consultation_id == final.pk


def test_in_progress_child_moved_into_a_final_consultation_raises(final, clinician):
    open_one = make_recorded_consultation(clinician)
    question = PatientQuestion.objects.get(consultation=open_one)
    question.consultation = final

    with pytest.raises(FinalRecordError):
        question.save()

    assert PatientQuestion.objects.get(pk=question.pk).consultation_id == open_one.pk


@pytest.mark.parametrize(("model", "field", "value"), CHILDREN, ids=CHILD_IDS)
def test_in_progress_child_create_save_update_and_delete_work(clinician, model, field, value):
    consultation = make_recorded_consultation(clinician)
    row = model.objects.get(consultation=consultation)
    setattr(row, field, value)

    row.save()
    model.objects.bulk_create([new_child(model, consultation)])
    model.objects.filter(pk=row.pk).update(**{field: value})
    row.delete()
    model.objects.filter(consultation=consultation).delete()

    assert not model.objects.filter(consultation=consultation).exists()


# -- addenda and stored PDFs: written once -------------------------------------------------


@pytest.mark.parametrize(("model", "field", "value"), APPEND_ONLY, ids=APPEND_ONLY_IDS)
def test_stored_row_save_raises(final, model, field, value):
    row = model.objects.filter(consultation=final).first()
    setattr(row, field, value)

    with pytest.raises(FinalRecordError):
        row.save()

    assert getattr(model.objects.get(pk=row.pk), field) != value


@pytest.mark.parametrize(("model", "field", "value"), APPEND_ONLY, ids=APPEND_ONLY_IDS)
def test_stored_row_delete_raises(final, model, field, value):
    row = model.objects.filter(consultation=final).first()

    with pytest.raises(FinalRecordError):
        row.delete()

    assert model.objects.filter(pk=row.pk).exists()


@pytest.mark.parametrize(("model", "field", "value"), APPEND_ONLY, ids=APPEND_ONLY_IDS)
def test_stored_row_queryset_update_raises(final, model, field, value):
    before = stored(model, final)

    with pytest.raises(FinalRecordError):
        model.objects.filter(consultation=final).update(**{field: value})

    assert stored(model, final) == before


@pytest.mark.parametrize(("model", "field", "value"), APPEND_ONLY, ids=APPEND_ONLY_IDS)
def test_stored_row_bulk_update_raises(final, model, field, value):
    before = stored(model, final)
    rows = list(model.objects.filter(consultation=final))
    for row in rows:
        setattr(row, field, value)

    with pytest.raises(FinalRecordError):
        model.objects.bulk_update(rows, [field])

    assert stored(model, final) == before


@pytest.mark.parametrize(("model", "field", "value"), APPEND_ONLY, ids=APPEND_ONLY_IDS)
def test_stored_row_queryset_delete_raises(final, model, field, value):
    before = stored(model, final)

    with pytest.raises(FinalRecordError):
        model.objects.filter(consultation=final).delete()

    assert stored(model, final) == before


def test_stored_document_saved_over_by_a_new_object_with_its_pk_raises(final):
    # A "new" object carrying a stored row's pk would otherwise UPDATE that row.
    doc = RecordDocument.objects.filter(consultation=final).first()
    forged = RecordDocument(pk=doc.pk, consultation=final, revision=doc.revision, variant=doc.variant,
                            pdf=b"%PDF-forged", sha256="0" * 64, size=11)

    with pytest.raises(FinalRecordError), transaction.atomic():
        forged.save()

    assert bytes(RecordDocument.objects.get(pk=doc.pk).pdf) == bytes(doc.pdf)


def test_new_record_document_for_a_final_consultation_is_stored(final):
    doc = RecordDocument.objects.create(consultation=final, revision=9, variant="clinical",
                                        pdf=b"%PDF-new", sha256="0" * 64, size=8)

    assert RecordDocument.objects.get(pk=doc.pk).revision == 9
