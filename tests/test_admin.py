"""The content admin: editors change drafts, approvers publish, published versions stay frozen."""

import datetime

import pytest
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.db import connection
from django.forms import CheckboxInput
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from aids.interchange import export_version
from aids.models import AidVersion, Risk
from aids.publishing import version_digest, version_new_draft
from aids.quality import check_version
from factories import make_draft, make_published, make_user

PASSWORD = "a-long-test-password"
EDITORS = "Content editors"
APPROVERS = "Content approvers"


# -- helpers -------------------------------------------------------------------------


def make_staff(username, group):
    user = make_user(username, is_staff=True)
    user.groups.add(Group.objects.get(name=group))
    return user


@pytest.fixture
def editor(db):
    return make_staff("clinical_lead", EDITORS)


@pytest.fixture
def approver(db):
    return make_staff("approver", APPROVERS)


@pytest.fixture
def editor_client(client, editor):
    client.force_login(editor)
    return client


@pytest.fixture
def approver_client(client, approver):
    client.force_login(approver)
    return client


def change_url(version):
    return reverse("admin:aids_aidversion_change", args=[version.pk])


def part_url(version, key):
    return reverse("admin:aids_aidversion_part", args=[version.pk, key])


def item_url(version, key, item):
    return reverse("admin:aids_aidversion_item", args=[version.pk, key, item.pk])


def publish_url(version):
    return reverse("admin:aids_aidversion_publish", args=[version.pk])


def _post_value(field, value):
    if isinstance(value, (list, tuple)):
        return [str(v) for v in value]
    if value is None:
        return ""
    if isinstance(value, datetime.date):
        return value.isoformat()
    return str(value)


def change_form_data(response):
    """The POST the admin change page would send unchanged, from its forms."""
    data = {}

    def add(form):
        for name, field in form.fields.items():
            value = form[name].value()
            key = form.add_prefix(name)
            if isinstance(field.widget, CheckboxInput):
                if value:
                    data[key] = "on"
                continue
            data[key] = _post_value(field, value)

    add(response.context["adminform"].form)
    for inline in response.context["inline_admin_formsets"]:
        formset = inline.formset
        add(formset.management_form)
        for form in formset.forms:
            add(form)
    return data


def form_index(response, prefix, pk):
    for inline in response.context["inline_admin_formsets"]:
        if inline.formset.prefix == prefix:
            for i, form in enumerate(inline.formset.forms):
                if form.instance.pk == pk:
                    return i
    raise AssertionError(f"no {prefix} form for pk {pk}")


def assert_saved(response):
    if response.status_code != 302:
        errors = response.context and response.context.get("errors")
        raise AssertionError(f"not saved ({response.status_code}): {errors}")


def snapshot(version):
    """What must never change about a published version (status aside: it retires)."""
    version.refresh_from_db()
    export = export_version(version)
    export["version"].pop("status")
    return {"digest": version.digest, "computed": version_digest(version), "export": export}


# -- the "done when", end to end ------------------------------------------


# The whole tractotomy draft posts about 1,300 fields (every inline row); Django's
# default DATA_UPLOAD_MAX_NUMBER_FIELDS is 1,000. See the test after this one.
FULL_FORM_FIELDS = 5000


def test_clinical_lead_drafts_changes_previews_and_approver_publishes_version_2(
    client, editor, approver, settings
):
    settings.DATA_UPLOAD_MAX_NUMBER_FIELDS = FULL_FORM_FIELDS
    call_command("load_aid", publish_demo=True)
    v1 = AidVersion.objects.get(aid__slug="tractotomy", number=1)
    before = snapshot(v1)
    assert before["digest"] == before["computed"]

    # A clinical lead logs in to the admin.
    response = client.post(
        reverse("admin:login"),
        {"username": "clinical_lead", "password": PASSWORD, "next": reverse("admin:index")},
    )
    assert response.status_code == 302
    response = client.get(reverse("admin:aids_aidversion_changelist"))
    assert "Version 1" in response.text

    # Version 1 is read-only and offers a new draft.
    response = client.get(change_url(v1))
    assert "read-only" in response.text
    assert "New draft from this version" in response.text
    assert 'name="decision"' not in response.text

    response = client.post(reverse("admin:aids_aidversion_new_draft", args=[v1.pk]))
    draft = AidVersion.objects.get(aid__slug="tractotomy", status=AidVersion.Status.DRAFT)
    assert response.status_code == 302
    assert response["Location"] == change_url(draft)
    assert draft.based_on_id == v1.pk and draft.created_by.username == "clinical_lead"

    # She changes a risk's wording on that risk's own page (from the risks table).
    assert client.get(part_url(draft, "risks")).status_code == 200
    risk = draft.risks.order_by("order", "pk").first()
    response = client.get(item_url(draft, "risks", risk))
    assert response.status_code == 200
    data = change_form_data(response)
    new_wording = "Numbness in the area that gets relief is expected. It is how the operation works."
    data["risks-0-description"] = new_wording
    data["_continue"] = "Save and continue editing"
    response = client.post(item_url(draft, "risks", risk), data)
    assert_saved(response)
    risk.refresh_from_db()
    assert risk.description == new_wording

    # And names the clinical reviewer on the contributors page (the bundled aid's
    # reviewer is a placeholder, "Pending clinical review").
    response = client.get(part_url(draft, "contributors"))
    reviewer = draft.contributors.get(kind="reviewer")
    data = change_form_data(response)
    data[f"contributors-{form_index(response, 'contributors', reviewer.pk)}-name"] = "Dr Rosa Lindqvist"
    assert_saved(client.post(part_url(draft, "contributors"), data))

    # She sees the gates' report on the change page.
    response = client.get(change_url(draft))
    report = check_version(draft)
    assert "Quality check:" in response.text
    assert f"{len(report.errors) or 'no'} error" in response.text
    for finding in report.findings:
        assert finding.code in response.text
    assert "IPDAS minimum standards" in response.text

    # She previews it: the new wording, in the app's own layout.
    response = client.get(reverse("admin:aids_aidversion_preview", args=[draft.pk]))
    assert response.status_code == 200
    assert new_wording in response.text
    assert "Preview</strong> of draft" in response.text
    assert response.templates[0].name == "aids/preview.html"
    assert "base.html" in [t.name for t in response.templates]

    # An approver publishes it as version 2, with a change note and a justification.
    client.logout()
    client.force_login(approver)
    response = client.get(publish_url(draft))
    assert response.status_code == 200
    assert "Change note" in response.text
    assert "it becomes version 2 of Tractotomy" in response.text
    response = client.post(publish_url(draft), {
        "change_note": "Risk of numbness reworded.",
        "justification": "The decision sentence names the options; it is read with a clinician.",
    })
    assert response.status_code == 302
    draft.refresh_from_db()
    assert (draft.status, draft.number) == (AidVersion.Status.PUBLISHED, 2)
    assert draft.change_note == "Risk of numbness reworded."
    assert draft.warnings_justification.startswith("The decision sentence")
    assert draft.published_by == approver

    # Version 1 stays exactly as it was.
    after = snapshot(v1)
    assert after == before
    assert v1.status == AidVersion.Status.RETIRED
    assert v1.risks.order_by("order", "pk").first().description != new_wording


def test_settings_accept_the_post_of_the_full_tractotomy_draft(editor_client, editor):
    """Saving the bundled aid's draft posts every inline row at once.

    Needs ``DATA_UPLOAD_MAX_NUMBER_FIELDS`` (sdm/settings.py) raised well above
    Django's default of 1,000; until then the admin answers 400 on save.
    """
    call_command("load_aid", publish_demo=True)
    draft = version_new_draft(version=AidVersion.objects.get(number=1), user=editor)
    data = change_form_data(editor_client.get(change_url(draft)))
    fields = sum(len(v) if isinstance(v, list) else 1 for v in data.values())

    response = editor_client.post(change_url(draft), data)

    assert response.status_code == 302, f"{fields} fields posted"


# -- publishing: who may, and what happens when it is refused ----------------------


def test_publish_as_editor_is_forbidden_with_a_clear_message(editor_client):
    draft = make_draft()

    response = editor_client.get(publish_url(draft))
    posted = editor_client.post(publish_url(draft), {"change_note": "x", "justification": "y"})

    assert response.status_code == 403
    assert "Only content approvers can publish" in response.text
    assert posted.status_code == 403
    draft.refresh_from_db()
    assert draft.status == AidVersion.Status.DRAFT and draft.number is None


def test_publish_button_shown_to_approvers_only(editor_client, approver):
    draft = make_draft()

    as_editor = editor_client.get(change_url(draft))
    editor_client.force_login(approver)
    as_approver = editor_client.get(change_url(draft))

    assert publish_url(draft) not in as_editor.text
    assert publish_url(draft) in as_approver.text


def test_publish_refused_with_errors_shows_them_and_keeps_the_typed_note(approver_client):
    draft = make_draft(intro="We recommend a tractotomy for everyone with this pain.")
    errors = check_version(draft).errors
    assert errors  # the directive wording gate fires

    response = approver_client.post(publish_url(draft), {
        "change_note": "My careful note about <this> change",
        "justification": "Reviewed by the panel",
    })

    assert response.status_code == 200
    assert "Not published." in response.text
    assert "Directive wording" in response.text
    assert "My careful note about &lt;this&gt; change</textarea>" in response.text
    assert "Reviewed by the panel</textarea>" in response.text
    draft.refresh_from_db()
    assert draft.status == AidVersion.Status.DRAFT


def test_publish_over_warnings_needs_a_justification_and_keeps_the_note(approver_client):
    draft = make_draft(update_policy="")  # a warning, no error
    report = check_version(draft)
    assert report.warnings and not report.errors

    response = approver_client.post(publish_url(draft), {"change_note": "Typed by hand", "justification": ""})

    assert response.status_code == 200
    assert "remain: say why this version may be published with them" in response.text
    assert "Typed by hand</textarea>" in response.text
    draft.refresh_from_db()
    assert draft.status == AidVersion.Status.DRAFT


def test_publish_requires_a_change_note(approver_client):
    draft = make_draft()

    response = approver_client.post(publish_url(draft), {"change_note": "   ", "justification": ""})

    assert response.status_code == 200
    assert "Write a change note" in response.text
    draft.refresh_from_db()
    assert draft.status == AidVersion.Status.DRAFT


def test_publish_page_shows_report_and_ipdas_check(approver_client):
    draft = make_draft(update_policy="")

    response = approver_client.get(publish_url(draft))

    assert response.status_code == 200
    assert "The update policy is missing." in response.text
    assert "missing-update-policy" in response.text
    assert "States an update policy" in response.text
    assert "Not met" in response.text


def test_publish_of_a_published_version_redirects_with_a_message(approver_client):
    published = make_published()

    response = approver_client.get(publish_url(published), follow=True)

    assert "only a draft can be published" in response.text


# -- frozen versions ----------------------------------------------------------------


def test_published_version_change_page_is_read_only(editor_client):
    published = make_published()

    response = editor_client.get(change_url(published))

    assert response.status_code == 200
    assert "Published version: read-only." in response.text
    assert "<textarea" not in response.text.split('id="aidversion_form"')[1]
    assert 'name="_save"' not in response.text
    assert "New draft from this version" in response.text
    for inline in response.context["inline_admin_formsets"]:
        assert not inline.has_change_permission and not inline.has_add_permission
        assert not inline.has_delete_permission


def test_post_to_published_version_changes_nothing(editor_client):
    published = make_published()
    before = snapshot(published)
    draft_page = editor_client.get(change_url(make_draft("other-aid")))
    data = change_form_data(draft_page)  # a well-formed POST, aimed at the wrong version
    data["decision"] = "Changed after publication."

    response = editor_client.post(change_url(published), data)

    assert response.status_code == 403
    assert snapshot(published) == before


def test_published_version_cannot_be_deleted(editor_client):
    published = make_published()

    response = editor_client.post(
        reverse("admin:aids_aidversion_delete", args=[published.pk]), {"post": "yes"}
    )

    assert response.status_code == 403
    assert AidVersion.objects.filter(pk=published.pk).exists()


def test_bulk_delete_refuses_published_versions(editor_client):
    published = make_published()

    response = editor_client.post(
        reverse("admin:aids_aidversion_changelist"),
        {"action": "delete_selected", "_selected_action": [published.pk], "post": "yes"},
    )

    assert response.status_code == 403
    assert AidVersion.objects.filter(pk=published.pk).exists()


def test_editor_can_delete_a_draft_with_its_parts(editor_client):
    draft = make_draft()

    response = editor_client.post(reverse("admin:aids_aidversion_delete", args=[draft.pk]), {"post": "yes"})

    assert response.status_code == 302
    assert not AidVersion.objects.filter(pk=draft.pk).exists()
    assert not Risk.objects.filter(version_id=draft.pk).exists()


def test_history_revert_is_not_offered(editor_client):
    published = make_published()
    record = published.history.first()
    url = reverse("admin:aids_aidversion_simple_history", args=[published.pk, record.history_id])

    response = editor_client.post(url, {"decision": "Reverted"})

    assert response.status_code == 403
    published.refresh_from_db()
    assert published.decision != "Reverted"


# -- drafts ---------------------------------------------------------------------------


def test_new_draft_action_from_the_changelist(editor_client):
    published = make_published()

    response = editor_client.post(
        reverse("admin:aids_aidversion_changelist"),
        {"action": "new_draft_action", "_selected_action": [published.pk]},
    )

    draft = AidVersion.objects.get(based_on=published)
    assert response.status_code == 302
    assert response["Location"] == change_url(draft)
    assert draft.status == AidVersion.Status.DRAFT


def test_new_draft_needs_post(editor_client):
    published = make_published()

    response = editor_client.get(reverse("admin:aids_aidversion_new_draft", args=[published.pk]))

    assert response.status_code == 405
    assert not AidVersion.objects.filter(based_on=published).exists()


def test_draft_overview_shows_its_parts_then_the_quality_report_then_the_ipdas_check(editor_client):
    draft = make_draft(update_policy="")

    text = editor_client.get(change_url(draft)).text

    parts_at = text.index("Parts of this version")
    report_at = text.index("Quality check:")
    ipdas_at = text.index("IPDAS minimum standards")
    assert parts_at < report_at < ipdas_at
    assert 'id="sections-group"' not in text  # each part is edited on its own page
    assert f'href="{part_url(draft, "sections")}"' in text
    assert "The update policy is missing." in text
    assert "Reviewer: met" in text  # a criterion only the reviewer can tick


def test_reviewer_ticks_an_ipdas_criterion_on_the_draft(editor_client):
    draft = make_draft(ipdas_ticks={"unrelated-key": True})
    response = editor_client.get(change_url(draft))
    data = change_form_data(response)
    data["ipdas_ticked"] = ["publication-date"]

    assert_saved(editor_client.post(change_url(draft), data))

    draft.refresh_from_db()
    assert draft.ipdas_ticks == {"publication-date": True, "unrelated-key": True}
    text = editor_client.get(change_url(draft)).text
    assert "Ticked by the reviewer" in text


def test_saving_the_draft_keeps_the_evidence_written_for_each_ipdas_tick(editor_client):
    evidence = {"met": True, "evidence": "Reviewed by the patient panel in March."}
    unmet = {"met": False, "evidence": "The publication date is set when it is published."}
    draft = make_draft(ipdas_ticks={"publication-date": evidence, "living-with-outcomes": unmet})
    response = editor_client.get(change_url(draft))
    data = change_form_data(response)
    assert "publication-date" in data["ipdas_ticked"]  # shown ticked: its evidence says met
    assert "living-with-outcomes" not in data.get("ipdas_ticked", [])

    data["ipdas_ticked"] = ["living-with-outcomes"]  # the reviewer changes both
    assert_saved(editor_client.post(change_url(draft), data))

    draft.refresh_from_db()
    assert draft.ipdas_ticks == {
        "publication-date": {"met": False, "evidence": evidence["evidence"]},
        "living-with-outcomes": {"met": True, "evidence": unmet["evidence"]},
    }


def test_inline_order_is_editable_and_orders_the_parts(editor_client):
    draft = make_draft()
    first, second = draft.risks.order_by("order", "pk")[:2]
    response = editor_client.get(part_url(draft, "risks"))
    data = change_form_data(response)
    data[f"risks-{form_index(response, 'risks', first.pk)}-order"] = "99"

    assert_saved(editor_client.post(part_url(draft, "risks"), data))

    response = editor_client.get(part_url(draft, "risks"))
    risks = [f.instance for i in response.context["inline_admin_formsets"]
             if i.formset.prefix == "risks" for f in i.formset.forms]
    assert risks[0] == second and risks[-1] == first


def test_reference_choices_are_limited_to_the_version(editor_client):
    draft = make_draft()
    make_draft("another-aid")

    response = editor_client.get(part_url(draft, "risks"))

    for inline in response.context["inline_admin_formsets"]:
        for form in inline.formset.forms:
            if "references" in form.fields:
                keys = {version for version in form.fields["references"].queryset.values_list("version", flat=True)}
                assert keys == {draft.pk}


def test_invalid_figure_keeps_the_typed_text(editor_client):
    draft = make_draft()
    risk = draft.risks.first()
    response = editor_client.get(item_url(draft, "risks", risk))
    data = change_form_data(response)
    data["risks-0-numerator"] = "150"  # more than the denominator
    data["risks-0-description"] = "Wording I do not want to lose"

    response = editor_client.post(item_url(draft, "risks", risk), data)

    assert response.status_code == 200
    assert "Cannot be more than the denominator." in response.text
    assert "Wording I do not want to lose</textarea>" in response.text
    risk.refresh_from_db()
    assert risk.numerator != 150


def test_history_shows_who_changed_which_part(editor_client, editor):
    draft = make_draft()
    risk = draft.risks.first()
    response = editor_client.get(item_url(draft, "risks", risk))
    data = change_form_data(response)
    data["risks-0-time_frame"] = "Within a week"
    assert_saved(editor_client.post(item_url(draft, "risks", risk), data))

    response = editor_client.get(reverse("admin:aids_aidversion_history", args=[draft.pk]))

    assert response.status_code == 200
    rows = [e for e in response.context["part_history"] if e["kind"] == "risk" and e["action"] == "Changed"]
    assert rows and rows[0]["user"] == editor
    assert "time frame" in rows[0]["changed"]
    assert "Changes to the parts of this version" in response.text
    assert 'style="' not in response.text.split('id="change-history"')[1]


def test_non_staff_user_is_sent_to_the_admin_login(client, db):
    draft = make_draft()
    client.force_login(make_user("clinician"))

    response = client.get(change_url(draft))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))


# -- preview ------------------------------------------------------------------------


def test_preview_escapes_html_in_content(editor_client):
    draft = make_draft(intro="<script>alert('intro')</script>\n\n- <b>bold</b> item")
    Risk.objects.filter(pk=draft.risks.first().pk).update(title="<img src=x onerror=alert(1)>")

    response = editor_client.get(reverse("admin:aids_aidversion_preview", args=[draft.pk]))

    assert response.status_code == 200
    assert "&lt;script&gt;alert(&#x27;intro&#x27;)&lt;/script&gt;" in response.text
    assert "<li>&lt;b&gt;bold&lt;/b&gt; item</li>" in response.text
    assert "&lt;img src=x onerror=alert(1)&gt;" in response.text
    assert "<script>alert" not in response.text
    assert "<img src=x" not in response.text


def test_preview_shows_every_part_of_the_version(editor_client):
    draft = make_draft()

    response = editor_client.get(reverse("admin:aids_aidversion_preview", args=[draft.pk]))

    text = response.text
    assert draft.decision in text
    for item in [*draft.benefits.all(), *draft.risks.all()]:
        assert item.title in text
    assert "About 70 in 100 people: 70 filled, 30 outlined" in text
    for part in [*draft.criteria.all()]:
        assert part.statement in text
    for answer in draft.grid_answers.all():
        assert answer.text in text
    for statement in draft.value_statements.all():
        assert statement.text in text
    for question in draft.understanding_questions.all():
        assert question.statement in text
    assert "What we don't know" in text
    assert 'id="ref-r1"' in text and 'href="#ref-r1"' in text
    assert "Dr Ana Lee" in text


# -- query counts ---------------------------------------------------------------------


def _count_queries(client, url):
    client.get(url)  # warm the per-process caches (content types, permissions)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


def test_changelist_queries_do_not_grow_with_versions(editor_client, editor):
    url = reverse("admin:aids_aidversion_changelist")
    published = make_published()
    version_new_draft(version=published, user=editor)
    few = _count_queries(editor_client, url)

    for slug in ("aid-a", "aid-b", "aid-c"):
        version_new_draft(version=make_published(slug), user=editor)
    many = _count_queries(editor_client, url)

    assert AidVersion.objects.count() == 8
    assert many == few
    assert many <= 12


def test_aid_changelist_and_page_queries_are_bounded(editor_client, editor):
    published = make_published()
    one = _count_queries(editor_client, reverse("admin:aids_aid_change", args=[published.aid_id]))
    for _ in range(3):
        version_new_draft(version=published, user=editor)

    four = _count_queries(editor_client, reverse("admin:aids_aid_change", args=[published.aid_id]))
    listing = _count_queries(editor_client, reverse("admin:aids_aid_changelist"))

    assert four == one
    assert listing <= 12


def test_draft_change_page_queries_do_not_grow_with_content(editor_client):
    small = version_new_draft(version=make_published("small-aid"), user=None)
    call_command("load_aid", publish_demo=True)
    big = version_new_draft(version=AidVersion.objects.get(aid__slug="tractotomy", number=1), user=None)
    assert big.grid_answers.count() > 2 * small.grid_answers.count()

    few = _count_queries(editor_client, change_url(small))
    many = _count_queries(editor_client, change_url(big))

    assert many == few


def test_preview_queries_do_not_grow_with_content(editor_client):
    small = make_published("small-aid")
    call_command("load_aid", publish_demo=True)
    big = AidVersion.objects.get(aid__slug="tractotomy", number=1)

    few = _count_queries(editor_client, reverse("admin:aids_aidversion_preview", args=[small.pk]))
    many = _count_queries(editor_client, reverse("admin:aids_aidversion_preview", args=[big.pk]))

    assert many == few
