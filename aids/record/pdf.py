"""The record renderer: one class, two configurations (clinical and patient copy).

Like pretix's invoice renderer: page geometry as attributes, hooks to override
(``page_templates``, ``draw_first_page``, ``draw_later_page`` and the pieces they
draw), the story built by ``aids.record.sections``. ``invariant=1`` makes the
bytes depend only on the record's content and its generation time, so the same
input always gives the same PDF (and tests can compare bytes).
"""

import io
from dataclasses import dataclass, field
from datetime import timezone as dt_timezone
from functools import partial

from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from reportlab import rl_config
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import BaseDocTemplate, Frame, PageTemplate

from aids.record import sections
from aids.record.fonts import draw_string
from aids.record.styles import INK, MUTED, RULE, WARN, WARN_TINT, styles

# Streams are Flate-compressed; ASCII85 on top makes files about 13% larger for no gain
# (PDF is a binary format; nothing here travels as 7-bit text).
rl_config.useA85 = 0

# Module-level wording is lazy: it is translated when a record is drawn, in the active language.
AUTHOR = _("SDM discussion aid")
FOOTER_NOTE = _("Discussion record - not a recommendation")

CLINICAL_LABELS = {
    "decision": _("The decision"), "sure": _("Decisional conflict (SURE test), before and after"),
    "discussed": _("What was discussed, topic by topic"), "benefits": _("Benefits"),
    "risks": _("Risks"), "criteria": _("When it is considered"), "alternatives": _("Alternatives"),
    "reaction": _("Patient's reaction, as noted"), "said": _("What was said"),
    "values": _("What matters to the patient"), "own_words": _("In the patient's own words"),
    "questions": _("Questions and answers"), "understanding": _("Check of understanding"),
    "position": _("Where the patient stands"), "next_steps": _("Next steps"),
    "position_words": _("In the patient's own words"),
    "preference_words": _("Preference stated, in the patient's own words"),
    "not_discussed": _("Not discussed"), "addenda": _("Addenda"), "references": _("References"),
    "colophon": _("About this content and this record"),
    "appendix": _("Appendix: content shown"),
}
PATIENT_LABELS = {
    **CLINICAL_LABELS,
    "sure": _("How sure you felt (SURE questions), before and after"),
    "discussed": _("What we talked about"),
    "benefits": _("Possible benefits"), "risks": _("Possible risks"),
    "criteria": _("When this procedure is considered"),
    "alternatives": _("The choices you looked at"),
    "values": _("What matters to you"), "own_words": _("In your own words"),
    "questions": _("Your questions"), "understanding": _("Checking what we talked about"),
    "position": _("Where you are now"), "next_steps": _("What happens next"),
    "position_words": _("In your own words"),
    "preference_words": _("The choice you said you prefer, in your own words"),
    "not_discussed": _("What we did not talk about"),
    "addenda": _("Later additions to this record"),
    "references": _("Where the information comes from"), "colophon": _("About this information"),
    "at_home": _("Reading at home, and your view of the visit"),
}

# The clinical copy: page 1 is the summary (and the signature line), then each topic
# as discussed and the patient's part; then the content shown, in an appendix, and
# what the content and the record are.
CLINICAL_SECTIONS = ("header", "statement", "summary", "signature", "discussed", "values",
                     "questions", "understanding", "plan_in_full", "addenda", "appendix",
                     "colophon")
# The patient copy: where they are and who to ask first, then what was talked about.
PATIENT_SECTIONS = ("header", "statement", "patient_summary", "discussed", "questions", "values",
                    "sure", "not_discussed", "at_home", "addenda", "references", "colophon")


@dataclass(frozen=True)
class Copy:
    """One configuration of the renderer: who the copy is for and what it shows.

    ``sections`` names the story builders (keys of ``sections.SECTIONS``) in the
    order the copy shows them; ``labels`` gives the headings for the builders' keys.
    """

    key: str
    name: str
    base_size: float
    clinician_notes: bool
    labels: dict = field(repr=False)
    sections: tuple = CLINICAL_SECTIONS

    def __post_init__(self):
        unknown = [name for name in self.sections if name not in sections.SECTIONS]
        if unknown:
            raise ValueError(f"Copy {self.key!r}: unknown sections {unknown}; "
                             f"known: {sorted(sections.SECTIONS)}")


BILINGUAL_SECTIONS = ("header", "statement", "bilingual", "colophon")
BILINGUAL_LABELS = {**PATIENT_LABELS,
                    "bilingual": _("The information side by side, for use with an interpreter")}

COPIES = {
    "clinical": Copy("clinical", _("Clinical copy"), 10.0, True, CLINICAL_LABELS),
    "patient": Copy("patient", _("Patient copy"), 13.0, False, PATIENT_LABELS, PATIENT_SECTIONS),
}
# Made only for a consultation shown in a translation (aids.record.storage).
BILINGUAL = Copy("bilingual", _("Bilingual patient copy"), 12.0, False, BILINGUAL_LABELS,
                 BILINGUAL_SECTIONS)
ALL_COPIES = {**COPIES, "bilingual": BILINGUAL}


def pdf_date_formatter(moment):
    """A date formatter for ``Canvas.setDateFormatter`` that writes ``moment`` (in UTC)
    as the PDF's CreationDate and ModDate.

    With ``invariant=1`` ReportLab's own timestamp is always 2000-01-01 (that is what
    makes bytes reproducible); the formatter it calls with that timestamp's fields is
    public, so ours ignores them and writes the generation time in ReportLab's own
    format. The bytes still depend only on the input. (The other public route,
    ``SOURCE_DATE_EPOCH``, is a process-wide environment variable: unsafe while
    several records render at once.)
    """
    stamp = moment.astimezone(dt_timezone.utc).strftime("D:%Y%m%d%H%M%S+00'00'")
    return lambda *_ymdhms: stamp


class _NumberedCanvas(Canvas):
    """Keeps every page until the end, so its furniture can say "Page x of y".

    A page template's ``onPage`` hands the canvas, with :meth:`defer`, what to draw on
    that page; it is drawn at :meth:`save`, when the number of pages is known.
    """

    def __init__(self, *args, created, **kwargs):
        super().__init__(*args, **kwargs)
        self._saved_pages = []
        self._deferred = []
        self.setDateFormatter(pdf_date_formatter(created))

    def defer(self, draw):
        """Call ``draw(canvas, page, total)`` on this page once the total is known."""
        self._deferred.append(draw)

    def showPage(self):
        self._saved_pages.append(dict(self.__dict__))
        self._startPage()
        self._deferred = []

    def save(self):
        total = len(self._saved_pages)
        for state in self._saved_pages:
            self.__dict__.update(state)
            for draw in self._deferred:
                draw(self, self._pageNumber, total)
            super().showPage()
        super().save()


class RecordRenderer:
    pagesize = A4
    margin_x = 18 * mm
    margin_top = 24 * mm
    margin_bottom = 22 * mm

    def __init__(self, data, copy):
        self.data = data
        self.copy = ALL_COPIES[copy] if isinstance(copy, str) else copy
        self.s = styles(self.copy.base_size)
        self.width = self.pagesize[0] - 2 * self.margin_x

    def story(self):
        return sections.build_story(self, self.copy.sections)

    @property
    def language(self):
        """The document's language: the translation's when the content is translated."""
        translation = getattr(self.data, "translation", None)
        return translation.language_code if translation is not None else "en-GB"

    def metadata(self):
        d = self.data
        return {
            "title": gettext("%(title)s - discussion record %(record)s revision %(revision)s "
                             "(%(copy)s)") % {"title": d.version.title, "record": d.record_id,
                                              "revision": d.revision,
                                              "copy": self.copy.name.lower()},
            "subject": gettext("Shared decision-making discussion record. It does not recommend "
                               "any treatment."),
            "author": str(AUTHOR),
            "creator": gettext("%(author)s (ReportLab)") % {"author": AUTHOR},
            "keywords": [gettext("shared decision making"), gettext("discussion record"),
                         d.record_id],
        }

    def page_templates(self):
        """The first page (footer only: the title block is in the story) and the later
        pages (footer and a running header); ReportLab moves to "later" after page 1."""
        w, h = self.pagesize

        def frame():
            return Frame(self.margin_x, self.margin_bottom, self.width,
                         h - self.margin_top - self.margin_bottom, id="body",
                         leftPadding=0, rightPadding=0, topPadding=0, bottomPadding=0)

        return [
            PageTemplate(id="first", frames=[frame()], autoNextPageTemplate="later",
                         onPage=lambda canvas, doc: canvas.defer(self.draw_first_page)),
            PageTemplate(id="later", frames=[frame()],
                         onPage=lambda canvas, doc: canvas.defer(self.draw_later_page)),
        ]

    def render(self):
        buffer = io.BytesIO()
        doc = BaseDocTemplate(
            buffer, pagesize=self.pagesize, invariant=1, lang=self.language,
            initialFontName=self.s["fonts"].regular, initialFontSize=self.copy.base_size,
            leftMargin=self.margin_x, rightMargin=self.margin_x,
            topMargin=self.margin_top, bottomMargin=self.margin_bottom,
            pageTemplates=self.page_templates(), **self.metadata(),
        )
        doc.build(self.story(),
                  canvasmaker=partial(_NumberedCanvas, created=self.data.generated_at))
        return buffer.getvalue()

    # --- Page furniture (drawn with canvas strings: never parsed as markup) ------

    @property
    def furniture_size(self):
        return 8 if self.copy.base_size < 12 else 9

    def draw_first_page(self, canvas, page, total):
        self.draw_footer(canvas, page, total)
        self.draw_review_warning(canvas)

    def draw_later_page(self, canvas, page, total):
        self.draw_footer(canvas, page, total)
        self.draw_running_header(canvas)
        self.draw_review_warning(canvas)

    def draw_footer(self, canvas, page, total):
        d, fonts, size = self.data, self.s["fonts"], self.furniture_size
        x0, x1 = self.margin_x, self.pagesize[0] - self.margin_x
        canvas.saveState()
        canvas.setStrokeColor(RULE)
        canvas.setLineWidth(0.5)
        canvas.line(x0, 16 * mm, x1, 16 * mm)
        canvas.setFillColor(INK)
        canvas.setFont(fonts.bold, size)
        canvas.drawString(x0, 12 * mm, str(FOOTER_NOTE))
        canvas.drawRightString(x1, 12 * mm, gettext("Page %(page)s of %(total)s")
                               % {"page": page, "total": total})
        canvas.setFont(fonts.regular, size)
        canvas.setFillColor(MUTED)
        record = gettext("Record %(record)s, revision %(revision)s") % {
            "record": d.record_id, "revision": d.revision}
        generated = gettext("%(copy)s, generated %(when)s") % {
            "copy": self.copy.name, "when": sections.date_time(d.generated_at)}
        canvas.drawString(x0, 12 * mm - size * 1.35, record)
        canvas.drawRightString(x1, 12 * mm - size * 1.35, generated)
        canvas.restoreState()

    def draw_running_header(self, canvas):
        """The aid's title and the patient reference, above the body of later pages."""
        d, fonts, size = self.data, self.s["fonts"], self.furniture_size
        w, h = self.pagesize
        x0, x1 = self.margin_x, w - self.margin_x
        canvas.saveState()
        canvas.setStrokeColor(RULE)
        canvas.setLineWidth(0.5)
        canvas.setFont(fonts.regular, size)
        canvas.setFillColor(MUTED)
        right = gettext("Patient reference %(ref)s") % {"ref": d.consultation.patient_ref}
        room = x1 - x0 - draw_string(canvas, x1, h - 16 * mm, right, size, align="right") - 12
        canvas.drawString(x0, h - 16 * mm, _fit(d.version.title, fonts.regular, size, room))
        canvas.line(x0, h - 18 * mm, x1, h - 18 * mm)
        canvas.restoreState()

    def draw_review_warning(self, canvas):
        """A banner on every page when the content was past its review date when shown."""
        d, fonts, size = self.data, self.s["fonts"], self.furniture_size
        if not d.review_overdue:
            return
        w, h = self.pagesize
        x0, x1 = self.margin_x, w - self.margin_x
        canvas.saveState()
        canvas.setLineWidth(0.5)
        canvas.setFillColor(WARN_TINT)
        canvas.setStrokeColor(WARN)
        canvas.rect(x0, h - 12 * mm, x1 - x0, 6.5 * mm, fill=1, stroke=1)
        canvas.setFillColor(WARN)
        canvas.setFont(fonts.bold, size)
        due = sections.long_date(d.version.next_review_due)
        canvas.drawCentredString((x0 + x1) / 2, h - 9.6 * mm, gettext(
            "Content was past its review date when shown (review was due %(due)s)") % {"due": due})
        canvas.restoreState()


def _fit(text, font, size, width):
    """Shorten a one-line canvas string to ``width`` points."""
    if stringWidth(text, font, size) <= width:
        return text
    while text and stringWidth(text + "...", font, size) > width:
        text = text[:-1]
    return text + "..."


def render_pdf(data, copy):
    """The PDF bytes of one copy ("clinical", "patient" or "bilingual") of a record."""
    return RecordRenderer(data, copy).render()
