"""The public reading-at-home page of a published aid version (aids/public/views.py):
no login, no patient data, no cookie, the walkthrough's layers, cacheable."""

import pytest
from django.contrib.sessions.models import Session
from django.urls import reverse

from aids.models import SiteSettings
from aids.public_links import reading_url
from aids.publishing import version_new_draft, version_publish
from factories import make_approver, make_published, make_recorded_consultation

pytestmark = pytest.mark.django_db


def page_url(version):
    return reverse("public_aid", args=[version.aid.slug, version.number])


def test_public_page_address_is_short_and_names_the_version():
    version = make_published()
    assert page_url(version) == f"/a/tractotomy/{version.number}/"


def test_public_page_opens_without_login_and_sets_no_cookie(client):
    version = make_published()
    response = client.get(page_url(version))
    assert response.status_code == 200
    assert "Set-Cookie" not in response.headers
    assert not response.cookies
    assert Session.objects.count() == 0
    assert b"csrfmiddlewaretoken" not in response.content


def test_public_page_shows_every_part_in_layers(client):
    version = make_published()
    html = client.get(page_url(version)).content.decode()
    assert version.decision in html
    for benefit in version.benefits.all():
        assert f'id="item-{benefit.pk}"' in html
        assert benefit.title in html
    for risk in version.risks.all():
        assert risk.title in html
    for criterion in version.criteria.all():
        assert criterion.statement in html
    for option in version.options.all():
        assert option.name in html
    for section in version.sections.all():
        assert section.heading in html
    assert html.count('<details class="layer-detail"') == (
        version.benefits.count() + version.risks.count() + version.criteria.count()
        + version.sections.count())
    assert version.references.first().title in html
    # Nothing of the walkthrough's controls: no form at all.
    assert "<form" not in html and "<input" not in html


def test_public_page_holds_no_patient_data_even_for_a_logged_in_clinician(clinician, clinician_client):
    consultation = make_recorded_consultation(clinician, final=True)
    version = consultation.version
    html = clinician_client.get(page_url(version)).content.decode()
    assert consultation.patient_ref not in html
    assert consultation.record_id not in html
    assert clinician.username not in html
    assert "Log out" not in html
    assert "Will it hurt?" not in html  # the recorded question


def test_public_page_is_cacheable_with_an_etag_and_answers_304(client):
    version = make_published()
    first = client.get(page_url(version))
    assert "public" in first["Cache-Control"] and "max-age=3600" in first["Cache-Control"]
    assert "no-store" not in first["Cache-Control"]
    etag = first["ETag"]
    assert version.digest[:32] in etag
    again = client.get(page_url(version), HTTP_IF_NONE_MATCH=etag)
    assert again.status_code == 304
    assert not again.content


def test_public_page_of_a_draft_or_unknown_number_is_404(client):
    version = make_published()
    approver = make_approver()
    draft = version_new_draft(version=version, user=approver)
    assert client.get(f"/a/tractotomy/{version.number + 1}/").status_code == 404
    assert client.get("/a/no-such-aid/1/").status_code == 404
    assert draft.number is None


def test_older_version_stays_as_printed_and_points_to_the_newer(client):
    version = make_published()
    before = client.get(page_url(version))["ETag"]
    editor, approver = make_approver(), make_approver()
    draft = version_new_draft(version=version, user=editor)
    newer = version_publish(version=draft, user=approver, change_note="Second version.")
    old_etag = client.get(page_url(version))["ETag"]
    assert old_etag != before  # the page now names the newer version: caches must ask again
    assert client.get(page_url(version), HTTP_IF_NONE_MATCH=before).status_code == 200
    html = client.get(page_url(version)).content.decode()
    assert f"version {newer.number}" in html and page_url(newer) in html
    newer_html = client.get(page_url(newer)).content.decode()
    assert "A newer version" not in newer_html
    assert old_etag != client.get(page_url(newer))["ETag"]


def test_public_page_queries_are_bounded(client, django_assert_max_num_queries):
    version = make_published()
    with django_assert_max_num_queries(18):
        client.get(page_url(version))


def test_reading_url_needs_the_base_url_setting():
    version = make_published()
    assert reading_url(version) == ""
    SiteSettings(public_base_url="https://sdm.hospital.example/").save()
    assert reading_url(version) == f"https://sdm.hospital.example/a/tractotomy/{version.number}/"


def test_administrator_sets_the_public_address_in_site_settings(admin_client):
    response = admin_client.post("/admin/aids/sitesettings/add/", {
        "team_name": "Pain team", "contact_details": "", "questions_later": "",
        "public_base_url": "not an address", "collaborate_link_days": "0"})
    assert response.status_code == 200  # refused, with what was typed kept
    html = response.content.decode()
    assert "Enter a valid URL." in html and 'value="not an address"' in html
    assert "Ensure this value is greater than or equal to 1." in html
    admin_client.post("/admin/aids/sitesettings/add/", {
        "team_name": "Pain team", "contact_details": "", "questions_later": "",
        "public_base_url": "https://sdm.hospital.example", "collaborate_link_days": "2"})
    site = SiteSettings.current()
    assert (site.public_base_url, site.collaborate_link_days) == ("https://sdm.hospital.example", 2)


def test_public_pages_use_no_directive_wording(client, clinician):
    from aids.collaborate import invite_issue
    from aids.wording import find_directive_wording
    from walkthrough_support import visible_text

    consultation = make_recorded_consultation(clinician, final=True)
    pages = [client.get(page_url(consultation.version)).content.decode()]
    token = invite_issue(consultation=consultation)
    path = reverse("collaborate", args=[token])
    pages.append(client.get(path).content.decode())
    pages.append(client.post(path, {"understand": "3"}).content.decode())  # with its errors
    pages.append(client.post(path, {"understand": "3", "listen": "4", "include": "5"}).content.decode())
    pages.append(client.get(path).content.decode())  # used
    # CollaboRATE's third item ("...what matters most to you in choosing what to do next?")
    # trips the "most people choose" pattern of aids/wording.py; it recommends nothing and
    # its licence allows no change, so its published items are left out of the scan.
    from aids.collaborate import ITEMS

    for html in pages:
        text = visible_text(html)
        for _key, item in ITEMS:
            text = text.replace(item, " ")
        assert find_directive_wording(text) == []
