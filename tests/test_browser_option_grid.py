"""The option grid of the bundled aid with all seven options chosen, in a real
browser: every column on screen at desktop and tablet width, in the order the
options were picked, every column alike, the header row in view while reading."""

import pytest
from playwright.sync_api import expect

from aids.models import Consultation
from browser_support import axe_violations, has_horizontal_scroll, load_real_aid, new_page

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# Each option column's header and its first body cell: [name, left, right, cell left, cell right, width].
COLUMNS_JS = """() => [...document.querySelectorAll('.sdm-option-grid thead th.sdm-grid-option')].map(th => {
  const column = [...th.parentElement.children].indexOf(th);
  const cell = th.closest('table').querySelector('tbody tr').children[column];
  const h = th.getBoundingClientRect(), c = cell.getBoundingClientRect();
  return [th.innerText.trim(), h.left, h.right, c.left, c.right, h.width];
})"""


@pytest.fixture
def consultation(clinician):
    load_real_aid()
    from aids.consultations import consultation_start

    return consultation_start(clinician=clinician, patient_ref="Grid 7", present=["patient"])


def pick(page, names):
    for name in names:
        page.get_by_label(name, exact=True).check()
    with page.expect_navigation():
        page.get_by_role("button", name="Show the chosen options").click()


def test_option_grid_with_seven_options_fits_tablet_and_desktop_in_the_order_picked(
        browser, live_server, consultation):
    context, page = new_page(browser, live_server, (1366, 900))
    page.goto(f"{live_server.url}/consultations/{consultation.pk}/step/alternatives/")
    options = list(consultation.version.options.all())
    by_key = {o.key: o.name for o in options}
    first, second = by_key["no-procedure"], by_key["spinal-cord-stimulation"]
    rest = [o.name for o in options if o.name not in (first, second)]

    pick(page, [first])
    pick(page, [second])
    pick(page, rest)

    picked = [first, second, *rest]
    ids = Consultation.objects.get().options_order
    assert [next(o.name for o in options if o.pk == i) for i in ids] == picked
    for width, height in ((1366, 900), (820, 1180)):
        page.set_viewport_size({"width": width, "height": height})
        columns = page.evaluate(COLUMNS_JS)
        assert [c[0] for c in columns] == picked, width
        outside = [c for c in columns if c[1] < 0 or c[2] > width or c[3] < 0 or c[4] > width]
        assert outside == [], (width, outside)
        assert max(c[5] for c in columns) - min(c[5] for c in columns) < 1, (width, columns)
        assert not has_horizontal_scroll(page), width
        assert axe_violations(page) == [], width
    context.close()


def test_option_grid_keeps_its_header_row_in_view_while_a_part_is_read(browser, live_server, consultation):
    context, page = new_page(browser, live_server, (1366, 900))
    page.goto(f"{live_server.url}/consultations/{consultation.pk}/step/alternatives/")
    pick(page, [o.name for o in consultation.version.options.all()])
    table = page.locator(".sdm-option-grid").first

    table.locator("tbody tr").nth(5).evaluate("row => window.scrollTo(0, row.getBoundingClientRect().top + scrollY)")

    header = table.locator("thead th").first.bounding_box()
    row_header = table.locator("tbody tr").nth(5).locator("th").bounding_box()
    assert -1 <= header["y"] <= 1  # stuck to the top of the screen
    assert 0 <= row_header["x"] and row_header["x"] + row_header["width"] <= 1366
    context.close()


def test_option_grid_more_opens_by_keyboard(browser, live_server, consultation):
    context, page = new_page(browser, live_server, (820, 1180))
    page.goto(f"{live_server.url}/consultations/{consultation.pk}/step/alternatives/")
    pick(page, [o.name for o in consultation.version.options.all()][:3])
    more = page.locator(".sdm-option-grid tbody tr").nth(1).locator("details").first
    rest = more.locator("> :not(summary)").first
    expect(rest).to_be_hidden()

    more.locator("summary").focus()
    page.keyboard.press("Enter")

    expect(rest).to_be_visible()
    assert more.evaluate("d => d.open")
    context.close()


def test_option_grid_before_any_pick_offers_every_option_behind_one_disclosure(browser, live_server, consultation):
    context, page = new_page(browser, live_server, (1366, 900))
    page.goto(f"{live_server.url}/consultations/{consultation.pk}/step/alternatives/")
    expect(page.locator(".sdm-option-grid").first).to_be_hidden()

    page.get_by_text("Show all 7 options side by side").click()

    expect(page.locator(".sdm-option-grid").first).to_be_visible()
    assert page.locator(".sdm-option-grid thead th.sdm-grid-option").count() == 7
    context.close()
