"""Generating and keeping record PDFs. Stored bytes are never regenerated.

Rendering takes a while (a second or more for a long record), so it is apart from
storing: ``record_render`` builds the PDFs and writes nothing (callers run it
outside any transaction, so no lock is held meanwhile: on SQLite a write
transaction locks the whole database), and ``record_store`` keeps them, in the
caller's short transaction. ``record_generate`` does both, for scripts and tests.
"""

import hashlib
import logging
import os
import threading
from concurrent.futures import ThreadPoolExecutor
from contextlib import nullcontext
from dataclasses import dataclass

from functools import cached_property

from django.conf import settings
from django.db import connections
from django.db.models import Max
from django.utils import timezone, translation

from aids.models import RecordDocument
from aids.readmodel import record_data
from aids.record.fonts import MissingGlyphs
from aids.record.pdf import COPIES, render_pdf

logger = logging.getLogger(__name__)


class RecordGenerationError(Exception):
    """The PDF could not be built. Carries no clinical text (ReportLab's own
    messages quote the paragraph, so they are never passed on or logged)."""


class RecordGlyphsMissing(RecordGenerationError):
    """Some typed characters have no glyph in any PDF font: the record is refused
    rather than stored with boxes. The message lists the characters (code point
    and Unicode name), never the text around them."""

    def __init__(self, message, characters):
        super().__init__(message)
        self.characters = characters


@dataclass(frozen=True)
class RenderedRecord:
    """Both copies of one record revision, built but not yet stored."""

    revision: int
    pdfs: dict  # variant -> bytes


def record_copies(consultation):
    """The copies a record revision has: clinical and patient, and a bilingual patient
    copy (for an interpreter) when the content was shown in a translation."""
    return [*COPIES, *(["bilingual"] if consultation.translation_id else [])]


def record_next_revision(consultation):
    """1 at finalization, +1 after each addendum."""
    latest = consultation.documents.aggregate(latest=Max("revision"))["latest"] or 0
    return latest + 1


_renderers = {}  # pid -> the low-priority rendering threads of this process
_renderers_lock = threading.Lock()


def _lower_own_priority(niceness):
    # On Linux, PRIO_PROCESS with a thread id sets that thread's niceness only.
    os.setpriority(os.PRIO_PROCESS, threading.get_native_id(),
                   min(19, os.getpriority(os.PRIO_PROCESS, threading.get_native_id()) + niceness))


def _render_copies(jobs):
    """The copies' bytes, from ``jobs`` [(copy, record data, language or None)]. With ``RECORD_RENDER_NICENESS`` (production default 10)
    they are drawn in a thread of lower CPU priority while the request waits: a
    finalize takes its time when the CPUs are busy, and the other clinicians' pages,
    served by the other workers at normal priority, come first. What the record shows
    is read here first, so drawing needs no database; the thread draws in the
    request's language and time zone."""
    niceness = getattr(settings, "RECORD_RENDER_NICENESS", 0)
    if not niceness or not hasattr(os, "setpriority") or not hasattr(threading, "get_native_id"):
        return _draw(jobs)
    for _key, data, _language in jobs:
        _read_everything(data)
    pid = os.getpid()  # a gunicorn worker forked after a render gets threads of its own
    with _renderers_lock:
        executor = _renderers.get(pid)
        if executor is None:
            executor = _renderers[pid] = ThreadPoolExecutor(
                max_workers=2, thread_name_prefix="record-render",
                initializer=_lower_own_priority, initargs=(niceness,))
    return executor.submit(_draw_apart, jobs, translation.get_language(),
                           timezone.get_current_timezone()).result()


def _read_everything(data):
    """Evaluate what the record data reads only when first asked for."""
    for name, attribute in vars(type(data)).items():
        if isinstance(attribute, cached_property):
            getattr(data, name)
    data.publication_facts()
    for section in data.sections:
        list(section.references.all())


def _draw(jobs):
    rendered = {}
    for key, data, language in jobs:
        # The patient copy in the patient's language; the others in the request's.
        with translation.override(language) if language else nullcontext():
            rendered[key] = render_pdf(data, key)
    return rendered


def _draw_apart(jobs, language, zone):
    try:
        with translation.override(language), timezone.override(zone):
            return _draw(jobs)
    finally:
        connections.close_all()  # should drawing ever read, no connection is left open


def record_render(*, consultation, user, revision=None, generated_at=None, pending_addendum=None,
                  collaborate=None):
    """Build the clinical and the patient PDF of ``revision`` (default: the next)
    from ``consultation`` as given; write nothing.

    ``pending_addendum`` is an addendum not stored yet (it is stored with the PDFs)
    that the record already lists, last. ``collaborate`` is (url, expires) of the
    one-time CollaboRATE link the patient copy prints (``aids.collaborate``).
    """
    revision = revision or record_next_revision(consultation)
    generated_at = generated_at or timezone.now()
    failure = missing = None
    try:
        jobs = []
        for key in record_copies(consultation):
            # The patient copy shows the content in the translation pinned (if any), its
            # own wording in the patient's language; the others in the source language.
            data = record_data(consultation=consultation, revision=revision,
                               generated_at=generated_at, generated_by=user,
                               translated=key == "patient")
            if pending_addendum is not None:
                data.addenda = [*data.addenda, pending_addendum]
            if collaborate:
                data.collaborate_url, data.collaborate_expires = collaborate
            jobs.append((key, data, consultation.language_code if key == "patient" else None))
        rendered = _render_copies(jobs)
    except MissingGlyphs as exc:  # its message names characters only
        missing = exc
    except Exception as exc:  # noqa: BLE001 - re-raised below without its message
        failure = type(exc).__name__
    if missing:
        logger.warning("Record %s revision %s refused: %s", consultation.record_id, revision,
                       missing)
        raise RecordGlyphsMissing(
            f"The record {consultation.record_id} cannot be made: {missing}",
            missing.characters,
        )
    if failure:
        # Raised outside the except block so no traceback carries the original
        # exception (its message may quote what the patient said).
        logger.error("Record %s revision %s: PDF generation failed (%s)",
                     consultation.record_id, revision, failure)
        raise RecordGenerationError(
            f"The record {consultation.record_id} could not be generated ({failure})."
        )
    return RenderedRecord(revision=revision, pdfs=rendered)


def record_store(*, consultation, rendered):
    """Keep a rendered revision with the SHA-256 of each copy; return the two new
    RecordDocuments. Call inside the caller's transaction, which writes the audit
    event (a second store of the same revision is refused by the unique constraint)."""
    return [
        RecordDocument.objects.create(
            consultation=consultation, revision=rendered.revision, variant=variant, pdf=pdf,
            sha256=hashlib.sha256(pdf).hexdigest(), size=len(pdf),
        )
        for variant, pdf in rendered.pdfs.items()
    ]


def record_generate(*, consultation, user, generated_at=None):
    """Render the consultation's next revision and store it (``record_render`` then
    ``record_store``). Returns the two new RecordDocuments."""
    rendered = record_render(consultation=consultation, user=user, generated_at=generated_at)
    return record_store(consultation=consultation, rendered=rendered)
