"""The draft editor in a real browser: overview, a part page and the preview, with
axe (zero violations), page heights and form controls measured, and a keyboard
path from a finding to its field."""

import re

import pytest
from playwright.sync_api import expect

from aids.admin.parts import FORM_CONTROL_BUDGET
from aids.interchange import import_version, parse_document
from aids.management.commands.load_aid import DEFAULT_FILE
from aids.models import AidVersion
from aids.publishing import version_new_draft, version_publish
from browser_support import axe_violations, new_page, screenshot
from factories import make_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# Before the split (one change page for the whole bundled draft, measured the same
# way): 3,552 form controls and 67,377 px high. Split by part, the risks page was
# still every risk in full, about 16,600 px: now a table, and a page per risk.
BEFORE = {"controls": 3552, "height": 67377}
# A normal admin page: a few screens at 1366 x 768.
PAGE_HEIGHT_BUDGET = 6000

MEASURE_JS = """() => ({
  height: document.documentElement.scrollHeight,
  controls: [...document.querySelectorAll('input, select, textarea, button')]
    .filter(el => el.type !== 'hidden' && !el.closest('.empty-form')).length,
})"""


def test_editor_overview_part_page_and_preview_are_accessible_and_normal_sized(browser, live_server):
    bundled = import_version(parse_document(DEFAULT_FILE.read_text(encoding="utf-8")), user=None)
    version_publish(version=bundled, user=None, change_note="Demo.", demo=True)
    draft = version_new_draft(version=bundled, user=None)
    # A change to compare, and a phrase to flag (marked in the preview).
    risk = draft.risks.order_by("order", "pk")[1]
    type(risk).objects.filter(pk=risk.pk).update(description=risk.description + " We recommend it.")
    make_user("dr_amal", is_staff=True, is_superuser=True)
    context, page = new_page(browser, live_server, "desktop")
    base = f"{live_server.url}/admin/aids/aidversion/{draft.pk}"
    problems, sizes = [], {}

    risk_page = f"{base}/part/risks/{draft.risks.order_by('order', 'pk')[1].pk}/"
    for name, url in (("overview", f"{base}/change/"), ("risks", f"{base}/part/risks/"),
                      ("risk", risk_page), ("benefits", f"{base}/part/benefits/"),
                      ("sections", f"{base}/part/sections/"),
                      ("references", f"{base}/part/references/"),
                      ("grid", f"{base}/part/grid/{draft.options.first().pk}/"),
                      ("preview", f"{base}/preview/")):
        page.goto(url)
        page.wait_for_load_state("networkidle")
        if name == "preview":
            expect(page.locator("mark.aids-flag")).to_have_count(1)
            expect(page.locator("#changes .sdm-diff-table ins")).to_have_text(["We recommend it."])
        sizes[name] = page.evaluate(MEASURE_JS)
        screenshot(page, f"editor-{name}")
        problems += [(name, v) for v in axe_violations(page)]

    print("\nbefore: one page, %(controls)s controls, %(height)s px" % BEFORE)
    for name, size in sizes.items():
        print(f"{name:10} {size['controls']:4} controls {size['height']:6} px")
    assert problems == [], "\n".join(map(str, problems))
    for name in ("overview", "risks", "risk", "benefits", "sections", "references", "grid"):
        assert sizes[name]["controls"] <= FORM_CONTROL_BUDGET, (name, sizes[name])
    for name in ("risks", "risk", "benefits", "sections", "references", "grid"):
        assert sizes[name]["height"] <= PAGE_HEIGHT_BUDGET, (name, sizes[name])
    context.close()


def test_a_finding_leads_by_keyboard_to_its_field(browser, live_server):
    published = import_version(parse_document(DEFAULT_FILE.read_text(encoding="utf-8")), user=None)
    draft = version_new_draft(version=published, user=None)
    risk = draft.risks.order_by("order", "pk")[1]
    type(risk).objects.filter(pk=risk.pk).update(description="We recommend this operation.")
    make_user("dr_amal", is_staff=True, is_superuser=True)
    context, page = new_page(browser, live_server, "desktop")
    page.goto(f"{live_server.url}/admin/aids/aidversion/{draft.pk}/change/")

    link = page.locator(".aids-finding-error", has_text="Directive wording").locator("a.aids-finding-location")
    expect(link).to_have_text(re.compile(r'^Risk 2 ".+", description$'))
    link.focus()
    with page.expect_navigation():
        page.keyboard.press("Enter")

    assert page.url.endswith(f"/part/risks/{risk.pk}/#id_risks-0-description")
    field = page.locator("#id_risks-0-description")
    expect(field).to_have_value("We recommend this operation.")
    expect(field).to_be_in_viewport()
    # The references chooser is the admin's own, with its search box.
    expect(page.locator("#id_risks-0-references_input")).to_be_visible()
    assert AidVersion.objects.filter(pk=draft.pk, status="draft").exists()
    context.close()
