"""The alternatives step: the option grid of the bundled aid, in the order the
patient chose the options, rendered once, nothing favouring any option."""

import io
import re

import pytest
from django.core.management import call_command

from aids.consultations import StepChanges, consultation_start, step_save
from aids.models import ItemRecord
from aids.templatetags.aid_display import grid_lead
from walkthrough_support import step_url, visible_text

pytestmark = pytest.mark.django_db


@pytest.fixture
def consultation(clinician):
    call_command("load_aid", publish_demo=True, stdout=io.StringIO())
    return consultation_start(clinician=clinician, patient_ref="Grid 1", present=["patient"])


def choose(consultation, user, *options):
    """Tick each option in turn, one save each, as the background save does."""
    for option in options:
        revision = int((consultation.step_revisions or {}).get("alternatives", 0))
        step_save(consultation=consultation, user=user, step="alternatives", revision=revision,
                  changes=StepChanges(items=[(ItemRecord.Kind.OPTION, option.pk, {"selected": True})]))
        consultation.refresh_from_db()


def column_headers(html):
    return re.findall(r'<th scope="col" role="columnheader" class="sdm-grid-option">([^<]*)</th>', html)


def test_alternatives_grid_follows_the_order_the_options_were_chosen(clinician_client, clinician, consultation):
    options = {o.key: o for o in consultation.version.options.all()}
    picked = [options["no-procedure"], options["spinal-cord-stimulation"], options["tractotomy"]]
    choose(consultation, clinician, *picked)

    html = clinician_client.get(step_url(consultation, "alternatives")).content.decode()

    assert column_headers(html) == [o.name for o in picked]
    assert "In the order the patient chose them. The order does not rank them." in visible_text(html)


def test_alternatives_grid_shows_every_option_in_the_aids_order_before_any_is_chosen(
        clinician_client, consultation):
    html = clinician_client.get(step_url(consultation, "alternatives")).content.decode()

    # Every option, one activation away (a closed disclosure), in the aid's own order.
    assert column_headers(html) == [o.name for o in consultation.version.options.all()]
    assert re.search(r'<details class="sources-block">\s*<summary>Show all 7 options side by side</summary>',
                     html)
    assert "The order does not rank them." in visible_text(html)


def test_alternatives_grid_with_seven_options_is_rendered_once_in_parts_of_three(
        clinician_client, clinician, consultation):
    options = list(consultation.version.options.all())
    choose(consultation, clinician, *reversed(options))

    html = clinician_client.get(step_url(consultation, "alternatives")).content.decode()

    assert html.count("<table") == 3  # 3 + 2 + 2 columns
    assert column_headers(html) == [o.name for o in reversed(options)]
    texts = [a.text for a in consultation.version.grid_answers.all()] + [o.summary for o in options]
    leads = [grid_lead(text)[0] for text in texts]
    for lead in leads:  # once each: not a table and a set of cards as well
        assert html.count(f'<p class="sdm-grid-lead">{lead}</p>') == leads.count(lead)
    assert "option-card" not in html
    assert 'class="sdm-band-3-of-3"' not in html and "sdm-band-2-of-3" in html


def test_alternatives_grid_sources_link_to_one_list_of_them(clinician_client, clinician, consultation):
    options = {o.key: o for o in consultation.version.options.all()}
    choose(consultation, clinician, options["cordotomy"])

    html = clinician_client.get(step_url(consultation, "alternatives")).content.decode()

    cited = {r.key for a in consultation.version.grid_answers.filter(option__key="cordotomy")
             for r in a.references.all()}
    listed = set(re.findall(r'<li id="ref-([a-z0-9-]+)">', html))
    assert listed == {key.lower() for key in cited}
    assert {m.lower() for m in re.findall(r'href="#ref-([a-z0-9-]+)"', html)} <= listed
    assert ' title="' not in html[html.index('id="grid-heading"'):html.index('id="sources-heading"')]
