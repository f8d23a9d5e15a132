"""The SURE boundary: a score of 3 or less of 4 suggests decisional conflict, a score
of 4 does not. Exactly 3 and exactly 4, on the review page and in the stored PDF."""

import io
import re

import pytest
from pypdf import PdfReader

from aids.consultations import record_finalize
from aids.vocabulary import SURE_KEYS
from factories import make_recorded_consultation
from walkthrough_support import step_url, visible_text

pytestmark = pytest.mark.django_db

ALL_YES = dict.fromkeys(SURE_KEYS, "yes")


def three_yes(no_to):
    return {**ALL_YES, no_to: "no"}


def pdf_text(document):
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(bytes(document.pdf))).pages)
    return re.sub(r"\s+", " ", text)


@pytest.mark.parametrize("no_to", SURE_KEYS)
def test_review_page_with_three_yes_shows_the_conflict_message(clinician_client, clinician, no_to):
    consultation = make_recorded_consultation(clinician, sure_before=three_yes(no_to), sure_after=ALL_YES)

    text = visible_text(clinician_client.get(step_url(consultation, "review")).content.decode())

    assert text.count("SURE score 3 of 4 - some decisional conflict may be present.") == 1
    assert text.count("SURE score 4 of 4 - no decisional conflict shown by this screen.") == 1  # the "after" answers


def test_review_page_with_four_yes_shows_no_conflict_message(clinician_client, clinician):
    consultation = make_recorded_consultation(clinician, sure_before=ALL_YES, sure_after=ALL_YES)

    text = visible_text(clinician_client.get(step_url(consultation, "review")).content.decode())

    assert "some decisional conflict may be present" not in text
    assert text.count("SURE score 4 of 4 - no decisional conflict shown by this screen.") == 2


@pytest.mark.parametrize("variant", ["clinical", "patient"])
def test_stored_pdf_with_three_yes_says_conflict_may_be_present(clinician, variant):
    consultation = make_recorded_consultation(clinician, sure_before=three_yes("sure"), sure_after=ALL_YES)

    record_finalize(consultation=consultation, user=clinician)

    text = pdf_text(consultation.documents.get(revision=1, variant=variant))
    assert "Before: SURE score 3 of 4 - some decisional conflict may be present" in text
    assert "After: SURE score 4 of 4 - no decisional conflict shown by this screen" in text


@pytest.mark.parametrize("variant", ["clinical", "patient"])
def test_stored_pdf_with_four_yes_says_no_conflict(clinician, variant):
    consultation = make_recorded_consultation(clinician, sure_before=ALL_YES, sure_after=ALL_YES)

    record_finalize(consultation=consultation, user=clinician)

    text = pdf_text(consultation.documents.get(revision=1, variant=variant))
    assert "some decisional conflict may be present" not in text
    assert "Before: SURE score 4 of 4 - no decisional conflict shown by this screen" in text
