"""Neutrality: no page recommends, and nothing on a page depends on the patient's
ratings except the echo of the ratings themselves.

Every step and the final record, in the clinician's and the patient's view, the
two stored PDFs, the list and the start form are walked with many combinations of
answers: all values rated high, all low, all "not sure", mixed; every position
status; SURE all yes and all no. Each page's text (and its accessible labels) is
scanned with the content gates' own list of directive wording (``aids.wording``).
"""

import io
import itertools
import re

import pytest
from django.db import transaction
from django.urls import reverse
from pypdf import PdfReader

from aids.models import Consultation, ValueRating
from aids.vocabulary import STEPS
from aids.wording import find_directive_wording
from test_walkthrough_flow import post_page
from walkthrough_support import SURE_TEXTS, published_aid, start_consultation, step_url, visible_text

pytestmark = pytest.mark.django_db

RATING_SETS = {
    "all high": ["4", "4"],
    "all low": ["0", "0"],
    "not sure": ["not_sure", "not_sure"],
    "mixed": ["0", "4"],
    "none": ["", ""],
}
POSITIONS = ["", *Consultation.Position.values]


def page_text(html):
    """What a person reads or hears: visible text plus accessible names."""
    labels = re.findall(r'(?:aria-label|title|alt)="([^"]*)"', html)
    text = " ".join([visible_text(html), *labels])
    # The SURE questions are a validated instrument and must be asked word for
    # word; the first contains "best choice for you", which the wording list
    # flags in the aid's own content. They are the instrument's words, not a
    # recommendation by the app, so their exact texts are removed before scanning.
    for sure in SURE_TEXTS:
        text = text.replace(sure, " ")
    return text


def assert_neutral(html, where):
    found = find_directive_wording(page_text(html))
    assert not found, f"{where}: {[(m.phrase, m.label) for m in found]}"


def switch_view(client, consultation, view):
    switched = client.get(f"{step_url(consultation, 'start')}?view={view}")
    assert switched.status_code == 302 and switched.url == step_url(consultation, "start")


def scan_page(client, url, view):
    """The page at ``url``, checked to be the page asked for, in ``view``."""
    response = client.get(url)
    html = response.content.decode()
    assert response.status_code == 200, url
    body_class = re.search(r'<body class="([^"]*)"', html).group(1).split()
    assert ("patient-view" in body_class) == (view == "patient"), f"{url} is not in {view} view"
    return html


def pdf_text(document):
    """A stored PDF's text, its lines joined as one run of words (as page_text reads it)."""
    pages = PdfReader(io.BytesIO(bytes(document.pdf))).pages
    return re.sub(r"\s+", " ", " ".join(page.extract_text() for page in pages))


def fill(client, consultation, ratings, position, sure):
    statements = list(consultation.version.value_statements.all())
    post_page(client, consultation, "decision", {
        f"sure_before-{k}": sure for k in ("sure", "understand", "risks_benefits", "encouragement")
    }, nav="stay")
    post_page(client, consultation, "values", {
        f"value-{s.pk}-rating": r for s, r in zip(statements, ratings) if r
    }, nav="stay")
    post_page(client, consultation, "questions", {
        f"sure_after-{k}": sure for k in ("sure", "understand", "risks_benefits", "encouragement")
    }, nav="stay")
    next_data = {"next-positions": position} if position else {}
    if position == "preference":
        next_data["next-preference_words"] = "The patient's own words about the option they lean to."
    response = post_page(client, consultation, "next", next_data, nav="stay")
    assert response.status_code == 302


@pytest.mark.parametrize("ratings_name, position, sure", [
    *((name, "", "yes") for name in RATING_SETS),
    *(("mixed", position, sure) for position, sure in itertools.product(POSITIONS, ["yes", "no"])),
])
def test_no_page_contains_recommending_wording(clinician_client, ratings_name, position, sure):
    published_aid()
    consultation = start_consultation(clinician_client)
    fill(clinician_client, consultation, RATING_SETS[ratings_name], position, sure)
    record_url = reverse("consultation_record", args=[consultation.pk])
    scanned = {"clinician": [], "patient": [], "pdf": []}

    for view in ("clinician", "patient"):
        switch_view(clinician_client, consultation, view)
        for key in STEPS:
            html = scan_page(clinician_client, step_url(consultation, key), view)
            assert_neutral(html, f"{key} ({view} view)")
            scanned[view].append(key)
    finalized = clinician_client.post(reverse("consultation_finalize", args=[consultation.pk]), {"confirm": "yes"})
    assert finalized.status_code == 302 and finalized.url == record_url
    for view in ("clinician", "patient"):
        switch_view(clinician_client, consultation, view)
        html = scan_page(clinician_client, record_url, view)
        assert "Final since" in visible_text(html)
        assert_neutral(html, f"record ({view} view)")
        scanned[view].append("record")
    for document in consultation.documents.all():
        assert_neutral(pdf_text(document), f"stored PDF ({document.variant} copy)")
        scanned["pdf"].append(document.variant)
    assert_neutral(clinician_client.get("/").content.decode(), "list")
    assert_neutral(clinician_client.get(reverse("consultation_new")).content.decode(), "start form")

    every_page = [*STEPS, "record"]
    assert scanned == {"clinician": every_page, "patient": every_page, "pdf": ["clinical", "patient"]}


def normalise(html):
    """The page without what legitimately differs between two renders: the CSRF
    token, and the echo of the ratings (the rating shown back, and which rating
    radio is ticked)."""
    html = re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', "", html)
    html = re.sub(r'<span class="rating-echo">.*?</span>', "<echo>", html, flags=re.S)
    html = re.sub(r'(name="value-\d+-rating" value="[^"]*"\s+id="[^"]*")\s*checked', r"\1", html)
    html = re.sub(r'<section class="summary-block" aria-labelledby="audit-heading">.*?</section>', "", html,
                  flags=re.S)
    return html


def set_ratings(consultation, values):
    """Ratings changed directly in the database, so that nothing else changes
    (no revision counter, no audit event): any difference on a page can then come
    only from the ratings."""
    ValueRating.objects.filter(consultation=consultation).delete()
    for statement, value in zip(consultation.version.value_statements.all(), values):
        if value:
            ValueRating.objects.create(
                consultation=consultation, statement=statement,
                rating=None if value == "not_sure" else int(value), not_sure=value == "not_sure",
            )


def test_pages_are_identical_whatever_the_ratings_apart_from_their_echo(clinician_client):
    published_aid()
    consultation = start_consultation(clinician_client)
    fill(clinician_client, consultation, ["2", "2"], "undecided", "no")
    clinician_client.get(step_url(consultation, "start"))  # shows (and so clears) the "Saved." message

    renders = {}
    for name, values in RATING_SETS.items():
        set_ratings(consultation, values)
        renders[name] = {
            key: normalise(clinician_client.get(step_url(consultation, key)).content.decode())
            for key in STEPS
        }

    baseline = renders["all low"]
    for name, pages in renders.items():
        for key, html in pages.items():
            assert html == baseline[key], f"{key} differs with ratings {name!r}"


def test_review_echoes_each_rating_exactly_as_given(clinician_client):
    published_aid()
    consultation = start_consultation(clinician_client)
    set_ratings(consultation, ["0", "4"])

    html = clinician_client.get(step_url(consultation, "review")).content.decode()

    echoes = re.findall(r'<span class="rating-echo">(.*?)</span>', html)
    assert echoes == ["0 - Not at all", "4 - Very much"]


def test_record_is_identical_whatever_the_ratings_apart_from_their_echo(clinician_client):
    published_aid()
    consultation = start_consultation(clinician_client)
    url = reverse("consultation_record", args=[consultation.pk])

    def final_record(values):
        # A final record's ratings can no longer change, so each set is given to the
        # consultation in progress and finalized, in a savepoint rolled back after.
        with transaction.atomic():
            set_ratings(consultation, values)
            clinician_client.post(reverse("consultation_finalize", args=[consultation.pk]), {"confirm": "yes"})
            clinician_client.get(url)  # shows (and so clears) the "record is final" message
            html = clinician_client.get(url).content.decode()
            transaction.set_rollback(True)
        assert "Final since" in html and html.count('<span class="rating-echo">') == 2
        # When it was finalized (and its PDFs stored) differs from one render to the next.
        return normalise(re.sub(r"\d{1,2} [A-Z][a-z]+ \d{4}, \d{2}:\d{2}", "<when>", html))

    low = final_record(["0", "0"])
    high = final_record(["4", "4"])

    assert low == high


def test_criteria_are_never_counted_or_given_a_verdict(clinician_client):
    version = published_aid()
    consultation = start_consultation(clinician_client)
    criteria = list(version.criteria.all())
    post_page(clinician_client, consultation, "criteria", {
        f"criteria-{c.pk}-discussed": "on" for c in criteria
    } | {f"criteria-{c.pk}-note": "Yes, this applies." for c in criteria}, nav="stay")

    for key in ("criteria", "review"):
        text = visible_text(clinician_client.get(step_url(consultation, key)).content.decode()).lower()
        assert "eligible" not in text and "criteria met" not in text
        assert not re.search(r"\b\d+\s+(?:of|out of)\s+\d+\s+criteria\b", text)
        assert "score" not in text.replace("sure score", "")
