"""The list of steps beside every step page (aids/templatetags/walkthrough_fields.py,
written once per page): where the consultation stands, each other step one press away."""

import re

import pytest

from aids.models import Consultation
from walkthrough_support import published_aid, start_consultation, step_url

pytestmark = pytest.mark.django_db


def entries(html):
    """The first list's entries: (classes, number, what it is, its words)."""
    first = re.search(r'<ol class="step-list">(.*?)</ol>', html, re.S).group(1)
    found = []
    for classes, body in re.findall(r'<li class="([^"]+)">(.*?)</li>', first, re.S):
        number = re.search(r'step-entry-number" aria-hidden="true">([^<]*)<', body).group(1)
        kind = ("current" if 'aria-current="step"' in body else
                "button" if "<button" in body else "link" if "<a " in body else "?")
        words = re.sub(r"<[^>]+>", "", body).split()
        found.append((classes, number, kind, " ".join(words[1:])))
    return found


def test_a_step_page_lists_every_step_as_a_button_that_saves_first(clinician_client):
    published_aid()
    consultation = start_consultation(clinician_client)
    Consultation.objects.filter(pk=consultation.pk).update(skipped_topics=["criteria"])
    html = clinician_client.get(step_url(consultation, "benefits")).content.decode()

    assert html.count('<ol class="step-list">') == 2  # the phone's collapsed copy and the side list
    listed = entries(html)
    assert len(listed) == 12
    current = [e for e in listed if e[2] == "current"]
    assert current == [("step-entry is-current", current[0][1], "current", "Benefits (this step)")]
    skipped = [e for e in listed if "is-skipped" in e[0]]
    assert len(skipped) == 1 and skipped[0][1] == "&ndash;" and skipped[0][3].endswith("skipped")
    assert {e[2] for e in listed if e not in current} == {"button"}
    keys = re.findall(r'name="nav" value="goto:([a-z]+)"', html)
    assert len(keys) == 2 * 11 and "benefits" not in keys
    assert all(f'form="step-form" name="nav" value="goto:{k}"' in html for k in keys)


def test_the_review_lists_links_to_each_step(clinician_client):
    published_aid()
    consultation = start_consultation(clinician_client)
    html = clinician_client.get(step_url(consultation, "review")).content.decode()

    listed = entries(html)
    assert [e[2] for e in listed].count("current") == 1 and listed[-1][2] == "current"
    hrefs = re.findall(r'<a class="step-entry-link" href="([^"]+)">', html)
    assert len(hrefs) == 2 * 11
    from aids.vocabulary import all_steps

    steps = [s.key for s in all_steps(consultation) if s.key != "review"]  # in the walkthrough's order
    assert hrefs[:11] == [step_url(consultation, key) for key in steps]
    assert all(clinician_client.get(href).status_code == 200 for href in hrefs[:11])


def test_in_the_patients_language(clinician_client):
    published_aid()
    consultation = start_consultation(clinician_client)
    Consultation.objects.filter(pk=consultation.pk).update(language_code="es", skipped_topics=["risks"])
    html = clinician_client.get(step_url(consultation, "decision") + "?view=patient", follow=True).content.decode()
    listed = entries(html)
    assert any("(este paso)" in e[3] for e in listed if e[2] == "current")
    assert any(e[3].endswith("omitido") for e in listed if "is-skipped" in e[0])


def test_the_save_status_words_are_written_once_per_language(clinician_client, monkeypatch):
    from types import SimpleNamespace

    from django.template import Template, TemplateSyntaxError
    from django.utils import translation

    from aids.templatetags import walkthrough_fields

    published_aid()
    consultation = start_consultation(clinician_client)
    english = clinician_client.get(step_url(consultation, "benefits")).content.decode()
    assert 'data-msg-saving="Saving..."' in english and 'data-msg-saved="Saved"' in english
    with translation.override("es"):
        spanish = walkthrough_fields.once_per_language("walkthrough/partials/autosave_status.html")
    assert 'data-msg-saving="Guardando..."' in spanish and "Saving" not in spanish
    again = clinician_client.get(step_url(consultation, "benefits")).content.decode()
    assert re.search(r'<p class="autosave-status".*?</p>', again, re.S).group(0) == re.search(
        r'<p class="autosave-status".*?</p>', english, re.S).group(0)

    for words in ("{{ consultation.patient_ref }}", "{% if x %}y{% endif %}", "{% load i18n %}{% translate x %}",
                  "{% load i18n %}{% translate 'a' as b %}"):
        monkeypatch.setattr(walkthrough_fields, "get_template",
                            lambda name, words=words: SimpleNamespace(template=Template(words)))
        with pytest.raises(TemplateSyntaxError):
            walkthrough_fields.once_per_language(f"test-{words}")
