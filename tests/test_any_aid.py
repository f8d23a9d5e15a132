"""Any aid: a second, made-up aid (tests/fixtures/aid_b.json, a test fixture and not
clinical content) goes from the start page through every step to both PDFs, naming
its own words and none of the tractotomy aid's; the clinician chooses the decision
when several are published, and with one the start page is unchanged."""

import json
import pathlib
import re

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse

from aids.consultations import chosen_aid
from aids.interchange import export_version, import_version
from aids.models import Aid, AidVersion, Consultation, RecordDocument
from aids.publishing import version_publish
from aids.quality import check_version
from aids.vocabulary import step_title, topic_summary
from factories import make_approver, make_published, make_user
from walkthrough_support import pdf_texts, post_step, step_url, visible_text

pytestmark = pytest.mark.django_db

AID_B = pathlib.Path(__file__).parent / "fixtures" / "aid_b.json"
# Words of the tractotomy aid (content and former code) that must never show in Aid B's.
TRACTOTOMY_WORDS = re.compile(r"tractotomy|cordotomy|mesencephalotomy|last-resort|last resort", re.I)


def aid_b_document():
    return json.loads(AID_B.read_text(encoding="utf-8"))


def publish_aid_b():
    """Aid B through the real path: imported as a draft by one person, passing the
    quality gates, published by a second (the two-person rule)."""
    editor = make_user("aid-b-editor")
    draft = import_version(aid_b_document(), user=editor)
    report = check_version(draft)
    assert not report.errors and not report.warnings, report
    return version_publish(version=draft, user=make_approver("aid-b-approver"),
                           change_note="Test fixture, first version.")


def test_aid_b_fixture_passes_the_gates_and_is_published_by_a_second_person():
    version = publish_aid_b()

    assert version.status == AidVersion.Status.PUBLISHED
    assert version.title == "Aid B (test fixture): Plan Alpha or Plan Beta"
    assert not version.published_alone
    assert version.about_title == "About Plan Alpha"


def test_the_aid_words_round_trip_through_export_and_import():
    version = publish_aid_b()

    exported = export_version(version)["version"]
    again = import_version(export_version(version), user=None)

    assert exported["about_title"] == "About Plan Alpha"
    assert exported["criteria_summary"] == "When Plan Alpha is talked about: each point in turn."
    assert exported["criteria_title"] == ""
    assert (again.about_title, again.benefits_summary, again.benefits_intro) == (
        version.about_title, version.benefits_summary, version.benefits_intro)


def test_a_blank_word_takes_the_neutral_wording_that_names_no_procedure():
    version = publish_aid_b()

    assert step_title(version, "about") == "About Plan Alpha"
    assert step_title(version, "criteria") == "When it is considered"
    assert topic_summary(version, "risks") == (
        "What can go wrong, how likely that is, and how serious it can be.")


def test_the_gates_check_the_aid_words_like_other_text():
    draft = import_version(aid_b_document(), user=None)
    draft.benefits_summary = "We recommend Plan Alpha for everyone."
    draft.save()

    report = check_version(draft)

    found = [f for f in report.errors if f.code == "directive-wording"]
    assert [f.location for f in found] == ["Benefits: one line on the topics page"]


def test_with_one_published_aid_the_start_form_shows_at_once(clinician_client):
    make_published()

    response = clinician_client.get(reverse("consultation_new"))

    html = response.content.decode()
    assert 'name="start-patient_ref"' in html
    assert "Choose another decision" not in visible_text(html)


def test_with_two_published_aids_the_clinician_first_chooses_the_decision(clinician_client):
    make_published()
    publish_aid_b()

    response = clinician_client.get(reverse("consultation_new"))

    text = visible_text(response.content.decode())
    assert "Which decision is this consultation about?" in text
    assert "Tractotomy for severe chronic pain" in text
    assert "Aid B (test fixture): Plan Alpha or Plan Beta" in text
    assert 'name="start-patient_ref"' not in response.content.decode()
    assert f'href="{reverse("consultation_new")}?aid=test-aid-b"' in response.content.decode()


def test_a_post_naming_no_decision_when_two_are_published_starts_nothing(clinician_client):
    make_published()
    publish_aid_b()

    response = clinician_client.post(reverse("consultation_new"), {
        "start-patient_ref": "Clinic 4", "start-language": "English"})

    text = visible_text(response.content.decode())
    assert response.status_code == 200
    assert Consultation.objects.count() == 0
    assert "Choose which decision this consultation is about." in text
    assert "Which decision is this consultation about?" in text


def test_a_post_for_a_decision_retired_meanwhile_explains_and_starts_nothing(clinician_client):
    make_published()
    version = publish_aid_b()
    AidVersion.objects.filter(pk=version.pk).update(status=AidVersion.Status.RETIRED)

    response = clinician_client.post(reverse("consultation_new"), {
        "start-aid": "test-aid-b", "start-patient_ref": "Clinic 4", "start-language": "English"})

    assert response.status_code == 200
    text = visible_text(response.content.decode())
    assert "That decision aid has no published version" in text
    assert "Which decision is this consultation about?" in text
    assert "Tractotomy for severe chronic pain" in text
    assert Consultation.objects.count() == 0


def test_chosen_aid_refuses_to_guess_between_two():
    make_published()
    publish_aid_b()

    from django.core.exceptions import ValidationError
    with pytest.raises(ValidationError, match="Choose which decision"):
        chosen_aid()
    assert chosen_aid("test-aid-b").slug == "test-aid-b"


def _no_tractotomy(text, where):
    found = TRACTOTOMY_WORDS.findall(text)
    assert not found, f"{where} names the tractotomy aid: {found}"


def test_aid_b_end_to_end_from_start_to_both_pdfs(clinician_client, clinician):
    make_published()  # the tractotomy aid is published too: nothing of it may leak in
    version = publish_aid_b()
    benefits, risks = list(version.benefits.all()), list(version.risks.all())
    options, statements = list(version.options.all()), list(version.value_statements.all())
    criterion = version.criteria.get()

    # Start: the chosen decision's form, then its first step
    page = clinician_client.get(reverse("consultation_new") + "?aid=test-aid-b")
    assert "Aid B (test fixture): Plan Alpha or Plan Beta, version 1" in visible_text(page.content.decode())
    response = clinician_client.post(reverse("consultation_new"), {
        "start-aid": "test-aid-b", "start-patient_ref": "B-17", "start-language": "English",
        "start-present": ["patient"]})
    consultation = Consultation.objects.get()
    assert consultation.version == version
    assert response.url == step_url(consultation, "decision")

    shown = {}
    for key in ("decision", "about", "topics", "benefits", "risks", "criteria", "alternatives",
                "values", "questions", "next", "review"):
        shown[key] = visible_text(clinician_client.get(step_url(consultation, key)).content.decode())
        _no_tractotomy(shown[key], f"the {key} step")
    assert version.decision in shown["decision"]
    assert "About Plan Alpha" in shown["decision"]  # the step list, from the version
    assert "What Plan Alpha is" in shown["about"]
    assert "What Plan Alpha may help with, in made-up numbers." in shown["topics"]
    assert "When Plan Alpha is talked about: each point in turn." in shown["topics"]
    assert "The other options, including no procedure, side by side." in shown["topics"]  # neutral
    assert "What Plan Alpha may help with (made-up test figures). Every figure is out of 100" in shown["benefits"]
    assert "Fewer grey days" in shown["benefits"] and "A stiff wrist" in shown["risks"]
    assert "When it is considered" in shown["criteria"]
    assert "Plan Beta" in shown["alternatives"]

    post_step(clinician_client, consultation, "decision", {"sure_before-sure": "no"})
    post_step(clinician_client, consultation, "about")
    post_step(clinician_client, consultation, "topics")
    post_step(clinician_client, consultation, "benefits", {f"benefits-{b.pk}-discussed": "on" for b in benefits})
    post_step(clinician_client, consultation, "risks", {
        f"risks-{risks[0].pk}-discussed": "on", f"risks-{risks[0].pk}-note": "Wrist worry noted."})
    post_step(clinician_client, consultation, "criteria", {f"criteria-{criterion.pk}-discussed": "on"})
    post_step(clinician_client, consultation, "alternatives", {
        f"alternatives-{options[1].pk}-selected": "on", f"alternatives-{options[1].pk}-discussed": "on"})
    post_step(clinician_client, consultation, "values", {
        f"value-{statements[0].pk}-rating": "3", "values-values_own_words": "Good days with my dog."})
    post_step(clinician_client, consultation, "questions", {
        "questions-0-question": "Can I switch plans later?", "sure_after-sure": "yes"})
    response = post_step(clinician_client, consultation, "next", {
        "next-positions": "more_time", "next-next_steps": "Talk again next month."})
    assert response.url == step_url(consultation, "review")

    response = clinician_client.post(reverse("consultation_finalize", args=[consultation.pk]),
                                     {"confirm": "yes"})
    assert response.url == reverse("consultation_record", args=[consultation.pk])

    texts = pdf_texts(consultation)
    assert set(texts) == {RecordDocument.Variant.CLINICAL, RecordDocument.Variant.PATIENT}
    for variant, text in texts.items():
        _no_tractotomy(text, f"the {variant} PDF")
        assert "Aid B (test fixture): Plan Alpha or Plan Beta" in text, variant
    clinical = texts[RecordDocument.Variant.CLINICAL]
    assert "About Plan Alpha" in clinical or "What Plan Alpha is" in clinical
    assert "Fewer grey days" in clinical and "A stiff wrist" in clinical
    assert "Wrist worry noted." in clinical
    assert "When it is considered" in clinical  # its criteria step, in the neutral title
    assert "Plan Beta" in clinical
    assert "Good days with my dog." in clinical
    assert "Can I switch plans later?" in texts[RecordDocument.Variant.PATIENT]


def test_a_lead_creates_a_new_aid_in_the_admin_and_it_can_be_chosen(client, clinician_client):
    make_published()
    lead = make_user("lead-a", is_staff=True, perms=["aids.add_aid", "aids.change_aid",
                                                     "aids.add_aidversion", "aids.change_aidversion",
                                                     "aids.view_aid", "aids.view_aidversion"])
    client.force_login(lead)

    response = client.post(reverse("admin:aids_aid_add"), {
        "title": "Aid C (test fixture)", "slug": "test-aid-c",
        "versions-TOTAL_FORMS": "0", "versions-INITIAL_FORMS": "0",
        "versions-MIN_NUM_FORMS": "0", "versions-MAX_NUM_FORMS": "1000"})
    assert response.status_code == 302, response.content.decode()[:3000]
    aid = Aid.objects.get(slug="test-aid-c")
    document = aid_b_document()
    document["aid"] = {"slug": aid.slug, "title": aid.title}
    draft = import_version(document, user=lead)
    assert draft.aid == aid
    version_publish(version=draft, user=make_approver("lead-b"), change_note="Aid C, first version.")

    page = clinician_client.get(reverse("consultation_new"))
    assert "Aid C (test fixture)" in visible_text(page.content.decode())


def test_the_walkthrough_code_names_no_aid():
    root = pathlib.Path(__file__).resolve().parent.parent
    files = [root / "aids" / "vocabulary.py", root / "aids" / "consultations.py",
             root / "aids" / "readmodel.py", root / "aids" / "record" / "demo.py",
             *sorted((root / "aids" / "walkthrough").glob("*.py")),
             *sorted((root / "aids" / "record").glob("*.py")),
             *sorted((root / "templates" / "walkthrough").rglob("*.html"))]

    named = [str(f.relative_to(root)) for f in files if "tractotomy" in f.read_text(encoding="utf-8").lower()]

    assert named == []


def _lead(username="lead-import"):
    return make_user(username, is_staff=True, perms=[
        "aids.add_aid", "aids.change_aid", "aids.view_aid",
        "aids.add_aidversion", "aids.change_aidversion", "aids.view_aidversion"])


def test_a_lead_imports_a_new_aid_in_the_admin_as_a_draft_for_a_second_person(client):
    from django.core.files.uploadedfile import SimpleUploadedFile

    lead = _lead()
    lead.user_permissions.add(Permission.objects.get(codename="publish_aidversion"))
    client.force_login(lead)
    listing = client.get(reverse("admin:aids_aid_changelist"))
    assert reverse("admin:aids_aid_import") in listing.content.decode()

    response = client.post(reverse("admin:aids_aid_import"), {
        "file": SimpleUploadedFile("aid_b.json", AID_B.read_bytes(), "application/json")})

    draft = AidVersion.objects.get(aid__slug="test-aid-b")
    assert response.url == reverse("admin:aids_aidversion_change", args=[draft.pk])
    assert draft.status == AidVersion.Status.DRAFT and draft.created_by == lead
    assert draft.about_title == "About Plan Alpha"
    from aids.publishing import PublishRefused
    lead = type(lead).objects.get(pk=lead.pk)  # permissions read afresh
    with pytest.raises(PublishRefused, match="edited"):  # the importer edited it: a second person publishes
        version_publish(version=draft, user=lead, change_note="Alone.")
    published = version_publish(version=draft, user=make_approver("second"), change_note="Reviewed.")
    assert published.status == AidVersion.Status.PUBLISHED


def test_a_broken_aid_file_is_refused_whole_with_its_problems_listed(client):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client.force_login(_lead())
    document = aid_b_document()
    document["version"]["about_titel"] = "typo"
    document["version"]["criteria_summary"] = "x" * 301

    response = client.post(reverse("admin:aids_aid_import"), {
        "file": SimpleUploadedFile("b.json", json.dumps(document).encode(), "application/json")})

    text = visible_text(response.content.decode())
    assert response.status_code == 200
    assert "Nothing was imported. The file has 2 problems" in text
    assert 'version: unknown key "about_titel"' in text
    assert "version.criteria_summary: is 301 characters long; the limit is 300" in text
    assert not Aid.objects.filter(slug="test-aid-b").exists()


def test_importing_is_refused_to_someone_who_may_not_add_versions(client):
    client.force_login(make_user("viewer", is_staff=True, perms=["aids.view_aid"]))

    response = client.get(reverse("admin:aids_aid_import"))

    assert response.status_code == 403
