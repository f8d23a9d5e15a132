"""The topic steps' rows written directly (aids/walkthrough/rows.py): a page just read
builds no form, yet writes exactly what its forms would, and an aid ten times the size
costs the rows, not ten times the page."""

import datetime

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


# The summary (review and record pages) as its templates wrote it, before it was written
# directly (walkthrough/partials/summary.html with sure_result.html inlined).
SURE_RESULT = """<div class="sure-result">
  <h3 class="h5">{{ heading }}</h3>
  {% if sure.answered %}
  <ul class="sure-answers">
    {% for letter, text, answer in sure.rows %}<li>{{ text }} <strong>{% if answer == "yes" %}{% translate "Yes" %}{% elif answer == "no" %}{% translate "No" %}{% else %}{% translate "Not answered" %}{% endif %}</strong></li>{% endfor %}
  </ul>
  {% endif %}
  {% if sure.conflict %}
  <p class="sure-conflict"><strong>{{ sure.summary }}.</strong> {% translate "This is information for both of you to talk about, not a verdict." %}</p>
  {% else %}
  <p>{{ sure.summary }}.</p>
  {% endif %}
</div>
"""
SUMMARY_TEMPLATE = """{% load i18n %}{% load aid_display summary_lists %}
<section class="summary-block" aria-labelledby="sum-details">
  <h2 id="sum-details">{% translate "The consultation" %}</h2>
  <dl class="summary-facts">
    <dt>{% translate "Patient reference" %}</dt><dd>{{ consultation.patient_ref }}</dd>
    <dt>{% translate "Record" %}</dt><dd>{{ data.record_id }}</dd>
    <dt>{% translate "Clinician" %}</dt><dd>{{ data.clinician }}</dd>
    <dt>{% translate "Started" %}</dt><dd>{{ data.started_at|date:"j F Y, H:i" }}</dd>
    <dt>{% translate "Who was present" %}</dt><dd class="keep-lines">{% if data.present %}{{ data.present|join:", " }}{% else %}{% translate "Not recorded" %}{% endif %}</dd>
    <dt>{% translate "Language" %}</dt><dd>{{ consultation.language }}</dd>
    <dt>{% translate "Where the pain is" %}</dt><dd>{{ data.sites.text }}</dd>
    <dt>{% translate "Cancer pain" %}</dt><dd>{% if consultation.cancer_pain %}{{ consultation.get_cancer_pain_display }}{% else %}{% translate "Not recorded" %}{% endif %}</dd>
    {% if data.follows %}<dt>{% translate "Earlier visit" %}</dt><dd>{{ data.follows.line }}</dd>{% endif %}
    <dt>{% translate "Content shown" %}</dt><dd>{% blocktranslate with title=data.version.title number=data.version.number %}{{ title }}, version {{ number }}{% endblocktranslate %}{% if data.version.short_digest %} {% blocktranslate with digest=data.version.short_digest %}(content digest {{ digest }}){% endblocktranslate %}{% endif %}</dd>
    <dt>{% translate "Order of topics" %}</dt><dd>{% for t in data.all_topics %}{{ t.title }}{% if t.skipped %} {% translate "(skipped)" %}{% endif %}{% if not forloop.last %}{% translate ", then " %}{% endif %}{% endfor %}</dd>
  </dl>
  <p class="summary-disclaimer">{% translate "This record summarises a discussion. It recommends no treatment." %}</p>
</section>

<section class="summary-block not-discussed" aria-labelledby="sum-not">
  <h2 id="sum-not">{% translate "Not discussed" %}</h2>
  {% for row in data.not_discussed %}
  <h3 class="h5">{{ row.heading }}</h3>
  <ul>{{ row.labels|list_items }}</ul>
  {% empty %}<p>{% translate "Every topic and every item was marked as discussed." %}</p>
  {% endfor %}
</section>

<section class="summary-block" aria-labelledby="sum-sure">
  <h2 id="sum-sure">{% translate "The SURE questions" %}</h2>
  {% translate "At the start" as at_start %}{% translate "After the discussion" as after %}
  {% with sure=data.sure_before heading=at_start %}@SURE@{% endwith %}
  {% with sure=data.sure_after heading=after %}@SURE@{% endwith %}
</section>

{% for t in data.all_topics %}
<section class="summary-block" aria-labelledby="sum-{{ t.key }}">
  <h2 id="sum-{{ t.key }}">{{ t.title }}{% if t.skipped %} <span class="tag">{% translate "skipped" %}</span>{% endif %}</h2>
  <ul class="summary-items">
    {% summary_items t data patient_view %}
  </ul>
</section>
{% endfor %}

<section class="summary-block" aria-labelledby="sum-values">
  <h2 id="sum-values">{% translate "What matters to the patient" %}</h2>
  <p>{% translate "Each consideration, with the patient's answer as given (0 = not at all, 4 = very much)." %}</p>
  <ul class="summary-items">
    {% value_items data.values %}
  </ul>
  <h3 class="h5">{% translate "In the patient's own words" %}</h3>
  {% if consultation.values_own_words %}<p class="keep-lines">{{ consultation.values_own_words }}</p>{% else %}<p>{% translate "Nothing recorded." %}</p>{% endif %}
</section>

<section class="summary-block" aria-labelledby="sum-questions">
  <h2 id="sum-questions">{% translate "Questions and understanding" %}</h2>
  {% if data.questions %}
  <ol class="summary-items">
    {% for q in data.questions %}
    <li><p class="keep-lines"><strong>{{ q.question }}</strong></p>{% if q.answer %}<p class="keep-lines">{% translate "Answer:" %} {{ q.answer }}</p>{% endif %}<p>{{ q.get_status_display }}</p></li>
    {% endfor %}
  </ol>
  {% else %}<p>{% translate "No questions recorded." %}</p>{% endif %}
  {% if data.understanding %}
  <h3 class="h5">{% translate "Checking understanding" %}</h3>
  <ul class="summary-items">
    {% understanding_items data.understanding %}
  </ul>
  {% endif %}
</section>

<section class="summary-block" aria-labelledby="sum-next">
  <h2 id="sum-next">{% translate "Next steps" %}</h2>
  <dl class="summary-facts">
    <dt>{% translate "Where the patient stands" %}</dt><dd>{% if data.position_text %}{{ data.position_text }}{% else %}{% translate "Not recorded" %}{% endif %}</dd>
    <dt>{% translate "In their own words" %}</dt><dd class="keep-lines">{% if consultation.position_words %}{{ consultation.position_words }}{% else %}{% translate "Nothing recorded" %}{% endif %}</dd>
    {% if consultation.preference_words %}<dt>{% translate "Preference stated, in the patient's words" %}</dt><dd class="keep-lines">{{ consultation.preference_words }}</dd>{% endif %}
    <dt>{% translate "Agreed next steps" %}</dt><dd class="keep-lines">{% if consultation.next_steps %}{{ consultation.next_steps }}{% else %}{% translate "Nothing recorded" %}{% endif %}</dd>
    <dt>{% translate "Follow-up date" %}</dt><dd>{% if consultation.follow_up_on %}{{ consultation.follow_up_on|date:"j F Y" }}{% else %}{% translate "None set" %}{% endif %}</dd>
  </dl>
  {% if data.open_questions_text %}<p>{% blocktranslate with questions=data.open_questions_text %}Questions still open: {{ questions }}.{% endblocktranslate %}</p>{% endif %}
</section>""".replace("@SURE@", SURE_RESULT)


@pytest.mark.parametrize("patient_view", [False, True])
@pytest.mark.parametrize("filled", [False, True])
@pytest.mark.parametrize("language", ["en-gb", "es"])
def test_the_summary_writes_what_its_templates_wrote(clinician, patient_view, filled, language):
    from django.template import Context, Template
    from django.test.html import parse_html
    from django.utils import translation

    from aids.consultations import consultation_start
    from aids.models import Consultation, PatientQuestion
    from aids.readmodel import record_data
    from browser_support import filled_consultation, load_real_aid

    load_real_aid()
    if filled:
        consultation = filled_consultation(clinician)
        Consultation.objects.filter(pk=consultation.pk).update(
            preference_words='Wants <b>"time"</b> & more', position_words="Unsure\nstill",
            follow_up_on=datetime.date(2027, 3, 4), cancer_pain="yes",
            present=["patient", "family"], present_other="A & B <c>", skipped_topics=["criteria"],
            sure_before={"sure": "yes", "understand": "no"})
        PatientQuestion.objects.create(consultation=consultation, question="Q <1>?", answer="A & 1", order=0)
        PatientQuestion.objects.create(consultation=consultation, question="Q2", order=1)
        consultation = Consultation.objects.get(pk=consultation.pk)
    else:
        consultation = consultation_start(clinician=clinician, patient_ref='P <"x"> & ünï')
    with translation.override(language):
        data = record_data(consultation=consultation)
        context = {"data": data, "consultation": consultation, "patient_view": patient_view}
        theirs = Template("{% load i18n aid_display summary_lists %}" + SUMMARY_TEMPLATE).render(Context(context))
        mine = Template("{% load summary_lists %}{% record_summary %}").render(Context(context))

    assert parse_html(mine) == parse_html(theirs), f"\nmine:\n{mine}\n\ntemplate:\n{theirs}"
    if filled:
        assert "Wants &lt;b&gt;&quot;time&quot;&lt;/b&gt; &amp; more" in mine and "Q &lt;1&gt;?" in mine
