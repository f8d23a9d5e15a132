"""Several aids and follow-up visits in a real browser, with the bundled tractotomy aid
and the test fixture Aid B: choosing the decision, the start page offering a follow-up,
the "Last time" panel and carried-over questions, and the record pages' links; axe on
each page (zero violations, every impact level)."""

import json
import pathlib

import pytest
from playwright.sync_api import expect

from aids.consultations import consultation_start, record_finalize
from aids.interchange import import_version
from aids.models import Consultation, PatientQuestion
from browser_support import axe_violations, filled_consultation, load_real_aid, new_page
from walkthrough_support import publish_directly

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

AID_B = pathlib.Path(__file__).parent / "fixtures" / "aid_b.json"


def test_choosing_a_decision_and_following_up_a_visit_by_keyboard_and_axe(browser, live_server, clinician):
    load_real_aid()
    earlier = filled_consultation(clinician, patient_ref="Clinic-F 9")
    record_finalize(consultation=earlier, user=clinician)
    publish_directly(import_version(json.loads(AID_B.read_text(encoding="utf-8")), user=None))
    assert earlier.questions.filter(status=PatientQuestion.Status.OPEN).exists()
    context, page = new_page(browser, live_server, size="phone")
    problems = []

    page.goto(f"{live_server.url}/consultations/new/")
    expect(page.get_by_text("Which decision is this consultation about?")).to_be_visible()
    problems += [("choose", axe_violations(page))]
    page.get_by_role("link", name="Aid B (test fixture): Plan Alpha or Plan Beta").click()
    expect(page.get_by_text("Aid B (test fixture): Plan Alpha or Plan Beta, version 1")).to_be_visible()

    # The record page offers the follow-up; the start page has it chosen, reference filled
    page.goto(f"{live_server.url}/consultations/{earlier.pk}/record/")
    problems += [("record", axe_violations(page))]
    page.get_by_role("link", name="Start a follow-up visit").click()
    expect(page.get_by_label("Patient reference")).to_have_value("Clinic-F 9")
    expect(page.get_by_label(f"record {earlier.record_id}", exact=False)).to_be_checked()
    problems += [("new-follow-up", axe_violations(page))]
    page.get_by_role("button", name="Start").click()

    visit = Consultation.objects.latest("pk")
    assert visit.follow_up_of_id == earlier.pk
    expect(page.get_by_role("heading", name="Last time")).to_be_visible()
    expect(page.get_by_text(f"This visit follows up record {earlier.record_id}")).to_be_visible()
    problems += [("decision-last-time", axe_violations(page))]
    page.goto(f"{live_server.url}/consultations/{visit.pk}/step/questions/")
    expect(page.get_by_text("Carried over: still open at the earlier visit").first).to_be_visible()
    problems += [("questions-carried", axe_violations(page))]

    # The start page asks when a typed reference matches a final record
    page.goto(f"{live_server.url}/consultations/new/?aid=tractotomy")
    page.get_by_label("Patient reference").fill("Clinic-F 9")
    page.get_by_role("button", name="Start").click()
    expect(page.get_by_text("say whether this visit follows it up").first).to_be_visible()
    expect(page.get_by_label("Patient reference")).to_have_value("Clinic-F 9")
    problems += [("new-asks", axe_violations(page))]
    context.close()

    assert [p for p in problems if p[1]] == []


def test_the_earlier_record_page_lists_its_follow_up(browser, live_server, clinician):
    load_real_aid()
    earlier = filled_consultation(clinician, patient_ref="Clinic-F 10")
    record_finalize(consultation=earlier, user=clinician)
    later = consultation_start(clinician=clinician, patient_ref="Clinic-F 10", follow_up_of=earlier)
    context, page = new_page(browser, live_server, size="desktop")

    page.goto(f"{live_server.url}/consultations/{earlier.pk}/record/")
    page.get_by_role("link", name=f"Record {later.record_id}").click()

    expect(page.get_by_role("heading", name=f"Record {later.record_id}")).to_be_visible()
    expect(page.get_by_role("link", name=f"record {earlier.record_id}")).to_be_visible()
    assert axe_violations(page) == []
    context.close()
