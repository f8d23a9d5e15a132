"""The consultation list's pager and search in a real browser: axe-core finds nothing
on the first and the oldest page, on a search that finds nothing and on a search that
is too long; the pager works by keyboard; a search too long keeps what was typed."""

import pytest
from playwright.sync_api import expect

from aids.consultations import consultation_start
from browser_support import axe_violations, load_real_aid, new_page

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_list_pager_and_search_are_accessible_and_work_by_keyboard(browser, live_server, clinician):
    load_real_aid()
    for i in range(25):
        consultation_start(clinician=clinician, patient_ref=f"Clinic-L {i:02d}")
    context, page = new_page(browser, live_server, "phone")
    problems = []

    page.goto(f"{live_server.url}/")
    problems += axe_violations(page)
    expect(page.locator(".consultation-item")).to_have_count(20)
    page.get_by_role("link", name="Oldest").focus()
    page.keyboard.press("Enter")
    page.wait_for_url("**/?page=last")
    problems += axe_violations(page)
    oldest = page.locator(".consultation-item .ref").all_inner_texts()
    page.get_by_role("link", name="Newest").click()
    newest = page.locator(".consultation-item .ref").first.inner_text()

    page.get_by_label("Search by patient reference").fill("zz")
    page.get_by_role("button", name="Search").click()
    problems += axe_violations(page)
    miss = page.get_by_text('No consultation has a patient reference starting with "zz".')
    expect(miss).to_be_visible()
    typed = "Clinic-L " + "9" * 40
    page.get_by_label("Search by patient reference").fill(typed)
    page.get_by_role("button", name="Search").click()
    problems += axe_violations(page)
    expect(page.locator(".error-summary")).to_contain_text("Search by patient reference")
    expect(page.get_by_label("Search by patient reference")).to_have_value(typed)
    context.close()

    assert problems == []
    assert oldest == [f"Clinic-L {i:02d}" for i in range(19, -1, -1)]
    assert newest == "Clinic-L 24"
