"""The PDF record's content, parsed back with pypdf: every section and answer,
exact text whatever was typed, pages, metadata, and the two copies."""

import dataclasses
import datetime
import gettext as gettext_module
import io
import re

import pytest
from django.utils import timezone
from pypdf import PdfReader

from aids.models import (
    Addendum, Consultation, ItemRecord, PatientQuestion, UnderstandingAnswer, ValueRating,
)
from aids.readmodel import record_data
from aids.record.pdf import COPIES, RecordRenderer, render_pdf
from factories import make_published

pytestmark = pytest.mark.django_db

GENERATED = datetime.datetime(2026, 11, 25, 14, 30, tzinfo=datetime.timezone.utc)
HOSTILE = ['<b>bold</b>', '<img src="/etc/passwd"/>', '&amp;', '<font color="red">red</font>',
           'a < b', '<para>', ']]>', '<script>alert(1)</script>', '&#x41;']


# --- helpers -------------------------------------------------------------------

def make_consultation(clinician, version=None, *, final=True, **fields):
    """A consultation with something recorded at every step; final unless ``final=False``
    (for a test that records more first, then calls ``mark_final``)."""
    version = version or make_published()
    values = dict(
        clinician=clinician, version=version, patient_ref="CLINIC-7 Zoë",
        present=["patient", "family"], present_other="Son Ελληνικά", language="English",
        topic_order=["risks", "alternatives", "benefits", "criteria"], skipped_topics=[],
        sure_before={"sure": "no", "understand": "no", "risks_benefits": "yes", "encouragement": "yes"},
        sure_after={"sure": "yes", "understand": "yes", "risks_benefits": "yes", "encouragement": "yes"},
        values_own_words="OWNWORDS I want to stay clear-headed.",
        positions=[Consultation.Position.MORE_TIME], position_words="POSWORDS Not yet.",
        preference_words="PREFWORDS none yet", next_steps="NEXTSTEPS See the pain team.",
        follow_up_on=datetime.date(2027, 1, 12),
    )
    values.update(fields)
    c = Consultation.objects.create(**values)
    for kind, items in (("benefit", version.benefits.all()), ("risk", version.risks.all()),
                        ("criterion", version.criteria.all()), ("option", version.options.all())):
        for item in items:
            ItemRecord.objects.create(consultation=c, kind=kind, item_id=item.pk, discussed=True,
                                      selected=True, note=f"NOTE-{kind}-{item.pk}")
    statements = list(version.value_statements.all())
    ValueRating.objects.create(consultation=c, statement=statements[0], rating=3)
    ValueRating.objects.create(consultation=c, statement=statements[1], not_sure=True)
    PatientQuestion.objects.create(consultation=c, order=0, question="QONE Will I feel my hand?",
                                   answer="AONE Yes, touch is kept.", status="answered")
    PatientQuestion.objects.create(consultation=c, order=1, question="QTWO How long in hospital?",
                                   status="open")
    for q in version.understanding_questions.all():
        UnderstandingAnswer.objects.create(consultation=c, question=q, answer="not_sure")
    if final:
        mark_final(c)
    return c


def mark_final(consultation):
    """Final as record_finalize leaves it, without storing a PDF: after this the
    model layer refuses any new answer."""
    consultation.status, consultation.finalized_at = Consultation.Status.FINAL, timezone.now()
    consultation.save(update_fields=["status", "finalized_at"])


def render(consultation, copy="clinical", revision=1):
    data = record_data(consultation=consultation, revision=revision, generated_at=GENERATED,
                       generated_by=consultation.clinician)
    return render_pdf(data, copy)


def body_text(pdf):
    """The text inside the page frame only: no running header or footer."""
    from reportlab.lib.units import mm

    parts = []

    def visit(text, cm, tm, font_dict, font_size):
        y = (tm[5] * cm[3]) + cm[5]
        if 22 * mm <= y <= 297 * mm - 24 * mm:
            parts.append(text)

    for page in PdfReader(io.BytesIO(pdf)).pages:
        page.extract_text(visitor_text=visit)
    return "".join(parts)


def pages(pdf):
    return [page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages]


def text_of(pdf):
    return "\n".join(pages(pdf))


def squash_lines(text):
    """Text with line breaks (where a long line wrapped) read as spaces."""
    return re.sub(r"\s+", " ", text)


def squash(text):
    return re.sub(r"\s+", "", text)


def position(text, needle, start=0):
    at = text.find(needle, start)
    assert at >= 0, f"{needle!r} not found after {start}"
    return at


# --- content -------------------------------------------------------------------

def test_clinical_copy_has_every_section_in_order(clinician):
    c = make_consultation(clinician, skipped_topics=["criteria"])
    Addendum.objects.create(consultation=c, author=clinician, text="ADDENDUM one")
    text = text_of(render(c))
    at = 0
    # Page 1: the summary; then what was recorded, topic by topic; then the content shown.
    for heading in ["This document records a discussion. It does not recommend any treatment.",
                    "Summary", "Where the patient stands", "Agreed next steps",
                    "Questions still open", "Topics, in the order taken", "SURE test",
                    "Clinician's signature", "What was discussed, topic by topic", "1. Risks",
                    "2. Alternatives", "3. Benefits", "4. Last-resort criteria - skipped",
                    "What matters to the patient", "Questions and answers",
                    "Check of understanding", "Addenda", "Appendix: content shown",
                    "The decision", "Content shown: Risks", "References",
                    "About this content and this record"]:
        at = position(text, heading, at)


def test_record_shows_every_recorded_answer(clinician):
    c = make_consultation(clinician)
    Addendum.objects.create(consultation=c, author=clinician, text="ADDENDUM one")
    text = text_of(render(c))
    v = c.version
    expected = [
        "CLINIC-7 Zoë", "Amal Rahman", "Patient, Family member or carer, Son Ελληνικά", "English",
        "Before: SURE score 2 of 4 - some decisional conflict may be present",
        "After: SURE score 4 of 4",
        "OWNWORDS I want to stay clear-headed.", "3 - Quite a lot", "Not sure",
        "QONE Will I feel my hand?", "AONE Yes, touch is kept.", "Question 1 (answered):",
        "QTWO How long in hospital?", "Question 2 (still open):", "No answer recorded.",
        "Wants more time", "POSWORDS Not yet.", "PREFWORDS none yet", "NEXTSTEPS See the pain team.",
        "Follow-up date: 12 January 2027", "Questions still open: 1 (question 2)", "ADDENDUM one",
        "Answer given", v.decision,
    ]
    for kind, items in (("benefit", v.benefits.all()), ("risk", v.risks.all()),
                        ("criterion", v.criteria.all()), ("option", v.options.all())):
        expected += [f"NOTE-{kind}-{item.pk}" for item in items]
    expected += [b.frequency_text() for b in v.benefits.all()]
    expected += [f"{b.numerator} of {b.denominator} filled" for b in v.risks.all()]
    expected += [c.statement for c in v.criteria.all()]
    expected += [a.text for a in v.grid_answers.all()]
    expected += [q.explanation for q in v.understanding_questions.all()]
    expected += [s.text for s in v.value_statements.all()]
    squashed = squash(text)
    missing = [e for e in expected if e not in text and squash(e) not in squashed]
    assert missing == []


def test_criteria_are_never_counted_or_judged(clinician):
    text = text_of(render(make_consultation(clinician)))
    start = position(text, "Last-resort criteria", position(text, "What was discussed"))
    section = text[start:position(text, "What matters to the patient")].lower()
    assert "2. other treatments have been tried." in section
    for word in ("eligible", "met", "total", "verdict", "score", "suitable", "2 of 2"):
        assert word not in section


def test_topics_follow_the_order_taken(clinician):
    c = make_consultation(clinician, topic_order=["alternatives", "criteria", "benefits", "risks"])
    text = text_of(render(c))
    at = position(text, "Topics, in the order taken")
    for heading in ["1. Alternatives", "2. Last-resort criteria", "3. Benefits", "4. Risks",
                    "What was discussed", "1. Alternatives", "2. Last-resort criteria",
                    "3. Benefits", "4. Risks", "What matters to the patient", "Appendix",
                    "Content shown: Alternatives", "Content shown: Last-resort criteria",
                    "Content shown: Benefits", "Content shown: Risks"]:
        at = position(text, heading, at)


def test_a_copy_shows_its_sections_in_its_own_order(clinician):
    c = make_consultation(clinician, topic_order=["criteria", "benefits", "alternatives", "risks"])
    data = record_data(consultation=c, revision=1, generated_at=GENERATED)
    summary_first = dataclasses.replace(
        COPIES["clinical"], key="summary", name="Summary copy",
        sections=("header", "values", "discussed", "statement", "colophon"))

    text = body_text(RecordRenderer(data, summary_first).render())

    at = position(text, "Summary copy")
    for heading in ["What matters to the patient", "What was discussed", "1. Last-resort criteria",
                    "2. Benefits", "3. Alternatives", "4. Risks",
                    "It does not recommend any treatment.", "About this content and this record"]:
        at = position(text, heading, at)
    for left_out in ("Summary\n", "Questions and answers", "Appendix", "References"):
        assert left_out not in text


def test_a_copy_with_an_unknown_section_is_refused():
    with pytest.raises(ValueError, match="'summry'"):
        dataclasses.replace(COPIES["clinical"], sections=("header", "summry"))


def test_each_copy_puts_what_its_reader_needs_first():
    # The clinical copy: a summary on page 1, then the details; the content shown last.
    assert COPIES["clinical"].sections == (
        "header", "statement", "summary", "signature", "discussed", "values", "questions",
        "understanding", "plan_in_full", "addenda", "appendix", "colophon")
    # The patient copy: where they are and who to ask first; no appendix. The addresses
    # to read at home and to answer CollaboRATE follow what was not talked about.
    assert COPIES["patient"].sections == (
        "header", "statement", "patient_summary", "discussed", "questions", "values", "sure",
        "not_discussed", "at_home", "addenda", "references", "colophon")


def test_not_discussed_lists_skipped_topics_and_unticked_items(clinician):
    c = make_consultation(clinician, skipped_topics=["risks"], final=False)
    first_benefit = c.version.benefits.first()
    ItemRecord.objects.filter(consultation=c, kind="benefit", item_id=first_benefit.pk).update(discussed=False)
    mark_final(c)
    patient = text_of(render(c, "patient"))
    section = patient[position(patient, "What we did not talk about"):position(patient, "Where the information")]
    assert "Risks: skipped - none of these was discussed" in section
    for risk in c.version.risks.all():
        assert risk.title in section
        assert patient.index(risk.title) > patient.index("What we did not talk about")
    assert re.search(rf"Benefits: not marked as discussed\s*•\s*{first_benefit.title}\n", section)
    # The clinical copy says both on page 1, and keeps the notes typed before the skip.
    clinical = pages(render(c))
    assert "1. Risks: skipped - none of these was discussed" in clinical[0]
    assert f"Benefits: not marked as discussed - {first_benefit.title}" in squash_lines(clinical[0])
    body = "\n".join(clinical[1:])
    skipped = body[position(body, "1. Risks - skipped"):position(body, "2. Alternatives")]
    assert "Notes typed before the topic was skipped" in skipped and "Discussed" not in skipped
    for risk in c.version.risks.all():
        assert risk.title in skipped and f"NOTE-risk-{risk.pk}" in skipped


def test_page_one_has_version_digest_and_date(clinician):
    c = make_consultation(clinician)
    first = pages(render(c))[0]
    assert f"Version {c.version.number} - digest {c.version.short_digest}" in first
    assert len(c.version.short_digest) == 12
    assert c.version.aid.title in first
    started = timezone.localtime(c.created_at)
    assert f"{started.day} {started:%B %Y}, {started:%H:%M}" in first
    assert "The decision belongs to the patient." in first


@pytest.mark.parametrize("copy", ["clinical", "patient"])
def test_every_page_is_numbered_and_identified(clinician, copy):
    c = make_consultation(clinician)
    texts = pages(render(c, copy, revision=3))
    assert len(texts) > 1
    for number, text in enumerate(texts, 1):
        assert f"Page {number} of {len(texts)}" in text
        assert f"Record {c.record_id}, revision 3" in text
        assert "Discussion record - not a recommendation" in text
        assert "generated 25 November 2026, 14:30" in text  # Europe/London: UTC in November


def top_margin_text(pdf):
    """Per page, the text above the page frame (running header, review banner)."""
    from reportlab.lib.units import mm

    out = []
    for page in PdfReader(io.BytesIO(pdf)).pages:
        parts = []

        def visit(text, cm, tm, font_dict, font_size):
            if (tm[5] * cm[3]) + cm[5] > 297 * mm - 24 * mm:
                parts.append(text)

        page.extract_text(visitor_text=visit)
        out.append("".join(parts))
    return out


@pytest.mark.parametrize("copy", ["clinical", "patient"])
def test_running_header_is_on_later_pages_only(clinician, copy):
    c = make_consultation(clinician)
    pdf = render(c, copy)

    first, *later = top_margin_text(pdf)

    assert first == ""  # the title block on page 1 says it all
    assert later
    for text in later:
        assert f"Patient reference {c.patient_ref}" in text
        assert c.version.aid.title in text


def test_first_and_later_pages_are_two_page_templates(clinician):
    data = record_data(consultation=make_consultation(clinician), revision=1, generated_at=GENERATED)

    first, later = RecordRenderer(data, "clinical").page_templates()

    assert (first.id, first.autoNextPageTemplate, later.id) == ("first", "later", "later")
    assert later.autoNextPageTemplate is None  # "later" stays until the end


# --- whatever was typed ---------------------------------------------------------------

def test_hostile_markup_appears_literally_and_embeds_nothing(clinician):
    hostile = "\n".join(HOSTILE)
    version = make_published(
        sections=[{"heading": "Admin <b>heading</b> &amp;", "body": hostile, "references": ["R1"]}],
        justification="Test content with markup-like text.",
    )
    c = make_consultation(clinician, version, values_own_words=hostile, next_steps=hostile,
                          patient_ref="<b>x</b>&amp;<", final=False)
    ItemRecord.objects.filter(consultation=c).update(note=hostile)
    PatientQuestion.objects.create(consultation=c, order=5, question=hostile, answer=hostile)
    mark_final(c)
    for copy in ("clinical", "patient"):
        pdf = render(c, copy)
        text = text_of(pdf)
        # The patient copy has no appendix: the section (content shown) is the clinical copy's.
        shown = ["Admin <b>heading</b> &amp;"] if copy == "clinical" else []
        for snippet in HOSTILE + shown + ["<b>x</b>&amp;<"]:
            assert snippet in text
        reader = PdfReader(io.BytesIO(pdf))
        for page in reader.pages:
            assert list(page.images) == []
            xobjects = page["/Resources"].get("/XObject") or {}
            assert all(x.get_object()["/Subtype"] != "/Image" for x in xobjects.values())


def test_greek_cyrillic_and_diacritics_extract_exactly(clinician):
    words = "Ελληνικά Кириллица Zoë Ångström Łódź Ğüneş"
    c = make_consultation(clinician, values_own_words=words, patient_ref="Ζωή-Кир")
    pdf = render(c, "patient")
    text = text_of(pdf)
    assert words in text and "Ζωή-Кир" in text
    fonts = {f["/BaseFont"] for p in PdfReader(io.BytesIO(pdf)).pages
             for f in (p["/Resources"]["/Font"].get_object().values())
             for f in [f.get_object()]}
    assert any(name.endswith("DejaVuSans") for name in fonts)  # subset, e.g. /AAAAAA+DejaVuSans
    assert not any("Helvetica" in name for name in fonts), fonts


def test_a_fifty_thousand_character_note_paginates_and_extracts(clinician):
    paragraph = "Ελληνικά and Кириллица, a<b & c>d, the pain at night is worse. " * 40
    note = ("\n".join([paragraph] * 20) + " " + "x" * 50_000)[:50_000]
    c = make_consultation(clinician, values_own_words=note)
    pdf = render(c)
    assert len(pages(pdf)) > 15
    assert squash(note) in squash(body_text(pdf))


def test_a_300_character_word_wraps_and_extracts(clinician):
    word = ("Ελληνικά" + "Кириллица" + "abcdefghij" * 3) * 6
    word = word[:300]
    c = make_consultation(clinician, values_own_words=f"before {word} after")
    text = text_of(render(c, "patient"))
    assert word not in text  # it had to wrap...
    assert f"before{word}after" in squash(text)  # ...and not one character changed


def test_two_hundred_questions_paginate(clinician):
    c = make_consultation(clinician, final=False)
    PatientQuestion.objects.bulk_create(
        PatientQuestion(consultation=c, order=10 + i, question=f"Question text {i} " * 20,
                        answer=f"Answer text {i} " * 30, status="answered")
        for i in range(200)
    )
    mark_final(c)
    texts = pages(render(c))
    assert all(f"Page {n} of {len(texts)}" in t for n, t in enumerate(texts, 1))
    assert "Question 202 (answered):" in "".join(texts)


def to_unicode_targets(pdf):
    """The code points the fonts' ToUnicode maps name: every character drawn."""
    targets = set()
    for page in PdfReader(io.BytesIO(pdf)).pages:
        for font in page["/Resources"]["/Font"].get_object().values():
            cmap = font.get_object().get("/ToUnicode")
            if cmap is not None:
                data = cmap.get_object().get_data().decode("latin-1")
                targets |= set(re.findall(r"<[0-9A-Fa-f]+> <([0-9A-Fa-f]+)>", data))
    return targets


@pytest.mark.parametrize("copy", ["clinical", "patient"])
def test_control_characters_become_replacement_marks_and_the_emoji_is_drawn_and_extracted(
        clinician, copy):
    # NUL cannot be stored (PostgreSQL refuses it; Django's form fields reject it
    # with a message), so the other control characters are what can reach a record.
    c = make_consultation(clinician, values_own_words="tab\there\x01nul\x0bvt \U0001F600 end\r\nnext")

    pdf = render(c, copy)

    text = text_of(pdf)
    # The tab lays out as a space, \x01 and \x0b as U+FFFD, CRLF as a line break; the
    # emoji is drawn in Noto Emoji and mapped in ToUnicode as a UTF-16 surrogate pair.
    assert "tab here\ufffdnul\ufffdvt \U0001F600 end\nnext" in text
    assert {"FFFD", "D83DDE00"} <= {t.upper() for t in to_unicode_targets(pdf)}


# --- the two copies ---------------------------------------------------------------

def _font_size_of(pdf, marker):
    sizes = set()

    def visit(text, cm, tm, font_dict, font_size):
        if marker in text:
            sizes.add(round(font_size * tm[0], 1))

    for page in PdfReader(io.BytesIO(pdf)).pages:
        page.extract_text(visitor_text=visit)
    (size,) = sizes
    return size


def test_patient_copy_has_larger_type_and_no_clinician_notes(clinician):
    c = make_consultation(clinician)
    clinical, patient = render(c, "clinical"), render(c, "patient")
    assert _font_size_of(clinical, "OWNWORDS") == 10
    assert _font_size_of(patient, "OWNWORDS") == 13
    clinical_text, patient_text = text_of(clinical), text_of(patient)
    assert "NOTE-" in clinical_text
    assert "NOTE-" not in patient_text
    for patient_words in ("OWNWORDS", "POSWORDS", "PREFWORDS", "NEXTSTEPS", "QONE", "AONE"):
        assert patient_words in patient_text
    assert "Patient copy" in patient_text and "What matters to you" in patient_text


def test_content_past_its_review_date_is_flagged_on_every_page(clinician):
    overdue = make_published(next_review_due="2020-01-01",
                             justification="Test: review date passed on purpose.")
    texts = pages(render(make_consultation(clinician, overdue)))
    assert all("Content was past its review date when shown" in t for t in texts)
    current = pages(render(make_consultation(clinician)))
    assert not any("past its review date" in t for t in current)


def test_metadata_and_reproducible_bytes(clinician):
    c = make_consultation(clinician)
    pdf = render(c)
    meta = PdfReader(io.BytesIO(pdf)).metadata
    assert c.record_id in meta.title and "clinical copy" in meta.title
    assert meta.author == "SDM discussion aid"
    assert "does not recommend" in meta.subject
    assert meta.creator.startswith("SDM discussion aid")
    assert meta.creation_date == GENERATED
    assert render(c) == pdf  # same record, same moment: the same bytes


def test_pdf_is_dated_when_generated_whatever_the_time_zone(clinician):
    c = make_consultation(clinician)
    summer = datetime.datetime(2026, 7, 1, 9, 5, 7, tzinfo=datetime.timezone(datetime.timedelta(hours=1)))
    data = record_data(consultation=c, revision=1, generated_at=summer)

    pdf = render_pdf(data, "clinical")

    info = PdfReader(io.BytesIO(pdf)).trailer["/Info"].get_object()
    assert info["/CreationDate"] == info["/ModDate"] == "D:20260701080507+00'00'"
    assert PdfReader(io.BytesIO(pdf)).metadata.creation_date == summer
    assert render_pdf(record_data(consultation=c, revision=1, generated_at=summer), "clinical") == pdf
    later = record_data(consultation=c, revision=1, generated_at=summer + datetime.timedelta(seconds=1))
    assert render_pdf(later, "clinical") != pdf


def test_record_wording_is_marked_for_translation():
    from django.utils.functional import Promise

    from aids.record.pdf import AUTHOR, CLINICAL_LABELS, FOOTER_NOTE, PATIENT_LABELS
    from aids.record.sections import STATEMENT

    lazy = [AUTHOR, FOOTER_NOTE, STATEMENT, *CLINICAL_LABELS.values(), *PATIENT_LABELS.values(),
            *(copy.name for copy in COPIES.values())]
    assert all(isinstance(text, Promise) for text in lazy)


class _Catalogue(gettext_module.NullTranslations):
    """A made-up language "xx" with a handful of translations."""

    words = {
        "Risks": "RISQUES", "Possible risks": "RISQUES POSSIBLES", "Discussed": "DISCUTÉ",
        "Page %(page)s of %(total)s": "Seite %(page)s von %(total)s",
        "Discussion record - not a recommendation": "Protokoll - keine Empfehlung",
        "Patient copy": "Exemplar für Sie", "November": "NOVEMBRE",
        "Sources: %(keys)s": "Quellen: %(keys)s",
        "%(filled)s of %(total)s filled": "%(filled)s von %(total)s",
    }

    def gettext(self, message):
        return self.words.get(message, message)

    def ngettext(self, singular, plural, number):
        return self.gettext(singular if number == 1 else plural)

    def to_language(self):
        return "xx"


def test_record_is_written_in_the_active_language(clinician, monkeypatch):
    from django.utils import translation
    from django.utils.translation import trans_real

    c = make_consultation(clinician)
    monkeypatch.setitem(trans_real._translations, "xx", _Catalogue())

    with translation.override("xx"):
        texts = pages(render(c, "patient"))
        clinical = text_of(render(c, "clinical"))
    english = text_of(render(c, "patient")) + text_of(render(c, "clinical"))

    text = "\n".join(texts)
    for translated in ("RISQUES POSSIBLES", "Protokoll - keine Empfehlung",
                       "Exemplar für Sie", "25 NOVEMBRE 2026"):
        assert translated in text and translated not in english
    for translated in ("RISQUES", "DISCUTÉ", "Quellen: ", " von 100"):
        assert translated in clinical and translated not in english
    assert all(f"Seite {n} von {len(texts)}" in page for n, page in enumerate(texts, 1))
    assert "Page 1 of" not in text and "Possible risks" not in text
    assert "What matters to you" in text  # no translation: English


def test_queries_do_not_grow_with_the_record(clinician):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def count(consultation):
        fresh = Consultation.objects.get(pk=consultation.pk)
        with CaptureQueriesContext(connection) as queries:
            render(fresh)
        return len(queries)

    c = make_consultation(clinician, final=False)
    count(c)  # warm: a published version's content is read once per process (aids/frozen.py)
    small = count(c)
    for i in range(30):
        PatientQuestion.objects.create(consultation=c, order=10 + i, question=f"q{i}", answer="a")
        Addendum.objects.create(consultation=c, author=clinician, text=f"addendum {i}")
    mark_final(c)
    assert count(c) == small < 30


def test_content_at_its_length_limits_lays_out_in_both_copies(clinician):
    from aids.models.content import TEXT_LIMIT

    long = ("The team talks about this in plain words with the patient. " * 80)[:TEXT_LIMIT]
    word = "Ελληνικά" * 37  # 296 characters, no space
    benefit = {"title": word[:200], "description": long, "numerator": None, "denominator": None,
               "unknown_reason": long, "time_frame": word[:200], "certainty": "low",
               "certainty_note": word, "references": ["R1"]}
    version = make_published(
        benefits=[benefit],
        sections=[{"heading": word[:200], "body": long}],
        grid_answers=[{"option": o, "question": q, "text": long, "references": []}
                      for o in ("tractotomy", "no-procedure") for q in ("involves", "relief")],
        justification="The test content fills every field up to its length limit.",
    )
    c = make_consultation(clinician, version)
    clinical, patient = (squash(body_text(render(c, copy))) for copy in ("clinical", "patient"))
    assert squash(long) in clinical and word in clinical  # the appendix: the content shown
    assert word[:200] in patient  # the patient copy: the item as listed
