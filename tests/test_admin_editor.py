"""The draft editor: an overview and a page per part, each of a normal size;
references chosen in a searchable chooser; every finding linked to its field; the
preview marks flagged phrases and shows the draft beside the published version."""

import re

import pytest
from django.contrib.admin.models import LogEntry
from django.contrib.auth.models import Group
from django.forms import CheckboxSelectMultiple
from django.urls import reverse

from aids.admin import inlines as admin_inlines
from aids.admin import parts as admin_parts
from aids.admin.diff import version_diff, word_diff
from aids.admin.parts import FORM_CONTROL_BUDGET, PARTS, Part, finding_links
from aids.interchange import import_version, parse_document
from aids.management.commands.load_aid import DEFAULT_FILE
from aids.models import AidVersion
from aids.publishing import version_new_draft
from aids.quality import check_version
from factories import make_draft, make_published, make_user
from test_admin import change_form_data

pytestmark = pytest.mark.django_db

# What the single-page editor measured with the bundled aid loaded as a draft, before
# it was split (Chromium at 1366 x 768, after the admin's scripts ran): 3,552 form
# controls (1,899 of them in the option grid) and 67,377 px of page height.
# test_the_whole_draft_on_one_page_had_thousands_of_controls rebuilds that page.
_CONTROL = re.compile(r'<(?:select|textarea|button)\b|<input\b(?![^>]*type="hidden")')


def controls(html):
    """Form controls a person can reach: inputs (not hidden), selects, text areas, buttons."""
    return len(_CONTROL.findall(html))


@pytest.fixture
def editor(db):
    user = make_user("clinical_lead", is_staff=True)
    user.groups.add(Group.objects.get(name="Content editors"))
    return user


@pytest.fixture
def editor_client(client, editor):
    client.force_login(editor)
    return client


@pytest.fixture
def bundled_draft():
    return import_version(parse_document(DEFAULT_FILE.read_text(encoding="utf-8")), user=None)


def change_url(version):
    return reverse("admin:aids_aidversion_change", args=[version.pk])


def part_url(version, key):
    return reverse("admin:aids_aidversion_part", args=[version.pk, key])


def grid_url(version, option):
    return reverse("admin:aids_aidversion_grid", args=[version.pk, option.pk])


def item_url(version, key, item):
    return reverse("admin:aids_aidversion_item", args=[version.pk, key, item.pk])


def item_pages(version):
    return ([item_url(version, "sections", x) for x in version.sections.all()]
            + [item_url(version, "benefits", b) for b in version.benefits.all()]
            + [item_url(version, "risks", r) for r in version.risks.all()])


def editor_pages(version):
    return ([change_url(version)] + [part_url(version, p.key) for p in PARTS]
            + [grid_url(version, o) for o in version.options.all()] + item_pages(version))


# -- the figures ----------------------------------------------------------------------


def test_the_whole_draft_on_one_page_had_thousands_of_controls(editor_client, bundled_draft, monkeypatch):
    """The editor as it was: every inline on one page, a tick-box per reference."""
    everything = Part("everything", "Everything", tuple(admin_inlines.PART_INLINES), ())
    monkeypatch.setitem(admin_parts.PART_BY_KEY, "everything", everything)
    monkeypatch.setattr(admin_inlines, "FilteredSelectMultiple",
                        lambda *a, **k: CheckboxSelectMultiple())

    html = editor_client.get(part_url(bundled_draft, "everything")).text

    assert controls(html) > 3000
    print(f"\none page for the whole draft: {controls(html)} form controls")


def test_every_editor_page_of_the_bundled_draft_keeps_to_the_budget(editor_client, bundled_draft):
    sizes = {}
    for url in editor_pages(bundled_draft):
        response = editor_client.get(url)
        assert response.status_code == 200, url
        sizes[url] = controls(response.text)

    print("\n" + "\n".join(f"{n:5} {url}" for url, n in sizes.items()))
    assert max(sizes.values()) <= FORM_CONTROL_BUDGET, sizes
    assert len(sizes) == (1 + len(PARTS) + bundled_draft.options.count()
                          + bundled_draft.sections.count() + bundled_draft.benefits.count()
                          + bundled_draft.risks.count())


def test_overview_lists_each_part_with_its_count_and_page(editor_client, bundled_draft):
    text = editor_client.get(change_url(bundled_draft)).text

    for part in PARTS:
        assert f'href="{part_url(bundled_draft, part.key)}"' in text
    assert "14 risks" in text and "30 references" in text and "49 grid answers" in text
    assert 'id="risks-group"' not in text


def test_references_are_chosen_in_one_searchable_chooser_per_item(editor_client):
    draft = make_draft()

    text = editor_client.get(item_url(draft, "risks", draft.risks.first())).text

    assert re.search(r'<select name="risks-0-references"[^>]*class="selectfilter"', text)
    assert 'class="references-choices"' not in text
    assert "admin/js/SelectFilter2.js" in text


def test_reference_choices_on_an_item_page_are_the_versions_own(editor_client):
    draft = make_draft()
    make_draft("another-aid")

    for key, item in (("risks", draft.risks.first()), ("benefits", draft.benefits.first())):
        response = editor_client.get(item_url(draft, key, item))
        for inline in response.context["inline_admin_formsets"]:
            for form in inline.formset.forms:
                assert set(form.fields["references"].queryset.values_list("version", flat=True)) == {draft.pk}


def test_sections_cite_their_references_in_the_same_chooser(editor_client):
    draft = make_draft()
    section = draft.sections.order_by("order", "pk").first()
    reference = draft.references.order_by("order", "pk").first()
    here = item_url(draft, "sections", section)
    response = editor_client.get(here)
    assert re.search(r'<select name="sections-0-references"[^>]*class="selectfilter"', response.text)
    data = change_form_data(response)
    data["sections-0-references"] = [str(reference.pk)]

    response = editor_client.post(here, data)

    assert response.status_code == 302, response.context and [
        f.errors for i in response.context["inline_admin_formsets"] for f in i.formset.forms]
    assert list(section.references.all()) == [reference]


def test_risks_part_page_is_a_short_table_with_a_page_per_risk(editor_client, bundled_draft):
    """The risks page was every risk in full (about 16,600 px in Chromium): now a
    table of what tells one risk from another, each risk in full on its own page."""
    response = editor_client.get(part_url(bundled_draft, "risks"))
    text = response.text
    risks = list(bundled_draft.risks.order_by("order", "pk"))

    assert 'name="risks-0-title"' in text and 'name="risks-0-likelihood"' in text
    assert 'name="risks-0-description"' not in text and 'name="risks-0-references"' not in text
    for risk in risks:
        assert f'href="{item_url(bundled_draft, "risks", risk)}"' in text
    page = editor_client.get(item_url(bundled_draft, "risks", risks[1])).text
    forms = [f for i in editor_client.get(item_url(bundled_draft, "risks", risks[1])).context[
        "inline_admin_formsets"] for f in i.formset.forms]
    assert [f.instance.pk for f in forms] == [risks[1].pk]
    assert 'name="risks-0-description"' in page and 'name="risks-1-title"' not in page
    assert f"2 of {len(risks)}" in page
    assert f'href="{item_url(bundled_draft, "risks", risks[0])}" rel="prev"' in page
    assert f'href="{item_url(bundled_draft, "risks", risks[2])}" rel="next"' in page
    assert 'name="risks-__prefix__-title"' not in page  # new risks are added on the table


def test_item_page_save_logs_the_change_and_returns_to_its_part(editor_client, editor):
    draft = make_draft()
    risk = draft.risks.order_by("order", "pk").first()
    response = editor_client.get(item_url(draft, "risks", risk))
    data = change_form_data(response)
    data["risks-0-time_frame"] = "Within a week"

    response = editor_client.post(item_url(draft, "risks", risk), data, follow=True)

    assert response.redirect_chain[-1][0] == part_url(draft, "risks")
    assert f'Risk “{risk.title}” of Tractotomy for severe chronic pain - draft' in response.text
    risk.refresh_from_db()
    assert risk.time_frame == "Within a week"
    entry = LogEntry.objects.get(object_id=str(draft.pk))
    assert entry.user == editor and "risk" in entry.get_change_message().lower()


def test_item_page_keeps_what_was_typed_when_a_field_is_wrong(editor_client):
    draft = make_draft()
    risk = draft.risks.order_by("order", "pk").first()
    response = editor_client.get(item_url(draft, "risks", risk))
    data = change_form_data(response)
    data.update({"risks-0-description": "Typed with care.", "risks-0-likelihood": "figure",
                 "risks-0-numerator": "", "risks-0-denominator": ""})

    response = editor_client.post(item_url(draft, "risks", risk), data)

    assert response.status_code == 200
    assert "Give the figure" in response.text and "Typed with care." in response.text
    risk.refresh_from_db()
    assert risk.description != "Typed with care."


def test_part_page_table_adds_a_risk_and_returns_to_the_overview(editor_client, editor):
    draft = make_draft()
    response = editor_client.get(part_url(draft, "risks"))
    data = change_form_data(response)
    total = int(data["risks-TOTAL_FORMS"])
    data.update({"risks-TOTAL_FORMS": str(total + 1), f"risks-{total}-order": "99",
                 f"risks-{total}-title": "A new risk", f"risks-{total}-likelihood": "unknown",
                 f"risks-{total}-unknown_reason": "No study has counted it."})

    response = editor_client.post(part_url(draft, "risks"), data, follow=True)

    assert response.redirect_chain[-1][0] == change_url(draft)
    assert "Risks of Tractotomy for severe chronic pain - draft" in response.text  # the message
    new = draft.risks.get(title="A new risk")
    assert "risk" in LogEntry.objects.get(object_id=str(draft.pk)).get_change_message().lower()
    assert editor_client.get(item_url(draft, "risks", new)).status_code == 200


def test_item_page_of_another_version_or_part_is_not_found(editor_client):
    draft, other = make_draft(), make_draft("another-aid")
    risk = other.risks.first()

    assert editor_client.get(item_url(draft, "risks", risk)).status_code == 404
    assert editor_client.get(item_url(draft, "benefits", draft.risks.first())).status_code in (200, 404)
    assert editor_client.get(item_url(draft, "values", draft.risks.first())).status_code == 404


def test_item_page_of_a_published_version_is_read_only(editor_client):
    published = make_published()
    risk = published.risks.first()

    response = editor_client.get(item_url(published, "risks", risk))

    assert response.status_code == 200
    assert 'name="risks-0-description"' not in response.text and risk.title in response.text
    assert editor_client.post(item_url(published, "risks", risk), {}).status_code == 403


def test_part_page_save_and_continue_stays_on_the_part(editor_client):
    draft = make_draft()
    response = editor_client.get(part_url(draft, "values"))
    data = change_form_data(response)
    data["_continue"] = "Save and continue editing"

    response = editor_client.post(part_url(draft, "values"), data)

    assert response.status_code == 302 and response["Location"] == part_url(draft, "values")


def test_part_page_of_a_published_version_is_read_only(editor_client):
    published = make_published()

    response = editor_client.get(part_url(published, "risks"))

    assert response.status_code == 200
    assert 'name="risks-0-title"' not in response.text
    assert editor_client.post(part_url(published, "risks"), {}).status_code == 403


def test_part_page_needs_the_admin_login(client):
    draft = make_draft()
    client.force_login(make_user("clinician"))

    response = client.get(part_url(draft, "risks"))

    assert response.status_code == 302 and "/admin/login/" in response["Location"]


def test_unknown_part_is_not_found(editor_client):
    assert editor_client.get(part_url(make_draft(), "nothing")).status_code == 404


def test_grid_page_shows_one_options_answers_and_adds_for_that_option_only(editor_client):
    draft = make_draft()
    option = draft.options.get(key="no-procedure")

    response = editor_client.get(grid_url(draft, option))

    forms = [f for i in response.context["inline_admin_formsets"] for f in i.formset.forms]
    assert {f.instance.option_id for f in forms} == {option.pk} and len(forms) == 2
    choices = response.context["inline_admin_formsets"][0].formset.empty_form.fields["option"].queryset
    assert list(choices) == [option]


def test_part_pages_queries_do_not_grow_with_content(editor_client, bundled_draft):
    small = make_draft("small-aid")
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def count(url):
        editor_client.get(url)
        with CaptureQueriesContext(connection) as queries:
            assert editor_client.get(url).status_code == 200
        return len(queries)

    for key in ("risks", "references", "options"):
        assert count(part_url(bundled_draft, key)) == count(part_url(small, key)), key
    assert count(grid_url(bundled_draft, bundled_draft.options.first())) == count(
        grid_url(small, small.options.first()))


# -- every finding links to its field ------------------------------------------------


def test_each_finding_links_to_the_field_it_is_about(editor_client):
    draft = make_draft(funding_statement="")
    risk = draft.risks.order_by("order", "pk")[1]
    type(risk).objects.filter(pk=risk.pk).update(description="We recommend this for everyone.")

    text = editor_client.get(change_url(draft)).text

    here = item_url(draft, "risks", risk)
    assert f'<a class="aids-finding-location" href="{here}#id_risks-0-description">' in text
    assert f'href="{change_url(draft)}#id_funding_statement"' in text
    risk_page = editor_client.get(here).text
    assert 'id="id_risks-0-description"' in risk_page
    assert "Directive wording" in risk_page  # the item page lists its own findings
    assert "Directive wording" in editor_client.get(part_url(draft, "risks")).text  # and its part


def test_every_finding_of_the_bundled_draft_leads_to_an_element_on_its_page(editor_client, bundled_draft):
    # The bundled aid passes its gates; give it a finding in several parts first.
    risk, benefit = bundled_draft.risks.first(), bundled_draft.benefits.first()
    risk.description += " You should have this operation."
    risk.time_frame = ""
    risk.save()
    benefit.references.clear()
    section = bundled_draft.sections.first()
    section.body += "\n\nThe team recommends it: it is the best treatment."
    section.save()
    option = bundled_draft.options.first()
    option.summary = "Most people choose this, and it is very safe."
    option.save()
    report = check_version(bundled_draft)
    assert len({f.code for f in report.findings}) >= 3
    links = finding_links(bundled_draft, report)
    assert report.findings and set(links) == set(report.findings)

    pages = {}
    for finding, url in links.items():
        page, _, anchor = url.partition("#")
        if page not in pages:
            pages[page] = editor_client.get(page).text
        assert not anchor or f'id="{anchor}"' in pages[page], (finding, url)


def test_a_missing_grid_answer_links_to_its_options_grid_page(editor_client):
    draft = make_draft()
    option = draft.options.get(key="tractotomy")
    draft.grid_answers.filter(option=option, question__key="relief").delete()

    links = finding_links(draft, check_version(draft))

    missing = [url for f, url in links.items() if f.code == "missing-grid-answer"]
    assert missing == [f"{grid_url(draft, option)}#grid_answers-group"]


# -- the diff and the preview --------------------------------------------------------


def test_word_diff_marks_removed_and_added_words():
    old, new = word_diff("Numbness is common after it.", "Numbness is expected after it.")

    assert old == [("same", "Numbness is"), ("del", " common"), ("same", " after it.")]
    assert new == [("same", "Numbness is"), ("ins", " expected"), ("same", " after it.")]
    assert "".join(t for _, t in old) == "Numbness is common after it."
    assert "".join(t for _, t in new) == "Numbness is expected after it."


def test_word_diff_compares_words_not_the_spaces_between_them():
    old, new = word_diff("In a group.", "In a  group. We recommend it.")

    assert old == [("same", "In a group.")]
    assert new == [("same", "In a  group."), ("ins", " We recommend it.")]


def test_version_diff_lists_changed_added_and_removed_items():
    published = make_published()
    draft = version_new_draft(version=published, user=None)
    first, second, third = draft.risks.order_by("order", "pk")
    type(first).objects.filter(pk=first.pk).update(description="Numbness that often lasts.")
    third.delete()
    draft.value_statements.create(version=draft, order=9, text="Being at home.")

    diff = version_diff(draft, published)

    risks = next(p for p in diff.parts if p.name == "risks")
    assert [(i.label, i.status) for i in risks.items] == [
        ("Numbness on one side of the face", "changed"), ("Stroke or death", "removed")]
    assert [f.name for f in risks.items[0].fields] == ["description"]
    values = next(p for p in diff.parts if p.name == "value_statements")
    assert [(i.label, i.status) for i in values.items] == [("Being at home.", "added")]
    assert diff.changed == 3


def test_preview_shows_the_draft_beside_the_published_version(editor_client):
    published = make_published()
    draft = version_new_draft(version=published, user=None)
    risk = draft.risks.order_by("order", "pk").first()
    type(risk).objects.filter(pk=risk.pk).update(description="Numbness that often lasts.")

    text = editor_client.get(reverse("admin:aids_aidversion_preview", args=[draft.pk])).text

    assert "This draft beside version 1 (published)" in text
    assert "<del> on one side of the face: about 20 in 100 people.</del>" in text
    assert "<ins> that often lasts.</ins>" in text


def test_overview_shows_what_changed_per_part(editor_client):
    published = make_published()
    draft = version_new_draft(version=published, user=None)
    risk = draft.risks.order_by("order", "pk").first()
    type(risk).objects.filter(pk=risk.pk).update(title="Numbness on one side of the head")

    text = editor_client.get(change_url(draft)).text

    assert "What changed since version 1 (published): 1 item" in text
    assert "<del> face</del>" in text and "<ins> head</ins>" in text


def test_preview_marks_each_flagged_phrase_where_it_stands(editor_client):
    draft = make_draft()
    risk = draft.risks.order_by("order", "pk").first()
    type(risk).objects.filter(pk=risk.pk).update(description="Numbness. We recommend the operation.")

    text = editor_client.get(reverse("admin:aids_aidversion_preview", args=[draft.pk])).text

    assert re.search(r'<mark class="aids-flag" id="flag-1" title="Directive wording: [^"]+">'
                     r"We recommend</mark> the operation", text, re.I)
    assert '<a href="#flag-1">Risk 1: "We recommend"</a>' in text
    assert "\ue000" not in text and "\ue001" not in text


def test_preview_never_takes_admin_text_as_html(editor_client):
    draft = make_draft()
    risk = draft.risks.order_by("order", "pk").first()
    type(risk).objects.filter(pk=risk.pk).update(
        description="<b>bold</b> and \ue000\ue100 stray markers; we recommend it.")

    text = editor_client.get(reverse("admin:aids_aidversion_preview", args=[draft.pk])).text

    assert "&lt;b&gt;bold&lt;/b&gt;" in text and "<b>bold</b>" not in text
    assert text.count('<mark class="aids-flag"') == 1


def test_publish_page_shows_the_report_the_ipdas_check_and_the_diff(client):
    published = make_published()
    draft = version_new_draft(version=published, user=None)
    risk = draft.risks.order_by("order", "pk").first()
    type(risk).objects.filter(pk=risk.pk).update(title="Numbness on one side of the head")
    approver = make_user("approver", is_staff=True)
    approver.groups.add(Group.objects.get(name="Content approvers"))
    client.force_login(approver)

    text = client.get(reverse("admin:aids_aidversion_publish", args=[draft.pk])).text

    assert "Quality check:" in text and "IPDAS minimum standards" in text
    assert "What changed since version 1" in text and "<ins> head</ins>" in text
    assert "You did not edit this draft: you may approve it." in text
    assert AidVersion.objects.get(pk=draft.pk).status == AidVersion.Status.DRAFT
