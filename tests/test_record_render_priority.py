"""Record PDFs are drawn at a lower CPU priority than pages (``RECORD_RENDER_NICENESS``),
in a thread of their own: one clinician's finalize on a busy server waits for the CPU
instead of making every other clinician's page wait (issue 14, the stall figure)."""

import io
import os
import threading

import pytest
from django.db import connections
from django.utils import timezone, translation
from pypdf import PdfReader

from aids.consultations import RecordNotGenerated, addendum_add, consultation_start, record_finalize
from aids.models import Consultation, RecordDocument
from aids.record import storage
from factories import make_published

pytestmark = pytest.mark.django_db


def niceness(tid=None):
    return os.getpriority(os.PRIO_PROCESS, tid or threading.get_native_id())


@pytest.fixture
def drawn(monkeypatch):
    """The real renderer, noting for each copy the thread it ran in, its niceness and
    whether that thread had a database connection of its own."""
    real, calls = storage.render_pdf, []

    def spy(data, copy):
        pdf = real(data, copy)
        calls.append({"copy": copy, "thread": threading.get_native_id(), "niceness": niceness(),
                      "connected": connections["default"].connection is not None,
                      "language": translation.get_language(),
                      "zone": str(timezone.get_current_timezone())})
        return pdf

    monkeypatch.setattr(storage, "render_pdf", spy)
    return calls


def start(clinician):
    make_published()
    return consultation_start(clinician=clinician, patient_ref="P-77", present=["patient"])


def text_of(pdf):
    return "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(bytes(pdf))).pages)


def test_finalize_draws_both_copies_in_a_lower_priority_thread(clinician, settings, drawn):
    settings.RECORD_RENDER_NICENESS = 7
    consultation = start(clinician)
    before = niceness()

    _final, newly = record_finalize(consultation=consultation, user=clinician)

    assert newly
    assert [c["copy"] for c in drawn] == ["clinical", "patient"]
    for call in drawn:
        assert call["thread"] != threading.get_native_id()
        assert call["niceness"] == min(19, before + 7)
        assert call["connected"] is False  # drawing reads nothing: the data was read before
    assert niceness() == before  # the request's own thread (and worker) keeps its priority
    docs = RecordDocument.objects.filter(consultation=consultation, revision=1)
    assert sorted(d.variant for d in docs) == ["clinical", "patient"]
    for doc in docs:
        assert f"Record {consultation.record_id}, revision 1" in text_of(doc.pdf)


def test_addendum_is_drawn_in_the_same_thread_pool(clinician, settings, drawn):
    settings.RECORD_RENDER_NICENESS = 7
    consultation = start(clinician)
    record_finalize(consultation=consultation, user=clinician)

    addendum_add(consultation=consultation, user=clinician, text="Seen again; the plan stands.")

    assert len(drawn) == 4 and len({c["thread"] for c in drawn} - {threading.get_native_id()}) >= 1
    assert all(c["thread"] != threading.get_native_id() for c in drawn)
    latest = RecordDocument.objects.get(consultation=consultation, revision=2, variant="patient")
    assert "Seen again; the plan stands." in text_of(latest.pdf)


def test_without_niceness_the_copies_are_drawn_in_the_request_thread(clinician, settings, drawn):
    settings.RECORD_RENDER_NICENESS = 0
    consultation = start(clinician)

    record_finalize(consultation=consultation, user=clinician)

    assert [c["thread"] for c in drawn] == [threading.get_native_id()] * 2


def test_a_failure_in_the_drawing_thread_refuses_and_changes_nothing(clinician, settings, monkeypatch):
    settings.RECORD_RENDER_NICENESS = 7
    consultation = start(clinician)

    def broken(data, copy):
        raise ValueError("the patient said something ReportLab quotes back")

    monkeypatch.setattr(storage, "render_pdf", broken)

    with pytest.raises(RecordNotGenerated) as refused:
        record_finalize(consultation=consultation, user=clinician)

    assert "ValueError" in str(refused.value) and "patient said" not in str(refused.value)
    assert Consultation.objects.get(pk=consultation.pk).status != Consultation.Status.FINAL
    assert not RecordDocument.objects.filter(consultation=consultation).exists()


def test_a_full_record_of_the_bundled_aid_is_drawn_without_the_database(clinician, settings, drawn):
    """Every lazily read part of the record (references, grid, colophon, contributors,
    addenda) is read before the drawing thread starts: the thread opens no connection."""
    from django.core.management import call_command

    from aids.models import ItemRecord

    call_command("load_aid", "--publish-demo", verbosity=0)
    settings.RECORD_RENDER_NICENESS = 7
    consultation = consultation_start(clinician=clinician, patient_ref="P-78", present=["patient"])
    version = consultation.version
    kinds = {ItemRecord.Kind.BENEFIT: version.benefits, ItemRecord.Kind.RISK: version.risks,
             ItemRecord.Kind.CRITERION: version.criteria, ItemRecord.Kind.OPTION: version.options}
    ItemRecord.objects.bulk_create([
        ItemRecord(consultation=consultation, kind=kind, item_id=pk, discussed=True, selected=True,
                   note=f"Talked through {kind} {pk}.")
        for kind, items in kinds.items() for pk in items.values_list("pk", flat=True)
    ])
    consultation.topic_order = ["criteria", "benefits", "risks", "alternatives"]
    consultation.save()

    record_finalize(consultation=consultation, user=clinician)
    addendum_add(consultation=consultation, user=clinician, text="Second look at the options.")

    assert len(drawn) == 4
    assert all(c["connected"] is False for c in drawn)
    clinical = text_of(RecordDocument.objects.get(consultation=consultation, revision=2,
                                                  variant="clinical").pdf)
    first_risk = version.risks.order_by("pk").first().pk
    assert f"Talked through risk {first_risk}." in clinical
    assert "Second look at the options." in clinical


def test_the_drawing_thread_draws_in_the_requests_language_and_time_zone(clinician, settings, drawn):
    settings.RECORD_RENDER_NICENESS = 7
    consultation = start(clinician)

    with translation.override("ar"), timezone.override("Asia/Tokyo"):
        record_finalize(consultation=consultation, user=clinician)

    # The clinical copy in the request's language; the patient copy in the patient's
    # (the start step's "English" names settings.LANGUAGES' "en").
    assert consultation.language_code == "en"
    assert {(c["language"], c["zone"]) for c in drawn} == {("ar", "Asia/Tokyo"), ("en", "Asia/Tokyo")}
