"""The translation editor in the admin: a draft edited part by part beside the source,
Django's permissions, messages and change log, and publishing by a second approver."""

import pytest
from django.contrib.admin.models import LogEntry
from django.contrib.auth.models import Group
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from aids.models import TranslatedText, Translation
from aids.translations import source_texts, translation_start
from factories import make_published, make_user

pytestmark = pytest.mark.django_db


def staff(username, group, **fields):
    user = make_user(username, is_staff=True, **fields)
    user.groups.add(Group.objects.get(name=group))
    return user


@pytest.fixture
def version():
    return make_published()


@pytest.fixture
def translator():
    return staff("traductora", "Content editors", first_name="Lucía", last_name="Romero")


@pytest.fixture
def approver():
    return staff("aprobador", "Content approvers", first_name="Marta", last_name="Gil")


def filled_draft(version, user):
    texts = {s.key: f"Texto traducido. {s.text}" for s in source_texts(version)}
    return translation_start(version=version, language_code="es", user=user,
                             translator_role="Qualified medical translator", texts=texts)


def part_url(translation, key):
    return reverse("admin:aids_translation_part", args=[translation.pk, key])


def test_an_editor_starts_a_translation_of_a_published_version(client, translator, version):
    client.force_login(translator)

    response = client.post(reverse("admin:aids_translation_add"), {
        "version": version.pk, "language_code": "es", "translator_role": "Medical translator"})

    translation = Translation.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("admin:aids_translation_change", args=[translation.pk])
    assert translation.translator == translator
    assert translation.texts.count() == len(source_texts(version))
    assert LogEntry.objects.filter(object_id=str(translation.pk)).exists()


def test_the_add_form_refuses_the_site_language(client, translator, version):
    client.force_login(translator)

    response = client.post(reverse("admin:aids_translation_add"), {
        "version": version.pk, "language_code": "en", "translator_role": "x"})

    assert response.status_code == 200
    assert "Select a valid choice. en is not one of the available choices." in response.content.decode()
    assert not Translation.objects.exists()


def test_a_part_page_shows_the_source_beside_each_translation_field(client, translator, version):
    draft = translation_start(version=version, language_code="es", user=translator)
    risk = version.risks.first()
    row = TranslatedText.objects.get(translation=draft, part="risks", object_id=risk.pk,
                                     field="title")
    client.force_login(translator)
    client.get(part_url(draft, "risks"))  # the session is written on the first request only

    with CaptureQueriesContext(connection) as queries:
        page = client.get(part_url(draft, "risks")).content.decode()
    with CaptureQueriesContext(connection) as grid_queries:  # many more rows, same queries
        client.get(part_url(draft, "grid"))

    assert f'<p class="aids-source-where" id="where-{row.pk}">Risk 1 &quot;{risk.title}&quot;, title</p>' in page
    assert f'<label for="id_text-{row.pk}"' in page
    assert f'name="text-{row.pk}" id="id_text-{row.pk}"' in page and 'lang="es"' in page
    assert "Not translated yet." in page  # the gate's finding, beside the field
    assert len(queries) == len(grid_queries) == 18  # one per part, whatever the number of rows


def test_saving_a_part_writes_the_texts_with_a_message_and_history(client, translator, version):
    draft = translation_start(version=version, language_code="es", user=translator)
    risk = version.risks.first()
    row = TranslatedText.objects.get(translation=draft, part="risks", object_id=risk.pk, field="title")
    client.force_login(translator)

    response = client.post(part_url(draft, "risks"), {f"text-{row.pk}": "Adormecimiento de la cara"},
                           follow=True)

    row.refresh_from_db()
    assert row.text == "Adormecimiento de la cara"
    assert "Risks: 1 text saved." in response.content.decode()
    assert row.history.latest().history_user == translator
    assert LogEntry.objects.get(object_id=str(draft.pk)).change_message == "Changed 1 text in Risks."


def test_save_and_next_goes_to_the_next_part(client, translator, version):
    draft = translation_start(version=version, language_code="es", user=translator)
    client.force_login(translator)

    response = client.post(part_url(draft, "benefits"), {"_next": "1"})

    assert response["Location"] == part_url(draft, "risks")


def test_a_text_too_long_is_refused_and_what_was_typed_is_kept(client, translator, version):
    draft = translation_start(version=version, language_code="es", user=translator)
    rows = list(TranslatedText.objects.filter(translation=draft, part="sections"))
    long_text = "palabra " * 600
    client.force_login(translator)

    response = client.post(part_url(draft, "sections"), {
        f"text-{rows[0].pk}": long_text, f"text-{rows[1].pk}": "Qué es la tractotomía"})

    page = response.content.decode()
    assert response.status_code == 200
    assert "4,800 characters: the limit is 4,000. Shorten it; nothing was saved." in page
    assert "Qué es la tractotomía</textarea>" in page and long_text.strip() in page
    assert not TranslatedText.objects.filter(translation=draft).exclude(text="").exists()


def test_a_viewer_without_change_permission_cannot_save(client, version, translator):
    draft = translation_start(version=version, language_code="es", user=translator)
    viewer = make_user("viewer", perms=["aids.view_translation"], is_staff=True)
    client.force_login(viewer)

    assert "readonly" in client.get(part_url(draft, "risks")).content.decode()
    assert client.post(part_url(draft, "risks"), {}).status_code == 403


def test_the_translator_cannot_publish_in_the_admin(client, version):
    both = staff("both", "Content approvers", first_name="Ana", last_name="Ruiz")
    draft = filled_draft(version, both)
    client.force_login(both)

    response = client.post(reverse("admin:aids_translation_publish", args=[draft.pk]),
                           {"change_note": "First Spanish."}, follow=True)

    assert "another content approver must publish it" in response.content.decode()
    draft.refresh_from_db()
    assert draft.status == Translation.Status.DRAFT


def test_a_second_approver_publishes_and_the_translation_becomes_read_only(
        client, version, translator, approver):
    draft = filled_draft(version, translator)
    client.force_login(approver)
    overview = client.get(reverse("admin:aids_translation_change", args=[draft.pk])).content.decode()
    assert "Publish this translation" in overview

    response = client.post(reverse("admin:aids_translation_publish", args=[draft.pk]), {
        "change_note": "First Spanish.",
        "justification": "The reading ease of texts that keep the source's medical words "
                         "stays below sixty, and the approver read every one of them."},
        follow=True)

    draft.refresh_from_db()
    assert draft.status == Translation.Status.PUBLISHED and draft.published_by == approver
    assert "Published:" in response.content.decode()
    page = client.get(part_url(draft, "risks")).content.decode()
    assert "Read-only: this translation is published." in page and "readonly" in page
    assert client.post(part_url(draft, "risks"), {}).status_code == 403


def test_an_editor_sees_no_publish_form(client, version, translator):
    draft = filled_draft(version, translator)
    client.force_login(translator)

    overview = client.get(reverse("admin:aids_translation_change", args=[draft.pk])).content.decode()

    assert "Publish this translation" not in overview
    assert "Texts to translate, part by part" in overview
    assert client.post(reverse("admin:aids_translation_publish", args=[draft.pk]),
                       {"change_note": "x"}).status_code == 403


def test_the_list_of_translations_runs_a_fixed_number_of_queries(client, translator, version):
    client.force_login(translator)
    translation_start(version=version, language_code="es", user=translator)
    client.get(reverse("admin:aids_translation_changelist"))
    with CaptureQueriesContext(connection) as one:
        client.get(reverse("admin:aids_translation_changelist"))
    for code in ("es", "ar", "ar"):
        translation_start(version=version, language_code=code, user=translator)

    with CaptureQueriesContext(connection) as four:
        page = client.get(reverse("admin:aids_translation_changelist")).content.decode()

    assert len(four) == len(one)
    assert page.count("العربية draft #") == 2 and "Español draft #" in page
