"""The walkthrough's forms written directly ({% form_fields %}, aids/templatetags/
form_fields.py) are the HTML crispy-forms writes, in every state a page shows them:
empty, filled, and posted with errors."""

import datetime
from types import SimpleNamespace

import pytest
from django.template import Context, Template
from django.test.html import parse_html

from aids.walkthrough import forms as wf
from factories import make_published

AWKWARD = 'quote " and <b>tag</b> & amp\'s ünïcødé\nline'
CRISPY = Template("{% load crispy_forms_tags %}{% crispy form %}")
MINE = Template("{% load form_fields %}{% form_fields form %}")


def same_html(make):
    """``make()`` twice (crispy changes a form's widgets as it renders it)."""
    theirs = CRISPY.render(Context({"form": make()}))
    mine = MINE.render(Context({"form": make()}))
    assert parse_html(mine) == parse_html(theirs), f"\nmine:\n{mine}\n\ncrispy:\n{theirs}"
    return mine


def posted(form):
    form.is_valid()
    return form


EARLIER = [SimpleNamespace(pk=7, finalized_at=datetime.datetime(2026, 3, 4, 12, tzinfo=datetime.UTC),
                           created_at=None, record_id="R-7",
                           version=SimpleNamespace(title="Tractotomy <x>", number=2))]


@pytest.mark.django_db
@pytest.mark.parametrize("starting", [False, True])
@pytest.mark.parametrize("earlier", [[], EARLIER])
def test_the_start_form(starting, earlier):
    version = make_published()
    kwargs = {"version": version, "earlier": earlier, "starting": starting}
    same_html(lambda: wf.StartForm(**kwargs))
    same_html(lambda: wf.StartForm(initial={"patient_ref": AWKWARD, "present": ["patient", "family"],
                                            "language": AWKWARD, "cancer_pain": "no"}, **kwargs))
    bad = {"patient_ref": "", "present": ["nobody"], "cancer_pain": "zz", "follow_up_of": "1",
           "language": "", "pain_sites": ["nowhere"], "present_other": AWKWARD}
    html = same_html(lambda: posted(wf.StartForm(data=bad, **kwargs)))
    assert "is-invalid" in html and 'aria-invalid="true"' in html
    good = {"patient_ref": "A-1", "present": ["patient"], "language": "English", "cancer_pain": "yes",
            "follow_up_of": "new"}
    same_html(lambda: posted(wf.StartForm(data=good, **kwargs)))


def test_the_start_form_without_an_aid():
    same_html(lambda: wf.StartForm(version=None, starting=True))


def test_the_next_steps_form():
    same_html(wf.NextStepsForm)
    same_html(lambda: wf.NextStepsForm(initial={"positions": ["preference", "undecided"], "next_steps": AWKWARD,
                                                "position_words": AWKWARD,
                                                "follow_up_on": datetime.date(2027, 1, 2)}))
    html = same_html(lambda: posted(wf.NextStepsForm(data={"positions": ["preference"],
                                                           "follow_up_on": "not a date"})))
    assert "write it in their own words" in html and "Enter a valid date" in html
    html = same_html(lambda: posted(wf.NextStepsForm(data={"positions": ["undecided", "no such"]})))
    assert "no such is not one of the available choices" in html


def test_the_own_words_addendum_and_reason_forms():
    for form in (wf.OwnWordsForm, wf.AddendumForm, wf.ReasonForm):
        same_html(form)
        same_html(lambda form=form: posted(form(data={})))
    same_html(lambda: wf.OwnWordsForm(initial={"values_own_words": AWKWARD}))
    same_html(lambda: posted(wf.AddendumForm(data={"text": "x" * 60_000})))


def test_one_checkbox_as_the_topic_cards_show_it():
    topics = [SimpleNamespace(key="benefits", title="Benefits <b>"), SimpleNamespace(key="risks", title="Risks")]
    crispy = Template("{% load crispy_forms_tags %}{{ form.skip_benefits|as_crispy_field }}")
    mine = Template("{% load form_fields %}{% form_field form.skip_benefits %}")
    for data in (None, {"skip_benefits": "on"}):
        theirs = crispy.render(Context({"form": wf.TopicsForm(data, topics=topics)}))
        written = mine.render(Context({"form": wf.TopicsForm(data, topics=topics)}))
        assert parse_html(written) == parse_html(theirs)
        assert ("checked" in written) == bool(data)


MANAGEMENT = Template("{% load walkthrough_fields %}{% management_form formset %}")


@pytest.mark.parametrize("data, damaged", [
    (None, False),
    ({"questions-TOTAL_FORMS": "2", "questions-INITIAL_FORMS": "1", "questions-MIN_NUM_FORMS": "0",
      "questions-MAX_NUM_FORMS": "200"}, False),
    ({"questions-TOTAL_FORMS": "2", "questions-INITIAL_FORMS": "0"}, False),
    ({"questions-TOTAL_FORMS": 'x" <b>', "questions-INITIAL_FORMS": "0"}, True),
    ({}, True),
], ids=["unbound", "posted", "posted without the optional two", "damaged", "missing"])
def test_the_management_form_is_what_django_writes(data, damaged):
    def make():
        return wf.QuestionFormSet(data, prefix="questions")

    theirs = str(make().management_form)
    mine = MANAGEMENT.render(Context({"formset": make()}))

    assert parse_html(mine) == parse_html(theirs), f"\nmine:\n{mine}\n\ndjango:\n{theirs}"
    assert ("errorlist" in mine) == damaged  # a damaged post shows Django's messages


# The topic cards as the template loop wrote them, before they were written directly.
CARDS_LOOP = """{% load i18n form_fields %}  {% for card in cards %}
  <li class="topic-card" data-topic="{{ card.step.key }}" data-title="{{ card.step.title }}">
    
    <h2 class="topic-card-title" id="card-{{ card.step.key }}" tabindex="-1">{{ card.step.title }}</h2>
    <p>{{ card.summary }}</p>
    {% form_field card.field %}
    <div class="topic-card-moves">
      <button type="submit" name="move" value="up:{{ card.step.key }}" data-move="up" class="btn btn-outline-secondary"{% if card.first %} disabled{% endif %}>{% translate "Move up" %}<span class="visually-hidden">: {{ card.step.title }}</span></button>
      <button type="submit" name="move" value="down:{{ card.step.key }}" data-move="down" class="btn btn-outline-secondary"{% if card.last %} disabled{% endif %}>{% translate "Move down" %}<span class="visually-hidden">: {{ card.step.title }}</span></button>
    </div>
  </li>
  {% endfor %}"""


@pytest.mark.django_db
@pytest.mark.parametrize("posted", [False, True])
def test_the_topic_cards_are_what_the_loop_wrote(clinician, posted):
    from aids.consultations import consultation_start
    from aids.walkthrough.pages import PAGES

    version = make_published()
    consultation = consultation_start(clinician=clinician, patient_ref="P-1", aid_slug=version.aid.slug)
    data = {"topics-order": "risks,benefits", "topics-skip_criteria": "on"} if posted else None
    page = PAGES["topics"](consultation, data=data)
    if posted:
        page.is_valid()
    cards = page.context()["cards"]
    theirs = Template(CARDS_LOOP).render(Context({"cards": cards}))
    mine = Template("{% load form_fields %}{% topic_cards cards %}").render(Context({"cards": cards}))

    assert parse_html(mine) == parse_html(theirs), f"\nmine:\n{mine}\n\nloop:\n{theirs}"
    assert mine.count('class="topic-card"') == 4 and mine.count(" disabled") == 2
    assert (" checked" in mine) == posted  # the skipped topic ticked
