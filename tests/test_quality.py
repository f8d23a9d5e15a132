"""aids.quality: every gate fires on a bad example and stays quiet on a good one;
the IPDAS self-check follows the content and the reviewer's ticks."""

import dataclasses
import datetime
import json
import re
from pathlib import Path

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from aids.interchange import import_version
from aids.models import Benefit, GridAnswer, GridQuestion, Option, Risk
from aids.quality import (
    ERROR,
    WARNING,
    Finding,
    QualityReport,
    check_version,
    mentions_figure,
)
from aids.ipdas import ipdas_checklist
from factories import make_draft

pytestmark = pytest.mark.django_db

BUNDLED = Path(__file__).resolve().parent.parent / "aids" / "content" / "tractotomy.json"
TODAY = datetime.date(2026, 6, 1)
HARD_TEXT = (
    "Stereotactic mesencephalotomy necessitates intraoperative neurophysiological "
    "localisation, considerable anaesthetic collaboration, postoperative "
    "observation in specialised neurosurgical facilities, and comprehensive "
    "multidisciplinary deliberation regarding anticipated complications."
)
PLAIN_TEXT = (
    "You stay in hospital for a few days. A nurse checks on you. You can eat and "
    "drink the next day. Most people go home after two or three days. Someone can "
    "bring you home."
)


# -- helpers -------------------------------------------------------------------------


def check(version):
    return check_version(version, today=TODAY)


def only(report, code):
    return [f for f in report.findings if f.code == code]


def first(version, relation):
    return getattr(version, relation).order_by("order", "pk").first()


def edit(obj, **fields):
    for name, value in fields.items():
        setattr(obj, name, value)
    obj.save()
    return obj


def ipdas(version):
    return {item.key: item for item in ipdas_checklist(version)}


def add_recovery_question(version, *, answer_all=True):
    question = GridQuestion.objects.create(
        version=version, key="recovery", text="What is recovery like?", order=99
    )
    options = list(version.options.all())
    for option in options if answer_all else options[:-1]:
        GridAnswer.objects.create(
            version=version, option=option, question=question, text="A few weeks of rest."
        )
    return question


def grow(version, n):
    """Add n of every kind of part (with references), to test query counts."""
    ref = first(version, "references")
    for i in range(n):
        for model in (Benefit, Risk):
            part = model.objects.create(
                version=version, title=f"Extra {i}", description="About 5 in 100 people.",
                numerator=5, denominator=100, time_frame="In the first month", order=100 + i,
            )
            part.references.add(ref)
        option = Option.objects.create(version=version, key=f"extra-{i}", name=f"Extra {chr(65 + i)}")
        for question in version.grid_questions.all():
            answer = GridAnswer.objects.create(
                version=version, option=option, question=question, text="About 5 in 100."
            )
            answer.references.add(ref)
        version.sections.create(heading=f"Extra {i}", body="More about it.")
        version.criteria.create(statement=f"Extra {chr(65 + i)}")  # no digit: not a figure
        version.value_statements.create(text=f"Extra {chr(65 + i)}")
        version.understanding_questions.create(
            statement=f"Extra {i}", correct_answer="true", explanation="Yes."
        )


# -- the good example ----------------------------------------------------------------


def test_check_version_on_a_clean_draft_finds_nothing():
    draft = make_draft()

    report = check(draft)

    assert report.findings == []
    assert not report.has_errors


def test_report_lists_errors_then_warnings_as_frozen_findings():
    report = QualityReport()
    report.add(WARNING, "missing-funding", "The funding statement is missing.", "About this aid")
    report.add(ERROR, "directive-wording", "Directive wording.", "Introduction")

    assert report.has_errors and report.has_warnings
    assert [f.code for f in report.findings] == ["directive-wording", "missing-funding"]
    with pytest.raises(dataclasses.FrozenInstanceError):
        report.errors[0].code = "other"
    assert report.errors[0] == Finding(ERROR, "directive-wording", "Directive wording.", "Introduction")


# -- directive wording ----------------------------------------------------------------

VERSION_FIELDS = [
    ("decision", "The decision"),
    ("audience", "Who this aid is for"),
    ("intro", "Introduction"),
    ("unknowns", "What we don't know"),
]
PART_FIELDS = [
    ("sections", "heading", 'Section 1 "We recommend it", heading'),
    ("sections", "body", 'Section 1 "What tractotomy is", text'),
    ("benefits", "title", 'Benefit 1 "We recommend it", title'),
    ("benefits", "description", 'Benefit 1 "Less pain", description'),
    ("benefits", "time_frame", 'Benefit 1 "Less pain", time frame'),
    ("benefits", "certainty_note", 'Benefit 1 "Less pain", note on certainty'),
    ("benefits", "unknown_reason", 'Benefit 1 "Less pain", why the figure is not known'),
    ("risks", "title", 'Risk 1 "We recommend it", title'),
    ("risks", "description", 'Risk 1 "Numbness on one side of the face", description'),
    ("risks", "time_frame", 'Risk 1 "Numbness on one side of the face", time frame'),
    ("risks", "certainty_note", 'Risk 1 "Numbness on one side of the face", note on certainty'),
    ("risks", "unknown_reason", 'Risk 1 "Numbness on one side of the face", why the figure is not known'),
    ("criteria", "statement", 'Criterion 1 "We recommend it", statement'),
    ("criteria", "explanation", 'Criterion 1 "The pain is severe and on one side of the body.", explanation'),
    ("options", "name", 'Option 1 "We recommend it", name'),
    ("options", "summary", 'Option 1 "Tractotomy", summary'),
    ("grid_questions", "text", 'Grid question 1 "We recommend it"'),
    ("grid_answers", "text", 'Grid answer "Tractotomy" / "What does it involve?"'),
    ("value_statements", "text", 'Value statement 1 "We recommend it"'),
    ("understanding_questions", "statement", 'Understanding question 1 "We recommend it", statement'),
    ("understanding_questions", "explanation",
     'Understanding question 1 "Having no procedure is one of the options.", explanation'),
]


@pytest.mark.parametrize("field, location", VERSION_FIELDS)
def test_directive_wording_in_a_version_text_is_an_error(field, location):
    draft = make_draft(**{field: "We recommend it"})

    report = check(draft)

    (finding,) = only(report, "directive-wording")
    assert finding.level == ERROR
    assert finding.location == location
    assert '"We recommend" (recommends or advises)' in finding.message


@pytest.mark.parametrize("relation, field, location", PART_FIELDS)
def test_directive_wording_in_any_part_text_is_an_error(relation, field, location):
    draft = make_draft()
    edit(first(draft, relation), **{field: "We recommend it"})

    report = check(draft)

    assert [f.location for f in only(report, "directive-wording")] == [location]
    assert report.has_errors


def test_directive_wording_gives_one_finding_per_text_naming_every_phrase():
    draft = make_draft(intro="You should decide now. It is the best option. Don't wait.")

    report = check(draft)

    (finding,) = only(report, "directive-wording")
    assert '"You should"' in finding.message
    assert '"best option"' in finding.message
    assert "\"Don't wait\"" in finding.message


def test_disclaimers_in_content_are_not_directive_wording():
    draft = make_draft(
        intro="This aid informs and records a discussion. It does not recommend any treatment.\n\n"
        "There is no best option: it depends on what matters to you.",
        unknowns="Discussion record - not a recommendation",
    )

    report = check(draft)

    assert only(report, "directive-wording") == []


# -- figures and references -----------------------------------------------------------


@pytest.mark.parametrize("relation, location, figure", [
    ("benefits", 'Benefit 1 "Less pain"', "About 70 in 100 people"),
    ("risks", 'Risk 1 "Numbness on one side of the face"', "About 20 in 100 people"),
])
def test_a_figure_without_a_reference_is_an_error(relation, location, figure):
    draft = make_draft()
    first(draft, relation).references.clear()

    report = check(draft)

    (finding,) = only(report, "figure-without-reference")
    assert finding.level == ERROR
    assert finding.location == location
    assert figure in finding.message


def test_a_grid_answer_giving_a_figure_without_a_reference_is_an_error():
    draft = make_draft()
    answer = draft.grid_answers.get(option__key="tractotomy", question__key="relief")
    answer.references.clear()

    report = check(draft)

    (finding,) = only(report, "figure-without-reference")
    assert finding.location == 'Grid answer "Tractotomy" / "How many people get less pain?"'


def test_a_grid_answer_without_a_figure_needs_no_reference():
    draft = make_draft()
    answer = draft.grid_answers.get(option__key="no-procedure", question__key="involves")

    report = check(draft)

    assert answer.references.count() == 0
    assert only(report, "figure-without-reference") == []


@pytest.mark.parametrize("text", [
    "About 80 in 100 people.",
    "Relief in 85% of people.",
    "Success in 85 per cent.",
    "About one in three people.",
    "8 of 12 people had no pain.",
    "Most people stay 3 to 5 days.",
    "Worked for 2.1 in 100.",
])
def test_mentions_figure_finds_statistics(text):
    assert mentions_figure(text)


@pytest.mark.parametrize("text", [
    "An operation and a few days in hospital.",
    "Described in 1987 [R2] and again (2019).",
    "Cited as [T1] and [C3].",
    "",
])
def test_mentions_figure_ignores_text_without_statistics(text):
    assert not mentions_figure(text)


def test_benefits_and_risks_with_different_denominators_are_an_error():
    draft = make_draft()
    risk = edit(first(draft, "risks"), numerator=200, denominator=1000)

    report = check(draft)

    (finding,) = only(report, "mixed-denominators")
    assert finding.level == ERROR
    assert "100 (Benefit 1" in finding.message
    assert f'1000 (Risk 1 "{risk.title}")' in finding.message


def test_an_outcome_without_figure_or_reason_is_an_error():
    draft = make_draft()
    benefit = edit(first(draft, "benefits"), numerator=None, denominator=None, unknown_reason="")

    report = check(draft)

    (finding,) = only(report, "missing-figure-reason")
    assert finding.location == f'Benefit 1 "{benefit.title}"'
    assert only(report, "figure-without-reference") == []


def test_an_outcome_without_figure_but_with_a_reason_is_fine():
    draft = make_draft()
    edit(first(draft, "risks"), numerator=None, denominator=None,
         unknown_reason="Not known from the studies we have.")

    report = check(draft)

    assert report.findings == []


# -- the option grid ------------------------------------------------------------------


# -- time frames, section sources, forms ----------------------------------------------


@pytest.mark.parametrize("relation, kind", [("benefits", "Benefit"), ("risks", "Risk")])
def test_a_likelihood_without_a_time_frame_is_an_error(relation, kind):
    draft = make_draft()
    item = edit(first(draft, relation), time_frame="  ")

    (finding,) = only(check(draft), "missing-time-frame")

    assert finding.level == ERROR
    assert finding.location == f'{kind} 1 "{item.title}", time frame'
    assert '"About ' in finding.message and "no time frame is known" in finding.message


def test_a_time_frame_saying_none_is_known_is_accepted():
    draft = make_draft()
    edit(first(draft, "risks"), time_frame="No time frame is known from the studies we have")

    assert only(check(draft), "missing-time-frame") == []


def test_a_figure_in_a_section_without_references_is_an_error():
    draft = make_draft()
    section = edit(first(draft, "sections"), body="One UK centre says people stay 3 to 5 days.")

    (finding,) = only(check(draft), "figure-without-reference")

    assert finding.level == ERROR
    assert finding.location == f'Section 1 "{section.heading}", text'

    section.references.add(first(draft, "references"))
    assert only(check(draft), "figure-without-reference") == []


@pytest.mark.parametrize("relation, field, location", [
    ("criteria", "explanation", 'Criterion 1 "{}", explanation'),
    ("options", "summary", 'Option 1 "{}", summary'),
])
def test_a_figure_where_no_source_can_be_cited_is_a_warning(relation, field, location):
    draft = make_draft()
    item = edit(first(draft, relation), **{field: "About 80 in 100 people get relief."})

    (finding,) = only(check(draft), "figure-cannot-be-cited")

    assert finding.level == WARNING
    title = getattr(item, "statement", None) or item.name
    assert finding.location == location.format(title)


def test_an_outcome_for_one_form_whose_words_do_not_say_so_is_an_error():
    draft = make_draft()
    risk = first(draft, "risks")
    edit(risk, title="Numbness", description="About 20 in 100 people.")  # form "face" set

    (finding,) = only(check(draft), "form-not-stated")

    assert finding.level == ERROR
    assert finding.location == 'Risk 1 "Numbness", description'
    assert "Trigeminal tractotomy-nucleotomy only" in finding.message

    edit(risk, description="After trigeminal tractotomy-nucleotomy, about 20 in 100 people.")
    assert only(check(draft), "form-not-stated") == []


def test_naming_where_the_pain_is_says_which_form():
    draft = make_draft()
    edit(first(draft, "risks"), title="Numbness", description="For face pain: about 20 in 100.")

    assert only(check(draft), "form-not-stated") == []


def test_an_outcome_for_every_form_that_names_only_one_is_a_warning():
    draft = make_draft()
    benefit = edit(first(draft, "benefits"), description="After mesencephalotomy, about 70 in 100 people.")

    (finding,) = only(check(draft), "form-scope-unset")

    assert finding.level == WARNING
    assert finding.location == f'Benefit 1 "{benefit.title}", forms'
    assert "Names only Mesencephalotomy" in finding.message

    benefit.forms.add(draft.operation_forms.get(key="arm"))
    assert only(check(draft), "form-scope-unset") == []
    assert only(check(draft), "form-not-stated") == []


def test_a_missing_grid_answer_is_an_error():
    draft = make_draft()
    draft.grid_answers.get(option__key="no-procedure", question__key="relief").delete()

    report = check(draft)

    (finding,) = only(report, "missing-grid-answer")
    assert finding.level == ERROR
    assert finding.location == 'Grid answer "No procedure" / "How many people get less pain?"'


def test_a_blank_grid_answer_is_an_error():
    draft = make_draft()
    edit(draft.grid_answers.get(option__key="tractotomy", question__key="involves"), text="  \n")

    report = check(draft)

    assert [f.location for f in only(report, "missing-grid-answer")] == [
        'Grid answer "Tractotomy" / "What does it involve?"'
    ]


def test_a_new_option_needs_an_answer_to_every_question():
    draft = make_draft()
    Option.objects.create(version=draft, key="cordotomy", name="Cordotomy", order=99)

    report = check(draft)

    assert len(only(report, "missing-grid-answer")) == draft.grid_questions.count()


# -- reading level --------------------------------------------------------------------


def test_long_hard_text_gets_a_reading_level_warning():
    draft = make_draft()
    section = edit(first(draft, "sections"), body=HARD_TEXT)

    report = check(draft)

    (finding,) = only(report, "reading-level")
    assert finding.level == WARNING
    assert finding.location == f'Section 1 "{section.heading}", text'
    assert re.fullmatch(r"Flesch-Kincaid grade \d+\.\d; aim for 8 or lower\.", finding.message)
    assert not report.has_errors


def test_long_plain_text_gets_no_reading_level_warning():
    draft = make_draft()
    edit(first(draft, "sections"), body=PLAIN_TEXT)

    report = check(draft)

    assert only(report, "reading-level") == []


def test_short_hard_text_is_not_graded():
    draft = make_draft()
    edit(first(draft, "criteria"), explanation="Intraoperative neurophysiological localisation necessitated.")

    report = check(draft)

    assert only(report, "reading-level") == []


# -- balance of benefits and risks ----------------------------------------------------


def test_fewer_risks_than_benefits_is_a_warning():
    draft = make_draft()
    first(draft, "risks").delete()

    report = check(draft)

    (finding,) = only(report, "risks-less-detailed")
    assert finding.level == WARNING
    assert "2 risks for 3 benefits" in finding.message


def test_shorter_risk_text_is_a_warning():
    draft = make_draft()
    for risk in draft.risks.all():
        edit(risk, description="Can happen.")

    report = check(draft)

    (finding,) = only(report, "risks-less-detailed")
    assert "% of the benefit text" in finding.message


# -- governance -----------------------------------------------------------------------


@pytest.mark.parametrize("due, message", [
    (datetime.date(2026, 5, 31), "The review was due on 2026-05-31."),
    (None, "No next review date is set."),
])
def test_a_passed_or_missing_review_date_is_a_warning(due, message):
    draft = make_draft()
    edit(draft, next_review_due=due)

    report = check(draft)

    assert [(f.level, f.code, f.message) for f in report.findings] == [
        (WARNING, "review-overdue", message)
    ]


def test_a_review_due_today_is_not_overdue():
    draft = make_draft()
    edit(draft, next_review_due=TODAY)

    report = check(draft)

    assert report.findings == []


@pytest.mark.parametrize("field, code", [
    ("funding_statement", "missing-funding"),
    ("conflicts_statement", "missing-conflicts"),
    ("update_policy", "missing-update-policy"),
])
def test_a_missing_statement_is_a_warning(field, code):
    draft = make_draft(**{field: "  "})

    report = check(draft)

    assert [(f.level, f.code) for f in report.findings] == [(WARNING, code)]


# -- queries --------------------------------------------------------------------------


def test_check_version_runs_a_fixed_number_of_queries(django_assert_max_num_queries):
    small = make_draft()
    big = make_draft("other-aid")
    grow(big, 15)
    with CaptureQueriesContext(connection) as on_small:
        check(small)

    with django_assert_max_num_queries(len(on_small.captured_queries)):
        report = check(big)

    assert report.findings == []
    assert len(on_small.captured_queries) <= 17  # 13, plus section references, outcome forms and the forms


def test_ipdas_checklist_runs_a_fixed_number_of_queries(django_assert_max_num_queries):
    big = make_draft()
    grow(big, 15)

    with django_assert_max_num_queries(17):
        items = ipdas_checklist(big)

    assert len(items) == 12


# -- IPDAS ----------------------------------------------------------------------------


def test_ipdas_checklist_lists_six_qualifying_and_six_certification_criteria():
    draft = make_draft()

    items = ipdas_checklist(draft)

    assert [(i.group, i.key) for i in items] == [
        ("qualifying", "condition"),
        ("qualifying", "decision"),
        ("qualifying", "options"),
        ("qualifying", "benefits"),
        ("qualifying", "harms"),
        ("qualifying", "living-with-outcomes"),
        ("certification", "equal-detail"),
        ("certification", "citations"),
        ("certification", "publication-date"),
        ("certification", "update-policy"),
        ("certification", "uncertainty"),
        ("certification", "funding"),
    ]
    assert all(i.label and i.detail for i in items)


def test_ipdas_on_a_clean_draft_meets_every_derived_criterion():
    draft = make_draft()

    items = ipdas(draft)

    derived = {k: i.met for k, i in items.items() if i.derived}
    assert derived == dict.fromkeys(
        ["condition", "decision", "options", "benefits", "harms", "equal-detail", "citations",
         "update-policy", "uncertainty", "funding"], True,
    )
    assert not items["living-with-outcomes"].derived
    assert not items["publication-date"].derived
    assert not items["living-with-outcomes"].met and not items["publication-date"].met


@pytest.mark.parametrize("overrides, key", [
    ({"decision": " "}, "decision"),
    ({"update_policy": ""}, "update-policy"),
    ({"unknowns": ""}, "uncertainty"),
    ({"conflicts_statement": ""}, "funding"),
    ({"funding_statement": ""}, "funding"),
])
def test_ipdas_derived_criteria_follow_version_texts(overrides, key):
    draft = edit(make_draft(), **overrides)

    item = ipdas(draft)[key]

    assert item.derived and not item.met


def test_ipdas_condition_needs_some_description():
    draft = make_draft(audience="", intro="")
    for section in draft.sections.all():
        edit(section, body=" ")

    item = ipdas(draft)["condition"]

    assert item.derived and not item.met


def test_ipdas_options_need_a_no_procedure_option():
    draft = make_draft()
    edit(draft.options.get(key="no-procedure"), key="cordotomy", name="Cordotomy")

    item = ipdas(draft)["options"]

    assert not item.met
    assert "no procedure" in item.detail


def test_ipdas_options_need_two_options():
    draft = make_draft()
    draft.options.get(key="tractotomy").delete()

    assert not ipdas(draft)["options"].met


def test_ipdas_benefits_and_harms_need_at_least_one_each():
    draft = make_draft()
    draft.risks.all().delete()

    items = ipdas(draft)

    assert items["benefits"].met
    assert not items["harms"].met
    assert not items["equal-detail"].met


def test_ipdas_equal_detail_follows_the_balance_warning():
    draft = make_draft()
    first(draft, "risks").delete()

    item = ipdas(draft)["equal-detail"]

    assert not item.met
    assert "2 risks for 3 benefits" in item.detail


def test_ipdas_citations_need_every_figure_referenced():
    draft = make_draft()
    draft.grid_answers.get(option__key="tractotomy", question__key="relief").references.clear()

    assert not ipdas(draft)["citations"].met


def test_ipdas_uncertainty_needs_certainty_on_every_figure():
    draft = make_draft()
    edit(first(draft, "benefits"), certainty="")

    assert not ipdas(draft)["uncertainty"].met


def test_ipdas_living_with_outcomes_is_derived_from_a_recovery_answer_for_every_option():
    draft = make_draft()
    add_recovery_question(draft)

    item = ipdas(draft)["living-with-outcomes"]

    assert item.met and item.derived


def test_ipdas_living_with_outcomes_falls_back_to_the_reviewer_tick():
    draft = make_draft(ipdas_ticks={"living-with-outcomes": True})
    add_recovery_question(draft, answer_all=False)

    item = ipdas(draft)["living-with-outcomes"]

    assert item.met and not item.derived
    assert "No procedure" in item.detail


def test_ipdas_publication_date_is_a_tick_for_a_draft_and_derived_once_published():
    draft = make_draft(ipdas_ticks={"publication-date": True})

    ticked = ipdas(draft)["publication-date"]
    draft.published_at = timezone.now()
    published = ipdas(draft)["publication-date"]

    assert ticked.met and not ticked.derived
    assert published.met and published.derived


def test_ipdas_publication_date_on_the_publish_screen_is_the_date_publishing_sets():
    draft = make_draft()

    on_page = {i.key: i for i in ipdas_checklist(draft)}["publication-date"]
    on_publish = {i.key: i for i in ipdas_checklist(draft, on_publish=True)}["publication-date"]

    assert not on_page.met
    assert on_publish.met and on_publish.derived
    assert on_publish.detail == "Publishing sets the publication date to today."


def test_ipdas_ticks_do_not_override_derived_criteria():
    draft = make_draft(update_policy="", ipdas_ticks={"update-policy": True})

    item = ipdas(draft)["update-policy"]

    assert item.derived and not item.met


# -- the bundled aid ------------------------------------------------------------------


def test_bundled_tractotomy_content_has_no_quality_errors():
    draft = import_version(json.loads(BUNDLED.read_text(encoding="utf-8")))

    report = check_version(draft)

    assert report.errors == [], "\n".join(f"{f.location}: {f.message}" for f in report.errors)
    for finding in report.warnings:  # shown with -s; publishing needs a justification for these
        print(f"{finding.code} | {finding.location} | {finding.message}")
    qualifying = [i for i in ipdas_checklist(draft) if i.group == "qualifying"]
    assert all(i.met for i in qualifying)


def test_ipdas_ticks_may_carry_the_reviewers_evidence():
    draft = make_draft(ipdas_ticks={
        "living-with-outcomes": {"met": True, "evidence": "Sections 5 and 6 describe recovery."},
        "funding": {"met": False, "evidence": "The funding statement is under About this aid."},
    })

    items = ipdas(draft)

    assert items["living-with-outcomes"].met and not items["living-with-outcomes"].derived
    assert items["living-with-outcomes"].evidence == "Sections 5 and 6 describe recovery."
    # Evidence is shown with a derived criterion too, and never decides it.
    assert items["funding"].derived and items["funding"].met
    assert items["funding"].evidence == "The funding statement is under About this aid."
    assert items["decision"].evidence == ""
