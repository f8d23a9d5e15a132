"""The patient's view of the shared screen: the clinician's account and finalize
controls are left out of the page (not hidden with CSS); the switch back stays."""

import pytest
from django.urls import reverse

from aids.vocabulary import STEPS
from walkthrough_support import published_aid, start_consultation, step_url, visible_text

pytestmark = pytest.mark.django_db


def switch(client, consultation, view):
    response = client.get(f"{step_url(consultation, 'start')}?view={view}")
    assert response.status_code == 302


def pages(consultation):
    urls = [step_url(consultation, key) for key in STEPS]
    return urls + [reverse("consultation_finalize_confirm", args=[consultation.pk])]


def clinician_controls(html):
    """Which of the clinician's controls the page's HTML holds."""
    found = []
    if reverse("logout") in html or "Log out" in html:
        found.append("log out")
    if reverse("password_change") in html:
        found.append("password")
    if "Finalize record" in html or 'name="confirm"' in html:
        found.append("finalize")
    if f'href="{reverse("home")}"' in html:
        found.append("consultation list")
    return found


@pytest.fixture
def consultation(clinician_client):
    published_aid()
    return start_consultation(clinician_client)


def test_patient_view_pages_leave_out_log_out_password_and_finalize(clinician_client, consultation):
    switch(clinician_client, consultation, "patient")

    for url in pages(consultation):
        response = clinician_client.get(url)
        html = response.content.decode()
        assert response.status_code == 200, url
        assert 'class="walkthrough patient-view"' in html, url
        assert clinician_controls(html) == [], url
        assert "Switch to clinician view" in visible_text(html), url


def test_clinician_view_pages_show_log_out_and_password(clinician_client, consultation):
    switch(clinician_client, consultation, "clinician")

    for url in pages(consultation):
        html = clinician_client.get(url).content.decode()
        assert {"log out", "password", "consultation list"} <= set(clinician_controls(html)), url
        assert "Switch to patient view" in visible_text(html), url
    review = clinician_client.get(step_url(consultation, "review")).content.decode()
    confirm = clinician_client.get(reverse("consultation_finalize_confirm", args=[consultation.pk]))
    assert "finalize" in clinician_controls(review)
    assert "Finalize the record now" in visible_text(confirm.content.decode())


def test_patient_view_confirmation_says_where_finalizing_is_done(clinician_client, consultation):
    switch(clinician_client, consultation, "patient")

    response = clinician_client.get(reverse("consultation_finalize_confirm", args=[consultation.pk]))

    text = visible_text(response.content.decode())
    assert "The record is finalized in the clinician's view." in text
    assert "Finalize the record now" not in text


def test_switching_back_from_the_patient_view_brings_the_controls_back(clinician_client, consultation):
    switch(clinician_client, consultation, "patient")
    review = step_url(consultation, "review")

    back = clinician_client.get(f"{review}?view=clinician")
    html = clinician_client.get(review).content.decode()

    assert back.url == review
    assert "Log out dr_amal" in visible_text(html)
    assert "finalize" in clinician_controls(html)
