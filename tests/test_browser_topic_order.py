"""The "Choose topics" step in a real browser: with JavaScript the move buttons
reorder the cards in place and the background save keeps the order; without it
they post the form and the page comes back with the card moved."""

import re

import pytest
from playwright.sync_api import expect

from aids.models import Consultation
from browser_support import axe_violations, load_real_aid, new_page

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

CONTENT_ORDER = ["Last-resort criteria", "Alternatives", "Benefits", "Risks"]  # the bundled aid's


@pytest.fixture
def consultation(clinician):
    load_real_aid()
    from aids.consultations import consultation_start

    return consultation_start(clinician=clinician, patient_ref="Order 4", present=["patient"])


def topics_url(live_server, consultation):
    return f"{live_server.url}/consultations/{consultation.pk}/step/topics/"


def move(page, direction, title):
    return page.get_by_role("button", name=re.compile(rf"^Move {direction}\W+{title}$"))


def card_titles(page):
    return page.locator(".topic-card-title").all_inner_texts()


def test_topic_move_reorders_in_place_and_the_background_save_keeps_it(browser, live_server, consultation):
    context, page = new_page(browser, live_server, "tablet")
    url = topics_url(live_server, consultation)
    page.goto(url)
    expect(page.locator("main")).to_contain_text("The patient chooses the order of the four topics")
    expect(page.locator("main")).to_contain_text("That starting order does not rank the topics")
    assert card_titles(page) == CONTENT_ORDER
    page.evaluate("window.sdmTestMarker = 'still the same page'")

    move(page, "up", "Risks").click()

    assert card_titles(page) == ["Last-resort criteria", "Alternatives", "Risks", "Benefits"]
    assert page.url == url
    assert page.evaluate("window.sdmTestMarker") == "still the same page"
    assert page.locator('input[name="topics-order"]').input_value() == "criteria,alternatives,risks,benefits"
    assert page.evaluate("document.activeElement.value") == "up:risks"  # focus stays on the button
    expect(page.locator("[data-reorder-status]")).to_have_text("Risks moved up: now 3 of 4.")
    expect(page.locator("[data-autosave-status]")).to_have_text("Saved", timeout=10_000)
    assert Consultation.objects.get().topic_order == ["criteria", "alternatives", "risks", "benefits"]
    assert page.evaluate("window.sdmTestMarker") == "still the same page"
    context.close()


def test_topic_moved_to_the_top_keeps_focus_on_its_card_and_the_steps_follow(
        browser, live_server, consultation):
    context, page = new_page(browser, live_server, "desktop")
    page.goto(topics_url(live_server, consultation))

    button = move(page, "up", "Risks")
    button.scroll_into_view_if_needed()
    where = button.bounding_box()["y"]
    button.click()
    assert abs(button.bounding_box()["y"] - where) < 2  # still under the pointer: the page scrolled with it
    for _ in range(2):
        move(page, "up", "Risks").click()
    at_the_top = page.evaluate("document.activeElement.value")
    page.get_by_label("Skip last-resort criteria").check()

    assert card_titles(page) == ["Risks", "Last-resort criteria", "Alternatives", "Benefits"]
    assert move(page, "up", "Risks").is_disabled()
    assert at_the_top == "down:risks"  # the button pressed is disabled at the top: its pair has focus
    steps = page.locator(".d-lg-block .step-entry")
    assert steps.all_inner_texts()[4:8] == ["5\nRisks", "–\nLast-resort criteria\nskipped", "6\nAlternatives",
                                            "7\nBenefits"]
    expect(page.locator(".step-title .step-number")).to_have_text("Step 4 of 11")
    expect(page.get_by_role("button", name="Next: Risks")).to_be_visible()
    assert axe_violations(page) == []

    with page.expect_navigation():
        page.get_by_role("button", name="Next: Risks").click()

    expect(page.get_by_role("heading", level=1)).to_contain_text("Risks")
    saved = Consultation.objects.get()
    assert saved.topic_order == ["risks", "criteria", "alternatives", "benefits"]
    assert saved.skipped_topics == ["criteria"]
    context.close()


def test_topic_move_without_javascript_posts_the_form(browser, live_server, consultation):
    context, page = new_page(browser, live_server, "phone", java_script_enabled=False)
    page.goto(topics_url(live_server, consultation))

    with page.expect_navigation():
        move(page, "up", "Risks").click()

    assert page.url.endswith("/step/topics/#card-risks")
    assert card_titles(page) == ["Last-resort criteria", "Alternatives", "Risks", "Benefits"]
    assert Consultation.objects.get().topic_order == ["criteria", "alternatives", "risks", "benefits"]
    context.close()
