"""The interface in the patient's language (issue 16): the catalogues, the language
switch of the shared screen, and the patient-facing pages rendered in that language
while the clinician's view stays in the site's language."""

import os
import shutil
import subprocess
import sys
from pathlib import Path

import polib
import pytest
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from aids.consultations import language_code_for
from aids.models import Consultation
from walkthrough_support import form_data, published_aid, start_consultation, step_url, visible_text

ROOT = Path(settings.BASE_DIR)
CATALOGUES = {code: ROOT / "locale" / code / "LC_MESSAGES" / "django.po" for code in ("es", "ar")}
# makemessages reads these; the copy below holds just them.
SOURCES = ("aids", "sdm", "templates", "manage.py", "locale")


def msgids(po):
    return {(e.msgctxt, e.msgid, e.msgid_plural) for e in po if not e.obsolete}


# --------------------------------------------------------------------------- catalogues


@pytest.mark.parametrize("code", sorted(CATALOGUES))
def test_catalogue_is_up_to_date_with_the_code_and_templates(tmp_path, code):
    """makemessages, run on a copy of the sources, finds exactly the committed msgids:
    a string added, changed or removed in a template or in Python without running
    makemessages fails here."""
    for name in SOURCES:
        source = ROOT / name
        if source.is_dir():
            shutil.copytree(source, tmp_path / name, ignore=shutil.ignore_patterns("__pycache__", "*.mo"))
        else:
            shutil.copy2(source, tmp_path / name)
    env = {**os.environ, "DJANGO_DEBUG": "true", "DJANGO_SETTINGS_MODULE": "sdm.settings"}
    subprocess.run(
        [sys.executable, "manage.py", "makemessages", "-l", code, "--no-obsolete", "--no-location"],
        cwd=tmp_path, env=env, check=True, capture_output=True,
    )
    fresh = polib.pofile(str(tmp_path / "locale" / code / "LC_MESSAGES" / "django.po"))
    committed = polib.pofile(str(CATALOGUES[code]))

    missing = sorted(m[1] for m in msgids(fresh) - msgids(committed))
    stale = sorted(m[1] for m in msgids(committed) - msgids(fresh))
    assert (missing, stale) == ([], []), (
        f"locale/{code} is out of date: run manage.py makemessages -l {code} --no-obsolete "
        "--no-location and translate the new strings"
    )


def test_spanish_catalogue_is_complete_and_labelled_as_not_reviewed():
    po = polib.pofile(str(CATALOGUES["es"]))

    assert [e.msgid for e in po.untranslated_entries()] == []
    assert [e.msgid for e in po.fuzzy_entries()] == []
    assert "NOT YET REVIEWED BY A QUALIFIED MEDICAL TRANSLATOR" in po.header
    # Every placeholder of the English survives in the Spanish.
    for e in po:
        for placeholder in polib_placeholders(e.msgid):
            texts = e.msgstr_plural.values() if e.msgid_plural else [e.msgstr]
            assert all(placeholder in t for t in texts), (e.msgid, placeholder)


def _chain(translation):
    while translation is not None:
        yield translation
        translation = translation._fallback


def _words(translation):
    """Every key of every catalogue in ``translation``'s chain."""
    for link in _chain(translation):
        catalogues = getattr(link._catalog, "_catalogs", None) or [link._catalog]
        for catalogue in catalogues:
            yield from catalogue


@pytest.mark.parametrize("code", sorted({settings.LANGUAGE_CODE, *(c for c, _n in settings.LANGUAGES)}))
def test_the_trimmed_catalogues_translate_every_word_as_djangos_chain_does(code):
    """aids/catalogues.py drops the links of the chain that translate nothing."""
    from django.utils.translation import trans_real

    from aids.catalogues import _translates_nothing

    trimmed, untrimmed = trans_real.translation(code), trans_real.DjangoTranslation(code)
    assert not any(_translates_nothing(link) for link in _chain(trimmed))
    if code == settings.LANGUAGE_CODE:  # British English: Django's chain had empty links
        assert any(_translates_nothing(link) for link in _chain(untrimmed))
    # The words of every language's catalogues (their keys are the English words).
    words = {"A word in no catalogue"}
    for other in {settings.LANGUAGE_CODE, *(c for c, _n in settings.LANGUAGES)}:
        words |= set(_words(trans_real.DjangoTranslation(other)))
    assert len(words) > 1000
    for word in words:
        if isinstance(word, tuple):  # (singular, plural form number)
            for n in (0, 1, 2, 5, 11, 100):
                assert trimmed.ngettext(word[0], "plural", n) == untrimmed.ngettext(word[0], "plural", n)
        else:
            assert trimmed.gettext(word) == untrimmed.gettext(word), word


LOOKUPS = {"gettext", "gettext_lazy", "_", "ngettext", "ngettext_lazy", "pgettext", "pgettext_lazy"}


def test_no_word_is_looked_up_inside_an_f_string():
    """xgettext (makemessages) reads no f-string: a word looked up inside one never
    reaches the catalogues, and the patient's language shows it in English. The frame of
    the step pages lost its Spanish that way once; so had three error messages."""
    import ast

    inside = []
    for path in sorted((ROOT / "aids").rglob("*.py")) + sorted((ROOT / "sdm").rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.JoinedStr):
                for call in ast.walk(node):
                    name = getattr(call, "func", None)
                    name = getattr(name, "id", getattr(name, "attr", None))
                    if isinstance(call, ast.Call) and name in LOOKUPS:
                        inside.append(f"{path.relative_to(ROOT)}:{call.lineno}")
    assert not inside, inside


def polib_placeholders(text):
    import re

    return set(re.findall(r"%\(\w+\)[sd]", text))


def test_arabic_catalogue_covers_the_patient_facing_walkthrough_chrome():
    po = polib.pofile(str(CATALOGUES["ar"]))
    translated = {e.msgid for e in po.translated_entries()}

    for msgid in ("Step %(number)s of %(total)s", "Back", "Save", "Next: %(title)s", "Benefits",
                  "Risks", "The decision", "Patient's language", "Switch to clinician view",
                  "Do you feel SURE about the best choice for you?", "How likely", "Yes", "No"):
        assert msgid in translated, msgid


# --------------------------------------------------------------------------- the language named at the start


@pytest.mark.parametrize("typed, code", [
    ("Spanish", "es"), ("  español ", "es"), ("ES", "es"), ("Arabic", "ar"), ("العربية", "ar"),
    ("English", "en"), ("Welsh", ""), ("", ""), ("Spanish and English", ""),
])
def test_language_code_for_the_start_steps_words(typed, code):
    assert language_code_for(typed) == code


@pytest.fixture
def consultation(clinician_client):
    published_aid()
    return start_consultation(clinician_client)


def test_starting_in_spanish_shows_the_patient_side_in_spanish(clinician_client):
    published_aid()

    c = start_consultation(clinician_client, **{"start-language": "Spanish"})

    assert (c.language, c.language_code) == ("Spanish", "es")


def test_the_start_step_language_sets_the_shown_language_and_keeps_the_words(clinician_client, consultation):
    data = form_data(clinician_client.get(step_url(consultation, "start")))
    data["start-language"] = ["Español (de México)"]  # not a listed name: the words are kept
    clinician_client.post(step_url(consultation, "start"), data)
    consultation.refresh_from_db()
    assert (consultation.language, consultation.language_code) == ("Español (de México)", "en")

    data = form_data(clinician_client.get(step_url(consultation, "start")))
    data["start-language"] = ["español"]
    clinician_client.post(step_url(consultation, "start"), data)
    consultation.refresh_from_db()
    assert (consultation.language, consultation.language_code) == ("español", "es")


# --------------------------------------------------------------------------- the switch


def patient_view(client, consultation):
    assert client.get(f"{step_url(consultation, 'decision')}?view=patient").status_code == 302


def press_language(client, consultation, key, code, **changes):
    """Press a language button of a step page: it posts the step's own form."""
    data = form_data(client.get(step_url(consultation, key)))
    data.update(changes)
    data["nav"] = [f"language:{code}"]
    return client.post(step_url(consultation, key), data)


def test_the_switch_is_on_every_walkthrough_page_of_the_patient_view_with_each_language(clinician_client, consultation):
    patient_view(clinician_client, consultation)
    for url in [step_url(consultation, "start"), step_url(consultation, "review"),
                reverse("consultation_finalize_confirm", args=[consultation.pk])]:
        html = clinician_client.get(url).content.decode()
        assert 'aria-labelledby="language-switch-label"' in html, url
        for code, name in settings.LANGUAGES:
            assert f'lang="{code}"' in html and name in html, (url, code)


def test_the_switch_posts_the_step_form_so_nothing_typed_is_lost(clinician_client, consultation):
    response = press_language(clinician_client, consultation, "start", "es",
                              **{"start-present_other": ["ward nurse"]})

    assert response.status_code == 302 and response.url == step_url(consultation, "start")
    consultation.refresh_from_db()
    assert (consultation.language_code, consultation.present_other) == ("es", "ward nurse")


def test_the_patient_view_renders_in_the_patients_language(clinician_client, consultation):
    press_language(clinician_client, consultation, "decision", "es")
    patient_view(clinician_client, consultation)

    html = clinician_client.get(step_url(consultation, "decision")).content.decode()
    text = visible_text(html)

    assert '<html lang="es" dir="ltr">' in html
    assert "Paso 2 de" in text and "Guardar" in text
    assert "¿Se siente SEGURO de cuál es la mejor opción para usted?" in text
    assert "No hace falta decidir hoy." in text
    assert "Cambiar a la vista del profesional" in text
    assert "Save" not in text.split() and "Back" not in text.split()
    # The pressed button says which language is shown, in that language's own name.
    assert 'value="language:es" class="btn btn-sm btn-dark" lang="es" dir="auto" aria-pressed="true"' in html


@pytest.mark.parametrize("key, words", [
    ("benefits", "Cada cifra es de cada 100 personas, igual que en los riesgos."),
    ("risks", "Cada cifra es de cada 100 personas, igual que en los beneficios."),
])
def test_the_topic_pages_introduction_is_in_the_patients_language(clinician_client, consultation, key, words):
    """The benefits page's sentence on figures was written in English in the template."""
    press_language(clinician_client, consultation, "decision", "es")
    patient_view(clinician_client, consultation)

    text = visible_text(clinician_client.get(step_url(consultation, key)).content.decode())

    assert words in text
    assert "Every figure is out of 100 people" not in text


def test_the_frame_of_the_patient_view_is_in_the_patients_language(clinician_client, consultation):
    press_language(clinician_client, consultation, "decision", "es")
    patient_view(clinician_client, consultation)

    html = clinician_client.get(step_url(consultation, "about")).content.decode()
    text = visible_text(html)

    for words in ("Todos los pasos", "Pasos", "Referencia del paciente", "Idioma del paciente"):
        assert words in text, words
    assert 'aria-label="Pasos de la consulta"' in html
    for words in ("All steps", "Patient reference", "Steps of the consultation"):
        assert words not in html, words


def test_the_clinicians_view_stays_in_the_sites_language(clinician_client, consultation):
    press_language(clinician_client, consultation, "decision", "es")

    html = clinician_client.get(step_url(consultation, "decision")).content.decode()

    assert '<html lang="en-gb" dir="ltr">' in html
    assert "Step 2 of" in visible_text(html) and "Paso 2 de" not in visible_text(html)


def test_messages_after_a_save_in_the_patient_view_are_in_the_patients_language(clinician_client, consultation):
    press_language(clinician_client, consultation, "decision", "es")
    patient_view(clinician_client, consultation)
    data = form_data(clinician_client.get(step_url(consultation, "decision")))
    data["nav"] = ["stay"]

    response = clinician_client.post(step_url(consultation, "decision"), data, follow=True)

    assert "Guardado." in visible_text(response.content.decode())


def test_arabic_lays_the_patient_view_out_right_to_left_with_bootstraps_rtl_stylesheet(clinician_client, consultation):
    press_language(clinician_client, consultation, "decision", "ar")
    patient_view(clinician_client, consultation)

    html = clinician_client.get(step_url(consultation, "benefits")).content.decode()

    assert '<html lang="ar" dir="rtl">' in html
    assert "vendor/bootstrap/css/bootstrap.rtl.min.css" in html
    assert "vendor/bootstrap/css/bootstrap.min.css" not in html
    assert "الفوائد" in visible_text(html)


def test_an_unknown_language_is_refused_with_a_message_and_nothing_changes(clinician_client, consultation):
    response = press_language(clinician_client, consultation, "decision", "xx")
    page = clinician_client.get(response.url)

    consultation.refresh_from_db()
    assert consultation.language_code == "en"
    assert "That language is not available. Choose one of the languages listed." in visible_text(page.content.decode())


def test_the_clinicians_view_leaves_the_switch_out(clinician_client, consultation):
    for url in [step_url(consultation, "start"), step_url(consultation, "review")]:
        html = clinician_client.get(url).content.decode()
        assert 'aria-labelledby="language-switch-label"' not in html, url


def test_the_switch_on_the_review_posts_to_its_own_url_and_comes_back(clinician_client, consultation):
    patient_view(clinician_client, consultation)
    review = step_url(consultation, "review")
    html = clinician_client.get(review).content.decode()
    assert f'action="{reverse("consultation_language", args=[consultation.pk])}"' in html

    response = clinician_client.post(reverse("consultation_language", args=[consultation.pk]),
                                     {"language": "es", "next": review})

    assert response.status_code == 302 and response.url == review
    consultation.refresh_from_db()
    assert consultation.language_code == "es"


def test_the_switch_never_redirects_off_the_consultation(clinician_client, consultation):
    response = clinician_client.post(reverse("consultation_language", args=[consultation.pk]),
                                     {"language": "es", "next": "https://example.org/"})

    assert response.url == reverse("consultation_resume", args=[consultation.pk])


def test_the_switch_needs_a_post(clinician_client, consultation):
    response = clinician_client.get(reverse("consultation_language", args=[consultation.pk]))

    assert response.status_code == 405


def test_another_clinicians_consultation_cannot_be_switched(client, other_clinician, clinician_client, consultation):
    client.force_login(other_clinician)

    response = client.post(reverse("consultation_language", args=[consultation.pk]), {"language": "es"})

    assert response.status_code == 404
    consultation.refresh_from_db()
    assert consultation.language_code == "en"


def test_a_final_record_keeps_its_language(clinician, clinician_client):
    from factories import make_recorded_consultation

    published_aid()
    c = make_recorded_consultation(clinician, final=True)
    before = Consultation.objects.get(pk=c.pk).language_code

    clinician_client.post(reverse("consultation_language", args=[c.pk]), {"language": "ar"})

    assert Consultation.objects.get(pk=c.pk).language_code == before
    html = clinician_client.get(reverse("consultation_record", args=[c.pk])).content.decode()
    assert 'aria-labelledby="language-switch-label"' not in html


# --------------------------------------------------------------------------- no extra work


def _queries(client, url):
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


@pytest.mark.parametrize("key", ["start", "benefits", "alternatives", "values", "questions", "review"])
def test_a_page_in_spanish_takes_the_same_queries_as_in_english(clinician_client, consultation, key):
    patient_view(clinician_client, consultation)
    url = step_url(consultation, key)
    _queries(clinician_client, url)  # warm the per-process fragment caches
    english = _queries(clinician_client, url)

    press_language(clinician_client, consultation, "decision", "es")
    _queries(clinician_client, url)
    spanish = _queries(clinician_client, url)

    assert spanish == english


def test_cached_content_fragments_are_kept_apart_by_language(clinician_client, consultation):
    press_language(clinician_client, consultation, "decision", "es")
    patient_view(clinician_client, consultation)
    spanish = visible_text(clinician_client.get(step_url(consultation, "benefits")).content.decode())
    clinician_client.get(f"{step_url(consultation, 'benefits')}?view=clinician")
    english = visible_text(clinician_client.get(step_url(consultation, "benefits")).content.decode())

    assert "Cuán segura es la evidencia" in spanish and "How sure the evidence is" not in spanish
    assert "How sure the evidence is" in english and "Cuán segura es la evidencia" not in english


# --------------------------------------------------------------------------- compiling at set-up


@pytest.mark.parametrize("msgfmt", [True, False], ids=["msgfmt", "polib"])
def test_stale_catalogues_are_compiled_with_or_without_gettext(tmp_path, monkeypatch, msgfmt):
    import gettext

    from sdm import catalogues

    if not msgfmt:  # a machine without GNU gettext: polib compiles
        monkeypatch.setattr(catalogues.shutil, "which", lambda name: None)
    elif shutil.which("msgfmt") is None:
        pytest.fail("msgfmt is needed here (Debian's gettext; scripts/test installs it in CI)")
    folder = tmp_path / "es" / "LC_MESSAGES"
    folder.mkdir(parents=True)
    shutil.copy2(CATALOGUES["es"], folder / "django.po")

    assert catalogues.compile_stale(tmp_path) == [folder / "django.po"]
    assert catalogues.compile_stale(tmp_path) == []  # up to date: nothing to do
    with open(folder / "django.mo", "rb") as mo:
        compiled = gettext.GNUTranslations(mo)
    assert compiled.gettext("Step %(number)s of %(total)s") == "Paso %(number)s de %(total)s"
    assert compiled.ngettext("entry", "entries", 2) == "entradas"
