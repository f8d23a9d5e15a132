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


# The heading and the buttons of a step page as step_base.html wrote them with template
# tags; {% step_heading %} and {% step_actions %} write them in Python.
OLD_HEADING = (
    '{% load i18n %}<h1 class="step-title" tabindex="-1" data-focus-start><span class="step-number">'
    '{% blocktranslate with number=number|default:"-" %}Step {{ number }} of {{ total }}{% endblocktranslate %}'
    '</span> {{ step.title }}</h1>\n    {% if is_skipped %}\n    <div class="alert alert-info">{% translate '
    "'The patient chose to skip this topic. It is listed on the record as not discussed. To include it, "
    "change the choice on the \"Choose topics\" page.' %}</div>\n    {% endif %}")
OLD_ACTIONS = (
    '{% load i18n walkthrough_fields %}<div class="step-actions">\n'
    '        {% if previous %}<button type="submit" name="nav" value="back" class="btn btn-outline-primary btn-lg">'
    '{% translate "Back" %}<span class="visually-hidden">: {{ previous.title }}</span></button>{% endif %}\n'
    '        {% if page.has_forms %}<button type="submit" name="nav" value="stay" class="btn btn-outline-secondary '
    'btn-lg">{% translate "Save" %}</button>{% endif %}\n'
    '        {% if following %}<button type="submit" name="nav" value="next" class="btn btn-primary btn-lg">'
    '{% blocktranslate with title=following.title %}Next: {{ title }}{% endblocktranslate %}</button>{% endif %}\n'
    '      </div>\n      {% if page.has_forms %}{% once_per_language "walkthrough/partials/autosave_status.html" %}'
    '{% endif %}')


@pytest.mark.parametrize("language", ["en-gb", "es"])
@pytest.mark.parametrize("number, skipped, previous, following, has_forms", [
    (3, False, True, True, True), (None, True, True, True, False), (1, False, False, True, True),
    (12, False, True, False, False), (2, True, False, False, True),
])
def test_the_heading_and_buttons_are_what_the_template_wrote(language, number, skipped, previous,
                                                            following, has_forms):
    from types import SimpleNamespace

    from django.template import Context, Template
    from django.test.html import parse_html
    from django.utils import translation

    from aids.vocabulary import STEPS

    step = SimpleNamespace(title='Risks & "harms" <b>')  # a version's own words, escaped
    context = {
        "number": number, "total": 11, "step": step, "is_skipped": skipped,
        "previous": STEPS["benefits"] if previous else None,
        "following": STEPS["criteria"] if following else None,
        "page": SimpleNamespace(has_forms=has_forms),
    }
    with translation.override(language):
        for old, new in ((OLD_HEADING, "{% load walkthrough_frame %}{% step_heading %}"),
                         (OLD_ACTIONS, "{% load walkthrough_frame %}{% step_actions %}")):
            theirs = Template(old).render(Context(context))
            mine = Template(new).render(Context(context))
            assert parse_html(mine) == parse_html(theirs), f"\nmine:\n{mine}\n\ntemplate:\n{theirs}"
        heading = Template("{% load walkthrough_frame %}{% step_heading %}").render(Context(context))
    assert "Risks &amp; &quot;harms&quot; &lt;b&gt;</h1>" in heading
    assert ("Step " in heading) == (language == "en-gb")  # the catalogue's words
