"""Whole consultations in a real browser, with the bundled tractotomy content:
once with mouse and typing, once by keyboard alone. Both end with the two PDFs
downloaded and read back.

Each journey also runs axe on the pages as they fill up (a skipped topic, a
conflict-free review, a final record), which the empty-page checks cannot see.
"""

import re

import pytest
from playwright.sync_api import expect

from aids.models import Consultation, PatientQuestion
from browser_support import (
    axe_violations,
    controls,
    focused,
    load_real_aid,
    log_in,
    new_page,
    pdf_text,
)
from walkthrough_support import SURE_TEXTS

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

FIRST_RISK = "Loss of pain and temperature feeling in the relieved area"
SECOND_RISK = "Death caused by mesencephalotomy"
FIRST_BENEFIT = "Good pain relief after mesencephalotomy"
VALUE = "How much does spending time at home rather than in hospital matter to you?"

# What the clinician types: realistic, with the punctuation people really use.
TYPED = {
    "risk_note": "Worried about numbness on the left side; asked how she would notice a burn.",
    "risk_note_2": "Quiet after hearing this. Her daughter asked about the 2 in 100 figure.",
    "benefit_note": "Hopes to sleep through the night again \u2013 pain is 9/10 most evenings.",
    "option_note": "Had heard of cordotomy from a friend; wants to compare recovery times.",
    "own_words": "Being at home with the grandchildren matters more than anything. \u201cI don\u2019t want to be in hospital for weeks.\u201d",
    "question": "Would I still feel it if I cut my hand?",
    "answer": "Not in the area that gets relief, so checking the skin each day helps.",
    "position_words": "Wants to think it over with her daughter before the next clinic.",
    "next_steps": "Pain team review in 2 weeks; palliative care nurse to phone on Friday.",
}


@pytest.fixture
def aid():
    load_real_aid()


def click_and_wait(page, locator):
    """Press a button that loads a new page, and wait for that page."""
    with page.expect_navigation():
        locator.click()


def group(page, name):
    return page.get_by_role("group", name=name, exact=True)


def record_item(page, title, note=None, note_label="The patient's reaction or notes (optional)"):
    """Tick an item's line as discussed and, with ``note``, open its details and type it."""
    row = page.locator(".layer-item", has=page.locator(".layer-title", has_text=re.compile(
        rf"^\s*{re.escape(title)}\s*$")))
    expect(row).to_have_count(1)
    row.get_by_label(f"Discussed: {title}").check()
    if note:
        row.locator("summary").first.click()
        row.get_by_label(note_label).fill(note)


def test_clinician_completes_a_consultation_and_downloads_both_records(browser, live_server, aid, clinician):
    context, page = new_page(browser, live_server, "tablet", username=None, accept_downloads=True)
    context.set_default_timeout(10_000)
    problems = []

    def check(name):
        violations = axe_violations(page)
        if violations:
            problems.append((name, violations))

    # Log in through the form; the empty list.
    log_in(page, live_server, "dr_amal", "a-long-test-password")
    expect(page.get_by_role("heading", name="Your consultations")).to_be_visible()
    expect(page.get_by_text("No consultations yet")).to_be_visible()

    # Start.
    click_and_wait(page, page.get_by_role("link", name="Start a consultation"))
    page.get_by_label("Patient reference").fill("Clinic-B 42")
    page.get_by_label("Patient", exact=True).check()
    page.get_by_label("Family member or carer").check()
    page.get_by_label("Others present (optional)").fill("Ward nurse")
    click_and_wait(page, page.get_by_role("button", name="Start"))

    # The decision: the four SURE questions before.
    expect(page.get_by_role("heading", level=1)).to_contain_text("The decision")
    for text in SURE_TEXTS:
        group(page, text).get_by_label("Yes" if text != SURE_TEXTS[0] else "No").check()
    click_and_wait(page, page.get_by_role("button", name="Next: About tractotomy"))
    click_and_wait(page, page.get_by_role("button", name="Next: Choose topics"))

    # Topics: risks, then benefits, first (the cards move in place), criteria skipped.
    for title, moves in (("Risks", 3), ("Benefits", 2)):
        for _ in range(moves):
            page.get_by_role("button", name=re.compile(rf"^Move up\W+{title}$")).click()
    assert page.locator(".topic-card-title").all_inner_texts() == [
        "Risks", "Benefits", "Last-resort criteria", "Alternatives"]
    page.get_by_label("Skip last-resort criteria").check()
    click_and_wait(page, page.get_by_role("button", name="Next: Risks"))
    skipped_entry = page.locator(".step-entry.is-skipped").first
    expect(skipped_entry).to_contain_text("Last-resort criteria")
    expect(skipped_entry).to_contain_text("skipped")

    # Risks, then benefits: ticks and notes on the items talked about.
    expect(page.get_by_role("heading", level=1)).to_contain_text("Risks")
    for title, note in ((FIRST_RISK, TYPED["risk_note"]), (SECOND_RISK, TYPED["risk_note_2"])):
        record_item(page, title, note)
    click_and_wait(page, page.get_by_role("button", name="Next: Benefits"))
    record_item(page, FIRST_BENEFIT, TYPED["benefit_note"])
    click_and_wait(page, page.get_by_role("button", name="Next: Alternatives"))

    # Alternatives: the patient picks two options to look at.
    choose = page.locator("section", has=page.get_by_role("heading", name="Which options would the patient"))
    choose.get_by_label("Cordotomy", exact=True).check()
    choose.get_by_label("No procedure for now", exact=True).check()
    click_and_wait(page, page.get_by_role("button", name="Show the chosen options"))
    expect(page.get_by_role("heading", name="The options chosen, side by side")).to_be_visible()
    record_item(page, "Cordotomy", TYPED["option_note"])
    check("alternatives, two chosen")
    click_and_wait(page, page.get_by_role("button", name="Next: What matters to you"))

    # What matters: one rating, own words.
    group(page, VALUE).get_by_label("4 - Very much").check()
    page.get_by_label("In the patient's own words").fill(TYPED["own_words"])
    click_and_wait(page, page.get_by_role("button", name="Next: Questions and understanding"))

    # Questions, and SURE again.
    page.get_by_label("Question 1", exact=True).fill(TYPED["question"])
    page.get_by_label("Answer given to question 1").fill(TYPED["answer"])
    group(page, "Is question 1 answered?").get_by_label("Answered").check()
    for text in SURE_TEXTS:
        page.locator("section", has=page.get_by_role("heading", name="The four SURE questions again")) \
            .get_by_role("group", name=text).get_by_label("Yes").check()
    click_and_wait(page, page.get_by_role("button", name="Next: Next steps"))

    # Next steps.
    group(page, "Where the patient stands now (tick all that apply)").get_by_label("Wants to talk to family").check()
    page.get_by_label("Where the patient stands, in their own words").fill(TYPED["position_words"])
    page.get_by_label("Agreed next steps").fill(TYPED["next_steps"])
    page.get_by_label("Follow-up date (optional)").fill("2027-03-01")
    check("next steps, filled")
    click_and_wait(page, page.get_by_role("button", name="Next: Review"))

    # Review: everything typed is there; the skipped topic is under "Not discussed".
    main = page.locator("main")
    for text in TYPED.values():
        expect(main).to_contain_text(text)
    expect(page.locator(".not-discussed")).to_contain_text("Last-resort criteria: skipped - none of these was discussed")
    check("review, filled")

    # The patient view of the review: larger type, the clinician's notes left out.
    normal = page.evaluate("parseFloat(getComputedStyle(document.querySelector('main p')).fontSize)")
    click_and_wait(page, page.get_by_role("link", name="Switch to patient view"))
    assert page.evaluate("parseFloat(getComputedStyle(document.querySelector('main p')).fontSize)") > normal
    expect(main).not_to_contain_text(TYPED["risk_note"])
    expect(main).to_contain_text(TYPED["own_words"])
    check("review, patient view")
    click_and_wait(page, page.get_by_role("link", name="Switch to clinician view"))

    # Finalize: first the confirmation of what was not discussed, then the record; then both PDFs.
    click_and_wait(page, page.get_by_role("link", name="Finalize record"))
    expect(page.get_by_role("heading", level=1)).to_contain_text("Finalize the record?")
    expect(main).to_contain_text("Last-resort criteria: skipped - none of these was discussed")
    check("finalize confirmation")
    click_and_wait(page, page.get_by_role("button", name="Finalize the record now"))
    expect(page.get_by_role("heading", level=1)).to_contain_text("Record SDM-")
    expect(page.locator("main")).to_contain_text("The record is final")
    check("record, final")
    texts = {}
    for variant in ("clinical", "patient"):
        with page.expect_download() as download:
            page.get_by_role("link", name=re.compile(f"Download PDF.*revision 1, {variant} copy")).click()
        assert download.value.suggested_filename.endswith(".pdf")
        texts[variant] = pdf_text(open(download.value.path(), "rb").read())

    clinical, patient = texts["clinical"], texts["patient"]
    for text in TYPED.values():  # everything typed, exactly, in the clinical copy
        assert text in clinical, text
    assert "Last-resort criteria: skipped" in clinical
    assert "Not discussed" in clinical
    assert "Clinic-B 42" in clinical and "Clinic-B 42" in patient
    for text in ("own_words", "question", "answer", "position_words", "next_steps"):  # the patient's part
        assert TYPED[text] in patient, text
    assert TYPED["risk_note"] not in patient  # the clinician's notes stay on the clinical copy
    assert "What we did not talk about" in patient and "skipped" in patient

    consultation = Consultation.objects.get()
    assert consultation.is_final and consultation.skipped_topics == ["criteria"]
    assert PatientQuestion.objects.get().question == TYPED["question"]
    assert problems == [], "\n".join(map(str, problems))
    context.close()


class Keyboard:
    """Drive a page with the keyboard alone, checking at every stop that focus can be seen.

    ``seen`` collects every element focus reached since the last page arrived, so a
    test can check that every control of the page was reachable by Tab.
    """

    def __init__(self, page):
        self.page = page
        self.seen = set()
        self.unseen_focus = []

    def _stop(self):
        f = focused(self.page)
        self.seen.add(f["key"])
        if not f["visible"]:
            self.unseen_focus.append((self.page.url, f["key"]))
        return f

    def press(self, key):
        self.page.keyboard.press(key)
        return self._stop()

    def tab_to(self, label=None, *, group=None, tag=None, back=False, limit=250):
        """Tab (or Shift+Tab) until focus is on the element whose label matches
        ``label`` (a regular expression, whole), inside ``group`` (a fieldset legend)."""
        for _ in range(limit):
            f = self.press("Shift+Tab" if back else "Tab")
            if ((label is None or re.fullmatch(label, f["label"]))
                    and (group is None or f["group"] == group) and (tag is None or f["tag"] == tag)):
                return f
        raise AssertionError(f"Tab never reached {label!r} {group!r} on {self.page.url}; reached {self.seen}")

    def type(self, text):
        self.page.keyboard.type(text)

    def go(self, key="Enter"):
        """Press a key that loads a new page; wait for it."""
        with self.page.expect_navigation():
            self.page.keyboard.press(key)

    def arrive(self, heading):
        """On a new page focus is on its heading (which says where we are), visibly."""
        self.page.wait_for_load_state()
        f = focused(self.page)
        assert f["tag"] in ("h1", "h2") and heading in f["label"], (self.page.url, f)
        if not f["visible"]:
            self.unseen_focus.append((self.page.url, f["key"]))
        self.seen = set()
        return f

    def missed(self, root=".step-main"):
        """Controls inside ``root`` that Tab has not reached since the page arrived."""
        return controls(self.page, root) - self.seen


def test_keyboard_alone_completes_a_consultation(browser, live_server, aid, clinician):
    context, page = new_page(browser, live_server, "desktop", username=None, accept_downloads=True)
    context.set_default_timeout(10_000)
    kb = Keyboard(page)
    missed = []

    def next_step(title, arriving):
        kb.tab_to(f"Next: {title}")
        missed.extend((page.url, key) for key in kb.missed())
        kb.go()
        kb.arrive(arriving)

    # Log in: focus starts in the username box.
    page.goto(f"{live_server.url}/accounts/login/")
    assert focused(page)["label"].startswith("Username")
    kb.type("dr_amal")
    kb.press("Tab")
    kb.type("a-long-test-password")
    kb.go()

    # The list: the skip link comes first, then the way to start.
    assert kb.press("Tab")["label"] == "Skip to main content"
    kb.tab_to("Start a consultation")
    kb.go()
    kb.arrive("Start a consultation")
    kb.tab_to("Patient reference.*")
    kb.type("Keyboard 7")
    kb.tab_to("Patient")
    kb.press("Space")
    kb.tab_to("Start", tag="button")
    kb.go()

    # The decision. First Shift+Tab back through the consultation bar, the step
    # list and the header to the skip link: all of it reachable, focus visible.
    kb.arrive("The decision")
    kb.tab_to("Skip to main content", back=True)
    missed.extend((page.url, key) for key in controls(page, "header") | controls(page, ".consultation-bar")
                  | controls(page, ".step-nav") if key not in kb.seen)
    kb.tab_to(None, group=SURE_TEXTS[0])
    kb.press("Space")  # Yes
    assert kb.press("ArrowRight")["label"] == "No"  # arrows move within a radio group, and choose
    for text in SURE_TEXTS[1:]:
        kb.tab_to(None, group=text)
        kb.press("Space")
    next_step("About tractotomy", "About tractotomy")
    next_step("Choose topics", "Choose topics")

    # Topics: risks, then benefits, first (the cards move in place; focus stays on the
    # button pressed, or goes to the card's other one at the top), skip the criteria.
    kb.tab_to(r"Move up\W+Risks")
    for _ in range(3):
        kb.press("Enter")
    assert re.fullmatch(r"Move down\W+Risks", focused(page)["label"])
    kb.tab_to(r"Move up\W+Benefits")
    kb.press("Enter")
    assert re.fullmatch(r"Move up\W+Benefits", kb.press("Enter")["label"])
    assert page.locator(".topic-card-title").all_inner_texts() == [
        "Risks", "Benefits", "Last-resort criteria", "Alternatives"]
    kb.tab_to("Skip last-resort criteria")
    assert kb.press("Space")["checked"]
    next_step("Risks", "Risks")

    # Each item is a line: Enter opens its details (the note is there), Space ticks it.
    kb.tab_to(rf"{re.escape(FIRST_RISK)}.*", tag="summary")
    kb.press("Enter")
    kb.tab_to(r"The patient's reaction or notes \(optional\)")
    kb.type(TYPED["risk_note"])
    kb.tab_to(rf"Discussed\W+{re.escape(FIRST_RISK)}")
    assert kb.press("Space")["checked"]
    next_step("Benefits", "Benefits")
    kb.tab_to(rf"{re.escape(FIRST_BENEFIT)}.*", tag="summary")
    kb.press("Enter")
    kb.tab_to(r"The patient's reaction or notes \(optional\)")
    kb.type(TYPED["benefit_note"])
    kb.tab_to(rf"Discussed\W+{re.escape(FIRST_BENEFIT)}")
    kb.press("Space")
    next_step("Alternatives", "Alternatives")

    # Alternatives: choose one option, show it, record it.
    kb.tab_to("Cordotomy")
    kb.press("Space")
    kb.tab_to("Show the chosen options")
    kb.go()
    kb.arrive("Alternatives")
    kb.tab_to(r"Note\W+Cordotomy", tag="summary")
    kb.press("Enter")
    kb.tab_to(r"The patient's reaction or notes \(optional\)")
    kb.type(TYPED["option_note"])
    kb.tab_to(r"Discussed\W+Cordotomy")
    kb.press("Space")
    next_step("What matters to you", "What matters to you")

    kb.tab_to(None, group=VALUE)
    for _ in range(4):
        f = kb.press("ArrowRight")
    assert f["label"] == "4 - Very much" and f["checked"]
    kb.tab_to("In the patient's own words.*")
    kb.type(TYPED["own_words"])
    next_step("Questions and understanding", "Questions and understanding")

    kb.tab_to("Question 1")
    kb.type(TYPED["question"])
    kb.tab_to("Answer given to question 1")
    kb.type(TYPED["answer"])
    f = kb.tab_to(None, group="Is question 1 answered?")
    assert f["label"] == "Still open" and f["checked"]  # Tab lands on the chosen radio
    assert kb.press("ArrowUp")["label"] == "Answered"
    next_step("Next steps", "Next steps")

    kb.tab_to("Wants to talk to family", group="Where the patient stands now (tick all that apply)")
    assert kb.press("Space")["checked"]
    kb.tab_to("Agreed next steps")
    kb.type(TYPED["next_steps"])
    next_step("Review", "Review")

    # Review: everything is there; finalize by keyboard.
    expect(page.locator("main")).to_contain_text(TYPED["own_words"])
    kb.tab_to("Finalize record")
    missed.extend((page.url, key) for key in kb.missed())
    kb.go()
    kb.arrive("Finalize the record?")
    kb.tab_to("Finalize the record now")
    missed.extend((page.url, key) for key in kb.missed())
    kb.go()
    kb.arrive("Record SDM-")

    # The record page: download both copies by keyboard.
    texts = {}
    for variant in ("clinical", "patient"):
        kb.tab_to(f"Download PDF.*revision 1, {variant} copy.*")
        with page.expect_download() as download:
            page.keyboard.press("Enter")
        texts[variant] = pdf_text(open(download.value.path(), "rb").read())
    for key in ("risk_note", "benefit_note", "option_note", "own_words", "question", "answer", "next_steps"):
        assert TYPED[key] in texts["clinical"], key
    assert "Last-resort criteria: skipped" in texts["clinical"]
    assert TYPED["own_words"] in texts["patient"]

    consultation = Consultation.objects.get()
    assert consultation.topic_order[0] == "risks" and consultation.skipped_topics == ["criteria"]
    assert consultation.sure_before["sure"] == "no" and consultation.positions == ["talk_family"]
    assert kb.unseen_focus == [], kb.unseen_focus
    assert missed == [], missed
    context.close()
