"""Two people, a reason, a record: who may publish a draft, with which justification
and reviewer, and what the version and its records then say."""

import io

import pytest
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.urls import reverse

from aids.consultations import consultation_start
from aids.models import Aid, AidVersion, Contributor
from aids.publishing import (
    PublishRefused, justification_problem, named_reviewers, version_editors, version_new_draft,
    version_publish,
)
from aids.readmodel import record_data
from factories import make_approver, make_draft, make_published, make_user

pytestmark = pytest.mark.django_db

GOOD_REASON = "The funding statement is being confirmed with the finance office this month."


def approver_staff(username):
    user = make_user(username, is_staff=True)
    user.groups.add(Group.objects.get(name="Content approvers"))
    return user


def publish_url(version):
    return reverse("admin:aids_aidversion_publish", args=[version.pk])


# -- the justification ----------------------------------------------------------------


@pytest.mark.parametrize("text", [
    "ok", "OK.", "fine", "Approved by me", "ok ok ok ok ok ok ok ok ok ok",
    "see above see above see above see above", "Warnings: reading level, funding, dates",
])
def test_justification_that_is_not_a_sentence_is_refused(text):
    assert justification_problem(text)


@pytest.mark.parametrize("text", [
    GOOD_REASON,
    "The decision sentence names every option, so it stays above grade 8.",
    "Reading level warnings remain because procedure names are long words explained in plain words.",
])
def test_justification_of_real_content_is_accepted(text):
    assert justification_problem(text) == ""


def test_publishing_over_warnings_with_only_a_word_is_refused():
    draft = make_draft(funding_statement="")

    with pytest.raises(PublishRefused) as refused:
        version_publish(version=draft, user=make_approver(), change_note="First.", justification="ok")

    assert refused.value.reasons == [
        'Write the justification as at least one full sentence (6 words or more) saying why each '
        'warning may stand; "ok" is not enough.']
    assert AidVersion.objects.get(pk=draft.pk).status == AidVersion.Status.DRAFT


def test_publish_form_refuses_ok_and_keeps_what_was_typed(client):
    draft = make_draft(funding_statement="")
    client.force_login(approver_staff("approver"))

    response = client.post(publish_url(draft), {"change_note": "First version.", "justification": "ok"})

    assert response.status_code == 200
    assert "is not enough" in response.text and "First version.</textarea>" in response.text
    assert AidVersion.objects.get(pk=draft.pk).status == AidVersion.Status.DRAFT


def test_justification_approver_and_time_are_shown_on_the_published_version(client):
    approver = approver_staff("approver")
    approver.first_name, approver.last_name = "Rosa", "Lindqvist"
    approver.save()
    published = make_published(funding_statement="", user=approver, justification=GOOD_REASON)
    client.force_login(approver)

    text = client.get(reverse("admin:aids_aidversion_change", args=[published.pk])).text

    assert f"by Rosa Lindqvist." in text
    assert f"Justification for publishing over the warnings: {GOOD_REASON}" in text


# -- two people ------------------------------------------------------------------------


def test_the_approver_who_edited_the_draft_cannot_publish_it(client):
    lead = approver_staff("lead")
    draft = version_new_draft(version=make_published(), user=lead)
    client.force_login(lead)

    page = client.get(publish_url(draft)).text
    response = client.post(publish_url(draft), {"change_note": "Second version."})

    assert "You edited this draft, so you cannot publish it." in page
    assert response.status_code == 200
    assert "You edited this draft, so another content approver must publish it" in response.text
    assert AidVersion.objects.get(pk=draft.pk).status == AidVersion.Status.DRAFT


def test_an_edit_through_a_part_page_makes_the_editor_one_of_the_draft_editors(client):
    draft = make_draft()
    lead = approver_staff("lead")
    client.force_login(lead)
    from test_admin import change_form_data
    url = reverse("admin:aids_aidversion_part", args=[draft.pk, "values"])
    data = change_form_data(client.get(url))
    data["value_statements-0-text"] = "Having much less pain."

    assert client.post(url, data).status_code == 302

    assert lead.pk in version_editors(draft)
    with pytest.raises(PublishRefused, match="another content approver must publish it"):
        version_publish(version=draft, user=lead, change_note="First.")


def test_a_second_approver_who_did_not_edit_publishes_it(client):
    lead = approver_staff("lead")
    draft = version_new_draft(version=make_published(), user=lead)
    second = approver_staff("second")
    client.force_login(second)

    response = client.post(publish_url(draft), {"change_note": "Second version."})

    assert response.status_code == 302
    draft.refresh_from_db()
    assert (draft.status, draft.published_by, draft.published_alone) == (
        AidVersion.Status.PUBLISHED, second, False)


def test_a_one_person_site_publishes_alone_only_by_the_administrators_setting(settings):
    lead = make_approver("lead")
    draft = version_new_draft(version=make_published(), user=lead)
    settings.CONTENT_SINGLE_PERSON_PUBLISHING = True

    published = version_publish(version=draft, user=lead, change_note="Second version.")

    assert published.published_alone is True
    consultation = consultation_start(clinician=make_user(), patient_ref="P-1")
    facts = record_data(consultation=consultation, revision=1).publication_facts()
    assert ("Published by one person who also edited it: this site allows publishing without "
            "a second approver (an administrator's setting).") in facts


def test_single_person_publishing_is_off_unless_set():
    from django.conf import settings

    assert settings.CONTENT_SINGLE_PERSON_PUBLISHING is False


# -- a named reviewer ------------------------------------------------------------------


def test_publishing_without_a_named_reviewer_is_refused():
    draft = make_draft(contributors=[{"kind": "author", "name": "Dr Ana Lee", "role": ""}])

    with pytest.raises(PublishRefused) as refused:
        version_publish(version=draft, user=make_approver(), change_note="First.")

    assert refused.value.reasons == [
        'Name the clinical reviewer before publishing: add a contributor of kind "Reviewer" with '
        'the person\'s name (a placeholder such as "Pending clinical review" is not a name).']


def test_a_placeholder_reviewer_is_not_a_name():
    draft = make_draft(contributors=[
        {"kind": "reviewer", "name": "Pending clinical review", "role": "To be named"}])

    assert named_reviewers(draft) == []
    with pytest.raises(PublishRefused, match="Name the clinical reviewer"):
        version_publish(version=draft, user=make_approver(), change_note="First.")


def test_publish_page_says_when_no_reviewer_is_named(client):
    draft = make_draft(contributors=[{"kind": "reviewer", "name": "TBC", "role": ""}])
    client.force_login(approver_staff("approver"))

    text = client.get(publish_url(draft)).text

    assert "No reviewer is named." in text
    assert reverse("admin:aids_aidversion_part", args=[draft.pk, "contributors"]) in text


# -- the bundled aid: a draft, or the labelled demo -------------------------------------


def test_the_bundled_aid_loads_as_a_draft_with_its_placeholder_reviewer():
    call_command("load_aid", stdout=io.StringIO())

    draft = AidVersion.objects.get()
    assert draft.status == AidVersion.Status.DRAFT
    with pytest.raises(PublishRefused, match="Name the clinical reviewer"):
        version_publish(version=draft, user=make_approver(), change_note="First.")


def test_the_demo_is_labelled_not_yet_clinically_reviewed_on_screen_and_in_the_record(client):
    call_command("load_aid", publish_demo=True, stdout=io.StringIO())
    version = Aid.objects.get(slug="tractotomy").current_version()
    clinician = make_user("dr_demo")
    consultation = consultation_start(clinician=clinician, patient_ref="P-2")
    client.force_login(clinician)

    page = client.get(reverse("consultation_step", args=[consultation.pk, "decision"])).text
    data = record_data(consultation=consultation, revision=1)

    assert version.unreviewed_demo and "Demo content, not yet clinically reviewed</strong>" in page
    assert data.demo_statement == "Demo content: not yet clinically reviewed."
    assert data.demo_statement in data.publication_facts()
    assert all(c.name != "Pending clinical review" for c in data.contributors)


def test_only_the_system_publishes_the_unreviewed_demo():
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        version_publish(version=make_draft(), user=make_approver(), change_note="Demo.", demo=True)


def test_records_of_a_reviewed_version_carry_its_approver_time_and_justification():
    approver = make_approver("approver", first_name="Rosa", last_name="Lindqvist")
    version = make_published(funding_statement="", user=approver, justification=GOOD_REASON)
    consultation = consultation_start(clinician=make_user(), patient_ref="P-3")

    data = record_data(consultation=consultation, revision=1)

    assert consultation.version_id == version.pk
    facts = data.publication_facts()
    assert facts[0].startswith("Approved for publication by Rosa Lindqvist on ")
    assert f"Published over quality warnings, because: {GOOD_REASON}" in facts
    assert data.demo_statement == ""
    assert all(f"because: {GOOD_REASON}" not in f for f in data.publication_facts(justification=False))
    assert [c.name for c in data.contributors if c.kind == Contributor.Kind.REVIEWER] == ["Sam Patel"]


def test_the_pdf_colophon_and_page_one_print_the_publication_and_the_demo_label():
    from aids.record.pdf import render_pdf
    from test_record_summary import page_texts

    call_command("load_aid", publish_demo=True, stdout=io.StringIO())
    consultation = consultation_start(clinician=make_user(), patient_ref="P-4")
    data = record_data(consultation=consultation, revision=1)

    for copy in ("clinical", "patient"):
        pages = page_texts(render_pdf(data, copy))
        text = " ".join(pages)
        assert "Demo content: not yet clinically reviewed." in pages[0], copy
        assert "Published by the system on " in text, copy
        assert "Pending clinical review" not in text, copy
    # The bundled aid passes its gates: it was not published over any warning.
    clinical = " ".join(page_texts(render_pdf(data, "clinical")))
    assert "Published over quality warnings" not in clinical


def test_the_justification_for_publishing_over_warnings_is_in_the_clinical_copy():
    from aids.record.pdf import render_pdf
    from test_record_summary import page_texts

    version = make_published(funding_statement="", user=make_approver("approver2"),
                             justification=GOOD_REASON)
    consultation = consultation_start(clinician=make_user(), patient_ref="P-5")
    assert consultation.version_id == version.pk
    data = record_data(consultation=consultation, revision=1)
    clinical = " ".join(" ".join(page_texts(render_pdf(data, "clinical"))).split())
    patient = " ".join(" ".join(page_texts(render_pdf(data, "patient"))).split())
    assert f"Published over quality warnings, because: {GOOD_REASON}" in clinical
    assert GOOD_REASON not in patient
