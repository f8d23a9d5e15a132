"""Any script, nothing lost (issue 11): what the patient said comes back exactly from
both copies of the PDF, in a font that has every character, whatever the script.

How the text is compared:
- pypdf's text is read with its own right-to-left heuristic switched off
  (``raw_text_of``), so each line comes back in the order it is drawn: visual order,
  as PDF text always is. Each line is then put back in logical order with the
  Unicode bidi algorithm (python-bidi's ``get_display``, a different implementation
  from the one the renderer uses), in the direction of the paragraph typed.
- Arabic is drawn in its joined forms (presentation forms, U+FB50-U+FEFF) and the text
  layer carries those, so both sides are compared after NFKC normalisation, which maps
  them back to the letters typed. Whitespace is ignored (lines wrap).
- No .notdef box: every character the PDF draws in a font (its ToUnicode map) must
  be in the cmap of that font's file, and every typed character must be drawn.
"""

import io
import re
import shutil
import subprocess
import unicodedata

import pypdf
import pytest
from bidi import get_display
from django.test import override_settings
from django.urls import reverse
from pypdf import PdfReader
from reportlab.pdfbase.ttfonts import TTFontFile

from aids.consultations import RecordTextNotDrawable, record_finalize
from aids.models import AuditEvent, Consultation, PatientQuestion
from aids.record import fonts
from aids.record.fonts import MissingGlyphs
from aids.record.text import esc, paragraphs, visual_order
from test_record_pdf import make_consultation, mark_final, render
from walkthrough_support import published_aid, start_consultation, step_url, visible_text

pytestmark = pytest.mark.django_db

# (name, text typed, right-to-left paragraph)
SCRIPTS = [
    ("latin", "Café, naïve façade: Zoë Ångström Łódź Ğüneş œuvre", False),
    ("greek", "Θέλω να μιλήσω με τα εγγόνια μου", False),
    ("cyrillic", "Я хочу поговорить с внуками", False),
    ("chinese", "我想和我的孙子们说话，不想一直昏睡。", False),
    ("japanese", "私は孫と話したいです。カタカナもひらがなも。", False),
    ("korean", "나는 손주들과 이야기하고 싶어요", False),
    ("hebrew", "אני רוצה לדבר עם הנכדים שלי", True),
    ("arabic", "أريد أن أبقى مستيقظا بما يكفي للتحدث مع أحفادي، لا أكثر", True),
    ("devanagari", "मैं अपने पोते-पोतियों से बात करना चाहता हूँ", False),
    ("emoji", "Family 😀👍🏽 ❤️ and 🎉 matter 😀 🎉", False),
    ("mixed", "התור ל-MRI ביום 12 במרץ", True),
]


# --- reading the PDF back ----------------------------------------------------------

def raw_text_of(pdf, monkeypatch):
    """pypdf's text, lines in drawing (visual) order: its right-to-left heuristic,
    which reverses runs of Hebrew and Arabic inside each drawn string, is switched off."""
    from pypdf import _text_extraction

    with monkeypatch.context() as m:
        m.setattr(_text_extraction, "RTL_CHARACTER_PATTERN", re.compile(r"(?!)"))
        return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)


def logical(text, rtl):
    """Each visual line back in logical order (Unicode bidi algorithm)."""
    return "\n".join(get_display(line, base_dir="R" if rtl else "L") for line in text.split("\n"))


def norm(text):
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text))


_PS_NAMES = {}


def font_file_cmaps():
    """{PostScript name: set of code points} of every font file of the chain."""
    if not _PS_NAMES:
        for spec in fonts.CHAIN:
            for path in fonts.find_font(spec, fonts.settings.PDF_FONT_DIRS):
                face = TTFontFile(str(path))
                _PS_NAMES[face.name.decode()] = set(face.charToGlyph)
    return _PS_NAMES


def drawn_by_font(pdf):
    """{PostScript name: characters drawn in it}: every string the content streams
    show, decoded with its font's ToUnicode map."""
    from pypdf.generic import ContentStream

    reader = PdfReader(io.BytesIO(pdf))
    drawn = {}
    for page in reader.pages:
        resources = page["/Resources"]["/Font"].get_object()
        maps = {}
        for key, font in resources.items():
            font = font.get_object()
            name = str(font["/BaseFont"]).lstrip("/").split("+", 1)[-1]
            data = font["/ToUnicode"].get_object().get_data().decode("latin-1")
            data = "".join(re.findall(r"beginbfchar(.*?)endbfchar", data, re.S))
            codes = {int(code, 16): bytes.fromhex(uni).decode("utf-16-be") for code, uni in
                     re.findall(r"<([0-9A-Fa-f]+)> <([0-9A-Fa-f]+)>", data)}
            maps[key] = (name, codes)
        current = None
        for operands, operator in ContentStream(page.get_contents(), reader).operations:
            if operator == b"Tf":
                current = maps[operands[0]]
            elif operator in (b"Tj", b"TJ", b"'", b'"'):
                strings = operands[0] if operator == b"TJ" else operands[-1:]
                for string in strings:
                    if isinstance(string, (int, float)):
                        continue
                    raw = string.original_bytes if hasattr(string, "original_bytes") else bytes(string)
                    name, codes = current
                    drawn.setdefault(name, set()).update(codes.get(b, f"<unmapped {b}>") for b in raw)
    return drawn


def assert_no_missing_glyph(pdf, typed):
    cmaps = font_file_cmaps()
    drawn = drawn_by_font(pdf)
    for name, chars in drawn.items():
        assert name in cmaps, f"a font outside the chain was used: {name}"
        missing = {c for c in chars if ord(c) not in cmaps[name]}
        assert not missing, f"{name} draws characters it has no glyph for: {missing}"
    everything = set().union(*drawn.values())
    for ch in {c for c in typed if not c.isspace()}:
        shaped = {unicodedata.normalize("NFKC", c) for c in everything}
        assert ch in everything or ch in "".join(shaped), f"{ch!r} is not drawn"


def build(clinician, text):
    c = make_consultation(clinician, values_own_words=text, final=False)
    PatientQuestion.objects.create(consultation=c, order=5, question=text, answer=text,
                                   status="answered")
    mark_final(c)
    return c


# --- every script, both copies -------------------------------------------------------

@pytest.mark.parametrize("name,typed,rtl", SCRIPTS, ids=[s[0] for s in SCRIPTS])
@pytest.mark.parametrize("copy", ["clinical", "patient"])
def test_typed_text_comes_back_exactly_from_both_copies(clinician, monkeypatch, copy, name,
                                                        typed, rtl):
    pdf = render(build(clinician, typed), copy)

    text = norm(logical(raw_text_of(pdf, monkeypatch), rtl))
    # Own words, the question and its answer: three times in the clinical copy and the
    # patient copy alike.
    assert text.count(norm(typed)) >= 3, (name, logical(raw_text_of(pdf, monkeypatch), rtl)[-800:])
    assert_no_missing_glyph(pdf, typed)


def test_every_script_on_one_page_renders_with_no_missing_glyph(clinician, tmp_path):
    everything = "\n".join(typed for _, typed, _ in SCRIPTS)
    pdf = render(build(clinician, everything), "patient")
    assert_no_missing_glyph(pdf, everything)
    if shutil.which("pdftoppm"):  # poppler draws it without complaint
        (tmp_path / "r.pdf").write_bytes(pdf)
        done = subprocess.run(["pdftoppm", "-png", "-r", "40", str(tmp_path / "r.pdf"),
                               str(tmp_path / "p")], capture_output=True, text=True, timeout=120)
        assert done.returncode == 0 and not done.stderr.strip(), done.stderr


def test_a_long_arabic_paragraph_wraps_right_to_left_in_order(clinician, monkeypatch):
    typed = " ".join(["أريد أن أتحدث مع أحفادي"] * 30)
    pdf = render(make_consultation(clinician, values_own_words=typed), "patient")
    lines = [line for line in raw_text_of(pdf, monkeypatch).split("\n") if "\ufe8d" in line
             or "\ufee3" in line]
    assert len(lines) > 3  # it wrapped
    assert norm(typed) in norm(logical(raw_text_of(pdf, monkeypatch), True))


def test_the_patient_reference_in_the_running_header_has_its_glyphs(clinician):
    c = make_consultation(clinician, patient_ref="患者-7 김 ש", next_steps="x\n" * 400)
    pdf = render(c, "clinical")
    assert len(PdfReader(io.BytesIO(pdf)).pages) > 1
    assert_no_missing_glyph(pdf, "患者-7 김 ש")


# --- how the text is put in the PDF -------------------------------------------------

def test_esc_puts_each_script_in_a_font_that_has_it():
    markup = esc("a 中 한 😀 🎉 ب <b>")
    assert markup == ('a <font face="NotoSansSC">中 </font><font face="NotoSansKR">한 </font>'
                      '<font face="NotoEmoji">😀</font> <font face="NotoEmoji">🎉</font> '
                      'ب &lt;b&gt;')


def test_latin_only_text_is_plain_escaped_markup():
    assert esc("Zoë & <Ελένη>\nnext") == "Zoë &amp; &lt;Ελένη&gt;<br/>next"


def test_fallback_runs_keep_the_weight_of_a_bold_paragraph():
    from aids.record.styles import styles

    s = styles(10)
    (bold,) = paragraphs("中文", s["cell_bold"])
    (regular,) = paragraphs("中文", s["body"])
    assert {f.fontName for f in bold.frags} == {"NotoSansSC-Bold"}
    assert {f.fontName for f in regular.frags} == {"NotoSansSC"}


def test_direction_is_that_of_the_first_strong_character():
    from aids.record.styles import styles
    from reportlab.lib.enums import TA_RIGHT

    s = styles(10)
    (hebrew,) = paragraphs("12 שלום world", s["body"])
    (english,) = paragraphs("Hello שלום", s["body"])
    assert hebrew.style.alignment == TA_RIGHT and hebrew.rtl
    assert english.style.alignment != TA_RIGHT and not english.rtl


def test_visual_order_keeps_every_character():
    text = "אב\u200dג MRI 12\u202b"  # a joiner and an embedding control the algorithm drops
    indices, chars = visual_order(text, True)
    assert sorted(indices) == list(range(len(text))) and len(chars) == len(text)
    assert "".join(chars).replace("\u200d", "").replace("\u202b", "") == "MRI 12 גבא"


def test_surrogate_pairs_in_to_unicode():
    assert fonts.make_to_unicode_cmap("X", [0x41, 0x1F600]).count("<01> <D83DDE00>") == 1


# --- refusing what no font can draw (issue 14) ---------------------------------------

UNDRAWABLE = "Pain \u0378 score \U0010fffd"


def test_a_character_no_font_has_is_refused_with_its_code_point_only():
    with pytest.raises(MissingGlyphs) as raised:
        esc(UNDRAWABLE)
    message = str(raised.value)
    assert "U+0378" in message and "U+10FFFD" in message
    assert "Pain" not in message and "score" not in message


def test_finalize_refuses_undrawable_text_and_changes_nothing(clinician_client):
    published_aid()
    consultation = start_consultation(clinician_client)
    Consultation.objects.filter(pk=consultation.pk).update(values_own_words=UNDRAWABLE)

    response = clinician_client.post(reverse("consultation_finalize", args=[consultation.pk]),
                                     {"confirm": "yes"})
    page = visible_text(clinician_client.get(response.url).content.decode())

    assert response.url == step_url(consultation, "review")
    assert "no glyph for 2 character(s): U+0378" in page and "Nothing was finalized" in page
    assert "Try again" not in page and "Pain" not in page.split("no glyph")[1][:200]
    consultation.refresh_from_db()
    assert consultation.status == Consultation.Status.IN_PROGRESS
    assert not consultation.documents.exists()
    assert not AuditEvent.objects.filter(action="finalized").exists()


def test_an_addendum_with_undrawable_text_is_refused_and_kept(clinician_client, clinician):
    published_aid()
    consultation = start_consultation(clinician_client)
    record_finalize(consultation=consultation, user=clinician)
    url = reverse("addendum_add", args=[consultation.pk])

    response = clinician_client.post(url, {"addendum-text": f"Phoned. {UNDRAWABLE}"})

    text = visible_text(response.content.decode())
    assert response.status_code == 200 and "no glyph" in text and "not added" in text
    assert consultation.addenda.count() == 0 and consultation.documents.count() == 2


@pytest.fixture
def no_fonts():
    """The record fonts absent: DejaVu Sans and every Noto font."""
    with override_settings(PDF_FONT_DIRS=[]):
        fonts.reset()
        yield
    fonts.reset()


def test_without_the_fonts_greek_and_cyrillic_are_refused_not_stored_as_squares(
        no_fonts, clinician):
    consultation = make_consultation(clinician, values_own_words="Ωμέγα Привет", final=False,
                                     patient_ref="CLINIC-7", present_other="Son")
    assert fonts.register_fonts().regular == "Helvetica"

    with pytest.raises(RecordTextNotDrawable) as raised:
        record_finalize(consultation=consultation, user=clinician)

    assert "U+03A9 GREEK CAPITAL LETTER OMEGA" in str(raised.value)
    consultation.refresh_from_db()
    assert consultation.status == Consultation.Status.IN_PROGRESS
    assert not consultation.documents.exists()


def test_without_the_fonts_latin_1_text_still_makes_a_record(no_fonts, clinician):
    consultation = make_consultation(clinician, values_own_words="Café crème", final=False,
                                     patient_ref="CLINIC-7", present_other="Son")
    PatientQuestion.objects.filter(consultation=consultation).update(question="Q?")
    record_finalize(consultation=consultation, user=clinician)
    assert consultation.documents.count() == 2


def test_pypdf_reads_rtl_as_this_file_assumes():
    """Guard for raw_text_of: the switch it turns off still exists in pypdf."""
    from pypdf import _text_extraction

    assert hasattr(_text_extraction, "RTL_CHARACTER_PATTERN"), pypdf.__version__
