"""Whole consultations in a real browser with the patient's side in another language
(issue 16): Spanish, chosen at the start, and Arabic, chosen with the shared screen's
language switch, laid out right to left with Bootstrap's RTL stylesheet.

The interface's words are asserted here; the aid's own content is translated in the
admin (content translations), so its words may still be English in these tests.
Every page is checked with axe, and the Arabic pages are photographed at phone and
desktop widths (test-artifacts/screenshots/) with no sideways scrolling.
"""

import re

import pytest
from playwright.sync_api import expect

from aids.models import Consultation
from browser_support import axe_violations, has_horizontal_scroll, load_real_aid, new_page, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SURE_ES = [
    "¿Se siente SEGURO de cuál es la mejor opción para usted?",
    "¿Conoce los beneficios y los riesgos de cada opción?",
    "¿Tiene claro qué beneficios y riesgos le importan más?",
    "¿Tiene suficiente apoyo y consejo para elegir?",
]
SURE_AR = [
    "هل تشعر بالثقة بشأن الخيار الأفضل لك؟",
    "هل تعرف فوائد ومخاطر كل خيار؟",
    "هل أنت واضح بشأن الفوائد والمخاطر الأهم بالنسبة لك؟",
    "هل لديك ما يكفي من الدعم والنصيحة لتختار؟",
]


@pytest.fixture
def aid():
    load_real_aid()


def click_and_wait(page, locator):
    with page.expect_navigation():
        locator.click()


def heading(page):
    return page.get_by_role("heading", level=1)


def start(page, live_server, language):
    page.goto(f"{live_server.url}/consultations/new/")
    page.get_by_label("Patient reference").fill("Clinic-E 7")
    page.get_by_label("Patient", exact=True).check()
    page.get_by_label("Language of the discussion").fill(language)
    click_and_wait(page, page.get_by_role("button", name="Start"))


def test_a_consultation_with_the_patients_side_in_spanish(browser, live_server, aid, clinician):
    context, page = new_page(browser, live_server, "tablet")
    context.set_default_timeout(10_000)
    problems = []

    def check(name):
        assert page.locator("html").get_attribute("lang") == "es", name
        assert page.locator("html").get_attribute("dir") == "ltr", name
        violations = axe_violations(page)
        if violations:
            problems.append((name, violations))

    # The clinician starts in English and names the patient's language; the patient view follows it.
    start(page, live_server, "Spanish")
    expect(heading(page)).to_contain_text("Step 2 of")
    click_and_wait(page, page.get_by_role("button", name="Switch to patient view"))

    # The decision, in Spanish: the four SURE questions before.
    expect(heading(page)).to_contain_text("Paso 2 de 12")
    expect(heading(page)).to_contain_text("La decisión")
    expect(page.get_by_role("button", name="Español")).to_have_attribute("aria-pressed", "true")
    expect(page.get_by_text("No hace falta decidir hoy.")).to_be_visible()
    for i, text in enumerate(SURE_ES):
        page.get_by_role("group", name=text, exact=True).get_by_label("Sí" if i else "No", exact=True).check()
    check("decision")
    click_and_wait(page, page.get_by_role("button", name=re.compile(r"^Siguiente: ")))
    expect(heading(page)).to_contain_text("Paso 3 de 12")
    expect(page.get_by_text("Abra una línea para leer más.")).to_be_visible()
    check("about")
    click_and_wait(page, page.get_by_role("button", name="Siguiente: Elegir los temas"))

    # The topics: one skipped, in the patient's words of the interface.
    expect(heading(page)).to_contain_text("Elegir los temas")
    # "Omitir" is the interface's word; the topic's name is the aid's own (its content,
    # English here: no content translation is published in this test).
    page.get_by_label("Omitir last-resort criteria").check()
    expect(page.get_by_role("button", name=re.compile(r"^Subir\W+Riesgos$"))).to_be_visible()
    check("topics")
    click_and_wait(page, page.get_by_role("button", name=re.compile(r"^Siguiente: ")))
    expect(page.locator(".step-entry.is-skipped").first).to_contain_text("omitido")

    # The topic steps in the order taken, to values.
    while "Lo que le importa" not in heading(page).inner_text():
        title = heading(page).inner_text()
        assert re.search(r"Paso \d+ de 11", title), title
        expect(page.get_by_role("button", name=re.compile(r"^Atrás"))).to_be_visible()
        check(title)
        click_and_wait(page, page.get_by_role("button", name=re.compile(r"^Siguiente: ")))

    # What matters: a rating on the Spanish scale.
    page.locator(".value-item").first.get_by_label("4 - Mucho").check()
    check("values")
    click_and_wait(page, page.get_by_role("button", name="Siguiente: Preguntas y comprensión"))

    # A question, and SURE again.
    page.get_by_label("Pregunta 1", exact=True).fill("¿Podré volver a casa pronto?")
    page.get_by_role("group", name="¿Está respondida la pregunta 1?").get_by_label("Aún abierta").check()
    again = page.locator("section", has=page.get_by_role("heading", name="Otra vez las cuatro preguntas SURE"))
    for text in SURE_ES:
        again.get_by_role("group", name=text, exact=True).get_by_label("Sí", exact=True).check()
    check("questions")
    click_and_wait(page, page.get_by_role("button", name="Siguiente: Próximos pasos"))

    # Next steps.
    page.get_by_role("group", name="Cómo está el paciente ahora (marque todo lo que corresponda)") \
        .get_by_label("Quiere hablar con la familia").check()
    page.get_by_label("Cómo está el paciente, con sus propias palabras").fill("Quiere pensarlo con su hija.")
    check("next")
    click_and_wait(page, page.get_by_role("button", name="Siguiente: Revisión"))

    # The review, in Spanish: what was recorded, and what was not discussed.
    expect(heading(page)).to_contain_text("Revisión")
    main = page.locator("main")
    expect(main).to_contain_text("Last-resort criteria: se omitió; no se habló de nada de esto")
    expect(main).to_contain_text("Quiere hablar con la familia")
    expect(main).to_contain_text("Quiere pensarlo con su hija.")
    expect(main).to_contain_text("¿Podré volver a casa pronto?")
    expect(main).to_contain_text("Puntuación SURE 4 de 4")
    check("review")

    # Back in the clinician's view: the clinician's language, and finalizing there.
    click_and_wait(page, page.get_by_role("link", name="Cambiar a la vista del profesional"))
    assert page.locator("html").get_attribute("lang") == "en-gb"
    expect(heading(page)).to_contain_text("Review")
    click_and_wait(page, page.get_by_role("link", name="Finalize record"))
    click_and_wait(page, page.get_by_role("button", name="Finalize the record now"))
    expect(page.locator("main")).to_contain_text("The record is final")

    consultation = Consultation.objects.get()
    assert (consultation.language, consultation.language_code) == ("Spanish", "es")
    assert consultation.is_final and consultation.skipped_topics == ["criteria"]
    assert consultation.values_own_words == "" and consultation.position_words == "Quiere pensarlo con su hija."
    assert problems == [], "\n".join(map(str, problems))
    context.close()


def stylesheets(page):
    return page.evaluate("[...document.styleSheets].map(s => s.href || '').filter(Boolean)")


def test_a_consultation_with_the_patients_side_in_arabic_lays_out_right_to_left(browser, live_server, aid, clinician):
    context, page = new_page(browser, live_server, "desktop")
    context.set_default_timeout(10_000)
    phone = context.browser.new_context(viewport={"width": 390, "height": 844},
                                        storage_state=context.storage_state()).new_page()
    problems = []

    def check(name):
        assert page.locator("html").get_attribute("lang") == "ar", name
        assert page.locator("html").get_attribute("dir") == "rtl", name
        sheets = stylesheets(page)
        assert any(s.endswith("bootstrap.rtl.min.css") for s in sheets), sheets
        assert not any(s.endswith("/bootstrap.min.css") for s in sheets), sheets
        # Right to left: the step list's column stands to the right of the step.
        if page.locator(".step-nav").count() and page.locator(".step-main").count():
            nav = page.locator(".step-nav").bounding_box()
            step = page.locator(".step-main").bounding_box()
            assert nav["x"] > step["x"], (name, nav, step)
        violations = axe_violations(page)
        if violations:
            problems.append((name, violations))
        slug = re.sub(r"\W+", "-", page.url.rstrip("/").rsplit("/", 1)[-1])
        screenshot(page, f"rtl-desktop-{slug}")
        phone.goto(page.url)
        assert not has_horizontal_scroll(phone), (name, "phone")
        screenshot(phone, f"rtl-phone-{slug}")
        assert not has_horizontal_scroll(page), (name, "desktop")

    start(page, live_server, "English")
    click_and_wait(page, page.get_by_role("button", name="Switch to patient view"))
    expect(page.get_by_role("button", name="English")).to_have_attribute("aria-pressed", "true")
    # The switch by keyboard: focus the Arabic button and press Enter.
    page.get_by_role("button", name="العربية").focus()
    with page.expect_navigation():
        page.keyboard.press("Enter")

    expect(heading(page)).to_contain_text("الخطوة 2 من 12")
    expect(page.get_by_role("button", name="العربية")).to_have_attribute("aria-pressed", "true")
    for text in SURE_AR:
        page.get_by_role("group", name=text, exact=True).get_by_label("نعم", exact=True).check()
    check("decision")
    while "المراجعة" not in heading(page).inner_text():
        click_and_wait(page, page.get_by_role("button", name=re.compile(r"^التالي: ")))
        expect(heading(page)).to_contain_text("الخطوة")
        check(heading(page).inner_text())

    main = page.locator("main")
    expect(main).to_contain_text("ما يهم المريض")
    assert Consultation.objects.get().language_code == "ar"
    assert problems == [], "\n".join(map(str, problems))
    context.close()
