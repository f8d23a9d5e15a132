"""The login page and the home page in a real browser: accessibility, reflow, focus."""

import pytest

from browser_support import axe_violations, has_horizontal_scroll, log_in, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1366, "height": 768})
    page = context.new_page()
    yield page
    context.close()


def test_login_page_has_no_axe_violations(page, live_server):
    page.goto(f"{live_server.url}/accounts/login/")

    assert axe_violations(page) == []
    screenshot(page, "login-desktop")


def test_login_page_reflows_at_320px(browser, live_server):
    context = browser.new_context(viewport={"width": 320, "height": 640})
    page = context.new_page()
    page.goto(f"{live_server.url}/accounts/login/")

    assert not has_horizontal_scroll(page)
    context.close()


def test_login_form_focuses_username_first(page, live_server):
    page.goto(f"{live_server.url}/accounts/login/")

    assert page.evaluate("document.activeElement.name") == "username"


def test_skip_link_is_first_and_moves_focus_to_main(page, live_server, clinician):
    log_in(page, live_server, "dr_amal", "a-long-test-password")

    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent.trim()") == "Skip to main content"
    assert page.get_by_role("link", name="Skip to main content").is_visible()
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"


def test_clinician_logs_in_and_out(page, live_server, clinician):
    log_in(page, live_server, "dr_amal", "a-long-test-password")

    assert page.get_by_role("button", name="Log out dr_amal").is_visible()
    page.get_by_role("button", name="Log out dr_amal").click()
    page.wait_for_url("**/accounts/login/")
