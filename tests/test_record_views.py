"""Downloading a stored record: the stored bytes, to those allowed, audited."""

import pytest
from django.urls import reverse
from django.utils import timezone

from aids.consultations import consultation_start, record_finalize
from aids.models import AuditEvent, Consultation
from aids.publishing import version_new_draft, version_publish
from factories import make_approver, make_published, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def final(clinician):
    make_published()
    consultation = consultation_start(clinician=clinician, patient_ref="P-7")
    record_finalize(consultation=consultation, user=clinician)
    return Consultation.objects.get(pk=consultation.pk)


def url(consultation, revision=1, variant="clinical"):
    return reverse("record_download", args=[consultation.pk, revision, variant])


def test_it_returns_the_stored_bytes_with_safe_headers(clinician_client, final):
    response = clinician_client.get(url(final))

    stored = final.documents.get(revision=1, variant="clinical")
    assert response.status_code == 200
    assert response.content == bytes(stored.pdf)
    assert response["Content-Type"] == "application/pdf"
    assert response["Cache-Control"] == "no-store"
    day = timezone.localdate(final.created_at).isoformat()
    assert response["Content-Disposition"] == (
        f'attachment; filename="SDM-{final.pk:06d}-{day}-clinical-r1.pdf"'
    )


def test_it_audits_every_download(clinician_client, clinician, final):
    clinician_client.get(url(final, variant="patient"))

    event = AuditEvent.objects.filter(consultation=final, action="downloaded").get()
    assert event.user == clinician
    assert event.detail == "revision 1, patient copy"


def test_stored_bytes_are_returned_unchanged_after_new_content_is_published(clinician_client, final):
    before = clinician_client.get(url(final)).content
    approver = make_approver()
    draft = version_new_draft(version=final.version, user=make_user())  # another person drafts
    draft.decision = "A reworded decision sentence for version 2."
    draft.save()
    version_publish(version=draft, user=approver, change_note="Reworded.",
                    justification="The factory's test content keeps its warnings on purpose here.")
    assert final.version.aid.current_version().number == 2

    after = clinician_client.get(url(final))

    assert after.content == before == bytes(final.documents.get(revision=1, variant="clinical").pdf)
    assert b"reworded" not in after.content


def test_another_clinician_gets_404_and_nothing_is_audited(client, other_clinician, final):
    client.force_login(other_clinician)

    response = client.get(url(final))

    assert response.status_code == 404
    assert not AuditEvent.objects.filter(consultation=final, action="downloaded").exists()


def test_auditors_who_give_a_reason_may_download_read_only_and_are_audited(client, django_user_model, final):
    # Staff status alone opens nothing (tests/test_record_roles.py): a records auditor does.
    from django.contrib.auth.models import Group

    staff = django_user_model.objects.create_user(username="it_lead", password="x" * 12)
    staff.groups.add(Group.objects.get(name="Records auditors"))
    client.force_login(staff)
    client.post(reverse("record_reason", args=[final.pk]), {"reason": "Incident 42"})

    response = client.get(url(final, variant="patient"))

    assert response.status_code == 200
    assert response.content == bytes(final.documents.get(revision=1, variant="patient").pdf)
    assert AuditEvent.objects.get(consultation=final, action="downloaded").user == staff
    assert AuditEvent.objects.get(consultation=final, action="downloaded").detail.endswith("; reason: Incident 42")


def test_it_requires_login(client, final):
    response = client.get(url(final))

    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


@pytest.mark.parametrize("revision,variant", [(2, "clinical"), (1, "other"), (0, "patient")])
def test_unknown_revision_or_variant_is_404(clinician_client, final, revision, variant):
    assert clinician_client.get(url(final, revision, variant)).status_code == 404


def test_it_refuses_post(clinician_client, final):
    assert clinician_client.post(url(final)).status_code == 405
