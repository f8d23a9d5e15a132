"""Downloading a stored record PDF: exactly the bytes kept at generation."""

from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.views.decorators.http import require_safe

from aids.access import consultation_or_404
from aids.models import AuditEvent, RecordDocument


def download_filename(consultation, revision, variant):
    day = timezone.localtime(consultation.created_at).date().isoformat()
    return f"{consultation.record_id}-{day}-{variant}-r{revision}.pdf"


@require_safe
def record_download(request, pk, revision, variant):
    # The record's own rule: its clinician, and staff read-only; anyone else 404.
    consultation = consultation_or_404(request.user, pk, read_only=True)
    document = get_object_or_404(
        RecordDocument, consultation=consultation, revision=revision, variant=variant
    )
    AuditEvent.objects.create(
        consultation=consultation, user=request.user, action=AuditEvent.Action.DOWNLOADED,
        detail=f"revision {revision}, {variant} copy",
    )
    response = HttpResponse(bytes(document.pdf), content_type="application/pdf")
    response["Cache-Control"] = "no-store"
    response["Content-Disposition"] = (
        f'attachment; filename="{download_filename(consultation, revision, variant)}"'
    )
    return response
