"""The translation editor in a real browser, with the bundled Spanish draft: the overview
and a part page have no axe violations, and a translator works a part by keyboard only
(Tab into the first translation, type, Tab on to Save, Enter)."""

import pytest
from playwright.sync_api import expect

from aids.models import TranslatedText, Translation
from browser_support import axe_violations, load_real_aid, new_page, screenshot
from factories import make_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_translation_editor_is_accessible_and_keyboard_usable(browser, live_server):
    load_real_aid()  # publishes the bundled aid (demo) and loads the Spanish draft
    translation = Translation.objects.get(language_code="es")
    make_user("dr_amal", is_staff=True, is_superuser=True)
    context, page = new_page(browser, live_server, "desktop")
    base = f"{live_server.url}/admin/aids/translation/{translation.pk}"
    problems = []

    for name, url in (("overview", f"{base}/change/"), ("risks", f"{base}/part/risks/"),
                      ("grid", f"{base}/part/grid/")):
        page.goto(url)
        page.wait_for_load_state("networkidle")
        screenshot(page, f"translation-{name}")
        problems += [(name, v) for v in axe_violations(page)]
    assert problems == [], "\n".join(map(str, problems))

    page.goto(f"{base}/part/risks/")
    first = page.locator("textarea").first
    row_pk = int(first.get_attribute("name").split("-")[1])
    expect(page.locator(f"label[for=id_text-{row_pk}]")).to_have_count(1)
    first.focus()
    page.keyboard.press("Control+a")
    page.keyboard.type("Pérdida de la sensación de dolor en la zona aliviada")
    count = page.locator("textarea").count()
    for _ in range(count):  # past every other translation field, to the Save button
        page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.value") == "Save"
    page.keyboard.press("Enter")
    page.wait_for_load_state("networkidle")

    expect(page.locator(".messagelist")).to_contain_text("Risks: 1 text saved.")
    assert TranslatedText.objects.get(pk=row_pk).text == (
        "Pérdida de la sensación de dolor en la zona aliviada")
    context.close()
