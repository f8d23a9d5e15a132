"""Who may read a record: its clinician, their team, and records auditors who give a
reason each time. Staff status and the content roles never open a record."""

import pytest
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.urls import reverse

from aids.access import AUDITORS, READ_ANY_RECORD, consultation_for, ConsultationNotFound
from aids.models import AuditEvent, Team
from factories import make_user
from walkthrough_support import published_aid, start_consultation, visible_text

pytestmark = pytest.mark.django_db


def final_consultation(client, clinician, patient_ref="Final-REF"):
    published_aid()
    client.force_login(clinician)
    consultation = start_consultation(client, patient_ref=patient_ref)
    client.post(reverse("consultation_finalize", args=[consultation.pk]), {"confirm": "yes"})
    client.logout()
    return consultation


def record_urls(pk):
    return [
        reverse("consultation_record", args=[pk]),
        reverse("record_download", args=[pk, 1, "clinical"]),
        reverse("record_download", args=[pk, 1, "patient"]),
        reverse("record_fhir", args=[pk, 1, "clinical"]),
    ]


def in_group(username, group, **fields):
    user = make_user(username, **fields)
    user.groups.add(Group.objects.get(name=group))
    return user


@pytest.mark.parametrize("role", ["staff", "editor", "approver"])
def test_staff_and_content_roles_never_open_a_record(client, clinician, role):
    consultation = final_consultation(client, clinician)
    group = {"staff": None, "editor": "Content editors", "approver": "Content approvers"}[role]
    user = in_group("lead", group, is_staff=True) if group else make_user("lead", is_staff=True)
    client.force_login(user)

    for url in record_urls(consultation.pk):
        response = client.get(url)
        assert response.status_code == 404, url
        assert b"Final-REF" not in response.content
    assert not consultation.audit_events.filter(user=user).exists()


def test_the_auditor_role_exists_with_its_own_permission():
    auditors = Group.objects.get(name=AUDITORS)
    codes = {f"{p.content_type.app_label}.{p.codename}" for p in auditors.permissions.all()}
    assert codes == {READ_ANY_RECORD}
    for content_role in ("Content editors", "Content approvers"):
        perms = Group.objects.get(name=content_role).permissions.values_list("codename", flat=True)
        assert READ_ANY_RECORD.split(".")[1] not in perms


def test_an_auditor_gives_a_reason_first_and_every_view_and_download_is_audited(client, clinician):
    consultation = final_consultation(client, clinician)
    auditor = in_group("ig_officer", AUDITORS)
    client.force_login(auditor)
    record_url = reverse("consultation_record", args=[consultation.pk])
    pdf_url = reverse("record_download", args=[consultation.pk, 1, "clinical"])

    asked = client.get(record_url)
    assert asked.status_code == 302
    form_page = client.get(asked.url)
    text = visible_text(form_page.content.decode())
    assert form_page.status_code == 200
    assert "Why are you opening this record?" in text and "Final-REF" not in text

    refused = client.post(asked.url, {"reason": "  "})
    assert refused.status_code == 200 and "Give the reason" in visible_text(refused.content.decode())
    given = client.post(asked.url, {"reason": "Complaint 2026/114 review"})
    assert given.status_code == 302 and given.url == record_url

    page = client.get(record_url)
    download = client.get(pdf_url)
    assert page.status_code == 200 and "Final-REF" in visible_text(page.content.decode())
    assert "as a records auditor" in visible_text(page.content.decode())
    assert download.status_code == 200 and download.content.startswith(b"%PDF-")
    events = consultation.audit_events.filter(user=auditor)
    assert {(e.action, e.detail) for e in events} == {
        (AuditEvent.Action.VIEWED, "record; reason: Complaint 2026/114 review"),
        (AuditEvent.Action.DOWNLOADED, "revision 1, clinical copy; reason: Complaint 2026/114 review"),
    }


def test_an_auditor_download_without_a_reason_asks_for_one(client, clinician):
    consultation = final_consultation(client, clinician)
    client.force_login(in_group("ig_officer", AUDITORS))
    pdf_url = reverse("record_download", args=[consultation.pk, 1, "clinical"])

    response = client.get(pdf_url)

    assert response.status_code == 302 and "reason" in response.url
    assert not consultation.audit_events.filter(action=AuditEvent.Action.DOWNLOADED).exists()
    client.post(response.url, {"reason": "Subject access request"})
    assert client.get(pdf_url).status_code == 200


def test_an_auditor_never_edits(client, clinician):
    consultation = final_consultation(client, clinician)
    client.force_login(in_group("ig_officer", AUDITORS))
    response = client.post(reverse("addendum_add", args=[consultation.pk]), {"addendum-text": "x"})
    assert response.status_code == 404 and not consultation.addenda.exists()


def test_a_team_shares_its_list_and_records_but_not_editing(client, clinician, other_clinician):
    consultation = final_consultation(client, clinician)
    colleague = make_user("dr_colleague")
    team = Team.objects.create(name="Pain team")
    team.members.add(clinician, colleague)

    client.force_login(other_clinician)  # not in the team
    assert client.get(reverse("consultation_record", args=[consultation.pk])).status_code == 404
    client.force_login(colleague)
    listed = visible_text(client.get("/").content.decode())
    page = client.get(reverse("consultation_record", args=[consultation.pk]))

    assert "Final-REF" in listed
    assert page.status_code == 200 and "as a member of the same team" in visible_text(page.content.decode())
    assert client.post(reverse("addendum_add", args=[consultation.pk]), {"addendum-text": "x"}).status_code == 404
    with pytest.raises(ConsultationNotFound):
        consultation_for(colleague, consultation.pk)  # editing: the clinician's own only


def test_demo_users_include_an_auditor(settings, tmp_path):
    settings.DEBUG = True
    settings.VAR_DIR = tmp_path
    call_command("create_demo_users", stdout=open("/dev/null", "w"))
    from django.contrib.auth import get_user_model

    auditor = get_user_model().objects.get(username="demo-auditor")
    assert auditor.has_perm(READ_ANY_RECORD) and not auditor.is_staff
    lead = get_user_model().objects.get(username="demo-lead")
    assert not lead.has_perm(READ_ANY_RECORD)
