"""Content translations: frozen once published, gated (figures identical to the source,
wording, reading level), published by a second person, pinned by a consultation, shown on
the walkthrough and in the record, carried by export and import."""

import io
import json

import pytest
from django.core.exceptions import PermissionDenied
from django.core.management import call_command
from django.urls import reverse

from aids.consultations import consultation_start, record_finalize
from aids.interchange_format import InterchangeError
from aids.interchange_translation import export_translation, import_translation
from aids.models import (
    AidVersion, Consultation, FrozenVersionError, RecordDocument, TranslatedText, Translation,
)
from aids.readability import fernandez_huerta, reading_level, spanish_syllables
from aids.translation_quality import check_translation, number_problem, numbers_in
from aids.translations import (
    TranslationError, apply_translation, pin_translation, source_texts, translated_texts,
    translation_new_draft, translation_save_texts, translation_start,
)
from aids.translation_publishing import translation_publish
from aids.wording import find_directive_wording_in
from browser_support import filled_consultation, load_real_aid, pdf_text
from factories import content_row_counts, make_approver, make_draft, make_published, make_user
from walkthrough_support import step_url

pytestmark = pytest.mark.django_db

TRANSLATOR_PERMS = ["aids.add_translation", "aids.change_translation", "aids.view_translation"]


def es(text):
    """A stand-in Spanish text with the source's numbers (what a careful translator keeps)."""
    return f"Texto traducido. {text}"


@pytest.fixture
def version():
    return make_published()


@pytest.fixture
def translator():
    return make_user("traductora", perms=TRANSLATOR_PERMS, is_staff=True,
                     first_name="Lucía", last_name="Romero")


@pytest.fixture
def approver():
    return make_approver("aprobador", is_staff=True, first_name="Marta", last_name="Gil")


def complete(version, user, **kwargs):
    """A draft translation with every text filled in (numbers as in the source)."""
    texts = {s.key: es(s.text) for s in source_texts(version)}
    return translation_start(version=version, language_code="es", user=user,
                             translator_role="Qualified medical translator", texts=texts, **kwargs)


def published(version, translator, approver):
    draft = complete(version, translator)
    return translation_publish(translation=draft, user=approver, change_note="First Spanish.",
                               justification=WHY)


WHY = ("The reading ease of texts that keep the source's medical words stays below sixty, "
       "and the approver read every one of them.")


def text_row(translation, source):
    return TranslatedText.objects.get(translation=translation, part=source.part,
                                      object_id=source.obj.pk, field=source.field)


# --------------------------------------------------------------------------- starting


def test_translation_start_has_one_text_for_every_source_text(version, translator):
    draft = translation_start(version=version, language_code="es", user=translator)

    sources = source_texts(version)
    assert draft.texts.count() == len(sources) > 40
    assert set(draft.texts.values_list("part", flat=True)) >= {
        "version", "sections", "benefits", "risks", "criteria", "options", "grid_questions",
        "grid_answers", "value_statements", "understanding_questions"}
    assert draft.status == Translation.Status.DRAFT and draft.translator == translator


def test_translation_of_a_draft_version_is_refused(translator):
    draft_version = make_draft()

    with pytest.raises(TranslationError, match="not the published version"):
        translation_start(version=draft_version, language_code="es", user=translator)
    assert not Translation.objects.exists()


def test_translation_into_the_site_language_or_an_unknown_one_is_refused(version, translator):
    for code in ("en", "xx"):
        with pytest.raises(TranslationError, match="not a language this site translates into"):
            translation_start(version=version, language_code=code, user=translator)


# --------------------------------------------------------------------------- frozen


def test_a_published_translation_and_its_texts_never_change(version, translator, approver):
    translation = published(version, translator, approver)
    row = translation.texts.first()

    translation.translator_role = "Someone else"
    with pytest.raises(FrozenVersionError):
        translation.save()
    with pytest.raises(FrozenVersionError):
        translation.delete()
    with pytest.raises(FrozenVersionError):
        Translation.objects.filter(pk=translation.pk).update(translator_role="x")
    with pytest.raises(FrozenVersionError):
        Translation.objects.filter(pk=translation.pk).delete()
    row.text = "cambiado"
    with pytest.raises(FrozenVersionError):
        row.save()
    with pytest.raises(FrozenVersionError):
        row.delete()
    with pytest.raises(FrozenVersionError):
        TranslatedText.objects.filter(translation=translation).update(text="x")
    with pytest.raises(FrozenVersionError):
        TranslatedText.objects.filter(translation=translation).delete()
    with pytest.raises(TranslationError, match="published"):
        translation_save_texts(translation=translation, user=translator, texts={row.pk: "x"})
    row.refresh_from_db()
    assert row.text.startswith("Texto traducido.")


def test_a_new_draft_copies_a_published_translation(version, translator, approver):
    translation = published(version, translator, approver)

    draft = translation_new_draft(translation=translation, user=translator)

    assert draft.status == Translation.Status.DRAFT and draft.based_on == translation
    assert translated_texts(draft) == translated_texts(translation)


# --------------------------------------------------------------------------- gates


def test_a_changed_number_is_an_error(version, translator):
    draft = complete(version, translator)
    risk = next(s for s in source_texts(version) if s.part == "risks" and s.field == "description")
    assert "about 20 in 100" in risk.text  # the first risk of the factory content
    row = text_row(draft, risk)
    translation_save_texts(translation=draft, user=translator,
                           texts={row.pk: row.text.replace("about 20 in 100", "unas 30 de cada 100")})

    report = check_translation(draft)

    [finding] = [f for f in report.errors if f.code == "figure-changed"]
    assert finding.location == risk.location
    assert finding.message == ("The numbers differ from the source (the source's 20 not found; "
                               "30 not in the source). Every figure must be identical to the source.")


def test_a_missing_or_added_number_is_an_error(version, translator):
    draft = complete(version, translator)
    benefit = next(s for s in source_texts(version) if s.part == "benefits" and s.field == "description")
    row = text_row(draft, benefit)
    translation_save_texts(translation=draft, user=translator, texts={row.pk: "Sin cifras."})
    assert [f.location for f in check_translation(draft).errors if f.code == "figure-changed"] == [
        benefit.location]

    translation_save_texts(translation=draft, user=translator, texts={row.pk: es(benefit.text) + " 7"})
    [finding] = [f for f in check_translation(draft).errors if f.code == "figure-changed"]
    assert "7 not in the source" in finding.message


def test_numbers_compare_as_values_whatever_the_separator_or_script():
    assert number_problem("1.5 mg, 1,000 people, 30 in 100", "1,5 mg, 1.000 personas, 30 de cada 100") == ""
    assert number_problem("about 30 in 100", "حوالي ٣٠ من كل ١٠٠") == ""
    assert numbers_in("80 to 90 in 100 and 80") == {80: 2, 90: 1, 100: 1}
    assert number_problem("2 in 100", "2 de cada 1000") == "the source's 100 not found; 1000 not in the source"


def test_an_untranslated_text_is_an_error(version, translator):
    draft = complete(version, translator)
    section = next(s for s in source_texts(version) if s.part == "sections")
    row = text_row(draft, section)
    translation_save_texts(translation=draft, user=translator, texts={row.pk: "  "})

    errors = [(f.code, f.location) for f in check_translation(draft).errors]

    assert errors == [("untranslated", section.location)]


def test_spanish_directive_wording_is_an_error(version, translator):
    draft = complete(version, translator)
    option = next(s for s in source_texts(version) if s.part == "options" and s.field == "summary")
    row = text_row(draft, option)
    translation_save_texts(translation=draft, user=translator,
                           texts={row.pk: "Le recomendamos esta opción: es la mejor opción."})

    [finding] = [f for f in check_translation(draft).errors if f.code == "directive-wording"]

    assert finding.location == option.location
    assert '"Le recomendamos" (recommends or advises)' in finding.message
    assert '"la mejor opción" (ranks an option as best or right)' in finding.message


@pytest.mark.parametrize("text", [
    "Usted debe elegir la cirugía.", "Le recomendamos la cordotomía.",
    "La cordotomía es más segura.", "Es la mejor opción para usted.",
    "La mayoría de los pacientes eligen operarse.", "La operación es muy segura.",
    "Decida hoy.", "Si yo fuera usted, me operaría.", "Preferimos la bomba.",
    "No debe elegir la bomba.",
])
def test_spanish_steering_sentences_are_flagged(text):
    assert find_directive_wording_in(text, "es"), text


@pytest.mark.parametrize("text", [
    "Esta ayuda no recomienda ningún tratamiento.", "No tiene que decidir hoy.",
    "No hay una mejor opción para todos.", "No es seguro que funcione.",
    "Hay varias opciones. Una de ellas es no hacerse ningún procedimiento.",
    "Unas 80 de cada 100 personas tuvieron un buen alivio.",
])
def test_neutral_spanish_sentences_are_not_flagged(text):
    assert find_directive_wording_in(text, "es") == [], text


def test_a_language_without_patterns_or_formula_says_so(version, translator):
    texts = {s.key: f"نص مترجم. {s.text}" for s in source_texts(version)}
    draft = translation_start(version=version, language_code="ar", user=translator,
                              translator_role="Translator", texts=texts)

    report = check_translation(draft)

    assert find_directive_wording_in("any text", "ar") is None
    assert reading_level("نص", "ar") is None
    assert {f.code for f in report.warnings} == {"wording-unchecked", "reading-level-unknown"}
    assert not report.errors


def test_spanish_reading_ease_counts_syllables_and_sentence_length():
    assert [spanish_syllables(w) for w in ("casa", "dolor", "día", "leer", "cuidado", "operación")] == [
        2, 2, 2, 2, 3, 4]
    easy = "El dolor baja. Usted está en casa. La piel no siente el calor."
    hard = ("La mesencefalotomía estereotáctica contralateral constituye una intervención "
            "neuroquirúrgica excepcionalmente especializada cuya indicación fundamental "
            "corresponde a pacientes oncológicos con dolor nociceptivo refractario localizado.")
    assert fernandez_huerta(easy) > 90
    assert fernandez_huerta(hard) < 30
    assert reading_level(hard, "es")[2] is False


def test_hard_spanish_is_a_reading_level_warning(version, translator):
    draft = complete(version, translator)
    section = next(s for s in source_texts(version) if s.part == "sections" and s.field == "body")
    row = text_row(draft, section)
    hard = ("La mesencefalotomía estereotáctica contralateral constituye una intervención "
            "neuroquirúrgica excepcionalmente especializada cuya indicación fundamental "
            "corresponde a pacientes oncológicos con dolor nociceptivo refractario localizado, "
            "según la experiencia acumulada institucionalmente. ")
    numbers = " ".join(str(n) for n in numbers_in(section.text).elements())
    translation_save_texts(translation=draft, user=translator, texts={row.pk: hard + numbers})

    [finding] = [f for f in check_translation(draft).warnings if f.location == section.location]

    assert finding.code == "reading-level"
    assert finding.message.startswith("Fernández-Huerta reading ease ")


# --------------------------------------------------------------------------- publishing


def test_the_translator_cannot_publish_their_own_translation(version):
    both = make_approver("both", first_name="Ana", last_name="Ruiz")
    draft = complete(version, both)

    with pytest.raises(TranslationError) as refused:
        translation_publish(translation=draft, user=both, change_note="First.", justification=WHY)

    assert "another content approver must publish it" in str(refused.value)
    draft.refresh_from_db()
    assert draft.status == Translation.Status.DRAFT


def test_an_approver_who_edited_one_text_cannot_publish_it(version, translator, approver):
    draft = complete(version, translator)
    row = draft.texts.first()
    translation_save_texts(translation=draft, user=approver, texts={row.pk: row.text + " Más."})

    with pytest.raises(TranslationError, match="another content approver must publish it"):
        translation_publish(translation=draft, user=approver, change_note="First.",
                            justification=WHY)


def test_single_person_publishing_is_the_same_setting_as_for_versions(version, settings):
    settings.CONTENT_SINGLE_PERSON_PUBLISHING = True
    both = make_approver("both", first_name="Ana", last_name="Ruiz")
    draft = complete(version, both)

    done = translation_publish(translation=draft, user=both, change_note="First.", justification=WHY)

    assert done.status == Translation.Status.PUBLISHED and done.published_alone


def test_a_second_named_approver_publishes(version, translator, approver):
    draft = complete(version, translator)

    done = translation_publish(translation=draft, user=approver, change_note="First Spanish.",
                               justification=WHY)

    assert (done.status, done.number, done.published_by, done.published_alone) == (
        Translation.Status.PUBLISHED, 1, approver, False)


def test_an_approver_must_be_named_and_an_editor_may_not_publish(version, translator):
    nameless = make_approver("nameless")
    draft = complete(version, translator)

    with pytest.raises(TranslationError, match="Your account has no name"):
        translation_publish(translation=draft, user=nameless, change_note="First.",
                            justification=WHY)
    with pytest.raises(PermissionDenied):
        translation_publish(translation=draft, user=translator, change_note="First.")


def test_an_unreviewed_translation_cannot_be_published(version, translator, approver):
    draft = complete(version, translator, unreviewed=True)

    with pytest.raises(TranslationError) as refused:
        translation_publish(translation=draft, user=approver, change_note="First.",
                            justification=WHY)

    assert [f.code for f in refused.value.report.errors] == ["not-reviewed"]


def test_publishing_again_retires_the_previous_translation(version, translator, approver):
    first = published(version, translator, approver)
    second = translation_publish(translation=translation_new_draft(translation=first, user=translator),
                                 user=approver, change_note="Second.", justification=WHY)

    first.refresh_from_db()
    assert (first.status, second.number) == (Translation.Status.RETIRED, 2)


# --------------------------------------------------------------------------- pinning


def test_pin_translation_pins_the_published_translation(version, translator, approver, clinician):
    translation = published(version, translator, approver)
    consultation = consultation_start(clinician=clinician, patient_ref="P-1")

    assert pin_translation(consultation, "es") == translation
    consultation.refresh_from_db()
    assert (consultation.language_code, consultation.translation) == ("es", translation)

    assert pin_translation(consultation, "en") is None
    consultation.refresh_from_db()
    assert (consultation.language_code, consultation.translation) == ("en", None)


def test_a_draft_translation_is_never_pinned(version, translator, clinician):
    complete(version, translator)

    consultation = consultation_start(clinician=clinician, patient_ref="P-1", language_code="es")

    assert consultation.language_code == "es" and consultation.translation is None


def test_consultation_start_pins_the_translation(version, translator, approver, clinician):
    translation = published(version, translator, approver)

    consultation = consultation_start(clinician=clinician, patient_ref="P-1", language_code="es")

    assert Consultation.objects.get(pk=consultation.pk).translation == translation


def test_apply_translation_puts_every_text_on_the_objects(version, translator, approver):
    translation = published(version, translator, approver)
    fresh = AidVersion.objects.get(pk=version.pk)
    objects = [fresh, *fresh.sections.all(), *fresh.risks.all(), *fresh.grid_answers.all()]

    apply_translation(translation, objects)

    assert all(o.decision.startswith("Texto traducido.") for o in objects[:1])
    assert all(getattr(o, f).startswith("Texto traducido.")
               for o in objects[1:] for f in ("heading", "title", "text") if hasattr(o, f))


# --------------------------------------------------------------------------- walkthrough


def test_the_walkthrough_shows_the_pinned_translation(client, clinician, version, translator, approver):
    published(version, translator, approver)
    consultation = consultation_start(clinician=clinician, patient_ref="P-1", language_code="es")
    risk = version.risks.first()
    client.force_login(clinician)

    page = client.get(step_url(consultation, "risks")).content.decode()
    decision = client.get(step_url(consultation, "decision")).content.decode()

    assert f"Texto traducido. {risk.title}" in page
    assert f"Texto traducido. {version.decision}" in decision


def test_a_translation_shown_never_reaches_a_consultation_in_the_source_language(
        client, clinician, version, translator, approver):
    """The published content is read once per process and shared (aids/frozen.py): the
    Spanish shown to one patient must not become what the next, English, one sees."""
    published(version, translator, approver)
    spanish = consultation_start(clinician=clinician, patient_ref="P-ES", language_code="es")
    english = consultation_start(clinician=clinician, patient_ref="P-EN")
    risk, criterion, section = version.risks.first(), version.criteria.first(), version.sections.first()
    client.force_login(clinician)
    for key in ("about", "risks", "criteria", "review"):
        assert client.get(step_url(spanish, key)).status_code == 200

    pages = {key: client.get(step_url(english, key)).content.decode()
             for key in ("about", "risks", "criteria", "review")}

    assert "Texto traducido." not in "".join(pages.values())
    assert risk.title in pages["risks"] and criterion.statement in pages["criteria"]
    assert section.heading in pages["about"]
    again = client.get(step_url(spanish, "risks")).content.decode()
    assert f"Texto traducido. {risk.title}" in again


# --------------------------------------------------------------------------- record


@pytest.fixture
def spanish_consultation(clinician):
    """The bundled aid and its bundled Spanish translation, reviewed and published, and
    a consultation of it shown in Spanish, recorded and finalized."""
    load_real_aid()
    translation = Translation.objects.get(language_code="es")
    reviewer = make_user("revisora", first_name="Elena", last_name="Soto")
    translation.unreviewed = False
    translation.translator_role = "Qualified medical translator (Spanish)"
    translation._history_user = reviewer
    translation.save()
    approver = make_approver("aprobador", first_name="Marta", last_name="Gil")
    translation_publish(translation=translation, user=approver, change_note="Primera versión.",
                        justification=WHY)
    consultation = filled_consultation(clinician)
    pin_translation(consultation, "es")
    record_finalize(consultation=consultation, user=clinician)
    return consultation


def _document(consultation, variant):
    return bytes(RecordDocument.objects.get(consultation=consultation, revision=1,
                                            variant=variant).pdf)


def test_the_patient_copy_is_in_spanish_with_every_figure_of_the_source(spanish_consultation):
    c = spanish_consultation
    translation = c.translation
    texts = translated_texts(translation)
    text = pdf_text(_document(c, "patient"))
    shown = [c.version.risks.all()[0], c.version.risks.all()[1], c.version.benefits.all()[0]]

    for item in shown:
        spanish_title = texts[(type(item)._meta.model_name + "s", item.pk, "title")]
        assert spanish_title in text
        assert item.title not in text
    for item in shown:
        description = texts[(type(item)._meta.model_name + "s", item.pk, "description")]
        assert numbers_in(description) == numbers_in(item.description)
    for item in shown:  # each figure printed as the source gives it, in Spanish words
        if item.has_figure:
            assert f"{item.numerator} de cada {item.denominator} personas" in text
            assert f"{item.numerator} in {item.denominator}" not in text
    assert c.version.decision not in text
    # The colophon in the patient's language too.
    assert "Mostrado al paciente en Español: traducción 1 de la versión 1 del contenido" in text
    assert "traducida por Qualified medical translator (Spanish), aprobada por Marta Gil" in text
    assert "Would I still feel it if I cut my hand?" in text  # the patient's words, as typed


def test_every_figure_of_the_bundled_translation_is_identical_to_the_source(spanish_consultation):
    translation = spanish_consultation.translation
    texts = translated_texts(translation)

    for source in source_texts(translation.version):
        assert numbers_in(texts[source.key]) == numbers_in(source.text), source.location


def test_the_clinical_copy_stays_in_the_source_language(spanish_consultation):
    c = spanish_consultation
    text = pdf_text(_document(c, "clinical"))

    assert c.version.risks.all()[0].title in text
    assert "Worried about not noticing burns." in text
    assert "Shown to the patient in Español: translation 1" in text


def test_the_bilingual_copy_has_source_and_translation_side_by_side(spanish_consultation, client):
    c = spanish_consultation
    texts = translated_texts(c.translation)
    risk = c.version.risks.all()[0]
    text = pdf_text(_document(c, "bilingual"))

    assert risk.title in text and texts[("risks", risk.pk, "title")] in text
    assert c.version.decision[:40] in text and texts[("version", c.version.pk, "decision")][:40] in text

    client.force_login(c.clinician)
    page = client.get(reverse("consultation_record", args=[c.pk])).content.decode()
    url = reverse("record_download", args=[c.pk, 1, "bilingual"])
    assert url in page and "bilingual patient copy (for an interpreter)" in page
    assert client.get(url).content.startswith(b"%PDF")


def test_a_consultation_in_english_has_two_copies_only(clinician):
    load_real_aid()
    consultation = filled_consultation(clinician)
    record_finalize(consultation=consultation, user=clinician)

    assert sorted(consultation.documents.values_list("variant", flat=True)) == ["clinical", "patient"]


# --------------------------------------------------------------------------- interchange


def test_export_then_import_gives_the_same_texts(version, translator, approver):
    translation = published(version, translator, approver)
    doc = json.loads(json.dumps(export_translation(translation)))

    copy = import_translation(doc, user=translator)

    assert copy.status == Translation.Status.DRAFT and copy.pk != translation.pk
    assert translated_texts(copy) == translated_texts(translation)
    assert (copy.language_code, copy.translator_role) == ("es", "Qualified medical translator")


def test_a_malformed_translation_is_refused_whole(version, translator, approver):
    doc = export_translation(published(version, translator, approver))
    doc["texts"]["risks"] = doc["texts"]["risks"][:-1]
    doc["texts"]["sections"][0]["haeding"] = "Qué es"
    doc["texts"]["benefits"][0]["title"] = 7
    doc["language_code"] = "fr"
    before = content_row_counts()

    with pytest.raises(InterchangeError) as refused:
        import_translation(doc, user=translator)

    message = str(refused.value)
    assert message.startswith("The translation document cannot be imported (nothing was loaded)")
    assert "texts.risks: has 2 items; the source version has 3" in message
    assert "texts.sections[0].haeding: not a translatable field of sections" in message
    assert "texts.benefits[0].title: must be text, found int" in message
    assert "language_code: 'fr' is not a language this site translates into" in message
    assert content_row_counts() == before


def test_a_translation_of_a_version_not_here_is_refused(version, translator, approver):
    doc = export_translation(published(version, translator, approver))
    doc["source_digest"] = "0" * 64

    with pytest.raises(InterchangeError, match="no published version of the aid"):
        import_translation(doc, user=translator)


def test_load_aid_loads_the_bundled_spanish_translation_as_an_unreviewed_draft():
    out = io.StringIO()
    call_command("load_aid", publish_demo=True, stdout=out)
    call_command("load_aid", stdout=out)  # a second run loads nothing twice

    [translation] = Translation.objects.all()
    assert (translation.status, translation.language_code, translation.unreviewed) == (
        Translation.Status.DRAFT, "es", True)
    assert "not yet reviewed by a qualified medical translator" in out.getvalue()
    report = check_translation(translation)
    assert [f.code for f in report.errors] == ["not-reviewed"]
    assert not report.warnings


def test_the_bundled_translation_names_the_bundled_version_by_digest():
    """Changing aids/content/tractotomy.json changes its digest: the Spanish file must
    then be checked against the new text and its "source_digest" updated."""
    load_real_aid()
    from pathlib import Path

    import aids
    doc = json.loads((Path(aids.__file__).parent / "content" / "tractotomy.es.json").read_text())

    assert doc["source_digest"] == AidVersion.objects.get(status="published").digest


def test_export_aid_and_import_aid_carry_a_translation(version, translator, approver, tmp_path):
    translation = published(version, translator, approver)
    path = tmp_path / "es.json"

    call_command("export_aid", "tractotomy", "--translation", "es", "--output", str(path),
                 stderr=io.StringIO())
    out = io.StringIO()
    call_command("import_aid", str(path), stdout=out)

    copy = Translation.objects.exclude(pk=translation.pk).get()
    assert f"Imported draft translation {copy.pk} (Español)" in out.getvalue()
    assert translated_texts(copy) == translated_texts(translation)


def test_import_aid_refuses_a_malformed_translation_whole(version, translator, approver, tmp_path):
    doc = export_translation(published(version, translator, approver))
    doc["texts"]["options"] = "none"
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(doc), encoding="utf-8")

    with pytest.raises(Exception) as refused:
        call_command("import_aid", str(path), stdout=io.StringIO())

    assert "texts.options: must be a list, found text" in str(refused.value)
    assert "Nothing was imported." in str(refused.value)
    assert Translation.objects.count() == 1


def test_a_consultation_shown_in_arabic_has_right_to_left_copies(clinician, translator, approver):
    """A small test translation into Arabic (right to left, shaped by aids/record/direction.py):
    the patient and bilingual copies are made, with the source's figures."""
    version = make_published()
    texts = {s.key: f"نص مترجم: {s.text}" if s.part != "risks" or s.field != "title"
             else "خدر في الوجه" for s in source_texts(version)}
    draft = translation_start(version=version, language_code="ar", user=translator,
                              translator_role="Qualified medical translator (Arabic)", texts=texts)
    translation_publish(translation=draft, user=approver, change_note="Arabic test.",
                        justification="No wording patterns or reading formula exist here for "
                        "Arabic, so the approver read every text against the source.")
    consultation = consultation_start(clinician=clinician, patient_ref="P-AR", language_code="ar")
    record_finalize(consultation=consultation, user=clinician)

    patient = pdf_text(_document(consultation, "patient"))
    bilingual = pdf_text(_document(consultation, "bilingual"))

    assert consultation.translation.language_code == "ar"
    clinical = pdf_text(_document(consultation, "clinical"))
    assert "translation 1 of content version 1, translated by Qualified medical translator (Arabic)" in clinical
    assert version.risks.first().title in bilingual
    assert version.decision not in patient
    assert any("\u0600" <= ch <= "\u06ff" or "\ufe70" <= ch <= "\ufeff" for ch in patient)


def test_a_translated_page_costs_two_queries_more_whatever_its_size(
        client, clinician, version, translator, approver):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    published(version, translator, approver)
    english = consultation_start(clinician=clinician, patient_ref="P-EN")
    spanish = consultation_start(clinician=clinician, patient_ref="P-ES", language_code="es")
    client.force_login(clinician)
    counts = {}
    for key in ("risks", "alternatives", "values"):
        for name, consultation in (("en", english), ("es", spanish)):
            client.get(step_url(consultation, key))  # warm: sessions, template caches
            with CaptureQueriesContext(connection) as queries:
                client.get(step_url(consultation, key))
            counts[key, name] = len(queries)

    # The translation pinned, and its texts: one query each.
    assert all(counts[key, "es"] - counts[key, "en"] == 2 for key in ("risks", "alternatives", "values")), counts


def test_the_review_in_patient_view_is_in_the_translation(client, clinician, version, translator, approver):
    from aids.models import ItemRecord

    published(version, translator, approver)
    consultation = consultation_start(clinician=clinician, patient_ref="P-1", language_code="es")
    risk = version.risks.first()
    ItemRecord.objects.create(consultation=consultation, kind=ItemRecord.Kind.RISK, item_id=risk.pk,
                              discussed=True)
    client.force_login(clinician)
    url = step_url(consultation, "review")

    clinician_view = client.get(url).content.decode()
    patient_view = client.get(url + "?view=patient", follow=True).content.decode()

    assert risk.title in clinician_view and f"Texto traducido. {risk.title}" not in clinician_view
    assert f"Texto traducido. {risk.title}" in patient_view


def test_the_shared_screens_language_switch_pins_the_published_translation(
        version, translator, approver, clinician, client):
    """The interface's switch (hC) and the content's translation (hF) are one choice:
    the patient's language shows both."""
    from django.urls import reverse

    translation = published(version, translator, approver)
    client.force_login(clinician)
    consultation = consultation_start(clinician=clinician, patient_ref="Switch-1")
    assert consultation.translation is None

    response = client.post(reverse("consultation_language", args=[consultation.pk]),
                           {"language": "es"})

    assert response.status_code == 302
    consultation.refresh_from_db()
    assert (consultation.language_code, consultation.translation) == ("es", translation)
    client.post(reverse("consultation_language", args=[consultation.pk]), {"language": "en"})
    consultation.refresh_from_db()
    assert (consultation.language_code, consultation.translation) == ("en", None)


def test_the_start_steps_language_pins_the_published_translation(version, translator, approver, clinician):
    translation = published(version, translator, approver)

    consultation = consultation_start(clinician=clinician, patient_ref="Start-1", language="Spanish")

    assert (consultation.language_code, consultation.translation) == ("es", translation)


def test_the_patient_copy_gives_the_ratings_in_spanish(spanish_consultation):
    """The record's data is read in the request's language and the patient copy drawn
    in the patient's: the words of each rating must be the patient copy's own."""
    text = pdf_text(_document(spanish_consultation, "patient"))
    clinical = pdf_text(_document(spanish_consultation, "clinical"))

    assert "4 - Mucho" in text and "Sin valorar" in text and "No estoy seguro" in text
    assert "4 - Very much" not in text and "Not rated" not in text
    assert "Quién estaba presente Paciente, " in text and "Patient," not in text
    assert "4 - Very much" in clinical and "Not rated" in clinical and "Patient, Family member" in clinical


def test_the_records_fixed_words_are_chosen_in_the_language_they_are_shown_in(clinician):
    """What ``record_data`` reads in one language reads in another where it is shown."""
    from django.utils import translation

    from aids.models import UnderstandingAnswer
    from aids.readmodel import record_data

    load_real_aid()
    consultation = filled_consultation(clinician)
    question = consultation.version.understanding_questions.all()[0]
    UnderstandingAnswer.objects.update_or_create(consultation=consultation, question=question,
                                                defaults={"answer": "true"})
    with translation.override("en"):
        data = record_data(consultation=consultation)
    with translation.override("es"):
        shown = ([str(v.rating) for v in data.values], [str(u.answer) for u in data.understanding],
                 [str(p) for p in data.present])
    assert "4 - Mucho" in shown[0] and "Sin valorar" in shown[0]
    assert shown[1][0] == "Verdadero" and set(shown[1][1:]) == {"Sin responder"}
    assert shown[2][0] == "Paciente"
    assert [u.answered for u in data.understanding].count(True) == 1
