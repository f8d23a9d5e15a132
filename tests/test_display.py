"""Display helpers and partials shared by the walkthrough and the admin preview."""

import re

import pytest
from django.template import Context, Template
from django.template.loader import render_to_string

from aids.models import Benefit, GridAnswer, Option, Reference, Risk
from aids.templatetags.aid_display import grid_bands, grid_lead, icon_array, plain_paragraphs, plain_points
from factories import make_draft


def render(source, **context):
    return Template("{% load aid_display %}" + source).render(Context(context))


def shapes(svg):
    """"filled" or "outlined" for each person drawn, in reading order: each rectangle
    filled with a person's tile covers whole 12-unit cells, none covered twice."""
    cells = {}
    view = re.search(r'viewBox="0 0 (\d+) (\d+)"', svg)
    cols = int(view.group(1)) // 12
    for kind, rects in re.findall(r'<g class="icon (filled|outlined)">(.*?)</g>', svg):
        for x, y, w, h, tile in re.findall(
                r'<rect x="(\d+)" y="(\d+)" width="(\d+)" height="(\d+)" fill="url\(#(sdm-t[fo])\)"/>', rects):
            assert tile == f"sdm-t{kind[0]}"
            x, y, w, h = (int(v) for v in (x, y, w, h))
            assert x % 12 == y % 12 == w % 12 == h % 12 == 0 and x + w <= cols * 12
            for row in range(y // 12, (y + h) // 12):
                for col in range(x // 12, (x + w) // 12):
                    assert (row, col) not in cells
                    cells[(row, col)] = kind
    order = [cells[k] for k in sorted(cells)]
    assert sorted(cells) == [divmod(i, cols) for i in range(len(cells))]  # no gap
    return order


# -- icon_array ----------------------------------------------------------------------


def test_icon_array_100_has_text_alternative_and_100_shapes():
    svg = str(icon_array(80, 100))

    label = "About 80 in 100 people: 80 filled, 20 outlined"
    assert svg.startswith("<svg")
    assert 'role="img"' in svg
    assert f'aria-label="{label}"' in svg
    assert f"<title>{label}</title>" in svg
    assert len(shapes(svg)) == 100
    assert shapes(svg).count("filled") == 80
    assert shapes(svg).count("outlined") == 20
    assert 'viewBox="0 0 120 120"' in svg  # 10 x 10


def test_icon_array_filled_and_outlined_differ_in_form_not_only_colour():
    from aids.templatetags.aid_display import icon_sprite

    sprite = str(icon_sprite())
    filled, outlined = re.findall(r"<path [^>]*>", sprite)
    assert 'id="sdm-pf"' in filled and 'id="sdm-po"' in outlined
    assert re.search(r'<pattern id="sdm-tf"[^>]*patternUnits="userSpaceOnUse"><use href="#sdm-pf"/>', sprite)
    assert re.search(r'<pattern id="sdm-to"[^>]*patternUnits="userSpaceOnUse"><use href="#sdm-po"/>', sprite)
    assert 'fill="#ffffff"' in outlined and 'fill="#ffffff"' not in filled
    assert "stroke=" in filled and "stroke=" in outlined
    assert 'aria-hidden="true"' in sprite  # one text alternative per array, not per person


def test_an_array_of_100_is_small_and_every_page_defines_the_people_once(client):
    assert len(str(icon_array(80, 100))) < 600  # about 19,000 with a path per person, 4,000 with a use
    page = client.get("/accounts/login/").content.decode()
    assert page.count('id="sdm-pf"') == 1 and page.count('id="sdm-po"') == 1


def test_icon_array_uses_no_inline_styles():
    svg = str(icon_array(8, 100))

    assert "style=" not in svg
    assert "<style" not in svg


@pytest.mark.parametrize(
    "numerator, denominator, view_box",
    [(3, 20, "0 0 120 24"), (2, 5, "0 0 60 12"), (1, 7, "0 0 84 12"), (12, 250, "0 0 240 156"),
     (5, 1000, "0 0 480 300")],
)
def test_icon_array_lays_out_other_denominators(numerator, denominator, view_box):
    svg = str(icon_array(numerator, denominator))

    assert len(shapes(svg)) == denominator
    assert shapes(svg).count("filled") == numerator
    assert f'viewBox="{view_box}"' in svg


@pytest.mark.parametrize(
    "numerator, denominator",
    [(None, 100), (5, None), (5, 0), (101, 100), (-1, 100), ("x", 100), (1, 10_000)],
)
def test_icon_array_without_a_usable_figure_is_empty(numerator, denominator):
    assert icon_array(numerator, denominator) == ""


def test_icon_array_tag_in_a_template():
    html = render("{% icon_array n d %}", n=8, d=100)

    assert "About 8 in 100 people: 8 filled, 92 outlined" in html
    assert len(shapes(html)) == 100


# -- plain text ----------------------------------------------------------------------


def test_plain_paragraphs_blank_lines_make_paragraphs_and_dashes_make_lists():
    text = "First line\nsame paragraph\n\nIntro:\n- one\n- two\n\nLast."

    html = str(plain_paragraphs(text))

    assert html == (
        "<p>First line<br>same paragraph</p>"
        "<p>Intro:</p><ul><li>one</li><li>two</li></ul>"
        "<p>Last.</p>"
    )


def test_plain_paragraphs_escapes_html():
    html = str(plain_paragraphs("<script>alert(1)</script>\n- <b>x</b> & y"))

    assert "<script>" not in html and "<b>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "<li>&lt;b&gt;x&lt;/b&gt; &amp; y</li>" in html


def test_plain_paragraphs_escapes_even_with_autoescape_off():
    html = render("{% autoescape off %}{{ text|plain_paragraphs }}{% endautoescape %}", text="<i>x</i>")

    assert html == "<p>&lt;i&gt;x&lt;/i&gt;</p>"


def test_plain_paragraphs_handles_windows_newlines_and_empty_text():
    assert str(plain_paragraphs("a\r\n\r\nb")) == "<p>a</p><p>b</p>"
    assert str(plain_paragraphs("")) == ""
    assert str(plain_paragraphs(None)) == ""


def test_plain_points_one_point_per_line():
    assert plain_points("- one\ntwo\n\n  - three  \n") == ["one", "two", "three"]


# -- partials ------------------------------------------------------------------------


@pytest.fixture
def draft(db):
    return make_draft()


def test_benefit_partial_shows_frequency_icon_array_time_frame_certainty_and_sources(draft):
    benefit = draft.benefits.order_by("order").first()

    html = render_to_string("aids/content/benefit.html", {"item": benefit})

    assert benefit.title in html
    assert "About 70 in 100 people" in html
    assert "About 70 in 100 people: 70 filled, 30 outlined" in html
    assert "In the first month" in html
    assert "How sure the evidence is" in html and "Low" in html
    assert "Sources:" in html and "R1" in html


def test_risk_partial_shows_severity_and_whether_it_lasts(draft):
    risk = draft.risks.get(title="Stroke or death")

    html = render_to_string("aids/content/risk.html", {"item": risk})

    assert "About 2 in 100 people: 2 filled, 98 outlined" in html
    assert "Life-threatening" in html
    assert "Lasting" in html
    assert 'href="#ref-r1"' not in html  # links only when the list is on the page


def test_outcome_without_a_figure_says_not_known_and_why(draft):
    Risk.objects.filter(pk=draft.risks.first().pk).update(
        numerator=None, denominator=None, unknown_reason="No study counted this."
    )
    risk = draft.risks.first()

    html = render_to_string("aids/content/risk.html", {"item": risk})

    assert "Not known." in html
    assert "No study counted this." in html
    assert "<svg" not in html


def column_headers(html):
    return re.findall(r'<th scope="col" role="columnheader" class="sdm-grid-option">([^<]*)</th>', html)


def test_option_grid_answers_every_question_for_each_option(draft):
    html = render_to_string("aids/content/option_grid.html", {"version": draft})

    assert column_headers(html) == [o.name for o in draft.options.all()]
    for question in draft.grid_questions.all():
        assert f'<th scope="row" role="rowheader">{question.text}</th>' in html
    for answer in draft.grid_answers.all():
        assert answer.text in html  # every word, as the admin preview needs


def test_option_grid_shows_only_the_options_given_in_the_order_given(draft):
    chosen = [draft.options.get(key="no-procedure"), draft.options.get(key="tractotomy")]

    html = render_to_string("aids/content/option_grid.html", {"version": draft, "options": chosen[:1]})
    both = render_to_string("aids/content/option_grid.html", {"version": draft, "options": chosen})

    assert column_headers(html) == ["No procedure"]
    assert "An operation and a few days in hospital." not in html
    assert column_headers(both) == ["No procedure", "Tractotomy"]


def test_option_grid_brief_shows_the_first_sentence_and_the_rest_behind_more(draft):
    GridAnswer.objects.filter(version=draft, option__key="tractotomy", question__key="involves").update(
        text="An operation. It takes an hour.\n\n- A stay in hospital.\n- A check-up later.")

    html = render_to_string("aids/content/option_grid.html", {"version": draft, "brief": True})

    cell = html[html.index('<p class="sdm-grid-lead">An operation.</p>'):]
    cell = cell[:cell.index("</td>")]
    assert re.search(r'<details class="sdm-more"><summary>More<span class="visually-hidden">: Tractotomy</span>'
                     r"</summary><p>It takes an hour.</p><ul><li>A stay in hospital.</li><li>A check-up later.</li></ul>",
                     cell)
    for answer in draft.grid_answers.all():
        assert f'<p class="sdm-grid-lead">{grid_lead(answer.text)[0]}</p>' in html


@pytest.mark.parametrize("text, lead, rest", [
    ("One sentence.", "One sentence.", ""),
    ("First one. Second one.", "First one.", "Second one."),
    ("About 2 in 100. 8 in 100 later.", "About 2 in 100.", "8 in 100 later."),
    ("Use e.g. heat. Then rest.", "Use e.g. heat.", "Then rest."),
    ("- Point one. More on it.\n- Point two.", "Point one.", "More on it.\n- Point two."),
    ("Para one.\n\nPara two.", "Para one.", "Para two."),
    ("", "", ""),
])
def test_grid_lead_splits_off_the_first_sentence(text, lead, rest):
    assert grid_lead(text) == (lead, rest)


@pytest.mark.parametrize("n, sizes", [(1, [1]), (2, [2]), (3, [3]), (4, [2, 2]), (5, [3, 2]),
                                      (7, [3, 2, 2]), (9, [3, 3, 3]), (10, [3, 3, 2, 2])])
def test_option_grid_parts_are_even_and_at_most_three_wide(n, sizes):
    assert grid_bands(n) == sizes


def test_option_grid_draws_every_option_column_alike(draft):
    html = render_to_string("aids/content/option_grid.html", {"version": draft})

    assert re.findall(r'<th scope="col"[^>]*>', html) == [
        '<th scope="col" role="columnheader" class="sdm-grid-corner">',
        *['<th scope="col" role="columnheader" class="sdm-grid-option">'] * draft.options.count(),
    ]
    assert len(set(re.findall(r"<td[^>]*>", html))) == 1


def test_option_grid_marks_a_missing_answer(draft):
    GridAnswer.objects.filter(pk=draft.grid_answers.first().pk).delete()

    html = render_to_string("aids/content/option_grid.html", {"version": draft})

    assert "No answer given." in html


def test_criteria_partial_lists_statements_and_explanations_without_a_verdict(draft):
    html = render_to_string("aids/content/criteria.html", {"criteria": draft.criteria.all()})

    for criterion in draft.criteria.all():
        assert criterion.statement in html and criterion.explanation in html
    for verdict in ("eligible", "score", "suitable"):
        assert verdict not in html.lower()


def test_understanding_questions_hide_answers_unless_asked(draft):
    questions = draft.understanding_questions.all()

    hidden = render_to_string("aids/content/understanding_questions.html", {"questions": questions})
    shown = render_to_string(
        "aids/content/understanding_questions.html", {"questions": questions, "show_answers": True}
    )

    assert "Answer:" not in hidden
    assert "Answer: True." in shown and "Answer: False." in shown


def test_unknowns_panel_lists_points_and_is_absent_when_empty():
    html = render_to_string("aids/content/unknowns.html", {"text": "One thing.\n- Another <thing>."})
    empty = render_to_string("aids/content/unknowns.html", {"text": "  \n"})

    assert "What we don't know" in html
    assert "<li>One thing.</li>" in html and "<li>Another &lt;thing&gt;.</li>" in html
    assert empty.strip() == ""


def test_references_partial_links_doi_and_web_addresses_only(draft):
    Reference.objects.filter(version=draft, key="R2").update(url="javascript:alert(1)")

    html = render_to_string("aids/content/references.html", {"references": draft.references.all()})

    assert 'id="ref-r1"' in html
    assert 'href="https://doi.org/10.1000/example.1"' in html
    assert 'href="javascript' not in html
    assert "javascript:alert(1)" in html  # shown as text, not as a link
    assert "Lee A, Patel S. <cite>Pain relief after tractotomy.</cite>" in html


def test_value_statements_and_sections_partials(draft):
    values = render_to_string("aids/content/value_statements.html", {"statements": draft.value_statements.all()})
    sections = render_to_string("aids/content/sections.html", {"sections": draft.sections.all()})

    assert "<li>Having less pain.</li>" in values
    assert '<h3 class="sdm-item-title">What tractotomy is</h3>' in sections
    assert "<li>You stay in hospital for a few days.</li>" in sections


def test_partials_escape_every_content_field(draft):
    evil = "<i>evil</i>"
    Benefit.objects.filter(version=draft).update(title=evil, description=evil, time_frame=evil,
                                                 certainty_note=evil)
    Option.objects.filter(version=draft).update(name=evil, summary=evil)
    GridAnswer.objects.filter(version=draft).update(text=evil)
    Reference.objects.filter(version=draft).update(title=evil, authors=evil, note=evil)

    html = "".join([
        render_to_string("aids/content/benefit.html", {"item": draft.benefits.first()}),
        render_to_string("aids/content/option_grid.html", {"version": draft}),
        render_to_string("aids/content/references.html", {"references": draft.references.all()}),
    ])

    assert evil not in html
    assert "&lt;i&gt;evil&lt;/i&gt;" in html
