"""A stored record revision as a FHIR R4 DocumentReference: built with fhir.resources,
parsed back with its DocumentReference model, matching the stored PDF byte for byte;
served with the PDF's access rule and audited; and exported by manage.py."""

import base64
import hashlib
import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse
from fhir.resources.R4B.documentreference import DocumentReference

from aids.consultations import addendum_add
from aids.models import AuditEvent, Consultation
from aids.record.fhir import document_reference, parse_document_reference, resource_id
from factories import make_recorded_consultation

pytestmark = pytest.mark.django_db

BASE = "https://sdm.test.example/fhir"


@pytest.fixture(autouse=True)
def fhir_settings(settings):
    settings.FHIR_IDENTIFIER_BASE = BASE + "/"  # a trailing slash is not doubled
    settings.CSRF_TRUSTED_ORIGINS = []


@pytest.fixture
def final(clinician):
    consultation = make_recorded_consultation(clinician, final=True)
    return Consultation.objects.get(pk=consultation.pk)


def fhir_url(consultation, revision=1, variant="clinical"):
    return reverse("record_fhir", args=[consultation.pk, revision, variant])


def fetch(client, consultation, revision=1, variant="clinical"):
    response = client.get(fhir_url(consultation, revision, variant))
    assert response.status_code == 200
    return response, DocumentReference.model_validate_json(response.content)


def stored(consultation, revision=1, variant="clinical"):
    document = consultation.documents.get(revision=revision, variant=variant)
    return document, bytes(document.pdf)


def test_the_resource_parses_back_and_its_attachment_is_the_stored_pdf(clinician_client, final):
    response, resource = fetch(clinician_client, final)
    raw = json.loads(response.content)
    document, pdf = stored(final)

    assert raw["resourceType"] == "DocumentReference"
    attachment = resource.content[0].attachment
    assert attachment.contentType == "application/pdf"
    assert attachment.size == len(pdf) == document.size
    # FHIR: Attachment.hash is the base64 of the SHA-1 of the data.
    assert raw["content"][0]["attachment"]["hash"] == base64.b64encode(hashlib.sha1(pdf).digest()).decode()
    assert attachment.hash == hashlib.sha1(pdf).digest()
    assert base64.b64decode(raw["content"][0]["attachment"]["data"]) == pdf
    assert attachment.data == pdf
    assert attachment.creation == document.created_at
    assert attachment.title == f"Shared decision-making discussion record {final.record_id}, clinical copy, revision 1"
    assert attachment.url == "http://testserver" + reverse("record_download", args=[final.pk, 1, "clinical"])


def test_the_sha256_digest_is_the_version_specific_identifier(clinician_client, final):
    _response, resource = fetch(clinician_client, final)
    document, pdf = stored(final)

    assert resource.masterIdentifier.system == "urn:ietf:rfc:3986"
    assert resource.masterIdentifier.value == f"nih:sha-256;{document.sha256}"
    assert document.sha256 == hashlib.sha256(pdf).hexdigest()
    [record] = resource.identifier
    assert record.value == final.record_id
    assert record.system == BASE + "/record/clinical"


def test_status_type_subject_author_and_content_version(clinician_client, final, clinician):
    _response, resource = fetch(clinician_client, final)
    version = final.version

    assert resource.id == f"sdm-{final.pk:06d}-r1-clinical"
    assert resource.status == "current"
    assert resource.docStatus == "final"
    assert resource.relatesTo is None
    for concept in (resource.type, *resource.category):
        [coding] = concept.coding
        assert (coding.system, coding.code, coding.display) == ("http://loinc.org", "47042-7", "Counseling note")
    assert resource.date == final.documents.get(revision=1, variant="clinical").created_at

    subject = resource.subject
    assert subject.type == "Patient"
    assert subject.identifier.value == final.patient_ref
    assert subject.identifier.system == BASE + "/patient-reference"
    assert subject.reference is None and subject.display is None

    [author] = resource.author
    assert author.type == "Practitioner"
    assert author.display == "Amal Rahman"
    assert author.identifier.value == clinician.username
    assert author.identifier.system == BASE + "/clinician"

    assert resource.context.period.start == final.created_at
    assert resource.context.period.end == final.finalized_at
    [related] = resource.context.related
    assert version.aid.title in related.display
    assert f"content version {version.number}" in related.display
    assert version.digest and version.digest in related.display
    assert related.identifier.value == f"nih:sha-256;{version.digest}"
    assert "recommends no treatment" in resource.description


def test_nothing_the_patient_said_is_in_the_json_outside_the_pdf(clinician_client, final):
    response, _resource = fetch(clinician_client, final)
    raw = json.loads(response.content)
    del raw["content"][0]["attachment"]["data"]
    text = json.dumps(raw)

    assert "Will it hurt?" not in text  # the patient's question, recorded by the factory
    assert "A note." not in text
    assert final.patient_ref in text  # the pseudonymous reference, once, as the subject
    assert text.count(final.patient_ref) == 1


def test_after_an_addendum_revision_2_replaces_revision_1(clinician_client, final, clinician):
    addendum_add(consultation=final, user=clinician, text="The patient phoned with one more question.")

    _r, first = fetch(clinician_client, final, revision=1)
    _r, second = fetch(clinician_client, final, revision=2)
    first_doc, _ = stored(final, revision=1)
    second_doc, second_pdf = stored(final, revision=2)

    assert (first.status, first.docStatus) == ("superseded", "final")
    assert first.relatesTo is None
    assert (second.status, second.docStatus) == ("current", "amended")
    [relation] = second.relatesTo
    assert relation.code == "replaces"
    assert relation.target.reference == f"DocumentReference/{first.id}"
    assert relation.target.identifier.value == f"nih:sha-256;{first_doc.sha256}"
    assert second.masterIdentifier.value == f"nih:sha-256;{second_doc.sha256}"
    assert second.content[0].attachment.data == second_pdf
    assert first.identifier[0].value == second.identifier[0].value == final.record_id


def test_each_copy_is_its_own_chain(clinician_client, final, clinician):
    addendum_add(consultation=final, user=clinician, text="An addition.")

    _r, patient = fetch(clinician_client, final, revision=2, variant="patient")
    patient_doc, patient_pdf = stored(final, revision=2, variant="patient")

    assert patient.id == f"sdm-{final.pk:06d}-r2-patient"
    assert patient.relatesTo[0].target.reference == f"DocumentReference/sdm-{final.pk:06d}-r1-patient"
    assert patient.identifier[0].system.endswith("/record/patient")
    assert patient.content[0].attachment.data == patient_pdf
    assert patient.masterIdentifier.value.endswith(patient_doc.sha256)


def test_the_download_has_fhir_headers_and_is_audited(clinician_client, clinician, final):
    response, _resource = fetch(clinician_client, final, variant="patient")

    assert response["Content-Type"] == "application/fhir+json"
    assert response["Cache-Control"] == "no-store"
    assert response["Content-Disposition"].startswith(f'attachment; filename="{final.record_id}-')
    assert response["Content-Disposition"].endswith('-patient-r1.fhir.json"')
    event = AuditEvent.objects.get(consultation=final, action="downloaded")
    assert event.user == clinician
    assert event.detail == "revision 1, patient copy, FHIR DocumentReference"


def test_another_clinician_gets_404_and_nothing_is_audited(client, other_clinician, final):
    client.force_login(other_clinician)

    assert client.get(fhir_url(final)).status_code == 404
    assert not AuditEvent.objects.filter(consultation=final, action="downloaded").exists()


def test_anonymous_is_sent_to_login(client, final):
    response = client.get(fhir_url(final))

    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))
    assert not AuditEvent.objects.filter(consultation=final, action="downloaded").exists()


def test_auditors_who_give_a_reason_may_export_read_only_and_are_audited(client, django_user_model, final):
    # Staff status alone opens nothing (tests/test_record_roles.py): a records auditor does.
    from django.contrib.auth.models import Group

    staff = django_user_model.objects.create_user(username="it_lead", password="x" * 12)
    staff.groups.add(Group.objects.get(name="Records auditors"))
    client.force_login(staff)
    client.post(reverse("record_reason", args=[final.pk]), {"reason": "Incident 42"})

    _response, resource = fetch(client, final)

    assert resource.author[0].identifier.value == "dr_amal"  # still the clinician, not the reader
    assert AuditEvent.objects.get(consultation=final, action="downloaded").user == staff
    assert AuditEvent.objects.get(consultation=final, action="downloaded").detail.endswith("; reason: Incident 42")


@pytest.mark.parametrize("revision,variant", [(2, "clinical"), (1, "other"), (0, "patient")])
def test_unknown_revision_or_variant_is_404(clinician_client, final, revision, variant):
    assert clinician_client.get(fhir_url(final, revision, variant)).status_code == 404


def test_it_refuses_post(clinician_client, final):
    assert clinician_client.post(fhir_url(final)).status_code == 405


def test_the_record_page_links_each_stored_copy(clinician_client, final):
    page = clinician_client.get(reverse("consultation_record", args=[final.pk])).content.decode()

    for variant in ("clinical", "patient"):
        assert f'href="{fhir_url(final, 1, variant)}"' in page
    assert "FHIR JSON" in page


def test_the_library_serializes_what_the_module_builds(final):
    document = final.documents.get(revision=1, variant="clinical")

    resource = document_reference(document)

    assert isinstance(resource, DocumentReference)
    assert resource.id == resource_id(document)
    assert resource.content[0].attachment.url is None  # no request, no address given
    again = parse_document_reference(resource.model_dump_json())
    assert again.model_dump() == resource.model_dump()


# manage.py export_record


def run(*args):
    out, err = StringIO(), StringIO()
    call_command("export_record", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_command_writes_the_latest_clinical_resource_to_stdout_and_audits(final, clinician):
    addendum_add(consultation=final, user=clinician, text="An addition.")

    out, _err = run(final.record_id, "--fhir")

    resource = DocumentReference.model_validate_json(out)
    _document, pdf = stored(final, revision=2)
    assert resource.id == f"sdm-{final.pk:06d}-r2-clinical"
    assert resource.status == "current"
    assert resource.content[0].attachment.data == pdf
    assert resource.content[0].attachment.url is None
    event = AuditEvent.objects.get(consultation=final, action="downloaded")
    assert event.user is None
    assert event.detail.startswith("revision 2, clinical copy, FHIR DocumentReference, by manage.py export_record")


def test_command_revision_variant_base_url_and_output_file(final, clinician, tmp_path):
    addendum_add(consultation=final, user=clinician, text="An addition.")
    target = tmp_path / "r1.json"

    out, err = run(final.record_id.lower(), "--fhir", "--revision", "1", "--variant", "patient",
                   "--base-url", "https://sdm.hospital.example/", "--output", str(target))

    assert out == ""
    assert str(target) in err
    resource = parse_document_reference(target.read_text(encoding="utf-8"))
    assert resource.status == "superseded"
    assert resource.content[0].attachment.data == stored(final, 1, "patient")[1]
    assert resource.content[0].attachment.url == (
        "https://sdm.hospital.example" + reverse("record_download", args=[final.pk, 1, "patient"])
    )


def test_command_links_the_pdf_under_the_sites_trusted_origin(final, settings):
    settings.CSRF_TRUSTED_ORIGINS = ["https://sdm.hospital.example"]

    out, _err = run(final.record_id, "--fhir")

    assert parse_document_reference(out).content[0].attachment.url == (
        "https://sdm.hospital.example" + reverse("record_download", args=[final.pk, 1, "clinical"])
    )


def test_command_without_fhir_writes_the_pdf_bytes(final, tmp_path):
    target = tmp_path / "record.pdf"

    run(final.record_id, "--output", str(target))

    assert target.read_bytes() == stored(final)[1]
    event = AuditEvent.objects.get(consultation=final, action="downloaded")
    assert event.user is None and event.detail.startswith("revision 1, clinical copy, PDF, by manage.py")


def test_the_audit_trail_shows_a_command_line_export(clinician_client, final):
    run(final.record_id, "--fhir")

    page = clinician_client.get(reverse("consultation_record", args=[final.pk])).content.decode()

    assert "(command line)" in page
    assert "by manage.py export_record" in page


@pytest.mark.parametrize("args, message", [
    (["12"], "is not a record identifier"),
    (["SDM-999999", "--fhir"], "No record SDM-999999"),
    (["{record}", "--fhir", "--revision", "7"], "has no revision 7 (revisions: 1)"),
    (["{record}"], "Give --output FILE"),
])
def test_command_refuses_what_it_cannot_export(final, args, message):
    args = [a.format(record=final.record_id) for a in args]

    with pytest.raises(CommandError, match=message.replace("(", r"\(").replace(")", r"\)")):
        run(*args)
    assert not AuditEvent.objects.filter(consultation=final, action="downloaded").exists()


def test_command_refuses_a_record_that_is_not_final(clinician):
    consultation = make_recorded_consultation(clinician)

    with pytest.raises(CommandError, match="has no stored document yet"):
        run(consultation.record_id, "--fhir")
