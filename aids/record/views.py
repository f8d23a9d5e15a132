"""Downloading a stored record: the PDF (exactly the bytes kept at generation), or
the same PDF inside a FHIR DocumentReference (JSON) for an electronic health record."""

from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_safe

from aids.access import audit_detail, consultation_or_404
from aids.models import AuditEvent, RecordDocument
from aids.record.fhir import FHIR_JSON, document_reference_json

FHIR_DETAIL = "FHIR DocumentReference"


def download_filename(consultation, revision, variant, extension="pdf"):
    day = timezone.localtime(consultation.created_at).date().isoformat()
    return f"{consultation.record_id}-{day}-{variant}-r{revision}.{extension}"


def download_detail(revision, variant, what=""):
    """The audit detail of a download: "revision 1, clinical copy[, what]"."""
    return f"revision {revision}, {variant} copy" + (f", {what}" if what else "")


@require_safe
def record_download(request, pk, revision, variant):
    # The record's own rule (aids/access.py): its clinician; read-only, their team and
    # records auditors who gave a reason (kept in the audit event); anyone else 404.
    consultation = consultation_or_404(request, pk, read_only=True)
    document = get_object_or_404(
        RecordDocument, consultation=consultation, revision=revision, variant=variant
    )
    AuditEvent.objects.create(
        consultation=consultation, user=request.user, action=AuditEvent.Action.DOWNLOADED,
        detail=audit_detail(consultation, download_detail(revision, variant)),
    )
    response = HttpResponse(bytes(document.pdf), content_type="application/pdf")
    response["Cache-Control"] = "no-store"
    response["Content-Disposition"] = (
        f'attachment; filename="{download_filename(consultation, revision, variant)}"'
    )
    return response


@require_safe
def record_fhir(request, pk, revision, variant):
    """The stored PDF as a FHIR R4 DocumentReference: same access rule, audited as a
    download (the JSON carries the whole PDF)."""
    consultation = consultation_or_404(request, pk, read_only=True)
    document = get_object_or_404(
        RecordDocument, consultation=consultation, revision=revision, variant=variant
    )
    document.consultation = consultation  # loaded with its version, aid and clinician
    pdf_url = request.build_absolute_uri(reverse("record_download", args=[pk, revision, variant]))
    text = document_reference_json(document, pdf_url=pdf_url)
    AuditEvent.objects.create(
        consultation=consultation, user=request.user, action=AuditEvent.Action.DOWNLOADED,
        detail=audit_detail(consultation, download_detail(revision, variant, FHIR_DETAIL)),
    )
    response = HttpResponse(text, content_type=FHIR_JSON)
    response["Cache-Control"] = "no-store"
    response["Content-Disposition"] = (
        f'attachment; filename="{download_filename(consultation, revision, variant, "fhir.json")}"'
    )
    return response
