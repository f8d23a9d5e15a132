"""Generating and keeping record PDFs: revisions, hashes, and failures that
never leak clinical text."""

import hashlib
import io
import logging

import pytest
from pypdf import PdfReader

from aids.consultations import addendum_add, consultation_start, record_finalize
from aids.models import RecordDocument
from aids.record import storage
from aids.record.storage import RecordGenerationError, record_generate
from factories import make_published

pytestmark = pytest.mark.django_db


def text_of(pdf):
    return "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(bytes(pdf))).pages)


def start(clinician):
    make_published()
    return consultation_start(clinician=clinician, patient_ref="P-42", present=["patient"])


def test_generate_stores_both_copies_with_their_hash(clinician):
    consultation = start(clinician)

    docs = record_generate(consultation=consultation, user=clinician)

    assert sorted(d.variant for d in docs) == ["clinical", "patient"]
    for doc in RecordDocument.objects.filter(consultation=consultation):
        pdf = bytes(doc.pdf)
        assert pdf.startswith(b"%PDF-")
        assert doc.revision == 1
        assert doc.size == len(pdf)
        assert doc.sha256 == hashlib.sha256(pdf).hexdigest()
        assert f"Record {consultation.record_id}, revision 1" in text_of(pdf)


def test_finalize_and_addenda_make_new_revisions_and_keep_the_old_ones(clinician):
    consultation = start(clinician)
    record_finalize(consultation=consultation, user=clinician)
    first = {d.variant: bytes(d.pdf) for d in consultation.documents.all()}
    assert set(first) == {"clinical", "patient"}

    addendum_add(consultation=consultation, user=clinician, text="The follow-up moved to May.")
    addendum_add(consultation=consultation, user=clinician, text="Second note: family called.")

    docs = {(d.revision, d.variant): bytes(d.pdf) for d in consultation.documents.all()}
    assert sorted(docs) == [(r, v) for r in (1, 2, 3) for v in ("clinical", "patient")]
    assert {v: docs[(1, v)] for v in first} == first  # revision 1 never changes
    assert "The follow-up moved to May." not in text_of(docs[(1, "clinical")])
    latest = text_of(docs[(3, "patient")])
    assert latest.index("The follow-up moved to May.") < latest.index("Second note: family called.")


def test_a_failure_logs_the_record_id_and_type_but_no_text(clinician, monkeypatch, caplog):
    consultation = start(clinician)
    secret = "the patient said something private"

    def explode(data, copy):
        raise ValueError(f"paragraph text: {secret}")

    monkeypatch.setattr(storage, "render_pdf", explode)
    with caplog.at_level(logging.DEBUG), pytest.raises(RecordGenerationError) as raised:
        record_generate(consultation=consultation, user=clinician)

    assert consultation.record_id in str(raised.value) and "ValueError" in str(raised.value)
    assert secret not in str(raised.value)
    assert raised.value.__context__ is None and raised.value.__cause__ is None
    assert consultation.record_id in caplog.text and "ValueError" in caplog.text
    assert secret not in caplog.text
    assert not RecordDocument.objects.filter(consultation=consultation).exists()


# --------------------------------------------------------------------------- no lock while rendering


def _write_elsewhere(consultation, other):
    """What another request does meanwhile, on its own connection and with a short
    wait: another clinician's write (SQLite has one write lock for the whole file),
    and a look at this consultation's row (PostgreSQL locks rows)."""
    from django.db import connection, connections, transaction
    from django.utils import timezone

    from aids.models import Consultation

    try:
        with connection.cursor() as cursor:
            if connection.vendor == "sqlite":
                cursor.execute("PRAGMA busy_timeout = 300")
            else:
                cursor.execute("SET lock_timeout = '300ms'")
        with transaction.atomic():
            list(Consultation.objects.select_for_update(nowait=True).filter(pk=consultation.pk))
            other.last_login = timezone.now()
            other.save(update_fields=["last_login"])
        return "written"
    except Exception as exc:  # noqa: BLE001 - the test compares the outcome
        return f"{type(exc).__name__}: {exc}"
    finally:
        connections.close_all()


@pytest.mark.django_db(transaction=True)
def test_no_write_lock_is_held_while_the_pdf_renders(clinician, other_clinician, monkeypatch):
    import threading

    consultation = start(clinician)
    real, outcomes = storage.render_pdf, []

    def render_while_another_request_writes(data, copy):
        thread = threading.Thread(target=lambda: outcomes.append(_write_elsewhere(consultation, other_clinician)))
        thread.start()
        thread.join()
        return real(data, copy)

    monkeypatch.setattr(storage, "render_pdf", render_while_another_request_writes)
    record_finalize(consultation=consultation, user=clinician)
    addendum_add(consultation=consultation, user=clinician, text="Written while nothing waits.")

    assert outcomes == ["written"] * 4  # two copies at finalizing, two for the addendum
    assert sorted(consultation.documents.values_list("revision", "variant")) == [
        (r, v) for r in (1, 2) for v in ("clinical", "patient")]
