"""Generating and keeping record PDFs. Stored bytes are never regenerated."""

import hashlib
import logging

from django.db.models import Max
from django.utils import timezone

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


def record_generate(*, consultation, user, generated_at=None):
    """Build the clinical and the patient PDF of the consultation's next revision
    (1 at finalization, +1 after each addendum) and store them with their SHA-256.

    Call inside the caller's transaction (record_finalize, addendum_add); the
    caller writes the audit event. Returns the two new RecordDocuments.
    """
    latest = consultation.documents.aggregate(latest=Max("revision"))["latest"] or 0
    revision = latest + 1
    generated_at = generated_at or timezone.now()
    failure = missing = None
    try:
        data = record_data(consultation=consultation, revision=revision,
                           generated_at=generated_at, generated_by=user)
        rendered = {key: render_pdf(data, key) for key in COPIES}
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
    return [
        RecordDocument.objects.create(
            consultation=consultation, revision=revision, variant=variant, pdf=pdf,
            sha256=hashlib.sha256(pdf).hexdigest(), size=len(pdf),
        )
        for variant, pdf in rendered.items()
    ]

