"""A stored record revision as an HL7 FHIR R4 ``DocumentReference`` (JSON).

One resource per stored PDF (``RecordDocument``: one revision, one copy), with the
PDF itself as its attachment. Built from the model classes of ``fhir.resources``
and serialized by that library, which validates every element as it is set.

FHIR release: the issue asks for R4 (4.0.1). The maintained releases of
``fhir.resources`` (7.0 onwards; 8.x here) no longer ship R4: they ship R5 as the
default, R4B (4.3.0) and STU3. R4 itself exists only in ``fhir.resources`` 6.4 and
older (pydantic 1, unmaintained). We therefore build with ``fhir.resources.R4B``.
For what this module emits that makes no difference: R4B left DocumentReference
and every datatype used here (Attachment, Identifier, Reference, CodeableConcept,
Coding, Period) exactly as R4 defined them (same elements, same types, same
cardinalities, same code lists), which we checked against the R4 models of
``fhir.resources`` 6.4.0. The JSON is therefore a valid R4 DocumentReference, and
elements R4B added elsewhere are not used.

What goes in, and why:

- ``masterIdentifier`` (the identifier specific to this version of the document):
  the record's own SHA-256 digest of the PDF (``RecordDocument.sha256``), as an
  RFC 6920 ``nih:sha-256;<hex>`` URI under the system ``urn:ietf:rfc:3986``
  (FHIR's system for identifiers that are themselves URIs). It is globally unique
  and anyone can check it against the bytes.
- ``identifier``: the record identifier as printed on the record (``SDM-000012``),
  the same for every revision of that copy (version independent), namespaced per
  copy under ``settings.FHIR_IDENTIFIER_BASE``.
- ``status``: ``current`` for the newest revision of the copy, ``superseded`` once
  an addendum has produced a newer one; the newer one says so with
  ``relatesTo`` = ``replaces`` -> the previous revision (its logical id, and its
  digest identifier, so a receiver that renumbers resources can still match it).
- ``docStatus``: ``final`` for revision 1. A later revision exists only because an
  addendum was appended to the final record, which FHIR R4 calls ``amended``
  ("modified (edited or added to) subsequent to being released as final").
- ``type`` and ``category``: LOINC 47042-7 "Counseling note"; see ``COUNSELING_NOTE``.
- ``subject``: the pseudonymous patient reference only, as an identifier of a
  Patient. No name, date of birth or other patient data.
- ``author``: the clinician of the consultation (a Practitioner: this app's user
  name as identifier, the name printed on the record as display). Nobody else is
  named; there is no custodian organization or authenticator we could vouch for.
- ``content.attachment``: ``application/pdf``, the stored bytes base64-encoded in
  ``data`` (the export stands on its own; a receiver need not call back into this
  app), ``size`` and ``hash`` as FHIR defines them (number of bytes; base64 of the
  SHA-1 of the data), a title, ``creation`` (when the PDF was generated) and,
  where known, ``url``: the PDF download address of this app (login required).
- ``context``: ``period`` is the consultation (started, finalized);
  ``related`` names the content version shown (aid title, version number and the
  SHA-256 content digest, the digest also as an identifier).

Nothing here recommends anything: the resource only describes a stored record.
"""

import base64
import hashlib

from django.conf import settings
from fhir.resources.R4B.attachment import Attachment
from fhir.resources.R4B.codeableconcept import CodeableConcept
from fhir.resources.R4B.coding import Coding
from fhir.resources.R4B.documentreference import (
    DocumentReference,
    DocumentReferenceContent,
    DocumentReferenceContext,
    DocumentReferenceRelatesTo,
)
from fhir.resources.R4B.identifier import Identifier
from fhir.resources.R4B.period import Period
from fhir.resources.R4B.reference import Reference

from aids.models import RecordDocument
from aids.readmodel import person_name

FHIR_RELEASE = "R4"  # what the JSON conforms to (built with the R4B models, see above)
FHIR_JSON = "application/fhir+json"
LOINC = "http://loinc.org"
URI_SYSTEM = "urn:ietf:rfc:3986"

# LOINC 47042-7 "Counseling note" (Document Ontology: kind of document Note, type of
# service Counseling). A shared-decision-making record is the note of a counseling
# discussion: the clinician informs, the patient's questions, values and own words
# are recorded, and no treatment is recommended. The near alternatives fit worse:
# 11488-4 "Consult note" is a consultant's opinion written for the provider who
# asked for it (an opinion is exactly what this record does not give), and
# 59284-0 "Consent" would claim a consent that was never taken. 47042-7 is also in
# the LOINC document class value set FHIR R4 gives as the example binding for
# DocumentReference.category, so the same code serves as the class.
COUNSELING_NOTE = {"system": LOINC, "code": "47042-7", "display": "Counseling note"}


def identifier_system(name):
    """The URI naming one kind of this installation's identifiers."""
    return f"{settings.FHIR_IDENTIFIER_BASE.rstrip('/')}/{name}"


def resource_id(document):
    """The logical id of a document's resource, e.g. ``sdm-000012-r2-clinical``."""
    return f"{document.consultation.record_id.lower()}-r{document.revision}-{document.variant}"


def digest_uri(hex_digest):
    """An RFC 6920 named-information URI for a SHA-256 digest given in hex."""
    return f"nih:sha-256;{hex_digest}"


def _digest_identifier(hex_digest, what):
    return Identifier(system=URI_SYSTEM, value=digest_uri(hex_digest),
                      type=CodeableConcept(text=what))


def _variant_label(variant):
    return str(dict(RecordDocument.Variant.choices).get(variant, variant)).lower()


def _document_reference(document, previous, newest, pdf_url):
    consultation = document.consultation
    version = consultation.version
    aid_title = version.title
    copy = _variant_label(document.variant)
    pdf = bytes(document.pdf)
    title = (f"Shared decision-making discussion record {consultation.record_id}, "
             f"{copy}, revision {document.revision}")

    attachment = Attachment(
        contentType="application/pdf",
        # The library takes base64Binary elements as base64 text and serializes them so.
        data=base64.b64encode(pdf).decode("ascii"),
        size=len(pdf),
        hash=base64.b64encode(hashlib.sha1(pdf).digest()).decode("ascii"),  # noqa: S324 - FHIR defines Attachment.hash as SHA-1
        title=title,
        creation=document.created_at,
        url=pdf_url,
    )

    related_display = f"{aid_title}, content version {version.number}"
    if version.digest:
        related_display += f" (content digest SHA-256 {version.digest})"
    related = Reference(
        display=related_display,
        identifier=_digest_identifier(version.digest, "SHA-256 digest of the content version shown")
        if version.digest else None,
    )

    relates_to = None
    if previous is not None:
        relates_to = [DocumentReferenceRelatesTo(
            code="replaces",
            target=Reference(
                reference=f"DocumentReference/{resource_id(previous)}",
                type="DocumentReference",
                identifier=_digest_identifier(previous.sha256, "SHA-256 of the record PDF"),
                display=f"{consultation.record_id}, {copy}, revision {previous.revision}",
            ),
        )]

    clinician = consultation.clinician
    return DocumentReference(
        id=resource_id(document),
        masterIdentifier=_digest_identifier(document.sha256, "SHA-256 of the record PDF"),
        identifier=[Identifier(
            system=identifier_system(f"record/{document.variant}"),
            value=consultation.record_id,
            type=CodeableConcept(text=f"Record identifier ({copy})"),
        )],
        status="current" if newest else "superseded",
        docStatus="final" if document.revision == 1 else "amended",
        type=CodeableConcept(coding=[Coding(**COUNSELING_NOTE)], text="Shared decision-making discussion record"),
        category=[CodeableConcept(coding=[Coding(**COUNSELING_NOTE)])],
        subject=Reference(
            type="Patient",
            identifier=Identifier(
                system=identifier_system("patient-reference"), value=consultation.patient_ref,
                type=CodeableConcept(text="Pseudonymous patient reference"),
            ),
        ),
        date=document.created_at,
        author=[Reference(
            type="Practitioner",
            identifier=Identifier(system=identifier_system("clinician"), value=clinician.get_username()),
            display=person_name(clinician),
        )],
        relatesTo=relates_to,
        description=(f"{aid_title}: record of a shared decision-making discussion ({copy}). "
                     "It summarises what was discussed and recommends no treatment."),
        content=[DocumentReferenceContent(attachment=attachment)],
        context=DocumentReferenceContext(
            period=Period(start=consultation.created_at, end=consultation.finalized_at),
            related=[related],
        ),
    )


def document_reference(document, *, pdf_url=None):
    """The ``DocumentReference`` (R4B model, R4 content) of one stored ``RecordDocument``.

    ``pdf_url``: the absolute address of the PDF download, if known (a request
    knows it; a management command may be told it).
    """
    siblings = RecordDocument.objects.filter(
        consultation_id=document.consultation_id, variant=document.variant,
    ).defer("pdf")
    previous = siblings.filter(revision__lt=document.revision).order_by("-revision").first()
    newest = not siblings.filter(revision__gt=document.revision).exists()
    return _document_reference(document, previous, newest, pdf_url)


def document_reference_json(document, *, pdf_url=None, indent=2):
    """The resource as FHIR JSON text, serialized by the library."""
    return document_reference(document, pdf_url=pdf_url).model_dump_json(indent=indent)


def parse_document_reference(text):
    """Parse (and so validate) FHIR JSON as a DocumentReference; raises on any error."""
    return DocumentReference.model_validate_json(text)
