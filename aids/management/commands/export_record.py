"""Write one stored record revision: as a FHIR R4 DocumentReference (JSON), or the PDF.

Run on the server by hospital IT (for an EHR interface, or a records request). It is
a download like any other, so it is written to the record's audit trail; no account
did it, so the audit event has no user and its detail names this command and the
operating-system user who ran it.
"""

import getpass
import re
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.urls import reverse

from aids.models import AuditEvent, Consultation, RecordDocument
from aids.record.fhir import document_reference_json
from aids.record.views import FHIR_DETAIL, download_detail

RECORD_ID = re.compile(r"^\s*SDM-(\d{1,12})\s*$", re.IGNORECASE)


def os_user():
    try:
        return getpass.getuser()[:40]
    except Exception:  # noqa: BLE001 - no login name (e.g. a container without one)
        return "unknown"


class Command(BaseCommand):
    help = (
        "Export a stored record revision (default: the latest, clinical copy): with --fhir as "
        "a FHIR R4 DocumentReference holding the PDF (to stdout or --output), else the PDF "
        "bytes to --output. Audited as a download."
    )

    def add_arguments(self, parser):
        parser.add_argument("record_id", help="The record identifier printed on the record, e.g. SDM-000012.")
        parser.add_argument("--fhir", action="store_true",
                            help="Write a FHIR R4 DocumentReference (JSON) instead of the PDF.")
        parser.add_argument("--revision", type=int, help="Record revision (default: the latest).")
        parser.add_argument("--variant", choices=RecordDocument.Variant.values,
                            default=RecordDocument.Variant.CLINICAL, help="Which copy (default: clinical).")
        parser.add_argument("--output", help="Write to this file (required for the PDF; JSON defaults to stdout).")
        parser.add_argument(
            "--base-url",
            help="The site's address, e.g. https://sdm.hospital.example, for the PDF link in the "
                 "JSON (default: the first CSRF_TRUSTED_ORIGINS entry; without either, no link).",
        )

    def handle(self, *args, record_id, fhir=False, revision=None, variant="clinical", output=None,
               base_url=None, **options):
        match = RECORD_ID.match(record_id)
        if not match:
            raise CommandError(f'"{record_id}" is not a record identifier (they look like SDM-000012).')
        consultation = (Consultation.objects.select_related("version", "version__aid", "clinician")
                        .filter(pk=int(match.group(1))).first())
        if consultation is None:
            raise CommandError(f"No record {record_id.strip().upper()}.")
        documents = consultation.documents.filter(variant=variant)
        revisions = sorted(documents.values_list("revision", flat=True))
        if not revisions:
            raise CommandError(f"Record {consultation.record_id} has no stored document yet (it is not final).")
        revision = revisions[-1] if revision is None else revision
        document = documents.filter(revision=revision).first()
        if document is None:
            raise CommandError(
                f"Record {consultation.record_id} has no revision {revision} "
                f"(revisions: {', '.join(map(str, revisions))})."
            )
        document.consultation = consultation
        if not fhir and not output:
            raise CommandError("Give --output FILE for the PDF (or --fhir for JSON on stdout).")

        if fhir:
            base = base_url or next(iter(settings.CSRF_TRUSTED_ORIGINS), None)
            pdf_url = None
            if base:
                pdf_url = base.rstrip("/") + reverse(
                    "record_download", args=[consultation.pk, revision, variant]
                )
            content = (document_reference_json(document, pdf_url=pdf_url) + "\n").encode("utf-8")
        else:
            content = bytes(document.pdf)

        if output:
            try:
                Path(output).write_bytes(content)
            except OSError as exc:
                raise CommandError(f"Cannot write {output}: {exc.strerror}.")
        else:
            self.stdout.write(content.decode("utf-8"), ending="")

        what = FHIR_DETAIL if fhir else "PDF"
        AuditEvent.objects.create(
            consultation=consultation, user=None, action=AuditEvent.Action.DOWNLOADED,
            detail=download_detail(revision, variant, f"{what}, by manage.py export_record "
                                                      f"(operating-system user {os_user()})"),
        )
        if output:
            self.stderr.write(
                f"Wrote {consultation.record_id} revision {revision}, {variant} copy"
                f"{' as FHIR JSON' if fhir else ''}, to {output}."
            )
