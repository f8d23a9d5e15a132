"""Every step at three screen sizes (phone, tablet, desktop): axe, no sideways
scrolling, touch targets of at least 24 CSS px, control borders of at least 3:1
contrast, and a full-page screenshot of
each in test-artifacts/screenshots/ to look at (``scripts/screens`` writes them to
docs/screens/ instead). Each topic step is checked as it opens (its summary layer)
and with every item's details open. The review page printed to A4.

The consultation is part way through (filled_consultation), so the screens show
what a real one shows: a skipped topic, notes, answers, an open question.
"""

import io

import pytest
from pypdf import PdfReader

from aids.vocabulary import STEPS, step_title
from browser_support import (
    ARTIFACTS,
    SCREENS,
    axe_violations,
    faint_controls,
    filled_consultation,
    has_horizontal_scroll,
    load_real_aid,
    new_page,
    open_all_details,
    screenshot,
    small_targets,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def consultation(clinician):
    load_real_aid()
    return filled_consultation(clinician)


def step_url(live_server, consultation, key):
    return f"{live_server.url}/consultations/{consultation.pk}/step/{key}/"


def open_step(page, live_server, consultation, key):
    """Go to the step and check it is that step: a redirect (to log in, or to the
    record) would otherwise be what gets checked."""
    url = step_url(live_server, consultation, key)
    page.goto(url)
    assert page.url == url
    headings = page.locator("h1").all_inner_texts()
    assert len(headings) == 1 and headings[0].endswith(str(step_title(consultation.version, key))), (key, headings)


@pytest.mark.parametrize("size", list(SCREENS))
def test_every_step_at_every_screen_size(browser, live_server, consultation, size):
    context, page = new_page(browser, live_server, size)
    problems = []
    for number, key in enumerate(STEPS, 1):
        open_step(page, live_server, consultation, key)
        screenshot(page, f"{size}-{number:02d}-{key}")  # the summary layer, as it opens
        # Checked as it opens, then with every item's details open.
        for layer in ("summary", "details"):
            if layer == "details" and not open_all_details(page):
                continue
            if has_horizontal_scroll(page):
                problems.append((key, layer, "scrolls sideways"))
            small = small_targets(page)
            if small:
                problems.append((key, layer, "targets under 24 px", small))
            faint = faint_controls(page)
            if faint:
                problems.append((key, layer, "control borders under 3:1", faint))
        violations = axe_violations(page)  # with everything open: all the content
        if violations:
            problems.append((key, violations))
    assert problems == [], "\n".join(map(str, problems))
    context.close()


def test_review_page_prints_on_a4_without_navigation(browser, live_server, consultation):
    context, page = new_page(browser, live_server, "desktop")
    open_step(page, live_server, consultation, "review")
    page.emulate_media(media="print")

    hidden = page.evaluate("""() => ['.site-header', '.site-footer', '.skip-link', '.step-nav', '.step-actions',
        '.view-switch'].map(s => [s, [...document.querySelectorAll(s)].every(e => getComputedStyle(e).display === 'none')])""")
    assert [s for s, gone in hidden if not gone] == []
    assert page.get_by_role("button").count() == 0 or not any(
        b.is_visible() for b in page.get_by_role("button").all())

    pdf = page.pdf(format="A4", print_background=True)
    (ARTIFACTS / "review-print.pdf").write_bytes(pdf)
    reader = PdfReader(io.BytesIO(pdf))
    assert {(round(float(p.mediabox.width)), round(float(p.mediabox.height))) for p in reader.pages} <= {
        (595, 842), (596, 843)}  # A4 in points (Chromium rounds up a little)
    text = " ".join(p.extract_text() for p in reader.pages)
    for words in ("Clinic-D 8", "This record summarises a discussion. It recommends no treatment.",
                  "Not discussed", "Worried about not noticing burns.", "Pain team review in 2 weeks."):
        assert words in text, words
    for words in ("Finalize record", "Log out", "Switch to patient view", "Skip to main content"):
        assert words not in text, words
    context.close()
