"""The consultation read at the start of every consultation page, compiled once per
connection (aids/prepared.py): the same objects as the ORM's query, one query."""

import threading

import pytest
from django.db import connection, connections
from django.forms.models import model_to_dict
from django.test.utils import CaptureQueriesContext

from aids.access import _CONSULTATION, consultation_for
from aids.consultations import consultation_start
from aids.models import Consultation
from factories import make_published

pytestmark = pytest.mark.django_db(transaction=True)


def fields(obj):
    return {f.attname: getattr(obj, f.attname) for f in obj._meta.concrete_fields}


def test_it_reads_what_the_orm_reads(clinician):
    version = make_published()
    first = consultation_start(clinician=clinician, patient_ref="P-1", aid_slug=version.aid.slug)
    second = consultation_start(clinician=clinician, patient_ref="P-2", aid_slug=version.aid.slug)
    Consultation.objects.filter(pk=second.pk).update(
        sure_before={"a": "yes"}, pain_sites=["face"], next_steps="ünï\n<b>", present=["patient"])
    orm = Consultation.objects.select_related("version", "version__aid", "clinician")
    for n, pk in enumerate((first.pk, second.pk, first.pk)):
        with CaptureQueriesContext(connection) as queries:
            mine = consultation_for(clinician, pk)
        # The version (with its aid) is read once per process, then kept.
        assert len(queries) == (2 if n == 0 else 1)
        theirs = orm.get(pk=pk)
        assert fields(mine) == fields(theirs)
        for related in (lambda c: c.version, lambda c: c.version.aid, lambda c: c.clinician):
            assert fields(related(mine)) == fields(related(theirs))
        with CaptureQueriesContext(connection) as queries:
            mine.version.aid, mine.clinician  # already read: no query
        assert len(queries) == 0
        assert (mine.version_status, mine.version_retired_at) == ("published", None)
    assert mine.pk == first.pk and mine._state.db == "default" and not mine._state.adding
    assert model_to_dict(_CONSULTATION.get(second.pk))["pain_sites"] == ["face"]


def test_the_kept_version_is_read_again_once_retired(clinician):
    version = make_published()
    made = consultation_start(clinician=clinician, patient_ref="P-1", aid_slug=version.aid.slug)
    assert consultation_for(clinician, made.pk).version.status == "published"
    make_published(change_note="Second version.")  # retires the first
    with CaptureQueriesContext(connection) as queries:
        shown = consultation_for(clinician, made.pk).version
    assert len(queries) == 2  # the consultation, then its version read again
    assert shown.status == "retired" and shown.retired_at is not None
    assert shown.pk == version.pk and shown.number == version.number


def test_each_request_has_its_own_copy_of_the_kept_version(clinician):
    version = make_published()
    made = consultation_start(clinician=clinician, patient_ref="P-1", aid_slug=version.aid.slug)
    first = consultation_for(clinician, made.pk)
    first.version.decision = "Shown translated"  # as a translated page does, in memory
    first.version._state.fields_cache.clear()
    second = consultation_for(clinician, made.pk)
    assert second.version is not first.version
    assert second.version.decision == version.decision and second.version.aid.slug == version.aid.slug


def test_a_draft_is_never_kept():
    from aids.frozen import kept_version
    from factories import make_draft

    draft = make_draft()
    reads = []

    def read(pk):
        reads.append(pk)
        return draft

    assert kept_version(draft.pk, ("", None, "draft", None), read) is draft
    assert kept_version(draft.pk, ("", None, "draft", None), read) is draft
    assert reads == [draft.pk, draft.pk]


@pytest.mark.parametrize("pk", [0, -1, 10**30, -(10**30), "12x", None, 2**63])
def test_no_such_consultation(clinician, pk):
    assert _CONSULTATION.get(pk) is None


def test_each_thread_uses_its_own_connection(clinician):
    version = make_published()
    made = consultation_start(clinician=clinician, patient_ref="P-1", aid_slug=version.aid.slug)
    _CONSULTATION.get(made.pk)  # compiled for this thread's connection
    found = []

    def read():
        try:
            found.append(consultation_for(clinician, made.pk).patient_ref)
        finally:
            connections.close_all()

    thread = threading.Thread(target=read)
    thread.start()
    thread.join()
    assert found == ["P-1"]


def test_it_is_compiled_once(clinician, monkeypatch):
    from django.db.models.sql.compiler import SQLCompiler

    version = make_published()
    made = consultation_start(clinician=clinician, patient_ref="P-1", aid_slug=version.aid.slug)
    _CONSULTATION.get(made.pk)

    def no_compiling(self, *args, **kwargs):
        raise AssertionError("compiled again")

    monkeypatch.setattr(SQLCompiler, "as_sql", no_compiling)
    assert _CONSULTATION.get(made.pk).patient_ref == "P-1"


# --------------------------------------------------------------------------- a consultation's rows


def _recorded(clinician):
    """Two consultations of the bundled aid: one with something of each kind recorded."""
    from aids.models import ItemRecord, PatientQuestion, UnderstandingAnswer, ValueRating

    version = make_published()
    full = consultation_start(clinician=clinician, patient_ref="P-1", aid_slug=version.aid.slug)
    empty = consultation_start(clinician=clinician, patient_ref="P-2", aid_slug=version.aid.slug)
    for n, risk in enumerate(version.risks.all()):
        ItemRecord.objects.create(consultation=full, kind=ItemRecord.Kind.RISK, item_id=risk.pk,
                                  discussed=n % 2 == 0, note=f"ünï <b>{n}</b>")
    for benefit in version.benefits.all():
        ItemRecord.objects.create(consultation=full, kind=ItemRecord.Kind.BENEFIT, item_id=benefit.pk)
    for n, statement in enumerate(version.value_statements.all()):
        ValueRating.objects.create(consultation=full, statement=statement, rating=n % 5)
    for question in version.understanding_questions.all():
        UnderstandingAnswer.objects.create(consultation=full, question=question,
                                           answer=UnderstandingAnswer.Answer.TRUE)
    for n in range(3):
        PatientQuestion.objects.create(consultation=full, question=f"Q{n}", order=3 - n)
    return full, empty


def test_a_consultations_rows_are_what_the_orm_reads(clinician):
    from aids.models import ItemRecord
    from aids.readmodel import ITEM_RECORDS, QUESTIONS, UNDERSTANDING_ANSWERS, VALUE_RATINGS, item_records

    full, empty = _recorded(clinician)
    for consultation in (full, empty, full):
        for prepared, related in ((ITEM_RECORDS, consultation.item_records),
                                  (VALUE_RATINGS, consultation.value_ratings),
                                  (UNDERSTANDING_ANSWERS, consultation.understanding_answers),
                                  (QUESTIONS, consultation.questions)):
            with CaptureQueriesContext(connection) as queries:
                mine = prepared.rows(consultation.pk)
            assert len(queries) == 1
            theirs = list(related.all())  # in the ORM's order, too
            assert [fields(o) for o in mine] == [fields(o) for o in theirs]
            assert all(o._state.db == "default" and not o._state.adding for o in mine)
        for kind in ItemRecord.Kind.values:
            assert [fields(o) for o in item_records(consultation.pk, kind)] == [
                fields(o) for o in consultation.item_records.filter(kind=kind)]
    assert len(ITEM_RECORDS.rows(full.pk)) > 3 and ITEM_RECORDS.rows(empty.pk) == []
    assert [q.question for q in QUESTIONS.rows(full.pk)] == ["Q2", "Q1", "Q0"]  # by their order
    assert QUESTIONS.first(full.pk).question == "Q2" and QUESTIONS.first(empty.pk) is None


@pytest.mark.parametrize("key", [0, -1, 10**30, "12x", None, 2**63])
def test_no_rows_for_a_key_that_is_none(clinician, key):
    from aids.readmodel import ITEM_RECORDS

    assert ITEM_RECORDS.rows(key) == [] and ITEM_RECORDS.first(key) is None


@pytest.mark.parametrize("pk", [2**31, 2**31 - 1, -(2**31) - 1, 2**40, 2**63 - 1])
def test_the_user_read_answers_none_past_its_key_column(clinician, pk):
    """auth_user's key is 32 bits on PostgreSQL (the consultation's 64): a key past the
    column is no user, as the ORM answers, not a database error."""
    from aids.accounts.backends import _USER

    assert _USER.get(pk) is None
    assert _USER.get(clinician.pk).get_username() == clinician.get_username()
    assert fields(_USER.get(clinician.pk)) == fields(type(clinician).objects.get(pk=clinician.pk))
