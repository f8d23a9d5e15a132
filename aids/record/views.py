"""Downloading a stored record PDF: exactly the bytes kept at generation."""

from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.views.decorators.http import require_safe

from aids.models import AuditEvent, Consultation, RecordDocument


def _visible_consultation(request, pk):
    """The walkthrough's rule: the owner, and staff (read-only); anyone else gets 404."""
    consultation = get_object_or_404(Consultation.objects.select_related("clinician"), pk=pk)
    if consultation.clinician_id != request.user.pk and not request.user.is_staff:
        raise Http404("No such consultation.")
    return consultation


def download_filename(consultation, revision, variant):
    day = timezone.localtime(consultation.created_at).date().isoformat()
    return f"{consultation.record_id}-{day}-{variant}-r{revision}.pdf"


@require_safe
def record_download(request, pk, revision, variant):
    consultation = _visible_consultation(request, pk)
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
