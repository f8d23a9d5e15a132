"""The public pages in a real browser (Chromium, axe-core): the reading-at-home page
with the bundled aid, closed and every layer open, at phone and desktop widths, and
printed (every layer open on paper); the CollaboRATE page, by keyboard, with an error."""

import io

import pytest
from pypdf import PdfReader

from aids.collaborate import invite_issue
from aids.consultations import consultation_start, record_finalize
from aids.models import AidVersion, CollaborateResponse
from browser_support import (
    axe_violations, has_horizontal_scroll, load_real_aid, new_page, open_all_details, screenshot,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize("size", ["phone", "desktop"])
def test_public_aid_page_is_axe_clean_closed_and_open(browser, live_server, size):
    load_real_aid()
    version = AidVersion.objects.get(status="published")
    context, page = new_page(browser, live_server, size, username=None)
    try:
        response = page.goto(f"{live_server.url}/a/{version.aid.slug}/{version.number}/")
        assert response.status == 200
        assert context.cookies() == []
        assert axe_violations(page) == []
        assert not has_horizontal_scroll(page)
        assert open_all_details(page) > 10
        assert axe_violations(page) == []
        assert not has_horizontal_scroll(page)
        screenshot(page, f"public-aid-{size}")
    finally:
        context.close()


def test_public_aid_page_prints_every_layer(browser, live_server):
    load_real_aid()
    version = AidVersion.objects.get(status="published")
    hidden = version.risks.exclude(description="").first().description.split("\n")[0][:60]
    context, page = new_page(browser, live_server, "desktop", username=None)
    try:
        page.goto(f"{live_server.url}/a/{version.aid.slug}/{version.number}/")
        assert not page.get_by_text(hidden, exact=False).first.is_visible()  # closed on screen
        pdf = page.pdf(format="A4")
        text = " ".join(" ".join(p.extract_text().split()) for p in PdfReader(io.BytesIO(pdf)).pages)
        assert " ".join(hidden.split()) in text
        assert "Skip to main content" not in text
        # After printing, the page is as it was.
        assert not page.get_by_text(hidden, exact=False).first.is_visible()
    finally:
        context.close()


def test_collaborate_page_is_axe_clean_and_answers_by_keyboard(browser, live_server, clinician):
    load_real_aid()
    consultation = consultation_start(clinician=clinician, patient_ref="Clinic-Q 7")
    record_finalize(consultation=consultation, user=clinician)
    token = invite_issue(consultation=consultation)
    context, page = new_page(browser, live_server, "phone", username=None)
    try:
        page.goto(f"{live_server.url}/c/{token}/")
        assert axe_violations(page) == []
        assert not has_horizontal_scroll(page)
        page.get_by_role("group", name="1. How much effort was made to help you understand your "
                         "health issues?").get_by_label("7").check()
        page.get_by_role("button", name="Send my answers").click()
        page.wait_for_load_state()
        assert "Please choose a number for 2 questions" in page.content()
        assert axe_violations(page) == []
        screenshot(page, "collaborate-phone-error")
        first = page.get_by_role("group", name="1. How much effort was made to help you "
                                 "understand your health issues?")
        assert first.get_by_label("7").is_checked()  # kept
        for n, value in ((2, "9 Every effort was made"), (3, "0 No effort was made")):
            group = page.locator("fieldset").nth(n - 1)
            group.get_by_label(value).focus()
            page.keyboard.press("Space")
        page.get_by_role("button", name="Send my answers").press("Enter")
        page.wait_for_load_state()
        assert page.get_by_role("heading", name="Thank you").is_visible()
        assert axe_violations(page) == []
        answers = CollaborateResponse.objects.get(consultation=consultation)
        assert (answers.understand, answers.listen, answers.include) == (7, 9, 0)
        assert context.cookies() == []
    finally:
        context.close()
