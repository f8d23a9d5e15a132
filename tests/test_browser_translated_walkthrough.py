"""A consultation shown in Spanish, in a real browser: the bundled Spanish translation
(reviewed and published for the test), the content of every step in Spanish, an item
ticked by its Spanish title, axe on each page, and the record's three PDFs downloaded
(patient copy in Spanish, clinical copy in English, bilingual copy with both).

The language switch on the shared screen is the interface half of issue 16; here the
language is chosen when the consultation starts (``consultation_start(language_code=)``).
"""

import re

import pytest
from playwright.sync_api import expect

from aids.consultations import consultation_start, record_finalize
from aids.models import ItemRecord, Translation
from aids.translation_publishing import translation_publish
from aids.translations import translated_texts
from browser_support import axe_violations, load_real_aid, new_page, pdf_text
from factories import make_approver, make_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WHY = ("The reading ease of texts that keep the source's medical words stays below sixty, "
       "and the approver read every one of them.")


def test_a_consultation_shown_in_spanish(browser, live_server, clinician):
    load_real_aid()
    translation = Translation.objects.get(language_code="es")
    translation.unreviewed = False
    translation.translator_role = "Qualified medical translator (Spanish)"
    translation._history_user = make_user("revisora", first_name="Elena", last_name="Soto")
    translation.save()
    translation_publish(translation=translation, user=make_approver("ap", first_name="Marta",
                                                                    last_name="Gil"),
                        change_note="Primera versión.", justification=WHY)
    consultation = consultation_start(clinician=clinician, patient_ref="Clinic-E 5",
                                      present=["patient"], language_code="es")
    version = consultation.version
    texts = translated_texts(consultation.translation)
    first_risk = version.risks.order_by("order", "pk").first()
    spanish_risk = texts[("risks", first_risk.pk, "title")]
    context, page = new_page(browser, live_server, "tablet", accept_downloads=True)
    context.set_default_timeout(10_000)
    base = f"{live_server.url}/consultations/{consultation.pk}/step"
    problems = []

    expected = {
        "decision": texts[("version", version.pk, "decision")],
        "about": texts[("sections", version.sections.first().pk, "heading")],
        "benefits": texts[("benefits", version.benefits.first().pk, "title")],
        "risks": spanish_risk,
        "criteria": texts[("criteria", version.criteria.first().pk, "statement")],
        "alternatives": texts[("options", version.options.first().pk, "name")],
        "values": texts[("value_statements", version.value_statements.first().pk, "text")],
        "questions": texts[("understanding_questions",
                            version.understanding_questions.first().pk, "statement")],
    }
    for key, spanish in expected.items():
        page.goto(f"{base}/{key}/")
        expect(page.locator("main")).to_contain_text(spanish)
        problems += [(key, v) for v in axe_violations(page)]
    assert problems == [], "\n".join(map(str, problems))

    page.goto(f"{base}/risks/")
    page.get_by_label(f"Discussed: {spanish_risk}").check()
    with page.expect_navigation():
        page.get_by_role("button", name="Save", exact=True).click()
    assert ItemRecord.objects.get(consultation=consultation, item_id=first_risk.pk).discussed

    record_finalize(consultation=consultation, user=clinician)
    page.goto(f"{live_server.url}/consultations/{consultation.pk}/record/")
    downloaded = {}
    for variant in ("clinical", "patient", "bilingual"):
        with page.expect_download() as download:
            page.get_by_role("link", name=re.compile(f"Download PDF.*revision 1, {variant} ")).click()
        downloaded[variant] = pdf_text(open(download.value.path(), "rb").read())
    context.close()

    assert spanish_risk in downloaded["patient"] and first_risk.title not in downloaded["patient"]
    assert first_risk.title in downloaded["clinical"]
    assert spanish_risk in downloaded["bilingual"] and first_risk.title in downloaded["bilingual"]
    for name, copy in downloaded.items():  # the patient copy's colophon in Spanish
        assert ("aprobada por Marta Gil" if name == "patient" else "approved by Marta Gil") in copy, name
