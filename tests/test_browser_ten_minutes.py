"""A whole consultation in about ten minutes, in a real browser at 1366 x 900 with
the bundled aid: once for a patient with face pain, once for arm pain.

It counts every action a clinician takes (each click, tick and typed field) and
measures each topic step's summary layer as it opens: at most two screens high,
and all summary layers together at most 1,500 words. The items shown first are the
ones for that pain site; the option grid keeps every chosen column on screen; the
record is finalized only after a confirmation and states the pain site and where
each item was shown.
"""

import io
import re

import pytest
from playwright.sync_api import expect
from pypdf import PdfReader

from aids.models import Aid, Consultation, ItemRecord, RecordDocument
from browser_support import load_real_aid, new_page
from walkthrough_support import SURE_TEXTS

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

VIEWPORT = (1366, 900)
MAX_ACTIONS = 40
MAX_SCREENS = 2
MAX_SUMMARY_WORDS = 1500
LAYERED = ("about", "criteria", "alternatives", "benefits", "risks")

# The words of a step's summary layer: what a person sees as the step opens, less
# each item's details (closed), the clinician's controls and the navigation.
SUMMARY_WORDS_JS = """() => {
  const main = document.querySelector('.step-main').cloneNode(true);
  main.querySelectorAll('details > :not(summary), .step-actions, .layer-check, .layer-mark-all, '
      + '.clinician-record, .layer-note, [data-autosave-status], .visually-hidden, input, textarea, '
      + 'script, .step-number').forEach(e => e.remove());
  return main.textContent.split(/\\s+/).filter(w => /\\w/.test(w)).length;
}"""


class Clinician:
    """Drives the page and counts every action (click, tick or typed field)."""

    def __init__(self, page):
        self.page = page
        self.actions = 0

    def click(self, locator, navigates=True):
        self.actions += 1
        if navigates:
            with self.page.expect_navigation():
                locator.click()
        else:
            locator.click()

    def check(self, locator):
        self.actions += 1
        locator.check()

    def uncheck(self, locator):
        self.actions += 1
        locator.uncheck()

    def fill(self, locator, text):
        self.actions += 1
        locator.fill(text)

    def next(self):
        self.click(self.page.get_by_role("button", name=re.compile(r"^Next: ")))


def summary_layer(page):
    """(screens of height, words) of the step as it opens."""
    height = page.evaluate("document.documentElement.scrollHeight")
    return height / VIEWPORT[1], page.evaluate(SUMMARY_WORDS_JS)


def first_titles(page):
    """The item lines listed first (before "About the other forms of the operation")."""
    return page.locator(".layer-list").first.locator(".layer-title").all_inner_texts()


@pytest.mark.parametrize("site, site_key", [("The face", "trigeminal"),
                                            ("The head, neck, shoulder, arm or upper chest",
                                             "mesencephalotomy")])
def test_ten_minutes_a_whole_consultation_in_layers(browser, live_server, clinician, site, site_key):
    load_real_aid()
    version = Aid.objects.get(slug="tractotomy").current_version()
    form_id = version.operation_forms.get(key=site_key).pk
    expected_first = {
        "benefits": [b.title for b in version.benefits.prefetch_related("forms") if b.applies_to({form_id})],
        "risks": [r.title for r in version.risks.prefetch_related("forms") if r.applies_to({form_id})],
    }
    context, page = new_page(browser, live_server, VIEWPORT)
    context.set_default_timeout(10_000)
    you = Clinician(page)
    layers = {}

    def measure(key):
        assert page.url.endswith(f"/step/{key}/"), page.url
        layers[key] = summary_layer(page)

    # Start: reference, who is here, where the pain is, cancer pain.
    page.goto(f"{live_server.url}/")
    you.click(page.get_by_role("link", name="Start a consultation"))
    you.fill(page.get_by_label("Patient reference"), "TEN-1")
    you.check(page.get_by_label("Patient", exact=True))
    you.check(page.get_by_label(site, exact=True))
    you.check(page.get_by_label("Yes, the pain is caused by cancer"))
    you.click(page.get_by_role("button", name="Start", exact=True))

    # The decision: the four SURE questions before.
    for text in SURE_TEXTS:
        you.check(page.get_by_role("group", name=text, exact=True).get_by_label("No" if text == SURE_TEXTS[0] else "Yes"))
    you.next()

    measure("about")
    you.next()

    # Topics: the patient chooses; the list starts in the content's order, not benefits first.
    expect(page.locator("main")).to_contain_text("The patient chooses the order")
    cards = page.locator(".topic-card-title").all_inner_texts()
    assert cards[0] != "Benefits"
    you.next()

    steps_in_order = [t.lower() for t in cards]
    assert steps_in_order == ["last-resort criteria", "alternatives", "benefits", "risks"]

    # Criteria: one click marks them all.
    measure("criteria")
    you.click(page.get_by_role("button", name="Mark all as discussed"))
    you.next()

    # Alternatives: the patient picks two options; both columns stay on screen.
    measure("alternatives")
    you.check(page.get_by_label("No procedure for now", exact=True))
    you.check(page.get_by_label("Cordotomy", exact=True))
    you.click(page.get_by_role("button", name="Mark all as discussed"))
    headers = page.locator(".sdm-option-grid thead th.sdm-grid-option")
    assert [h.strip() for h in headers.all_inner_texts()] == ["No procedure for now", "Cordotomy"]
    for box in (h.bounding_box() for h in headers.all()):
        assert 0 <= box["x"] and box["x"] + box["width"] <= VIEWPORT[0]
    you.next()

    # Benefits and risks: this pain site's items first, the rest under a plain heading.
    for key in ("benefits", "risks"):
        measure(key)
        assert first_titles(page) == expected_first[key], key
        expect(page.get_by_role("heading", name="About the other forms of the operation")).to_be_visible()
        you.click(page.get_by_role("button", name="Mark all as discussed"))
        if key == "risks":  # one was not talked about after all
            you.uncheck(page.locator(".layer-check input").first)
        you.next()

    # What matters: one rating.
    you.check(page.locator(".value-item").first.get_by_label("4 - Very much"))
    you.next()

    # The patient's question, and SURE again.
    you.fill(page.get_by_label("Question 1", exact=True), "Would I still feel a burn on my cheek?")
    you.fill(page.get_by_label("Answer given to question 1"), "Not in the area that gets relief.")
    you.check(page.get_by_role("group", name="Is question 1 answered?").get_by_label("Answered"))
    after = page.locator("section", has=page.get_by_role("heading", name="The four SURE questions again"))
    for text in SURE_TEXTS:
        you.check(after.get_by_role("group", name=text, exact=True).get_by_label("Yes"))
    you.next()

    # Where the patient stands: two answers at once.
    you.check(page.get_by_label("Wants more time"))
    you.check(page.get_by_label("Wants to talk to family"))
    you.fill(page.get_by_label("Agreed next steps"), "Pain team review in two weeks.")
    you.next()

    # Review, then a confirmation before anything is final.
    you.click(page.get_by_role("link", name="Finalize record"))
    expect(page.get_by_role("heading", level=1)).to_contain_text("Finalize the record?")
    assert not Consultation.objects.get().is_final
    you.click(page.get_by_role("button", name="Finalize the record now"))
    expect(page.get_by_role("heading", level=1)).to_contain_text("Record SDM-")

    consultation = Consultation.objects.get()
    assert consultation.is_final
    assert consultation.pain_sites == [site_key] and consultation.cancer_pain == "yes"
    assert consultation.positions == ["more_time", "talk_family"]
    assert ItemRecord.objects.filter(consultation=consultation, kind="risk", discussed=False).count() == 1
    assert you.actions <= MAX_ACTIONS, f"{you.actions} actions"

    for key, (screens, _words) in layers.items():
        assert screens <= MAX_SCREENS, f"{key}: {screens:.2f} screens"
    assert set(layers) == set(LAYERED)
    total_words = sum(words for _screens, words in layers.values())
    assert total_words <= MAX_SUMMARY_WORDS, {k: w for k, (_s, w) in layers.items()}

    clinical = RecordDocument.objects.get(consultation=consultation, variant="clinical")
    text = re.sub(r"\s+", " ", " ".join(p.extract_text() for p in PdfReader(io.BytesIO(bytes(clinical.pdf))).pages))
    assert f"Where the pain is {site}" in text
    assert "Items that apply to the pain site recorded were shown first" in text
    assert "shown first" in text and "shown under the other forms" in text
    print(f"\n{site}: {you.actions} actions; summary layers "
          + ", ".join(f"{k} {s:.2f} screens / {w} words" for k, (s, w) in layers.items())
          + f"; {total_words} words in all")
    context.close()
