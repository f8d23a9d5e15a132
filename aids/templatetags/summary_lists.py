"""The record's summary on the review and record pages, written directly
(``{% record_summary %}``): the same facts the PDF record prints, from the one read
model (``data``: ``aids.readmodel.RecordData``). It lists one line per item of every
topic, per value statement and per understanding question; an aid may hold ten times
the bundled one's items, and as a template (with its conditions and translated words
per line) it was most of the review page's time. The markup is what the templates
wrote: ``tests/test_walkthrough_rows.py`` compares the two. Typed text and content go
through ``escape``; the catalogue's words are written as ``{% translate %}`` writes
them, unescaped.
"""

from django import template
from django.template.defaultfilters import date as date_filter
from django.utils.functional import Promise
from django.utils.safestring import mark_safe
from django.utils.translation import gettext

from aids.walkthrough.rows import content_scope, kept_html
from aids.walkthrough.rows import plain_escape as escape

register = template.Library()


@register.simple_tag
def summary_items(topic, data, patient_view):
    """The ``<li>`` of each item of one topic (or "None in this version.")."""
    if not topic.items:
        none = gettext("None in this version.")
        return mark_safe(f"\n    <li>{none}</li>\n    ")
    outcome = topic.key in ("benefits", "risks")
    tailored = data.sites.tailored
    # The fixed words as {% translate %} writes them: the catalogue's own text, unescaped.
    discussed, not_discussed = gettext("Discussed"), gettext("Not marked as discussed")
    other = "; " + gettext('shown under "About the other forms of the operation"')
    chosen = "; " + gettext("the patient chose to look at it")
    not_chosen = "; " + gettext("not chosen to look at")
    note_label = gettext("What was said") if topic.key == "criteria" else gettext("Notes")
    options = topic.key == "alternatives"
    # Each item's name (and figure) is content: written once per version and language.
    scope = content_scope(data.version, data.translation.pk if data.translation else None)
    lines = []
    for item in topic.items:
        name = kept_html(scope, ("summary-name", topic.key, item.obj.pk), lambda item=item: _name(item, outcome))
        status = discussed if item.discussed else not_discussed
        if tailored and not item.relevant:
            status += other
        if options:
            status += chosen if item.selected else not_chosen
        note = (f'\n      <div class="item-note"><span class="note-label">{note_label}:</span> '
                f'<span class="keep-lines">{escape(item.note)}</span></div>'
                if item.note and not patient_view else "")
        lines.append(f'\n    <li>\n      <span class="item-name">{name}</span>\n'
                     f'      <span class="item-status">{status}</span>{note}\n    </li>')
    return mark_safe("".join(lines) + "\n    ")


def _name(item, outcome):
    name = escape(item.label)
    if outcome:
        obj = item.obj
        name = f"{name}: {escape(obj.frequency_text())}"
        if obj.time_frame:
            name = f"{name} ({escape(obj.time_frame)})"
    return name


@register.filter
def list_items(labels):
    """``<li>`` for each label, escaped."""
    return mark_safe("".join(f"<li>{escape(label)}</li>" for label in labels))


class _Words:
    """Escapes the fixed words many rows repeat ("Not rated", "4 - Very much", "True"),
    which stay lazy in the read model (the patient copy draws them in its own language):
    each looked up once per list, not once per row."""

    def __init__(self):
        self.seen = {}  # id of the lazy word -> (the word, kept alive; escaped)

    def __call__(self, value):
        if not isinstance(value, Promise):
            return escape(value)
        found = self.seen.get(id(value))
        if found is None:
            found = self.seen[id(value)] = (value, escape(value))
        return found[1]


@register.simple_tag
def value_items(values):
    words = _Words()
    return mark_safe("".join(
        f'\n    <li><span class="item-name">{escape(v.statement.text)}</span> '
        f'<span class="rating-echo">{words(v.rating)}</span></li>' for v in values) + "\n    ")


@register.simple_tag
def understanding_items(understanding):
    given, words = gettext("Answer given:"), _Words()
    return mark_safe("".join(
        f"\n    <li>{escape(u.question.statement)} <strong>{given + ' ' if u.answered else ''}"
        f"{words(u.answer)}</strong></li>" for u in understanding) + "\n    ")


def _or(value, words):
    """``value`` escaped, or ``words`` (the catalogue's) when there is none."""
    return escape(value) if value else words


@register.simple_tag
def sure_result(sure, heading):
    """The SURE answers and their score under ``heading``: information, never a verdict."""
    answers = ""
    if sure.answered:
        words = {"yes": gettext("Yes"), "no": gettext("No")}
        not_answered = gettext("Not answered")
        answers = ('\n  <ul class="sure-answers">\n    ' + "".join(
            f"<li>{escape(text)} <strong>{words.get(answer, not_answered)}</strong></li>"
            for _letter, text, answer in sure.rows) + "\n  </ul>\n  ")
    if sure.conflict:
        verdict = gettext("This is information for both of you to talk about, not a verdict.")
        score = f'<p class="sure-conflict"><strong>{escape(sure.summary())}.</strong> {verdict}</p>'
    else:
        score = f"<p>{escape(sure.summary())}.</p>"
    return mark_safe(f'<div class="sure-result">\n  <h3 class="h5">{escape(heading)}</h3>\n  '
                     f"{answers}\n  {score}\n  \n</div>\n")


def _section(key, heading, body, css="summary-block"):
    return (f'<section class="{css}" aria-labelledby="sum-{key}">\n'
            f'  <h2 id="sum-{key}">{heading}</h2>\n  {body}\n</section>\n\n')


def _facts(rows):
    """A ``<dl>`` of (label, value HTML, keeps its lines) rows; a None row is left out."""
    keeps = {True: ' class="keep-lines"', False: ""}
    lines = "".join(f"    <dt>{label}</dt><dd{keeps[keep]}>{value}</dd>\n"
                    for label, value, keep in filter(None, rows))
    return f'<dl class="summary-facts">\n{lines}  </dl>'


# Words are looked up outside f-strings throughout: xgettext (makemessages) reads no
# f-string, so a word looked up inside one never reaches the catalogues.


@register.simple_tag(takes_context=True)
def record_summary(context):
    """Everything recorded (the review and the record pages): ``consultation``,
    ``data`` and ``patient_view`` from the page."""
    c, data, patient_view = context["consultation"], context["data"], context.get("patient_view")
    version = data.version
    content = gettext("%(title)s, version %(number)s") % {
        "title": escape(version.title), "number": escape(version.number)}
    if version.short_digest:
        content += " " + gettext("(content digest %(digest)s)") % {"digest": escape(version.short_digest)}
    then, skipped = gettext(", then "), gettext("(skipped)")
    order = "".join(
        escape(topic.title) + (f" {skipped}" if topic.skipped else "")
        + ("" if n == len(data.all_topics) else then)
        for n, topic in enumerate(data.all_topics, 1))
    not_recorded = gettext("Not recorded")
    present = ", ".join(escape(p) for p in data.present) if data.present else not_recorded
    facts = _facts([
        (gettext("Patient reference"), escape(c.patient_ref), False),
        (gettext("Record"), escape(data.record_id), False),
        (gettext("Clinician"), escape(data.clinician), False),
        (gettext("Started"), escape(date_filter(data.started_at, "j F Y, H:i")), False),
        (gettext("Who was present"), present, True),
        (gettext("Language"), escape(c.language), False),
        (gettext("Where the pain is"), escape(data.sites.text), False),
        (gettext("Cancer pain"), escape(c.get_cancer_pain_display()) if c.cancer_pain else not_recorded, False),
        (gettext("Earlier visit"), escape(data.follows.line), False) if data.follows else None,
        (gettext("Content shown"), content, False),
        (gettext("Order of topics"), order, False),
    ])
    disclaimer = gettext("This record summarises a discussion. It recommends no treatment.")
    details = _section("details", gettext("The consultation"),
                       f'{facts}\n  <p class="summary-disclaimer">{disclaimer}</p>')
    all_discussed = gettext("Every topic and every item was marked as discussed.")
    missing = "".join(f'\n  <h3 class="h5">{escape(row.heading)}</h3>\n  <ul>{list_items(row.labels)}</ul>\n  '
                      for row in data.not_discussed) or f"\n  <p>{all_discussed}</p>\n  "
    not_discussed = _section("not", gettext("Not discussed"), missing, "summary-block not-discussed")
    before = sure_result(data.sure_before, gettext("At the start"))
    after = sure_result(data.sure_after, gettext("After the discussion"))
    sure = _section("sure", gettext("The SURE questions"), f"\n  {before}\n  {after}")
    skipped_tag = '<span class="tag">' + gettext("skipped") + "</span>"
    topics = "\n" + "\n".join(
        _section(escape(topic.key), escape(topic.title) + (f" {skipped_tag}" if topic.skipped else ""),
                 f'<ul class="summary-items">\n    {summary_items(topic, data, patient_view)}\n  </ul>')
        for topic in data.all_topics)
    own = (f'<p class="keep-lines">{escape(c.values_own_words)}</p>' if c.values_own_words
           else "<p>" + gettext("Nothing recorded.") + "</p>")
    each = gettext("Each consideration, with the patient's answer as given (0 = not at all, 4 = very much).")
    own_words = gettext("In the patient's own words")
    values = _section("values", gettext("What matters to the patient"),
                      f'<p>{each}</p>\n  <ul class="summary-items">\n    {value_items(data.values)}\n  </ul>\n'
                      f'  <h3 class="h5">{own_words}</h3>\n  {own}')
    return mark_safe(details + not_discussed + sure + topics + values + _questions(data) + _next(c, data))


def _questions(data):
    if data.questions:
        answer = gettext("Answer:")
        rows = "".join(
            f'\n    <li><p class="keep-lines"><strong>{escape(q.question)}</strong></p>'
            + (f'<p class="keep-lines">{answer} {escape(q.answer)}</p>' if q.answer else "")
            + f"<p>{escape(q.get_status_display())}</p></li>\n    " for q in data.questions)
        asked = f'\n  <ol class="summary-items">\n    {rows}\n  </ol>\n  '
    else:
        asked = "<p>" + gettext("No questions recorded.") + "</p>"
    understood = ""
    if data.understanding:
        checking = gettext("Checking understanding")
        understood = (f'\n  <h3 class="h5">{checking}</h3>\n  <ul class="summary-items">\n'
                      f"    {understanding_items(data.understanding)}\n  </ul>\n  ")
    return _section("questions", gettext("Questions and understanding"), f"{asked}\n  {understood}")


def _next(c, data):
    nothing = gettext("Nothing recorded")
    facts = _facts([
        (gettext("Where the patient stands"), _or(data.position_text, gettext("Not recorded")), False),
        (gettext("In their own words"), _or(c.position_words, nothing), True),
        (gettext("Preference stated, in the patient's words"), escape(c.preference_words), True)
        if c.preference_words else None,
        (gettext("Agreed next steps"), _or(c.next_steps, nothing), True),
        (gettext("Follow-up date"),
         escape(date_filter(c.follow_up_on, "j F Y")) if c.follow_up_on else gettext("None set"), False),
    ])
    still_open = ("<p>" + gettext("Questions still open: %(questions)s.") % {
        "questions": escape(data.open_questions_text)} + "</p>" if data.open_questions_text else "")
    return _section("next", gettext("Next steps"), f"{facts}\n  {still_open}")
