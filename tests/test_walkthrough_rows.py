"""The topic steps' rows written directly (aids/walkthrough/rows.py): a page just read
builds no form, yet writes exactly what its forms would, and an aid ten times the size
costs the rows, not ten times the page."""

import pytest
from django.test.utils import CaptureQueriesContext
from django.db import connection

from aids.consultations import consultation_start
from aids.models import ItemRecord
from aids.walkthrough import forms as wf
from aids.walkthrough.rows import Fields, SavedFields
from factories import make_published
from walkthrough_support import step_url

pytestmark = pytest.mark.django_db

AWKWARD_NOTES = ["", "plain", 'quote " and <b>tag</b> & amp\'s', "line\nbreak\r\nend", "   ",
                 "ünïcødé ✓ עברית"]
TITLES = ["Plain", 'A "quoted" <title> & more']


class Saved:
    def __init__(self, discussed, note, selected):
        self.discussed, self.note, self.selected = discussed, note, selected


@pytest.mark.parametrize("kind", list(ItemRecord.Kind))
@pytest.mark.parametrize("patient_view", [False, True])
def test_saved_fields_write_what_the_unbound_form_writes(kind, patient_view):
    prefix = "risks-17"
    for title in TITLES:
        for note in AWKWARD_NOTES:
            for ticked in (False, True):
                record = Saved(ticked, note, not ticked)
                form = wf.ItemForm(prefix=prefix, kind=kind, title=title, patient_view=patient_view,
                                   initial={"discussed": ticked, "note": note, "selected": not ticked})
                assert SavedFields(kind, patient_view)(prefix, record, title) == Fields.from_form(form, title)
        nothing = wf.ItemForm(prefix=prefix, kind=kind, title=title, patient_view=patient_view,
                              initial={"discussed": False, "note": "", "selected": False})
        assert SavedFields(kind, patient_view)(prefix, None, title) == Fields.from_form(nothing, title)


def test_a_page_just_read_builds_no_form(client, clinician, monkeypatch):
    make_published()
    consultation = consultation_start(clinician=clinician, patient_ref="P-1")
    client.force_login(clinician)
    built = []
    original = wf.ItemForm.__init__

    def counting(self, *args, **kwargs):
        built.append(kwargs.get("prefix"))
        original(self, *args, **kwargs)

    monkeypatch.setattr(wf.ItemForm, "__init__", counting)
    for key in ("benefits", "risks", "criteria", "alternatives"):
        assert client.get(step_url(consultation, key)).status_code == 200
    assert built == []
    # A posted page still validates through its forms.
    client.post(step_url(consultation, "risks"), {"revision": "0", "nav": "stay"})
    assert built


def test_a_saved_note_and_tick_come_back_on_the_page(client, clinician):
    version = make_published()
    consultation = consultation_start(clinician=clinician, patient_ref="P-1")
    risk = version.risks.first()
    client.force_login(clinician)
    page = client.get(step_url(consultation, "risks")).content.decode()
    assert f'name="risks-{risk.pk}-note"' in page and "note written" not in page
    client.post(step_url(consultation, "risks"), {
        "revision": "0", "nav": "stay", f"risks-{risk.pk}-discussed": "on",
        f"risks-{risk.pk}-note": "Worried <about> numbness & \"driving\"",
    })
    page = client.get(step_url(consultation, "risks")).content.decode()
    assert (f'<input type="checkbox" name="risks-{risk.pk}-discussed" class="form-check-input" '
            f'id="id_risks-{risk.pk}-discussed" checked>') in page
    assert "Worried &lt;about&gt; numbness &amp; &quot;driving&quot;</textarea>" in page
    assert "note written" in page


def test_rows_read_the_records_in_one_query_whatever_the_number_of_items(client, clinician):
    version = make_published()
    consultation = consultation_start(clinician=clinician, patient_ref="P-1")
    client.force_login(clinician)
    client.get(step_url(consultation, "risks"))  # warm: the version's rows are read once
    with CaptureQueriesContext(connection) as queries:
        client.get(step_url(consultation, "risks"))
    records = [q for q in queries.captured_queries if "aids_itemrecord" in q["sql"]]
    assert len(records) == 1
    assert version.risks.count() > 1


class Statement:
    def __init__(self, pk, text):
        self.pk, self.text, self.statement = pk, text, text


@pytest.mark.parametrize("text", TITLES)
def test_saved_ratings_and_answers_write_what_the_unbound_forms_write(text):
    from aids.models import UnderstandingAnswer
    from aids.templatetags.walkthrough_fields import radio_group
    from aids.vocabulary import RATING_CHOICES
    from aids.walkthrough.rows import RadioWriter

    thing = Statement(9, text)
    write = RadioWriter(RATING_CHOICES, "radios-inline radios-scale")
    for value in ["", "0", "3", "4", "not_sure"]:
        form = wf.ValueForm(prefix="value-9", initial={"rating": value}, statement=thing)
        assert write("id_value-9-rating", "value-9-rating", text, value) == radio_group(
            form["rating"], "radios-inline radios-scale")
    write = RadioWriter(UnderstandingAnswer.Answer.choices, "radios-inline")
    for value, _label in [("", "")] + list(UnderstandingAnswer.Answer.choices):
        form = wf.UnderstandingForm(prefix="understanding-9", initial={"answer": value}, question=thing)
        assert write("id_understanding-9-answer", "understanding-9-answer", text, value) == radio_group(
            form["answer"], "radios-inline")


# The summary's lists as the template loops wrote them, before they were written directly.
SUMMARY_LOOPS = """{% load i18n aid_display %}{% for t in data.all_topics %}<ul class="summary-items">
    {% for item in t.items %}
    <li>
      <span class="item-name">{% if t.key == "benefits" or t.key == "risks" %}{{ item.label }}: {{ item.obj|natural_frequency }}{% if item.obj.time_frame %} ({{ item.obj.time_frame }}){% endif %}{% else %}{{ item.label }}{% endif %}</span>
      <span class="item-status">{% if item.discussed %}{% translate "Discussed" %}{% else %}{% translate "Not marked as discussed" %}{% endif %}{% if data.sites.tailored and not item.relevant %}; {% translate 'shown under "About the other forms of the operation"' %}{% endif %}{% if t.key == "alternatives" %}; {% if item.selected %}{% translate "the patient chose to look at it" %}{% else %}{% translate "not chosen to look at" %}{% endif %}{% endif %}</span>
      {% if item.note and not patient_view %}<div class="item-note"><span class="note-label">{% if t.key == "criteria" %}{% translate "What was said" %}{% else %}{% translate "Notes" %}{% endif %}:</span> <span class="keep-lines">{{ item.note }}</span></div>{% endif %}
    </li>
    {% empty %}<li>{% translate "None in this version." %}</li>
    {% endfor %}
  </ul>{% endfor %}
{% for row in data.not_discussed %}<ul>{% for label in row.labels %}<li>{{ label }}</li>{% endfor %}</ul>{% endfor %}
<ul>{% for v in data.values %}
    <li><span class="item-name">{{ v.statement.text }}</span> <span class="rating-echo">{{ v.rating }}</span></li>
    {% endfor %}</ul>
<ul>{% for u in data.understanding %}
    <li>{{ u.question.statement }} <strong>{% if u.answered %}{% translate "Answer given:" %} {% endif %}{{ u.answer }}</strong></li>
    {% endfor %}</ul>"""

SUMMARY_TAGS = """{% load summary_lists %}{% for t in data.all_topics %}<ul class="summary-items">
    {% summary_items t data patient_view %}
  </ul>{% endfor %}
{% for row in data.not_discussed %}<ul>{{ row.labels|list_items }}</ul>{% endfor %}
<ul>{% value_items data.values %}</ul>
<ul>{% understanding_items data.understanding %}</ul>"""


@pytest.mark.parametrize("patient_view", [False, True])
def test_the_summary_lists_write_what_the_template_loops_wrote(clinician, patient_view):
    import re

    from django.template import Context, Template

    from aids.readmodel import record_data
    from browser_support import filled_consultation, load_real_aid

    load_real_aid()
    consultation = filled_consultation(clinician)
    data = record_data(consultation=consultation)
    context = {"data": data, "patient_view": patient_view}

    def squeeze(html):
        return re.sub(r"\s+", " ", html).strip()

    assert squeeze(Template(SUMMARY_TAGS).render(Context(context))) == squeeze(
        Template(SUMMARY_LOOPS).render(Context(context)))
    assert "Worried about not noticing burns." in Template(SUMMARY_TAGS).render(Context(context)) or patient_view
