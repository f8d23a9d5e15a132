"""Story builders, one per part of the record, and :data:`SECTIONS`, the registry
that names them.

Each takes the render context (``ctx.data``, ``ctx.s`` styles, ``ctx.copy`` the
copy's configuration, ``ctx.width`` the frame width) and returns flowables. A
copy lists the names of its sections (``Copy.sections``) and the renderer asks
:func:`build_story` for them in that order, so a new layout of the record is a
new list of names. Any dynamic text goes through ``aids.record.text``; tables
hold only short, bounded fields (or text measured to fit), never free text,
which could outgrow a page. Our own wording goes through Django's gettext
(``gettext_lazy`` at module level, named placeholders), so the record is written
in the active language once a catalogue exists; English needs none.
"""

from django.utils import timezone
from django.utils.dates import MONTHS
from django.utils.translation import gettext, gettext_lazy, ngettext
from reportlab.graphics.barcode.qr import QrCodeWidget
from reportlab.graphics.shapes import Drawing
from reportlab.lib.units import mm
from reportlab.platypus import (
    CondPageBreak, HRFlowable, KeepTogether, PageBreak, Spacer, Table, TableStyle,
)

from aids.readmodel import NotDiscussed, person_name
from aids.record.graphics import icon_array
from aids.record.styles import ACCENT, RULE, TINT
from aids.record.text import Paragraph, esc, paragraphs
from aids.vocabulary import TOPIC_BY_KEY, own_step_title

STATEMENT = gettext_lazy("This document records a discussion. It does not recommend any "
                         "treatment. The decision belongs to the patient.")


def long_date(value):
    return f"{value.day} {MONTHS[value.month]} {value.year}" if value else ""


def date_time(value):
    return f"{long_date(value)}, {value:%H:%M}" if value else ""


def heading(ctx, key, room=5):
    """A section heading (h1 and a rule), moved to the next page unless ``room`` lines fit."""
    s = ctx.s
    rule = HRFlowable(width="100%", thickness=0.6, color=RULE, spaceBefore=1,
                      spaceAfter=s["base"] * 0.6)
    rule.keepWithNext = 1  # never leave a section heading alone at the foot of a page
    return [CondPageBreak(s["base"] * room), Paragraph(esc(ctx.copy.labels[key]), s["h1"]), rule]


def keep_headings_with_blocks(story):
    """Join keep-with-next flowables (headings) to a KeepTogether block that follows.

    ReportLab's keepWithNext does not reach into a KeepTogether, so without this a
    heading can be left alone at the foot of a page while its first item moves on.
    """
    out, pending = [], []
    for flowable in story:
        if flowable.getKeepWithNext() and not isinstance(flowable, CondPageBreak):
            pending.append(flowable)
            continue
        if pending and isinstance(flowable, KeepTogether):
            flowable = KeepTogether(pending + list(flowable._content))
            pending = []
        out += pending + [flowable]
        pending = []
    return out + pending


def label(ctx, text, style="label"):
    """A label written in this module (trusted), escaped anyway."""
    return Paragraph(esc(text), ctx.s[style])


def status(ctx, discussed):
    return Paragraph(esc(gettext("Discussed") if discussed else gettext("Not discussed")),
                     ctx.s["status" if discussed else "status_no"])


def table(rows, widths, ctx, commands):
    """A Table in the record's font (Table's own default is Helvetica, even when
    every cell is a Paragraph)."""
    t = Table(rows, colWidths=widths, hAlign="LEFT")
    t.setStyle(TableStyle([("FONT", (0, 0), (-1, -1), ctx.s["fonts"].regular, ctx.s["base"]),
                           ("VALIGN", (0, 0), (-1, -1), "TOP"), *commands]))
    return t


def grid(rows, widths, ctx, pad=3):
    """A table of short, bounded cells (strings are escaped into Paragraphs)."""
    s = ctx.s
    body = [[c if not isinstance(c, str) else Paragraph(esc(c), s["cell"]) for c in row]
            for row in rows]
    return table(body, widths, ctx, [
        ("LEFTPADDING", (0, 0), (-1, -1), 4), ("RIGHTPADDING", (0, 0), (-1, -1), 6),
        ("TOPPADDING", (0, 0), (-1, -1), pad), ("BOTTOMPADDING", (0, 0), (-1, -1), pad + 1),
        ("LINEBELOW", (0, 0), (-1, -1), 0.4, RULE)])


def fits(flowables, width, height):
    return sum(f.wrap(width, height)[1] for f in flowables) < height


# --- Page 1: the summary a colleague reads in a minute ----------------------------

def clinician_line(d):
    """The clinician's name, then role and registration as the account holds them."""
    extra = [x for x in (d.clinician_role, d.clinician_registration) if x]
    return ", ".join([d.clinician or gettext("Not recorded"), *extra])


def header(ctx):
    d, s, w = ctx.data, ctx.s, ctx.width
    v, c = d.version, d.consultation
    facts = {"record": d.record_id, "revision": d.revision, "count": len(d.addenda)}
    if d.addenda:
        revision = ngettext("Record %(record)s, revision %(revision)s (with %(count)s addendum)",
                            "Record %(record)s, revision %(revision)s (with %(count)s addenda)",
                            len(d.addenda)) % facts
    else:
        revision = gettext("Record %(record)s, revision %(revision)s") % facts
    if d.finalized_at:
        revision = gettext("%(record)s. Finalized %(when)s") % {
            "record": revision, "when": date_time(d.finalized_at)}
    pairs = [
        (gettext("Date and time"), date_time(d.started_at)),
        (gettext("Patient reference"), c.patient_ref),
        (gettext("Clinician"), clinician_line(d)),
        (gettext("Who was present"), ", ".join(map(str, d.present)) or gettext("Not recorded")),
    ]
    if not ctx.copy.clinician_notes:  # the patient's copy: their pain, not their language
        pairs.append((gettext("Where the pain is"), d.sites.text))
    if ctx.copy.clinician_notes:  # the patient copy names the version in its colophon
        pairs += [(gettext("Language"), c.language), (gettext("Content version"), gettext("Version %(number)s - digest %(digest)s")
                   % {"number": v.number, "digest": v.short_digest}),
                  (gettext("Where the pain is"), d.sites.text),
                  (gettext("Cancer pain"), c.get_cancer_pain_display() or gettext("Not recorded"))]
    cells = [[Paragraph(esc(name), s["cell_label"]), Paragraph(esc(value), s["cell_bold"])]
             for name, value in pairs]
    spans = []
    if s["base"] < 12:  # two short pairs a row; the long ones across the page
        lw = w * 0.17
        date, ref, clinician, present, language, version, sites, cancer = cells
        rows = [date + ref, clinician + ["", ""], present + ["", ""], version + ["", ""],
                sites + ["", ""], language + cancer]
        widths = [lw, w / 2 - lw, lw, w / 2 - lw]
        spans = [("SPAN", (1, r), (3, r)) for r in range(1, 5)]
    else:  # larger type: date and reference side by side, then one pair a row
        lw = w * 0.27
        rows = [cells[0] + cells[1]] + [cell + ["", ""] for cell in cells[2:]]
        widths = [lw, w / 2 - lw + w * 0.06, w * 0.2, w / 2 - w * 0.26]
        spans = [("SPAN", (1, r), (3, r)) for r in range(1, len(rows))]
    details = grid(rows, widths, ctx)
    details.setStyle(TableStyle(spans))
    return [
        Paragraph(esc(v.title), s["title"]),
        Paragraph(esc(gettext("Shared decision-making discussion record - %(copy)s")
                      % {"copy": ctx.copy.name}), s["subtitle"]),
        details,
        Spacer(1, s["base"] * 0.3),
        Paragraph(esc(revision + "."), s["small"]),
    ]


def statement_box(ctx):
    s = ctx.s
    box = table([[Paragraph(esc(" ".join(filter(None, [str(STATEMENT), ctx.data.demo_statement]))), s["statement"])]], [ctx.width], ctx, [
        ("BOX", (0, 0), (-1, -1), 1.2, ACCENT), ("BACKGROUND", (0, 0), (-1, -1), TINT),
        ("LEFTPADDING", (0, 0), (-1, -1), 10), ("RIGHTPADDING", (0, 0), (-1, -1), 10),
        ("TOPPADDING", (0, 0), (-1, -1), 6), ("BOTTOMPADDING", (0, 0), (-1, -1), 7),
    ])
    return [Spacer(1, s["base"] * 0.6), box]


# Page 1 quotes the patient's words up to this many characters; longer text is
# printed whole in its own section, and page 1 says where.
SUMMARY_QUOTE = 420


SUMMARY_LINES = 6


def excerpt(text, limit=SUMMARY_QUOTE, lines=SUMMARY_LINES):
    """(text, cut): the text, or its start (at most ``limit`` characters, up to a word
    boundary, and ``lines`` lines), and whether it was cut."""
    text = (text or "").strip()
    kept = text.split("\n")
    if len(text) <= limit and len(kept) <= lines:
        return text, False
    text = "\n".join(kept[:lines])
    if len(text) > limit:
        cut = text.rfind(" ", limit // 2, limit)
        text = text[:cut if cut > 0 else limit]
    return text.rstrip() + " ...", True


def topic_line(t):
    """One topic's heading line: what was shown and what was ticked. Criteria are never
    counted (a count of criteria reads as a score)."""
    if t.skipped:
        return gettext("skipped - none of these was discussed")
    if t.key == "alternatives":
        looked = [i for i in t.items if i.selected or i.discussed]
        return gettext("%(looked)s of %(count)s options looked at, %(discussed)s marked "
                       "discussed") % {"looked": len(looked), "count": len(t.items),
                                       "discussed": len(t.items) - len(t.not_discussed)}
    if t.key == "criteria":
        return gettext("each recorded one by one")
    return gettext("%(discussed)s of %(count)s items marked discussed") % {
        "discussed": len(t.items) - len(t.not_discussed), "count": len(t.items)}


def topic_summary(t, names=3):
    """One topic on page 1, worded as the review page words it: skipped, or which items
    were not marked discussed (the first few named), or all marked discussed."""
    if t.skipped:
        return NotDiscussed(t.title, [], True).heading
    missing = t.not_discussed
    if not missing:
        return gettext("%(topic)s: every item marked discussed") % {"topic": t.title}
    named = ", ".join(i.label for i in missing[:names])
    if len(missing) > names:
        named = gettext("%(named)s and %(more)s more") % {"named": named,
                                                          "more": len(missing) - names}
    return f"{NotDiscussed(t.title, [], False).heading} - {named}"


# The SURE items in a word each, in SURE_ITEMS order (Sure, Understand, Risks-benefits, Encouragement).
SURE_SHORT = (gettext_lazy("sure:"), gettext_lazy("understands:"), gettext_lazy("clear on values:"),
              gettext_lazy("support:"))


def summary(ctx):
    """Page 1 of the clinical copy: who and when are in the header above; this is the
    rest of what a colleague needs in a minute, with pointers to the details."""
    d, s, w = ctx.data, ctx.s, ctx.width
    c = d.consultation
    lw = w * 0.25

    def row(name, *flowables):
        return [Paragraph(esc(name), s["cell_label"]), list(flowables)]

    def quoted(text, where):
        shown, cut = excerpt(text)
        out = [Paragraph(esc(gettext("In their words: \u201c%(words)s\u201d") % {"words": shown}),
                         s["cell"])] if shown else []
        if cut:
            out.append(Paragraph(esc(gettext("(Continues in full under \u201c%(where)s\u201d.)")
                                     % {"where": where}), s["small"]))
        return out

    stands = [Paragraph(esc(d.position_text or gettext("Not recorded")), s["cell_bold"]),
              *quoted(c.position_words, ctx.copy.labels["position"])]
    pref, cut = excerpt(c.preference_words)
    if pref:
        stands.append(Paragraph(esc(gettext("Preference stated: \u201c%(words)s\u201d")
                                    % {"words": pref}), s["cell"]))
    steps, cut_steps = excerpt(c.next_steps)
    follow = long_date(c.follow_up_on) if c.follow_up_on else gettext("Not set")
    plan_cells = [Paragraph(esc(steps or gettext("None recorded.")), s["cell"])]
    if cut_steps:
        plan_cells.append(Paragraph(esc(gettext("(Continues in full under \u201c%(where)s\u201d.)")
                                        % {"where": ctx.copy.labels["next_steps"]}), s["small"]))
    plan_cells.append(Paragraph(esc(gettext("Follow-up date: %(date)s") % {"date": follow}),
                                s["cell_bold"]))
    still = (gettext("Questions still open: %(open)s") % {"open": d.open_questions_text}
             if d.open_questions_text else gettext("None still open (%(count)s asked)")
             % {"count": len(d.questions)})
    open_rows = [Paragraph(esc(still), s["cell"])]
    for number, q in d.open_questions[:3]:
        text, _cut = excerpt(q.question, 160)
        open_rows.append(Paragraph(esc(f"{number}. {text}"), s["cell"]))
    if len(d.open_questions) > 3:
        open_rows.append(Paragraph(esc(gettext("(All questions are under \u201c%(where)s\u201d.)")
                                       % {"where": ctx.copy.labels["questions"]}), s["small"]))
    topics_rows = [Paragraph(esc(f"{n}. {topic_summary(t)}"), s["cell"])
                   for n, t in enumerate(d.all_topics, 1)]
    if d.sites.tailored:
        topics_rows.append(Paragraph(esc(gettext(
            "Items that apply to the pain site recorded were shown first; the others under "
            "\u201cAbout the other forms of the operation\u201d. Nothing was hidden.")), s["small"]))
    sure = [Paragraph(esc(gettext("%(when)s: %(summary)s (%(answers)s)") % {
        "when": when, "summary": result.summary(),
        "answers": "; ".join(f"{short} {_yes_no(answer).lower()}"
                             for short, (_q, answer) in zip(SURE_SHORT, result.answers))}), s["cell"])
        for when, result in ((gettext("Before"), d.sure_before), (gettext("After"), d.sure_after))]
    rows = []
    if d.follows:
        earlier = [Paragraph(esc(d.follows.line), s["cell"])]
        if d.carried_over:
            earlier.append(Paragraph(esc(ngettext(
                "%(count)s question still open then was carried over.",
                "%(count)s questions still open then were carried over.", len(d.carried_over))
                % {"count": len(d.carried_over)}), s["cell"]))
        rows.append(row(gettext("Earlier visit"), *earlier))
    rows += [
        row(gettext("Where the patient stands"), *stands),
        row(gettext("Agreed next steps"), *plan_cells),
        row(gettext("Questions"), *open_rows),
        row(gettext("Topics, in the order taken"), *topics_rows),
        row(gettext("SURE test (decisional conflict)"), *sure),
    ]
    return [Spacer(1, s["base"] * 0.6), label(ctx, gettext("Summary")), grid(rows, [lw, w - lw], ctx),
            Paragraph(esc(gettext("The SURE score is information for the patient and clinician, "
                                  "not a verdict. Each item discussed, with what was said, follows; "
                                  "the content shown is in the appendix.")), s["small"])]


def signature(ctx):
    """A line for the clinician's signature on the printed clinical copy."""
    d, s, w = ctx.data, ctx.s, ctx.width
    line = "_" * 34
    cells = [[Paragraph(esc(gettext("Clinician's signature")), s["cell_label"]),
              Paragraph(line, s["cell"]),
              Paragraph(esc(gettext("Date")), s["cell_label"]), Paragraph("_" * 14, s["cell"])],
             [Paragraph(esc(gettext("Name and role")), s["cell_label"]),
              Paragraph(esc(clinician_line(d)), s["cell"]), "", ""]]
    t = table(cells, [w * 0.2, w * 0.5, w * 0.08, w * 0.22], ctx, [
        ("TOPPADDING", (0, 0), (-1, -1), 2), ("BOTTOMPADDING", (0, 0), (-1, -1), 2),
        ("LEFTPADDING", (0, 0), (-1, -1), 0), ("SPAN", (1, 1), (3, 1)),
        ("VALIGN", (0, 0), (-1, -1), "BOTTOM")])
    return [Spacer(1, s["base"] * 0.9), KeepTogether([t])]


def patient_summary(ctx):
    """Page 1 of the patient copy: where you are, what happens next, and who to ask."""
    d, s = ctx.data, ctx.s
    c = d.consultation
    story = [Spacer(1, s["base"] * 0.4)]
    if d.follows:
        story.append(Paragraph(esc(d.follows.line), s["body"]))
    story += [Paragraph(esc(ctx.copy.labels["position"]), s["h2"]),
             Paragraph(esc(d.position_text or gettext("Not recorded")), s["cell_bold"])]
    for words, key in ((c.position_words, "position_words"), (c.preference_words, "preference_words")):
        if words.strip():
            story += [label(ctx, ctx.copy.labels[key])] + paragraphs(words, s["quote"])
    story.append(Paragraph(esc(ctx.copy.labels["next_steps"]), s["h2"]))
    story += paragraphs(c.next_steps, s["body"]) if c.next_steps.strip() else [
        Paragraph(esc(gettext("None recorded.")), s["body"])]
    follow = long_date(c.follow_up_on) if c.follow_up_on else gettext("Not set")
    story.append(Paragraph(esc(gettext("Follow-up date: %(date)s") % {"date": follow}), s["cell_bold"]))
    if d.open_questions_text:
        story.append(Paragraph(esc(gettext("Questions still open: %(open)s.")
                                   % {"open": d.open_questions_text}), s["body"]))
    return story + contact(ctx)


def contact(ctx):
    """The team's contact details (a site setting) and what to do with questions later."""
    d, s = ctx.data, ctx.s
    site = d.site
    later = site.questions_later.strip() or gettext(
        "Contact the team if you have questions, or if your pain or your wishes change. You "
        "can also ask your GP or specialist nurse.")
    inner = [Paragraph(esc(gettext("If you have questions later")), s["h2"]),
             *paragraphs(later, s["body"])]
    if site.team_name.strip():
        inner.append(Paragraph(esc(site.team_name), s["cell_bold"]))
    inner += paragraphs(site.contact_details, s["body"]) if site.contact_details.strip() else [
        Paragraph(esc(gettext("Contact details (to be written in by your clinician):")), s["body"]),
        Spacer(1, s["base"]), Paragraph("_" * 40, s["body"])]
    box = table([[inner]], [ctx.width], ctx, [
        ("BOX", (0, 0), (-1, -1), 0.8, RULE), ("LEFTPADDING", (0, 0), (-1, -1), 10),
        ("RIGHTPADDING", (0, 0), (-1, -1), 10), ("TOPPADDING", (0, 0), (-1, -1), 0),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 8)])
    return [Spacer(1, s["base"] * 0.8), box]


# --- Reading at home and CollaboRATE (the patient copy) ------------------------------

QR_SIZE = 30 * mm


def qr_code(url, size=QR_SIZE):
    """A QR code of ``url``, drawn with ReportLab's own barcode module (vector, with its
    quiet zone), ``size`` points square."""
    widget = QrCodeWidget(url, barLevel="M", barBorder=4)
    x0, y0, x1, y1 = widget.getBounds()
    drawing = Drawing(size, size, transform=[size / (x1 - x0), 0, 0, size / (y1 - y0), 0, 0])
    drawing.add(widget)
    return drawing


def at_home(ctx):
    """The address (and QR code) of the public page with the information shown, and the
    one-time link to the three CollaboRATE questions, to answer alone."""
    d, s = ctx.data, ctx.s
    rows = []
    if d.reading_url:
        rows.append([qr_code(d.reading_url), [
            Paragraph(esc(gettext("To read this information again, at home or with family")),
                      s["cell_bold"]),
            Paragraph(esc(d.reading_url), s["cell"]),
            Paragraph(esc(gettext("The page holds no information about you.")), s["small"])]])
    if d.collaborate_url:
        until = long_date(timezone.localtime(d.collaborate_expires)) if d.collaborate_expires else ""
        rows.append([qr_code(d.collaborate_url), [
            Paragraph(esc(gettext("Three questions about your visit, to answer on your own if "
                                  "you wish (CollaboRATE)")), s["cell_bold"]),
            Paragraph(esc(d.collaborate_url), s["cell"]),
            Paragraph(esc((gettext("The link works once, until %(date)s.") % {"date": until}
                           if until else gettext("The link works once.")) + " " + gettext(
                "Your answers are not shown to the clinician you saw.")), s["small"])]])
    story = heading(ctx, "at_home", room=8)
    if not rows:
        return story + [Paragraph(esc(gettext(
            "This hospital has not set up the web address of a page to read this information "
            "at home. Ask the team for a printed copy.")), s["body"])]
    w = ctx.width
    return story + [table(rows, [QR_SIZE + 8, w - QR_SIZE - 8], ctx, [
        ("LEFTPADDING", (0, 0), (-1, -1), 0), ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 4), ("TOPPADDING", (0, 0), (-1, -1), 2)])]


# --- What was discussed, topic by topic -------------------------------------------

def discussed(ctx):
    """Every topic in the order taken (skipped ones too, with any note typed before the
    skip): each item as it was shown, whether it was ticked, and what was said."""
    d = ctx.data
    # Page 1 is the summary alone: the details start on a page of their own.
    story = [PageBreak()] if ctx.copy.clinician_notes else []
    story += heading(ctx, "discussed")
    for number, t in enumerate(d.all_topics, 1):
        if not ctx.copy.clinician_notes and (t.skipped or not _shown_to_patient(t)):
            continue
        story += _topic(ctx, t, number)
    return story


def _shown_to_patient(t):
    return [i for i in t.items if i.discussed]


def _topic(ctx, t, number):
    s = ctx.s
    title = ctx.copy.labels[t.key]
    if ctx.copy.clinician_notes:
        # The clinical copy heads a topic as the aid names it (e.g. "Last-resort criteria").
        title = own_step_title(ctx.data.version, t.key) or title
        title = f"{number}. {title} - {topic_line(t)}"
    story = [CondPageBreak(s["base"] * 4), Paragraph(esc(title), s["h2"])]
    if t.skipped:
        noted = [i for i in t.items if i.note.strip()]
        story.append(Paragraph(esc(gettext("This topic was skipped; none of it was shown as "
                                           "discussed.")), s["small"]))
        if noted:
            story.append(label(ctx, gettext("Notes typed before the topic was skipped")))
            for item in noted:
                story += _item(ctx, t, item, show_status=False)
        return story
    items = t.items if ctx.copy.clinician_notes else _shown_to_patient(t)
    if t.key == "alternatives" and ctx.copy.clinician_notes:
        unseen = [i for i in items if not (i.selected or i.discussed or i.note.strip())]
        items = [i for i in items if i not in unseen]
        if unseen:
            story.append(Paragraph(esc(gettext("Not looked at: %(names)s.")
                                       % {"names": ", ".join(i.label for i in unseen)}),
                                   s["small"]))
    for n, item in enumerate(items, 1):
        story += _item(ctx, t, item, number=n)
    return story


def _facts(ctx, t, item):
    """The item's short facts as shown: how likely, how sure, where it was shown."""
    o, facts = item.obj, []
    if t.key in ("benefits", "risks"):
        facts.append(o.frequency_text())
        if o.time_frame:
            facts.append(o.time_frame)
        facts.append((gettext("evidence: %(certainty)s") if ctx.copy.clinician_notes
                      else gettext("how sure the evidence is: %(certainty)s")) % {
            "certainty": o.get_certainty_display().lower()})
        if hasattr(o, "severity"):
            facts.append(gettext("how serious: %(severity)s") % {
                "severity": o.get_severity_display().lower()})
    if t.key == "alternatives" and ctx.copy.clinician_notes:
        facts.append(gettext("looked at in the grid") if item.selected else gettext("not looked at"))
    if ctx.copy.clinician_notes and ctx.data.sites.tailored and TOPIC_BY_KEY[t.key].scoped:
        facts.append(gettext("shown first") if item.relevant
                     else gettext("shown under the other forms"))
    return facts


def _item(ctx, t, item, number=None, show_status=True):
    """One item as shown: its title and short facts on one line where they fit, whether
    it was ticked discussed (clinical copy), and what was said."""
    s, w = ctx.s, ctx.width
    title = item.label if number is None else f"{number}. {item.label}"
    facts = _facts(ctx, t, item)
    markup = f"<b>{esc(title)}</b>" + (f" - {esc('; '.join(facts))}" if facts else "")
    left = [Paragraph(markup, s["item"])]
    if not ctx.copy.clinician_notes:
        if t.key == "alternatives" and item.obj.summary:
            left += paragraphs(item.obj.summary, s["shown_cell"])
        return left + [Spacer(1, s["base"] * 0.35)]
    sw = s["base"] * 7
    row = [left, status(ctx, item.discussed) if show_status else ""]
    story = [table([row], [w - sw, sw], ctx, [
        ("LEFTPADDING", (0, 0), (-1, -1), 0), ("RIGHTPADDING", (0, 0), (-1, -1), 0),
        ("TOPPADDING", (0, 0), (-1, -1), 2), ("BOTTOMPADDING", (0, 0), (-1, -1), 1),
        ("ALIGN", (1, 0), (1, 0), "RIGHT"), ("LINEABOVE", (0, 0), (-1, 0), 0.3, RULE)])]
    if item.note.strip():
        said = ctx.copy.labels["said" if t.key == "criteria" else "reaction"]
        story += paragraphs(item.note, s["note"], prefix=f"<b>{esc(said)}:</b> ")
    return story


# --- The patient's part ---------------------------------------------------------

def values(ctx):
    d, s, w = ctx.data, ctx.s, ctx.width
    story = heading(ctx, "values")
    if d.values:
        rows = [[Paragraph(esc(gettext("Statement")), s["cell_label"]),
                 Paragraph(esc(gettext("How much it matters (0 to 4)")), s["cell_label"])]]
        cell = s["item"] if ctx.copy.base_size < 12 else s["cell"]
        rows += [[Paragraph(esc(statement.text), cell), Paragraph(esc(rating), cell)]
                 for statement, rating in d.values]
        widths = [w * 0.84, w * 0.16] if ctx.copy.base_size < 12 else [w * 0.68, w * 0.32]
        story.append(grid(rows, widths, ctx, pad=2 if ctx.copy.base_size < 12 else 3))
        story.append(Paragraph(esc(gettext("Ratings are recorded as given; they are not turned "
                                           "into a choice.")), s["small"]))
    words = d.consultation.values_own_words
    story.append(label(ctx, ctx.copy.labels["own_words"]))
    story += paragraphs(words, s["quote"]) if words.strip() else [
        Paragraph(esc(gettext("None recorded.")), s["body"])]
    return story


def questions(ctx):
    d, s = ctx.data, ctx.s
    story = heading(ctx, "questions")
    if not d.questions:
        story.append(Paragraph(esc(gettext("No questions were recorded.")), s["body"]))
    for number, q in enumerate(d.questions, 1):
        state = q.get_status_display().lower()
        if q.carried_over:
            state = gettext("%(status)s; carried over from the earlier visit") % {"status": state}
        asked = paragraphs(q.question, s["body"], prefix="<b>{}</b> ".format(esc(
            gettext("Question %(number)s (%(status)s):") % {"number": number, "status": state})))
        story.append(KeepTogether(asked[:1]))
        story += asked[1:]
        if q.answer.strip():
            answer = esc(gettext("Answer:"))
            story += paragraphs(q.answer, s["quote"], prefix=f"<b>{answer}</b> ")
        else:
            story.append(Paragraph(esc(gettext("No answer recorded.")), s["quote"]))
    return story


def understanding(ctx):
    """The check of understanding: each statement, the answer given and the aid's answer
    (its explanation is content shown: in the appendix)."""
    d, s, w = ctx.data, ctx.s, ctx.width
    if not any(u.answered for u in d.understanding):
        return []
    story = [Paragraph(esc(ctx.copy.labels["understanding"]), s["h2"])]
    rows = [[Paragraph(esc(gettext("Statement")), s["cell_label"]),
             Paragraph(esc(gettext("Answer given")), s["cell_label"]),
             Paragraph(esc(gettext("The aid's answer")), s["cell_label"])]]
    rows += [[Paragraph(esc(text), s["item"]) for text in
              (f"{n}. {u.question.statement}", u.answer, u.question.get_correct_answer_display())]
             for n, u in enumerate(d.understanding, 1)]
    story.append(grid(rows, [w * 0.74, w * 0.13, w * 0.13], ctx, pad=2))
    return story


def sure(ctx):
    d, s, w = ctx.data, ctx.s, ctx.width
    story = heading(ctx, "sure")
    rows = [["", Paragraph(esc(gettext("Before")), s["cell_label"]),
             Paragraph(esc(gettext("After")), s["cell_label"])]]
    for (question, before), (_, after) in zip(d.sure_before.answers, d.sure_after.answers):
        rows.append([question, _yes_no(before), _yes_no(after)])
    story.append(grid(rows, [w * 0.64, w * 0.18, w * 0.18], ctx))
    story.append(Spacer(1, s["base"] * 0.3))
    story.append(Paragraph(esc(gettext("Before: %(summary)s")
                               % {"summary": d.sure_before.summary()}), s["body"]))
    story.append(Paragraph(esc(gettext("After: %(summary)s")
                               % {"summary": d.sure_after.summary()}), s["body"]))
    story.append(Paragraph(esc(gettext("The SURE score is information for the patient and "
                                       "clinician, not a verdict.")), s["small"]))
    return story


def _yes_no(value):
    return {"yes": gettext("Yes"), "no": gettext("No")}.get(value, gettext("Not answered"))


def plan_in_full(ctx):
    """Where the patient stands and the next steps, whole, when page 1 had to cut them."""
    c = ctx.data.consultation
    story = []
    if any(excerpt(text)[1] for text in (c.position_words, c.preference_words)):
        story += heading(ctx, "position")
        for words, key in ((c.position_words, "position_words"),
                           (c.preference_words, "preference_words")):
            if words.strip():
                story += [label(ctx, ctx.copy.labels[key])] + paragraphs(words, ctx.s["quote"])
    if excerpt(c.next_steps)[1]:
        story += heading(ctx, "next_steps") + paragraphs(c.next_steps, ctx.s["body"])
    return story


# --- Closing ------------------------------------------------------------------

def not_discussed(ctx):
    s = ctx.s
    story = heading(ctx, "not_discussed")
    rows = ctx.data.not_discussed
    if not rows:
        return story + [Paragraph(esc(gettext("Every topic and every item was marked as discussed.")),
                                  s["body"])]
    for row in rows:
        story.append(label(ctx, row.heading))
        story += [Paragraph(esc(text), s["bullet"], bulletText="\u2022") for text in row.labels]
    return story


def addenda(ctx):
    s = ctx.s
    if not ctx.data.addenda:
        return []
    story = heading(ctx, "addenda")
    for number, addendum in enumerate(ctx.data.addenda, 1):
        story.append(label(ctx, gettext("Addendum %(number)s - %(when)s, by %(author)s") % {
            "number": number, "when": date_time(addendum.created_at),
            "author": person_name(addendum.author)}, "status"))
        story += paragraphs(addendum.text, s["body"])
    return story


def references(ctx, extra=()):
    """The references cited by what the copy shows (``extra``: more, e.g. the sections'
    in the appendix), in the version's order, each once."""
    s = ctx.s
    cited = {r.pk: r for r in [*ctx.data.references, *extra]}
    refs = sorted(cited.values(), key=lambda r: (r.order, r.pk))
    if not refs:
        return []
    story = heading(ctx, "references")
    for ref in refs:
        story += paragraphs(ref.citation(), s["small"], prefix=f"<b>{esc(ref.key)}</b>  ")
    return story


def colophon(ctx):
    d, s = ctx.data, ctx.s
    v = d.version
    story = heading(ctx, "colophon")
    unknown = gettext("not recorded")
    facts = [
        gettext("%(title)s, content version %(number)s, published %(published)s.") % {
            "title": v.title, "number": v.number,
            "published": long_date(v.published_at.date()) if v.published_at
            else gettext("date not recorded")},
        gettext("Content digest (SHA-256): %(digest)s") % {"digest": v.digest or unknown},
        gettext("Last reviewed: %(last)s. Next review due: %(next)s.") % {
            "last": long_date(v.last_reviewed_on) or unknown,
            "next": long_date(v.next_review_due) or unknown},
    ]
    if d.review_overdue:
        facts.append(gettext("This content was past its review date when it was shown."))
    facts += d.publication_facts(justification=ctx.copy.clinician_notes)  # approver, time, why
    facts += translation_facts(d)
    story += [Paragraph(esc(fact), s["small"]) for fact in facts] + people(ctx) + statements(ctx)
    story.append(label(ctx, gettext("This record")))
    when = {"when": date_time(d.generated_at), "person": d.generated_by}
    generated = (gettext("Generated %(when)s by %(person)s") if d.generated_by
                 else gettext("Generated %(when)s")) % when
    story.append(Paragraph(esc(gettext(
        "%(record)s, revision %(revision)s, %(copy)s. %(generated)s. Kept exactly as generated; "
        "corrections are added as dated addenda in a new revision.") % {
            "record": d.record_id, "revision": d.revision, "copy": ctx.copy.name.lower(),
            "generated": generated}),
        s["small"]))
    return story


def translation_facts(d):
    """The translation the patient-facing content was shown in: its number, its
    translator's role and its approver (every copy of a consultation shown in it)."""
    t = d.consultation.translation if d.consultation.translation_id else None
    if t is None:
        return []
    approver = person_name(t.published_by) or gettext("not recorded")
    facts = [gettext(
        "Shown to the patient in %(language)s: translation %(number)s of content version "
        "%(version)s, translated by %(role)s, approved by %(approver)s on %(date)s.") % {
            "language": t.language_name, "number": t.number, "version": d.version.number,
            "role": t.translator_role or gettext("a translator (role not recorded)"),
            "approver": approver,
            "date": long_date(t.published_at.date()) if t.published_at else gettext("date not recorded")}]
    if t.published_alone:
        facts.append(gettext("The translation was published by one person who also translated "
                             "it (an administrator's setting)."))
    return facts


def bilingual(ctx):
    """For an interpreter: every text of the content shown, item by item, the source on
    the left and the translation on the right, paragraph beside paragraph."""
    from aids.models import AidVersion
    from aids.translations import source_texts, translated_texts

    d, s = ctx.data, ctx.s
    t = d.consultation.translation if d.consultation.translation_id else None
    story = [Paragraph(esc(ctx.copy.labels["bilingual"]), s["h1"]),
             HRFlowable(width="100%", thickness=0.6, color=RULE, spaceBefore=1,
                        spaceAfter=s["base"] * 0.6)]
    if t is None:
        return story + [Paragraph(esc(gettext("This consultation was shown in the source "
                                              "language only.")), s["intro"])]
    story.append(Paragraph(esc(gettext(
        "The content the aid can show, in the source language (left) and in %(language)s "
        "(right), as in translation %(number)s. Use it with an interpreter: each row is the "
        "same text.") % {"language": t.language_name, "number": t.number}), s["intro"]))
    taken = {tp.key for tp in d.topics}
    parts = {"version", "sections", "value_statements", "understanding_questions"}
    parts |= {p for key, ps in (("benefits", ("benefits",)), ("risks", ("risks",)),
                                ("criteria", ("criteria",)),
                                ("alternatives", ("options", "grid_questions", "grid_answers")))
              if key in taken for p in ps}
    source = AidVersion.objects.get(pk=d.version.pk)  # the source texts, never the translated copy
    texts = translated_texts(t)
    half = (ctx.width - 8) / 2
    for item in source_texts(source, parts=parts):
        left = _chunks(item.text)
        right = _chunks(texts.get(item.key, ""))
        rows = []
        for i in range(max(len(left), len(right))):
            a = left[i] if i < len(left) else ""
            b = right[i] if i < len(right) else ""
            rows.append([paragraphs(a, s["shown"], bullet_style=s["shown_bullet"]),
                         paragraphs(b, s["shown"], bullet_style=s["shown_bullet"])])
        story.append(Paragraph(esc(item.location), s["label"]))
        story.append(table(rows, [half, half], ctx, [
            ("LEFTPADDING", (0, 0), (-1, -1), 0), ("RIGHTPADDING", (0, 0), (-1, -1), 8),
            ("LINEBELOW", (0, 0), (-1, -1), 0.3, RULE)]))
    return story


BILINGUAL_CHUNK = 900  # characters per table row: a row never outgrows a page


def _chunks(text):
    """A text cut at its paragraphs (and long ones at sentence ends) into pieces of at
    most about BILINGUAL_CHUNK characters, so each table row stays small."""
    pieces = []
    for para in (text or "").split("\n\n"):
        while len(para) > BILINGUAL_CHUNK:
            cut = para.rfind(". ", 0, BILINGUAL_CHUNK)
            cut = cut + 1 if cut > 0 else BILINGUAL_CHUNK
            pieces.append(para[:cut].strip())
            para = para[cut:]
        if para.strip():
            pieces.append(para.strip())
    return pieces


def people(ctx):
    """Who wrote and who reviewed the content (as the publishing hospital entered them)."""
    d, facts = ctx.data, []
    for kind, title in (("author", gettext("Authors: %(names)s.")),
                        ("reviewer", gettext("Reviewers: %(names)s."))):
        names = [f"{p.name} ({p.role})" if p.role else p.name for p in d.contributors if p.kind == kind]
        if names:
            facts.append(title % {"names": "; ".join(names)})
    return [Paragraph(esc(fact), ctx.s["small"]) for fact in facts]


def statements(ctx):
    """The version's own statements: what is not known, funding, conflicts of interest."""
    v, s, story = ctx.data.version, ctx.s, []
    for text, title in ((v.unknowns, gettext("What is not known")),
                        (v.funding_statement, gettext("Funding")),
                        (v.conflicts_statement, gettext("Conflicts of interest"))):
        if text.strip():
            story += [label(ctx, title)] + paragraphs(text, s["small"], bullet_style=s["small_bullet"])
    return story


# --- Appendix: the content shown, verbatim ------------------------------------------

def appendix(ctx):
    """The patient-education text the aid showed, verbatim as the pinned version holds
    it, after everything that was recorded and clearly apart from it."""
    d, s = ctx.data, ctx.s
    v = d.version
    story = [PageBreak(), Paragraph(esc(ctx.copy.labels["appendix"]), s["h1"]),
             HRFlowable(width="100%", thickness=0.6, color=RULE, spaceBefore=1,
                        spaceAfter=s["base"] * 0.6)]
    story.append(Paragraph(esc(gettext(
        "Content shown: the patient information as the aid showed it on screen, verbatim, from "
        "content version %(number)s (digest %(digest)s). It is the same for every patient shown "
        "this version. It is not part of what was recorded: what was recorded is on the pages "
        "before this appendix.") % {"number": v.number, "digest": v.digest}), s["intro"]))
    story.append(Paragraph(esc(gettext("The decision")), s["h2"]))
    story += paragraphs(v.decision, s["shown"])
    story += paragraphs(v.intro, s["shown"], bullet_style=s["shown_bullet"])
    for section in d.sections:
        story.append(Paragraph(esc(section.heading), s["h2"]))
        story += paragraphs(section.body, s["shown"], bullet_style=s["shown_bullet"])
        story += _refs(ctx, section.references.all())
    for t in d.topics:
        story.append(CondPageBreak(s["base"] * 6))
        story.append(Paragraph(esc(gettext("Content shown: %(topic)s") % {"topic": t.title}),
                               s["h2"]))
        if t.key == "alternatives":
            story += _grid_shown(ctx, t)
            continue
        for item in t.items:
            story += _item_shown(ctx, t, item)
    if any(u.answered for u in d.understanding):
        story.append(Paragraph(esc(gettext("Content shown: the check of understanding")), s["h2"]))
        for n, u in enumerate(d.understanding, 1):
            story.append(Paragraph(esc(f"{n}. {u.question.statement} "
                                       f"({u.question.get_correct_answer_display()})"), s["label"]))
            story += paragraphs(u.question.explanation, s["shown"])
    return story + references(ctx, extra=[r for sec in d.sections for r in sec.references.all()])


def _item_shown(ctx, t, item):
    s, o = ctx.s, item.obj
    head = Paragraph(esc(item.label), s["label"])
    body = []
    if t.key in ("benefits", "risks"):
        body.append(Paragraph(esc(gettext("How likely: %(frequency)s") % {
            "frequency": o.frequency_text()}), s["shown"]))
        if not o.has_figure and o.unknown_reason:
            body += paragraphs(o.unknown_reason, s["shown"])
        if o.certainty_note:
            body.append(Paragraph(esc(gettext("How sure the evidence is: %(certainty)s (%(note)s)")
                                      % {"certainty": o.get_certainty_display(),
                                         "note": o.certainty_note}), s["shown"]))
        if hasattr(o, "severity"):
            lasting = (gettext("Whether it lasts: not known") if o.lasting == o.Lasting.UNKNOWN
                       else o.get_lasting_display())
            body.append(Paragraph(esc(gettext("Severity: %(severity)s. %(lasting)s.")
                                      % {"severity": o.get_severity_display(), "lasting": lasting}),
                                  s["shown"]))
        array = icon_array(o.numerator, o.denominator, width=s["base"] * 6,
                           font=s["fonts"].regular, font_size=s["base"] * 0.6)
        art = s["base"] * 6 + 12
        if array and fits(body, ctx.width - art, 300):
            body = [table([[body, array]], [ctx.width - art, art], ctx, [
                ("LEFTPADDING", (0, 0), (-1, -1), 0), ("RIGHTPADDING", (0, 0), (-1, -1), 0),
                ("ALIGN", (1, 0), (1, 0), "RIGHT")])]
        elif array:
            body.append(array)
        body += paragraphs(o.description, s["shown"], bullet_style=s["shown_bullet"])
    else:
        body += paragraphs(o.explanation, s["shown"], bullet_style=s["shown_bullet"])
    if TOPIC_BY_KEY[t.key].cited:
        body += _refs(ctx, o.references.all())
    return [KeepTogether([head, *body[:2]]), *body[2:]]


def _refs(ctx, refs):
    keys = ", ".join(r.key for r in refs)
    if not keys:
        return []
    return [Paragraph(esc(gettext("Sources: %(keys)s") % {"keys": keys}), ctx.s["small"])]


def _grid_shown(ctx, t):
    """The option grid as shown: the options the patient looked at, each with its answers."""
    d, s, w = ctx.data, ctx.s, ctx.width
    looked = [i for i in t.items if i.selected or i.discussed]
    if not looked:
        return [Paragraph(esc(gettext("No option was looked at.")), s["shown"])]
    story = []
    for item in looked:
        o = item.obj
        story.append(Paragraph(esc(o.name), s["label"]))
        story += paragraphs(o.summary, s["shown"], bullet_style=s["shown_bullet"])
        rows = []
        for q in d.grid_questions:
            answer = d.grid_answers.get((o.pk, q.pk))
            if answer is not None:
                rows.append((q.text, paragraphs(answer.text, s["shown_cell"],
                                                bullet_style=s["shown_cell_bullet"])))
        refs = []
        for q in d.grid_questions:
            answer = d.grid_answers.get((o.pk, q.pk))
            refs += [r for r in (answer.references.all() if answer else ()) if r not in refs]
        qw = w * 0.3
        if rows and all(fits(a, w - qw - 12, 400) for _q, a in rows):
            story.append(grid([[Paragraph(esc(q), s["cell_label"]), a] for q, a in rows],
                              [qw, w - qw], ctx))
        else:
            for q, a in rows:
                story += [label(ctx, q)] + a
        story += _refs(ctx, refs)
    return story


# --- The registry -------------------------------------------------------------

SECTIONS = {
    "bilingual": bilingual,
    "header": header,
    "statement": statement_box,
    "summary": summary,
    "signature": signature,
    "patient_summary": patient_summary,
    "at_home": at_home,
    "discussed": discussed,
    "values": values,
    "questions": questions,
    "understanding": understanding,
    "sure": sure,
    "plan_in_full": plan_in_full,
    "not_discussed": not_discussed,
    "addenda": addenda,
    "references": references,
    "colophon": colophon,
    "appendix": appendix,
}


def build_story(ctx, names):
    """The flowables of the sections ``names`` (keys of :data:`SECTIONS`), in that order."""
    story = []
    for name in names:
        story += SECTIONS[name](ctx)
    return keep_headings_with_blocks(story)
