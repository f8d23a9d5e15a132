"""Accessibility in a real browser, with the bundled tractotomy content.

axe-core on every page a clinician or patient sees (zero violations, every impact
level), and what axe cannot check: reflow at 320 px, text at 200%, text
alternatives of the icon arrays, form errors announced and linked to their
fields, colour never the only signal. Every step in clinician view is checked
by axe at three screen sizes in test_browser_screens.py.
"""

import re

import pytest
from playwright.sync_api import expect

from aids.consultations import StepChanges, addendum_add, consultation_start, record_finalize, step_save
from aids.models import Aid, AidVersion
from aids.publishing import version_new_draft
from aids.vocabulary import STEPS
from browser_support import (
    open_all_details,
    PASSWORD,
    axe_violations,
    clipped_elements,
    faint_controls,
    focused,
    has_horizontal_scroll,
    load_real_aid,
    log_in,
    new_page,
    screenshot,
)
from factories import make_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def consultation(clinician):
    load_real_aid()
    return consultation_start(clinician=clinician, patient_ref="Clinic-C 3", present=["patient", "family"])


def step_url(live_server, consultation, key, view=None):
    url = f"{live_server.url}/consultations/{consultation.pk}/step/{key}/"
    return f"{url}?view={view}" if view else url


def revision(consultation, key):
    consultation.refresh_from_db()
    return (consultation.step_revisions or {}).get(key, 0)


def goto_and_check(page, url, name, problems, size="phone"):
    page.goto(url)
    check(page, name, problems, size)


def check(page, name, problems, size="phone"):
    violations = axe_violations(page)
    if violations:
        problems.append((name, violations))
    faint = faint_controls(page)
    if faint:
        problems.append((name, "control borders under 3:1 contrast", faint))
    screenshot(page, f"page-{name}-{size}")


# The smallest font size of any text in the step itself (size, tag, text).
SMALLEST_TEXT_JS = """() => {
  let smallest = [1000, '', ''];
  for (const el of document.querySelectorAll('.step-main *')) {
    const own = [...el.childNodes].filter(n => n.nodeType === 3 && n.textContent.trim()).map(n => n.textContent.trim());
    if (!own.length || !el.getClientRects().length || el.closest('.visually-hidden')) continue;
    const size = parseFloat(getComputedStyle(el).fontSize);
    if (size < smallest[0]) smallest = [size, el.tagName.toLowerCase(), own.join(' ').slice(0, 40)];
  }
  return smallest;
}"""


def main_font_size(page, selector="main"):
    return page.evaluate(f"parseFloat(getComputedStyle(document.querySelector({selector!r})).fontSize)")


# --------------------------------------------------------------------------- axe


def test_every_step_in_patient_view_is_accessible_with_larger_type_and_no_clinician_notes(
        browser, live_server, consultation):
    context, page = new_page(browser, live_server, "tablet")
    page.goto(step_url(live_server, consultation, "risks"))
    clinician_size = main_font_size(page)
    notes_in_clinician_view = page.get_by_label("The patient's reaction or notes (optional)").count()
    problems = []

    for key in STEPS:
        page.goto(step_url(live_server, consultation, key, view="patient"))
        check(page, f"patient-{key}", problems, "tablet")
        if main_font_size(page) <= clinician_size:
            problems.append((key, "patient view text is not larger"))
        smallest = page.evaluate(SMALLEST_TEXT_JS)
        if smallest[0] < clinician_size:
            problems.append((key, "text smaller than the clinician view's body text", smallest))
        if page.get_by_label("Discussed", exact=True).count() or page.get_by_label(re.compile("reaction or notes|What was said")).count():
            problems.append((key, "clinician fields shown in patient view"))

    assert notes_in_clinician_view > 5
    assert problems == [], "\n".join(map(str, problems))
    context.close()


def test_every_other_page_is_accessible(browser, live_server, clinician):
    """Login, lockout, list (empty and full), start, errors of every kind, the
    conflict page, 404, the final-record refusal, the record with addenda, the
    password page and the admin preview of a draft."""
    load_real_aid()
    problems = []
    url = live_server.url

    # Logged out: the login page, a failed login, the lockout page.
    context, page = new_page(browser, live_server, "phone", username=None)
    goto_and_check(page, f"{url}/accounts/login/", "login", problems)
    page.get_by_label("Username").fill("dr_amal")
    page.get_by_label("Password").fill("not the password")
    page.get_by_role("button", name="Log in").click()
    expect(page.locator(".alert-danger")).to_be_visible()
    check(page, "login-failed", problems)
    for _ in range(6):
        page.get_by_label("Username").fill("someone_else")
        page.get_by_label("Password").fill("wrong")
        page.get_by_role("button", name="Log in").click()
        page.wait_for_load_state()
        if page.get_by_role("heading", name="Too many failed log-in attempts").count():
            break
    expect(page.get_by_role("heading", name="Too many failed log-in attempts")).to_be_visible()
    assert focused(page)["tag"] == "h1"
    check(page, "lockout", problems)

    # The list before anything exists, the start page, and the start page's errors.
    log_in(page, live_server, "dr_amal", PASSWORD)
    expect(page.get_by_text("No consultations yet")).to_be_visible()
    check(page, "list-empty", problems)
    goto_and_check(page, f"{url}/consultations/new/", "new", problems)
    page.get_by_role("button", name="Start").click()
    expect(page.locator(".error-summary")).to_be_visible()
    check(page, "new-errors", problems)

    in_progress = consultation_start(clinician=clinician, patient_ref="Clinic-C 4", present=["patient"])
    final = consultation_start(clinician=clinician, patient_ref="Clinic-C 5", present=["patient"])
    goto_and_check(page, f"{url}/", "list", problems)

    # A step with an error.
    page.goto(step_url(live_server, in_progress, "next"))
    page.get_by_label("Has stated a preference").check()
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.locator(".error-summary")).to_be_visible()
    check(page, "step-errors", problems)

    # A conflict: the step was saved elsewhere after this page was opened.
    page.goto(step_url(live_server, in_progress, "next"))
    step_save(consultation=in_progress, user=clinician, step="next", revision=revision(in_progress, "next"),
              changes=StepChanges(fields={"next_steps": "Saved in another tab."}))
    page.get_by_label("Agreed next steps").fill("Typed on this page.")
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.get_by_role("heading", name=re.compile("changed in another tab"))).to_be_visible()
    assert "conflict-panel" in page.evaluate("document.activeElement.className")
    check(page, "step-conflict", problems)

    # The refusal to change a final record: the step was open when it was finalized.
    page.goto(step_url(live_server, final, "next"))
    record_finalize(consultation=final, user=clinician)
    addendum_add(consultation=final, user=clinician, text="Seen again on the ward: no change to the plan.")
    page.get_by_label("Agreed next steps").fill("Typed after the record was finalized.")
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.get_by_role("heading", name="Not saved: the record is final")).to_be_visible()
    assert focused(page)["label"] == "Not saved: the record is final"  # what happened, read out first
    check(page, "final-refused", problems)

    # The record (final, with an addendum), in both views; an addendum left empty.
    goto_and_check(page, f"{url}/consultations/{final.pk}/record/", "record", problems)
    page.get_by_role("button", name="Add the addendum").click()
    expect(page.locator("[aria-invalid=true]")).to_be_visible()
    check(page, "record-addendum-error", problems)
    goto_and_check(page, f"{url}/consultations/{final.pk}/record/?view=patient", "record-patient", problems)
    goto_and_check(page, f"{url}/consultations/{in_progress.pk}/record/", "record-in-progress", problems)

    goto_and_check(page, f"{url}/consultations/99999/", "not-found", problems)
    goto_and_check(page, f"{url}/accounts/password/", "password", problems)
    context.close()

    # The content editor's preview of a draft.
    make_user("lead", is_staff=True, is_superuser=True)
    draft = version_new_draft(version=AidVersion.objects.get(aid=Aid.objects.get(), number=1), user=None)
    context, page = new_page(browser, live_server, "desktop", username="lead")
    goto_and_check(page, f"{url}/admin/aids/aidversion/{draft.pk}/preview/", "admin-preview", problems, "desktop")
    context.close()

    assert problems == [], "\n".join(map(str, problems))


# --------------------------------------------------------------------------- what axe cannot check


def test_every_page_reflows_at_320px(browser, live_server, consultation, clinician):
    """WCAG 1.4.10: at 320 CSS px nothing needs scrolling sideways (the option grid
    shows as cards there; a data table may scroll inside its own region)."""
    final = consultation_start(clinician=clinician, patient_ref="Clinic-C 6", present=["patient"])
    record_finalize(consultation=final, user=clinician)
    addendum_add(consultation=final, user=clinician, text="A dated correction " + "word " * 80)
    context, page = new_page(browser, live_server, (320, 640))
    wide = []
    pages = [f"{live_server.url}/", f"{live_server.url}/consultations/new/",
             f"{live_server.url}/consultations/{final.pk}/record/"]
    pages += [step_url(live_server, consultation, key, view) for view in ("clinician", "patient") for key in STEPS]
    for url in pages:
        page.goto(url)
        if has_horizontal_scroll(page):
            wide.append(url)
    assert wide == []
    context.close()


def test_text_at_200_percent_is_never_cut_off(browser, live_server, consultation):
    """WCAG 1.4.4: text enlarged to 200% (the page's root size, as browser text zoom
    does) is never clipped, and the page still fits 1280 px across."""
    context, page = new_page(browser, live_server, (1280, 800))
    problems = []
    for view in ("clinician", "patient"):
        for key in STEPS:
            page.goto(step_url(live_server, consultation, key, view))
            page.evaluate("document.documentElement.style.fontSize = '200%'")
            clipped = clipped_elements(page)
            if clipped:
                problems.append((view, key, clipped))
            if has_horizontal_scroll(page):
                problems.append((view, key, "scrolls sideways"))
    page.goto(step_url(live_server, consultation, "risks"))
    page.evaluate("document.documentElement.style.fontSize = '200%'")
    screenshot(page, "zoom-200-risks")
    assert problems == [], "\n".join(map(str, problems))
    context.close()


def test_icon_arrays_have_text_alternatives_and_differ_in_shape(browser, live_server, consultation):
    context, page = new_page(browser, live_server, "tablet")
    for key in ("benefits", "risks"):
        page.goto(step_url(live_server, consultation, key))
        images = page.get_by_role("img", name=re.compile(r"^About \d+ in 100 people: \d+ filled, \d+ outlined$"))
        assert images.count() == 0  # the summary layer: pictures are in each item's details
        open_all_details(page)
        arrays = page.locator("svg.icon-array")
        assert arrays.count() >= 3
        assert images.count() == arrays.count()
        # Each array's label says the same as the figure written above it.
        for frequency, label in page.evaluate("""() => [...document.querySelectorAll('svg.icon-array')].map(
                svg => [svg.closest('dd').querySelector('.sdm-frequency').innerText, svg.getAttribute('aria-label')])"""):
            assert label.startswith(frequency.rstrip(".")), (frequency, label)
        # Filled and outlined people differ in fill, not only in colour of a line.
        # (Each array is rectangles tiled with a person: its rect's fill names the tile.)
        fills = page.evaluate("""() => ['filled', 'outlined'].map(kind => [...new Set(
                [...document.querySelectorAll('svg.icon-array g.' + kind + ' rect')].map(rect => {
                    const tile = document.querySelector(rect.getAttribute('fill').slice(4, -1));
                    const use = tile.querySelector('use');
                    return document.querySelector(use.getAttribute('href')).getAttribute('fill');
                }))])""")
        assert fills == [["#1a4fd6"], ["#ffffff"]]
        # The tiles are drawn: the filled people's blue shows in the picture itself.
        first = arrays.first
        first.scroll_into_view_if_needed()
        from PIL import Image
        import io
        shot = Image.open(io.BytesIO(first.screenshot())).convert("RGB")
        pixels = shot.get_flattened_data() if hasattr(shot, "get_flattened_data") else shot.getdata()
        blue = sum(1 for r, g, b in pixels if b > 150 and r < 80 and g < 120)
        assert blue > 20, blue
    context.close()


def test_form_errors_are_announced_and_linked_to_their_fields(browser, live_server, consultation):
    context, page = new_page(browser, live_server, "desktop")

    # A step: focus goes to the list of problems, which links to the field.
    page.goto(step_url(live_server, consultation, "next"))
    page.get_by_label("Has stated a preference").check()
    with page.expect_navigation():
        page.get_by_role("button", name="Save", exact=True).click()
    summary = page.locator(".error-summary")
    assert summary.get_attribute("role") == "alert"
    assert "error-summary" in page.evaluate("document.activeElement.className")
    field = page.get_by_label("The preference stated, in the patient's own words")
    assert field.get_attribute("aria-invalid") == "true"
    described = " ".join(
        page.evaluate("id => document.getElementById(id).innerText", i)
        for i in field.get_attribute("aria-describedby").split()
    )
    assert "write it in their own words" in described
    summary.get_by_role("link").click()
    assert focused(page)["label"] == "The preference stated, in the patient's own words"
    assert "Not saved yet" in page.locator(".alert-danger").first.inner_text()

    # The start page: the same.
    page.goto(f"{live_server.url}/consultations/new/")
    page.get_by_label("Patient reference").fill("john.smith@example.org")
    with page.expect_navigation():
        page.get_by_role("button", name="Start").click()
    assert "error-summary" in page.evaluate("document.activeElement.className")
    field = page.get_by_label("Patient reference")
    assert field.get_attribute("aria-invalid") == "true"
    error_ids = field.get_attribute("aria-describedby").split()
    assert any(page.locator(f"#{i}").inner_text().strip() for i in error_ids if i.endswith("_error"))

    # A failed login: focus on the message that says so.
    context.clear_cookies()
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("Username").fill("dr_amal")
    page.get_by_label("Password").fill("wrong password")
    with page.expect_navigation():
        page.get_by_role("button", name="Log in").click()
    assert "alert-danger" in page.evaluate("document.activeElement.className")
    assert "correct username and password" in page.evaluate("document.activeElement.innerText")

    # A background save refused: the status line says so in words, in a live region.
    log_in(page, live_server, "dr_amal", PASSWORD)
    page.goto(step_url(live_server, consultation, "next"))
    status = page.locator("[data-autosave-status]")
    assert status.get_attribute("role") == "status" and status.get_attribute("aria-live") == "polite"
    page.get_by_label("Agreed next steps").fill("x" * 50_001)
    expect(status).to_contain_text("Not saved")
    context.close()


def test_colour_is_never_the_only_signal(browser, live_server, consultation, clinician):
    topic_order_revision = revision(consultation, "topics")
    from aids.consultations import topic_order_set

    topic_order_set(consultation=consultation, user=clinician, order=["benefits", "risks", "criteria", "alternatives"],
                    skipped=["criteria"], revision=topic_order_revision)
    context, page = new_page(browser, live_server, "desktop")
    page.goto(step_url(live_server, consultation, "values"))

    # The step list: skipped and current steps say so in words, not by colour alone.
    entries = page.locator(".d-lg-block .step-entry")
    skipped = entries.filter(has_text="Last-resort criteria")
    assert "skipped" in skipped.inner_text()
    current = page.locator(".d-lg-block [aria-current=step]")
    assert current.inner_text().startswith("What matters to you") and "(this step)" in current.text_content()
    assert page.evaluate("getComputedStyle(document.querySelector('.d-lg-block [aria-current=step]')).fontWeight") == "700"

    # Links in running text are underlined.
    decorations = page.evaluate("""() => [...document.querySelectorAll('main p a:not(.btn), main .step-entry-link:not([aria-current])')]
        .map(a => [a.innerText, getComputedStyle(a).textDecorationLine])""")
    assert decorations and [d for d in decorations if "underline" not in d[1]] == []

    # Saving is reported in words.
    page.get_by_label("In the patient's own words").fill("Time at home.")
    expect(page.locator("[data-autosave-status]")).to_have_text("Saved")

    # A skipped topic's own page, and the review, say "skipped" in words.
    page.goto(step_url(live_server, consultation, "criteria"))
    expect(page.locator("main")).to_contain_text("The patient chose to skip this topic")
    page.goto(step_url(live_server, consultation, "review"))
    expect(page.get_by_role("heading", name="Last-resort criteria skipped")).to_be_visible()
    expect(page.locator("main")).to_contain_text("Not marked as discussed")
    context.close()
