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

from django.utils.dates import MONTHS
from django.utils.translation import gettext, gettext_lazy, ngettext
from reportlab.platypus import (
    CondPageBreak, HRFlowable, KeepTogether, Spacer, Table, TableStyle,
)

from aids.readmodel import person_name
from aids.record.graphics import icon_array
from aids.record.styles import ACCENT, RULE, TINT
from aids.record.text import Paragraph, esc, paragraphs

STATEMENT = gettext_lazy("This document records a discussion. It does not recommend any "
                         "treatment. The decision belongs to the patient.")


def long_date(value):
    return f"{value.day} {MONTHS[value.month]} {value.year}" if value else ""


def date_time(value):
    return f"{long_date(value)}, {value:%H:%M}" if value else ""


def heading(ctx, key):
    s = ctx.s
    rule = HRFlowable(width="100%", thickness=0.6, color=RULE, spaceBefore=1,
                      spaceAfter=s["base"] * 0.6)
    rule.keepWithNext = 1  # never leave a section heading alone at the foot of a page
    return [CondPageBreak(s["base"] * 8), Paragraph(esc(ctx.copy.labels[key]), s["h1"]), rule]


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


def grid(rows, widths, ctx):
    """A table of short, bounded cells (strings are escaped into Paragraphs)."""
    s = ctx.s
    body = [[c if not isinstance(c, str) else Paragraph(esc(c), s["cell"]) for c in row]
            for row in rows]
    return table(body, widths, ctx, [
        ("LEFTPADDING", (0, 0), (-1, -1), 4), ("RIGHTPADDING", (0, 0), (-1, -1), 6),
        ("TOPPADDING", (0, 0), (-1, -1), 3), ("BOTTOMPADDING", (0, 0), (-1, -1), 4),
        ("LINEBELOW", (0, 0), (-1, -1), 0.4, RULE)])


def fits(flowables, width, height):
    return sum(f.wrap(width, height)[1] for f in flowables) < height


# --- First page ------------------------------------------------------------

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
        (gettext("Clinician"), d.clinician),
        (gettext("Patient reference"), c.patient_ref),
        (gettext("Language"), c.language),
        (gettext("Who was present"), ", ".join(d.present) or gettext("Not recorded")),
        (gettext("Content version"), gettext("Version %(number)s - digest %(digest)s")
         % {"number": v.number, "digest": v.short_digest}),
        (gettext("Where the pain is"), d.sites.text),
        (gettext("Cancer pain"), c.get_cancer_pain_display() or gettext("Not recorded")),
    ]
    cells = [[Paragraph(esc(name), s["cell_label"]), Paragraph(esc(value), s["cell_bold"])]
             for name, value in pairs]
    spans = []
    if s["base"] < 12:  # two short pairs a row; the long ones across the page
        lw = w * 0.17
        rows = [cells[0] + cells[1], cells[2] + cells[3], cells[4] + ["", ""], cells[5] + ["", ""],
                cells[6] + ["", ""], cells[7] + ["", ""]]
        widths = [lw, w / 2 - lw, lw, w / 2 - lw]
        spans = [("SPAN", (1, r), (3, r)) for r in range(2, 6)]
    else:  # larger type: one pair a row
        rows, widths = cells, [w * 0.3, w * 0.7]
    details = grid(rows, widths, ctx)
    details.setStyle(TableStyle(spans))
    return [
        Paragraph(esc(v.aid.title), s["title"]),
        Paragraph(esc(gettext("Shared decision-making discussion record - %(copy)s")
                      % {"copy": ctx.copy.name}), s["subtitle"]),
        details,
        Spacer(1, s["base"] * 0.3),
        Paragraph(esc(revision + "."), s["small"]),
    ]


def statement_box(ctx):
    s = ctx.s
    box = table([[Paragraph(esc(STATEMENT), s["statement"])]], [ctx.width], ctx, [
        ("BOX", (0, 0), (-1, -1), 1.2, ACCENT), ("BACKGROUND", (0, 0), (-1, -1), TINT),
        ("LEFTPADDING", (0, 0), (-1, -1), 10), ("RIGHTPADDING", (0, 0), (-1, -1), 10),
        ("TOPPADDING", (0, 0), (-1, -1), 8), ("BOTTOMPADDING", (0, 0), (-1, -1), 9),
    ])
    return [Spacer(1, s["base"] * 0.8), box]


def decision(ctx):
    d, s = ctx.data, ctx.s
    story = heading(ctx, "decision") + paragraphs(d.version.decision, s["decision"])
    story += paragraphs(d.version.intro, s["shown"], bullet_style=s["shown_bullet"])
    story += [Spacer(1, s["base"] * 0.4), label(ctx, ctx.copy.labels["sure"])]
    rows = [["", Paragraph(esc(gettext("Before")), s["cell_label"]),
             Paragraph(esc(gettext("After")), s["cell_label"])]]
    for (question, before), (_, after) in zip(d.sure_before.answers, d.sure_after.answers):
        rows.append([question, _yes_no(before), _yes_no(after)])
    w = ctx.width
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


def about(ctx):
    d, s = ctx.data, ctx.s
    if not d.sections:
        return []
    story = heading(ctx, "about")
    for section in d.sections:
        story.append(Paragraph(esc(section.heading), s["h2"]))
        story += paragraphs(section.body, s["shown"], bullet_style=s["shown_bullet"])
    return story


# --- Topics, in the order taken ----------------------------------------------

def topics(ctx):
    """Every topic the patient took, in the order taken."""
    story = []
    for t in ctx.data.topics:
        story += topic(ctx, t)
    return story


def topic(ctx, t):
    story = heading(ctx, t.key)
    builder = {"benefits": _outcome, "risks": _outcome, "criteria": _criterion,
               "alternatives": _option}[t.key]
    if t.key == "alternatives":
        story += _options_intro(ctx, t)
    for number, item in enumerate(t.items, 1):
        if t.key == "alternatives" and not (item.selected or item.discussed):
            continue
        story += builder(ctx, item, number)
    return story


def _note(ctx, item, title):
    """The clinician's note on an item: on the clinical copy only."""
    if not (ctx.copy.clinician_notes and item.note.strip()):
        return []
    return [label(ctx, title)] + paragraphs(item.note, ctx.s["quote"])


def _refs(ctx, refs):
    keys = ", ".join(r.key for r in refs)
    if not keys:
        return []
    return [Paragraph(esc(gettext("Sources: %(keys)s") % {"keys": keys}), ctx.s["small"])]


def layer(ctx, item):
    """Where the item was shown, when a pain site tailored the order: first, or under
    the other forms. Nothing was hidden either way."""
    if not ctx.data.sites.tailored:
        return []
    text = (gettext("Shown first: it applies to the pain site recorded") if item.relevant
            else gettext("Shown under \"About the other forms of the operation\""))
    return [Paragraph(esc(text), ctx.s["small"])]


def _outcome(ctx, item, number):
    s, o, w = ctx.s, item.obj, ctx.width
    facts = [status(ctx, item.discussed), *layer(ctx, item),
             Paragraph(esc(gettext("How likely: %(frequency)s")
                           % {"frequency": o.frequency_text()}), s["cell_bold"])]
    if not o.has_figure and o.unknown_reason:
        facts += paragraphs(o.unknown_reason, s["shown_cell"])
    if o.time_frame:
        facts.append(Paragraph(esc(gettext("Time frame: %(time_frame)s")
                                   % {"time_frame": o.time_frame}), s["shown_cell"]))
    certainty = {"certainty": o.get_certainty_display(), "note": o.certainty_note}
    sure = (gettext("How sure the evidence is: %(certainty)s (%(note)s)") if o.certainty_note
            else gettext("How sure the evidence is: %(certainty)s")) % certainty
    facts.append(Paragraph(esc(sure), s["shown_cell"]))
    if hasattr(o, "severity"):
        lasting = (gettext("Whether it lasts: not known") if o.lasting == o.Lasting.UNKNOWN
                   else o.get_lasting_display())
        facts.append(Paragraph(esc(gettext("Severity: %(severity)s. %(lasting)s.")
                                   % {"severity": o.get_severity_display(), "lasting": lasting}),
                               s["shown_cell"]))
    array = icon_array(o.numerator, o.denominator, width=s["base"] * 7.5,
                       font=s["fonts"].regular, font_size=s["base"] * 0.7)
    art = s["base"] * 7.5 + 12
    if fits(facts, w - art, 400):
        facts = [table([[facts, array or ""]], [w - art, art], ctx, [
            ("LEFTPADDING", (0, 0), (-1, -1), 0), ("RIGHTPADDING", (0, 0), (-1, -1), 0),
            ("ALIGN", (1, 0), (1, 0), "RIGHT")])]
    elif array:  # a long reason: let it flow, with the array after it
        facts.append(array)
    story = [KeepTogether([Paragraph(esc(o.title), s["h2"]), *facts,
                           *paragraphs(o.description, s["shown"], bullet_style=s["shown_bullet"]),
                           *_refs(ctx, o.references.all())])]
    story += _note(ctx, item, ctx.copy.labels["reaction"])
    return story + [HRFlowable(width="100%", thickness=0.3, color=RULE,
                               spaceBefore=s["base"] * 0.5, spaceAfter=s["base"] * 0.1)]


def _criterion(ctx, item, number):
    s, c = ctx.s, item.obj
    story = [Paragraph(esc(f"{number}. {c.statement}"), s["h2"]), status(ctx, item.discussed),
             *layer(ctx, item)]
    story += paragraphs(c.explanation, s["shown"], bullet_style=s["shown_bullet"])
    story += _note(ctx, item, ctx.copy.labels["said"])
    return story


def _options_intro(ctx, t):
    looked = [i for i in t.items if i.selected or i.discussed]
    if looked:
        return [Paragraph(esc(ctx.copy.labels["options_intro"]), ctx.s["intro"])]
    return [Paragraph(esc(gettext("No option was looked at.")), ctx.s["body"])]


def _option(ctx, item, number):
    d, s, o, w = ctx.data, ctx.s, item.obj, ctx.width
    story = [Paragraph(esc(o.name), s["h2"]), status(ctx, item.discussed)]
    story += paragraphs(o.summary, s["shown"], bullet_style=s["shown_bullet"])
    rows, refs = [], []
    for q in d.grid_questions:
        answer = d.grid_answers.get((o.pk, q.pk))
        if answer is None:
            continue
        refs += [r for r in answer.references.all() if r not in refs]
        rows.append((q.text, paragraphs(answer.text, s["shown_cell"],
                                        bullet_style=s["shown_cell_bullet"])))
    qw = w * 0.32
    if rows and all(fits([Paragraph(esc(q), s["cell_label"])], qw, 300) and fits(a, w - qw - 12, 400)
                    for q, a in rows):
        story.append(grid([[Paragraph(esc(q), s["cell_label"]), a] for q, a in rows],
                          [qw, w - qw], ctx))
    else:
        for q, a in rows:
            story += [label(ctx, q)] + a
    story += _note(ctx, item, ctx.copy.labels["reaction"])
    return story + _refs(ctx, refs) + [Spacer(1, s["base"] * 0.6)]


# --- The patient's part ---------------------------------------------------------

def values(ctx):
    d, s, w = ctx.data, ctx.s, ctx.width
    story = heading(ctx, "values")
    if d.values:
        rows = [[Paragraph(esc(gettext("Statement")), s["cell_label"]),
                 Paragraph(esc(gettext("How much it matters (0 to 4)")), s["cell_label"])]]
        rows += [[statement.text, rating] for statement, rating in d.values]
        story.append(grid(rows, [w * 0.68, w * 0.32], ctx))
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
        asked = paragraphs(q.question, s["body"])
        story.append(KeepTogether([
            label(ctx, gettext("Question %(number)s - %(status)s")
                  % {"number": number, "status": q.get_status_display()}, "status"), *asked[:1],
        ]))
        story += asked[1:]
        if q.answer.strip():
            story += paragraphs(q.answer, s["quote"], prefix=f"<b>{esc(gettext('Answer:'))}</b> ")
        else:
            story.append(Paragraph(esc(gettext("No answer recorded.")), s["quote"]))
    if any(answer != "Not answered" for _, answer in d.understanding):
        story.append(Paragraph(esc(ctx.copy.labels["understanding"]), s["h2"]))
        for number, (q, answer) in enumerate(d.understanding, 1):
            story.append(KeepTogether([
                Paragraph(esc(f"{number}. {q.statement}"), s["body"]),
                Paragraph(esc(gettext("Answer given: %(answer)s. The aid's answer: %(correct)s.")
                              % {"answer": answer, "correct": q.get_correct_answer_display()}),
                          s["quote"]),
            ]))
            story += paragraphs(q.explanation, s["quote"])
    return story


def plan(ctx):
    d, s = ctx.data, ctx.s
    c = d.consultation
    story = heading(ctx, "position")
    story.append(Paragraph(esc(d.position_text or gettext("Not recorded")), s["cell_bold"]))
    for words, key in ((c.position_words, "position_words"), (c.preference_words, "preference_words")):
        if words.strip():
            story += [label(ctx, ctx.copy.labels[key])] + paragraphs(words, s["quote"])
    story += heading(ctx, "next_steps")
    story += paragraphs(c.next_steps, s["body"]) if c.next_steps.strip() else [
        Paragraph(esc(gettext("None recorded.")), s["body"])]
    follow_up = long_date(c.follow_up_on) if c.follow_up_on else gettext("Not set")
    story.append(Paragraph(esc(gettext("Follow-up date: %(date)s") % {"date": follow_up}),
                           s["cell_bold"]))
    if d.open_questions_text:
        story.append(Paragraph(esc(gettext("Questions still open: %(open)s.")
                                   % {"open": d.open_questions_text}), s["body"]))
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


def references(ctx):
    s = ctx.s
    if not ctx.data.references:
        return []
    story = heading(ctx, "references")
    for ref in ctx.data.references:
        story += paragraphs(ref.citation(), s["small"], prefix=f"<b>{esc(ref.key)}</b>  ")
    return story


def colophon(ctx):
    d, s = ctx.data, ctx.s
    v = d.version
    story = heading(ctx, "colophon")
    unknown = gettext("not recorded")
    facts = [
        gettext("%(title)s, content version %(number)s, published %(published)s.") % {
            "title": v.aid.title, "number": v.number,
            "published": long_date(v.published_at.date()) if v.published_at
            else gettext("date not recorded")},
        gettext("Content digest (SHA-256): %(digest)s") % {"digest": v.digest or unknown},
        gettext("Last reviewed: %(last)s. Next review due: %(next)s.") % {
            "last": long_date(v.last_reviewed_on) or unknown,
            "next": long_date(v.next_review_due) or unknown},
    ]
    if d.review_overdue:
        facts.append(gettext("This content was past its review date when it was shown."))
    for kind, title in (("author", gettext("Authors: %(names)s.")),
                        ("reviewer", gettext("Reviewers: %(names)s."))):
        names = [f"{p.name} ({p.role})" if p.role else p.name for p in d.contributors if p.kind == kind]
        if names:
            facts.append(title % {"names": "; ".join(names)})
    for fact in facts:
        story.append(Paragraph(esc(fact), s["small"]))
    for text, title in ((v.unknowns, gettext("What is not known")),
                        (v.funding_statement, gettext("Funding")),
                        (v.conflicts_statement, gettext("Conflicts of interest"))):
        if text.strip():
            story += [label(ctx, title)] + paragraphs(text, s["small"], bullet_style=s["small_bullet"])
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


# --- The registry -------------------------------------------------------------

SECTIONS = {
    "header": header,
    "statement": statement_box,
    "decision": decision,
    "about": about,
    "topics": topics,
    "values": values,
    "questions": questions,
    "plan": plan,
    "not_discussed": not_discussed,
    "addenda": addenda,
    "references": references,
    "colophon": colophon,
}


def build_story(ctx, names):
    """The flowables of the sections ``names`` (keys of :data:`SECTIONS`), in that order."""
    story = []
    for name in names:
        story += SECTIONS[name](ctx)
    return keep_headings_with_blocks(story)
