"""The walkthrough in a real browser: background saving, expiry, conflicts,
accessibility (axe) and reflow on a phone.

Every step at three screen sizes (axe, reflow, target size, screenshots) is in
test_browser_screens.py; the other accessibility checks in test_browser_accessibility.py."""

import datetime
import re

import pytest
from django.contrib.sessions.models import Session
from django.utils import timezone
from playwright.sync_api import expect

from aids.consultations import consultation_start
from aids.models import Consultation, PatientQuestion
from browser_support import SCREENS, axe_violations, has_horizontal_scroll, log_in, screenshot
from walkthrough_support import published_aid

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PASSWORD = "a-long-test-password"


@pytest.fixture
def consultation(clinician):
    published_aid()
    return consultation_start(clinician=clinician, patient_ref="Browser 1", present=["patient"])


def open_page(browser, live_server, size="desktop"):
    width, height = SCREENS[size]
    context = browser.new_context(viewport={"width": width, "height": height})
    page = context.new_page()
    log_in(page, live_server, "dr_amal", PASSWORD)
    return context, page


def step(live_server, consultation, key):
    return f"{live_server.url}/consultations/{consultation.pk}/step/{key}/"


def status(page):
    return page.locator("[data-autosave-status]")


def test_typing_is_saved_in_the_background(browser, live_server, consultation):
    context, page = open_page(browser, live_server)
    page.goto(step(live_server, consultation, "values"))

    page.get_by_label("In the patient's own words").fill("Saved without pressing anything")
    expect(status(page)).to_have_text("Saved")

    consultation.refresh_from_db()
    assert consultation.values_own_words == "Saved without pressing anything"
    assert page.url == step(live_server, consultation, "values")
    page.reload()
    assert page.get_by_label("In the patient's own words").input_value() == "Saved without pressing anything"
    context.close()


def test_background_saves_of_a_new_question_make_one_row(browser, live_server, consultation):
    context, page = open_page(browser, live_server)
    page.goto(step(live_server, consultation, "questions"))
    box = page.get_by_label("Question 1", exact=True)

    box.fill("Will it hurt?")
    expect(status(page)).to_have_text("Saved")
    box.fill("Will it hurt afterwards?")
    for _ in range(50):  # the next background save comes about 2 seconds after typing
        page.wait_for_timeout(200)
        if PatientQuestion.objects.filter(question="Will it hurt afterwards?").exists():
            break
    expect(status(page)).to_have_text("Saved")

    assert list(PatientQuestion.objects.values_list("question", flat=True)) == ["Will it hurt afterwards?"]
    context.close()


def test_a_background_save_whose_reply_is_lost_is_retried_without_doubling_the_question(
        browser, live_server, consultation):
    context, page = open_page(browser, live_server)
    lost = []

    def lose_the_first_reply(route):
        request = route.request
        if request.method == "POST" and request.headers.get("x-autosave") == "1" and not lost:
            route.fetch()  # the save reaches the server and is saved...
            lost.append(request.headers.get("idempotency-key"))
            route.abort("connectionreset")  # ...but its answer never comes back
        else:
            route.continue_()

    page.route("**/step/questions/", lose_the_first_reply)
    page.goto(step(live_server, consultation, "questions"))
    box = page.get_by_label("Question 1", exact=True)

    box.fill("Will it hurt?")
    # "Not saved - retrying" shows only until the retry lands (too brief to catch on a
    # busy machine): wait for the lost reply, then for the retry's "Saved".
    for _ in range(100):
        if lost:
            break
        page.wait_for_timeout(100)
    expect(status(page)).to_have_text("Saved", timeout=15000)
    box.fill("Will it hurt afterwards?")
    for _ in range(50):  # the next background save comes about 2 seconds after typing
        page.wait_for_timeout(200)
        if PatientQuestion.objects.filter(question="Will it hurt afterwards?").exists():
            break
    expect(status(page)).to_have_text("Saved")

    assert list(PatientQuestion.objects.values_list("question", flat=True)) == ["Will it hurt afterwards?"]
    assert len(lost) == 1 and lost[0]  # the retry went with the same key (checked server-side)
    context.close()


def test_after_logout_the_text_is_kept_and_comes_back_after_login(browser, live_server, consultation):
    context, page = open_page(browser, live_server)
    page.goto(step(live_server, consultation, "next"))
    box = page.get_by_label("Agreed next steps")
    box.press_sequentially("Typed before")
    expect(status(page)).to_have_text("Saved")
    # The session expires on the server, mid-sentence (the row stays until clearsessions).
    Session.objects.update(expire_date=timezone.now() - datetime.timedelta(seconds=1))

    box.press_sequentially(" and after the session ended")
    expect(status(page)).to_contain_text("logged out")
    assert "Log in again: your text is kept." in status(page).inner_text()
    status(page).get_by_role("button", name="Log in again").click()
    page.wait_for_url("**/accounts/login/**")
    page.get_by_label("Username").fill("dr_amal")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(step(live_server, consultation, "next"))

    assert page.get_by_label("Agreed next steps").input_value() == "Typed before and after the session ended"
    assert "You were logged out. What you had typed is back in the form" in page.inner_text("main")
    context.close()


def test_a_change_on_another_device_stops_background_saving_and_shows_both_versions(
        browser, live_server, consultation):
    context, page = open_page(browser, live_server)
    page.goto(step(live_server, consultation, "next"))
    other_context, other = open_page(browser, live_server, "tablet")  # a second device, its own login
    other.goto(step(live_server, consultation, "next"))
    other.get_by_label("Agreed next steps").fill("From the other tab")
    other.get_by_role("button", name="Save", exact=True).click()
    other.wait_for_load_state()

    page.get_by_label("Agreed next steps").fill("From this tab")
    expect(status(page)).to_have_text(re.compile("^Not saved"))
    page.get_by_role("button", name="Save", exact=True).click()
    page.wait_for_load_state()

    main = page.inner_text("main")
    assert "Not saved: this step was changed in another tab or window" in main
    assert "From the other tab" in main and "From this tab" in main
    assert Consultation.objects.get().next_steps == "From the other tab"
    assert page.evaluate("document.activeElement.classList.contains('conflict-panel')")
    assert page.get_by_label("Agreed next steps").input_value() == "From this tab"

    page.get_by_role("button", name="Keep this page's version").click()  # the user chooses
    page.wait_for_load_state()
    assert Consultation.objects.get().next_steps == "From this tab"
    context.close()
    other_context.close()


def test_patient_view_has_larger_type_and_no_clinician_fields(browser, live_server, consultation):
    context, page = open_page(browser, live_server, "tablet")
    page.goto(step(live_server, consultation, "risks"))
    normal = page.evaluate("parseFloat(getComputedStyle(document.querySelector('main')).fontSize)")

    page.get_by_role("button", name="Switch to patient view").click()
    page.wait_for_load_state()

    larger = page.evaluate("parseFloat(getComputedStyle(document.querySelector('main')).fontSize)")
    assert larger > normal
    assert page.get_by_label("Discussed").count() == 0
    assert axe_violations(page) == []
    screenshot(page, "walkthrough-risks-patient-view")
    context.close()


@pytest.mark.parametrize("size", ["desktop"])  # the phone size: test_browser_accessibility.py
def test_list_start_and_record_pages_are_accessible(browser, live_server, consultation, clinician, size):
    from aids.consultations import addendum_add, record_finalize

    record_finalize(consultation=consultation, user=clinician)
    addendum_add(consultation=consultation, user=clinician, text="A dated correction.")
    context, page = open_page(browser, live_server, size)
    problems = []
    for name, path in [("list", "/"), ("new", "/consultations/new/"),
                       ("record", f"/consultations/{consultation.pk}/record/")]:
        page.goto(f"{live_server.url}{path}")
        violations = axe_violations(page)
        if violations:
            problems.append((name, violations))
        if has_horizontal_scroll(page):
            problems.append((name, "scrolls sideways"))
        screenshot(page, f"walkthrough-{name}-{size}")
    assert problems == [], "\n".join(map(str, problems))
    context.close()


def test_while_the_server_cannot_save_next_waits_and_the_text_stays_in_the_page(
        browser, live_server, consultation):
    """A database outage: background saves answer 503. Pressing Next does not leave the
    page (that post would fail too, and the text be gone); once a save succeeds the
    page moves on, with the text saved."""
    context, page = open_page(browser, live_server)
    outage = {"on": True}

    def database_down(route):
        if route.request.method == "POST" and outage["on"]:
            route.fulfill(status=503, content_type="application/json",
                          body='{"saved": false, "unavailable": true, "message": '
                               '"Not saved: the server cannot save just now."}')
        else:
            route.continue_()

    page.route("**/step/next/", database_down)
    page.goto(step(live_server, consultation, "next"))
    box = page.get_by_label("Agreed next steps")
    box.fill("Typed while the database was down")
    expect(status(page)).to_contain_text("cannot save just now")
    page.get_by_role("button", name=re.compile("^Next")).click()
    page.wait_for_timeout(500)
    assert page.url == step(live_server, consultation, "next")
    assert box.input_value() == "Typed while the database was down"
    expect(status(page)).to_contain_text("moves on once it is saved")
    consultation.refresh_from_db()
    assert consultation.next_steps == ""

    outage["on"] = False  # the database is back: the retry saves, then Next goes on
    page.wait_for_url(step(live_server, consultation, "review"), timeout=90000)
    consultation.refresh_from_db()
    assert consultation.next_steps == "Typed while the database was down"
    context.close()
