"""The long lists of the record's summary (walkthrough/partials/summary.html), written
directly: one line per item of every topic, per value statement and per understanding
question. An aid may hold ten times the bundled one's items, and a template loop with
its conditions and translated words per line cost most of the review page's time.
The markup is what the template loops wrote (``tests/test_walkthrough_rows.py``).
"""

from django import template
from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.utils.translation import gettext

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
    lines = []
    for item in topic.items:
        name = escape(item.label)
        if outcome:
            obj = item.obj
            name = f"{name}: {escape(obj.frequency_text())}"
            if obj.time_frame:
                name = f"{name} ({escape(obj.time_frame)})"
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


@register.filter
def list_items(labels):
    """``<li>`` for each label, escaped."""
    return mark_safe("".join(f"<li>{escape(label)}</li>" for label in labels))


@register.simple_tag
def value_items(values):
    return mark_safe("".join(
        f'\n    <li><span class="item-name">{escape(v.statement.text)}</span> '
        f'<span class="rating-echo">{escape(v.rating)}</span></li>' for v in values) + "\n    ")


@register.simple_tag
def understanding_items(understanding):
    given = gettext("Answer given:")
    return mark_safe("".join(
        f"\n    <li>{escape(u.question.statement)} <strong>{given + ' ' if u.answered else ''}"
        f"{escape(u.answer)}</strong></li>" for u in understanding) + "\n    ")
