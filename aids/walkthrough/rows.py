"""The rows of the topic steps (benefits, risks, criteria, options), written directly.

A topic page repeats one row per item: the item's own words (content only) and the
clinician's fields (a "Discussed" tick, a note, an option's "compare it" tick). An aid
may hold ten times the bundled one's items, so a row must cost next to nothing:

- **the item's own words** are rendered once per process for each published version,
  content translation and language (``_content``), then reused by every consultation
  that shows them; a draft is rendered afresh each time, as it still changes;
- **the clinician's fields** on a page just read are written here from the saved
  record (``Fields.saved``), with no form built: exactly the bytes the form's own
  widgets write (``tests/test_walkthrough_rows.py`` compares them). A posted page
  (shown again with its errors, or after a login) takes them from its bound forms
  (``Fields.from_form``), errors and all.
"""

import html
from dataclasses import dataclass

from django.template.loader import get_template
from django.utils.html import conditional_escape, format_html, format_html_join
from django.utils.safestring import mark_safe
from django.utils.translation import get_language, gettext

from aids.frozen import frozen_key
from aids.models import ItemRecord
from aids.templatetags.aid_display import first_sentence, plain_paragraphs

_CONTENT = {}
_CONTENT_KEPT = 20_000


def content_scope(version, translation_id):
    """What content kept for ``version`` is kept under: the frozen version, its content
    translation and the language (None for a draft, whose content is never kept).
    Worked out once for a list of rows, not once per row."""
    frozen = frozen_key(version)
    return None if frozen is None else (frozen, translation_id, get_language())


def content_html(version, translation_id, name, render):
    """``render()`` once per frozen version, content translation, language and ``name``
    (what is rendered: an item, the option grid for some options...). Content only:
    nothing about a consultation may go into what ``render`` writes."""
    return kept_html(content_scope(version, translation_id), name, render)


def kept_html(scope, name, render):
    """``content_html`` within a ``content_scope``."""
    if scope is None:
        return render()
    key = (*scope, name)
    found = _CONTENT.get(key)
    if found is None:
        if len(_CONTENT) >= _CONTENT_KEPT:
            _CONTENT.clear()
        found = _CONTENT[key] = render()
    return found


def _content(scope, kind, item, render):
    """``render(item)`` once per frozen version, translation, language and item."""
    return kept_html(scope, (kind, item.pk), lambda: render(item))


def note_label(kind):
    return (gettext("What was said") if kind == ItemRecord.Kind.CRITERION
            else gettext("The patient's reaction or notes (optional)"))


def note_html(field_id, label, widget, errors=()):
    """A note with its label and errors (the markup of the ``note_field`` tag)."""
    shown = format_html_join(
        "", '<div class="invalid-feedback d-block" id="{}_error"><strong>{}</strong></div>',
        ((field_id, error) for error in errors))
    return format_html(
        '\n<div class="mb-3">\n  <label class="form-label" for="{}">{}</label>\n  {}\n  {}\n</div>\n',
        field_id, label, widget, shown)


def discussed_html(field_id, label, widget):
    """The clinician's "Discussed" tick for one item, its label naming the item for
    screen readers."""
    return format_html(
        '\n<div class="form-check layer-check">\n  {}\n  <label class="form-check-label" for="{}">'
        '{}<span class="visually-hidden">: {}</span></label>\n</div>\n',
        widget, field_id, gettext("Discussed"), label)


@dataclass
class Fields:
    """One row's fields as HTML ("" where the view leaves a field out)."""

    discussed: str = ""
    note: str = ""
    selected: str = ""
    selected_id: str = ""
    has_note: bool = False
    open: bool = False  # an error to see: the row's details start open

    @classmethod
    def saved(cls, *, prefix, kind, record, title, patient_view):
        """From the saved record (or none yet): what an unbound form would write."""
        return SavedFields(kind, patient_view)(prefix, record, title)

    @classmethod
    def from_form(cls, form, title):
        """From a form (bound: what was posted, with its errors)."""
        fields = cls(open=bool(form.errors))
        if "selected" in form.fields:
            fields.selected = str(form["selected"])
            fields.selected_id = form["selected"].id_for_label
        if "discussed" in form.fields:
            bound = form["discussed"]
            fields.discussed = discussed_html(bound.id_for_label, title, bound)
        if "note" in form.fields:
            bound = form["note"]
            fields.note = note_html(bound.id_for_label, bound.label, bound,
                                    [str(e) for e in bound.errors])
            fields.has_note = bool(str(bound.value() or "").strip())
        return fields


def plain_escape(text):
    """``django.utils.html.escape`` without its lazy-string wrapper (plain str in, str out)."""
    return html.escape(str(text))  # what Django's escape does inside (str.translate is slower)


class SavedFields:
    """Writes ``Fields`` from saved records for one page: the words every row repeats
    are translated and escaped once per page, not once per row."""

    def __init__(self, kind, patient_view):
        self.option = kind == ItemRecord.Kind.OPTION
        self.clinician = not patient_view
        self.note_label = plain_escape(note_label(kind))
        self.discussed_word = plain_escape(gettext("Discussed"))

    def __call__(self, prefix, record, title):
        fields = Fields()
        if self.option:
            name = f"{prefix}-selected"
            fields.selected = (f'<input type="checkbox" name="{name}" class="form-check-input" '
                               f'id="id_{name}"{" checked" if record is not None and record.selected else ""}>')
            fields.selected_id = f"id_{name}"
        if self.clinician:
            name = f"{prefix}-discussed"
            checked = " checked" if record is not None and record.discussed else ""
            fields.discussed = (
                f'\n<div class="form-check layer-check">\n  <input type="checkbox" name="{name}" '
                f'class="form-check-input" id="id_{name}"{checked}>\n  <label class="form-check-label" '
                f'for="id_{name}">{self.discussed_word}<span class="visually-hidden">: {plain_escape(title)}</span>'
                "</label>\n</div>\n")
            note = record.note if record is not None else ""
            name = f"{prefix}-note"
            fields.note = (
                f'\n<div class="mb-3">\n  <label class="form-label" for="id_{name}">{self.note_label}</label>\n'
                f'  <textarea name="{name}" cols="40" rows="1" class="form-control" id="id_{name}">\n'
                f"{plain_escape(note) if note else ''}</textarea>\n  \n</div>\n")
            fields.has_note = bool(note.strip())
        return fields


# --------------------------------------------------------------------------- the rows


def _outcome_words(item, *, risk):
    written = get_template("walkthrough/layers/outcome_content.html").render({"item": item, "risk": risk})
    line, _marker, body = written.partition("<!--body-->")
    return line.strip(), body.strip()


def outcome_row(scope, item, fields, *, risk):
    """One benefit or risk: its line (how likely, how sure; risks: how serious, whether
    it lasts), everything else one activation away."""
    line, body = _content(scope, "risk" if risk else "benefit", item,
                          lambda item: _outcome_words(item, risk=risk))
    noted = (' &middot; <span class="layer-noted">' + conditional_escape(gettext("note written"))
             + "</span>") if fields.has_note else ""
    note = f'\n      <div class="layer-note">{fields.note}</div>' if fields.note else ""
    return (f'<li class="layer-item" id="item-{item.pk}">\n'
            f'  <details class="layer-detail"{" open" if fields.open else ""}>\n'
            f'    <summary class="layer-line">\n      {line}{noted}</span>\n    </summary>\n'
            f'    <div class="layer-body">\n      {body}{note}\n    </div>\n  </details>\n'
            f"  {fields.discussed}\n</li>\n")


def _criterion_words(item):
    return (str(conditional_escape(item.statement)), str(plain_paragraphs(item.explanation)))


def criterion_row(scope, item, fields):
    """One last-resort criterion: the point on one line, what it means one activation
    away, and what was said. Each is recorded on its own; nothing adds them up."""
    statement, explanation = _content(scope, "criterion", item, _criterion_words)
    note = f'\n  <div class="layer-note">{fields.note}</div>' if fields.note else ""
    return (f'<li class="layer-item layer-criterion" id="item-{item.pk}">\n'
            f'  <details class="layer-detail"{" open" if fields.open else ""}>\n'
            f'    <summary class="layer-line"><span class="layer-title">{statement}</span></summary>\n'
            f'    <div class="layer-body">{explanation}</div>\n  </details>\n'
            f"  {fields.discussed}{note}\n</li>\n")


def _option_words(item):
    summary = item.summary and first_sentence(item.summary)
    return (str(conditional_escape(item.name)),
            f'<p class="option-summary">{conditional_escape(summary)}</p>' if summary else "")


def option_row(scope, item, fields):
    """One option to pick for the side-by-side grid, with the clinician's note and tick."""
    name, summary = _content(scope, "option", item, _option_words)
    note = ""
    if fields.note:
        written = (' <span class="layer-noted">' + conditional_escape(gettext("(note written)"))
                   + "</span>") if fields.has_note else ""
        word = conditional_escape(gettext("Note"))
        note = (f'\n    <details class="layer-detail"{" open" if fields.open else ""}>\n'
                f'      <summary class="layer-line layer-line-small">{word}'
                f'{written}<span class="visually-hidden">: {name}</span></summary>\n'
                f'      <div class="layer-body layer-note">{fields.note}</div>\n    </details>')
    return (f'<li class="layer-item option-choice" id="item-{item.pk}">\n'
            f'  <div class="option-pick">\n'
            f'    <div class="form-check" data-option-id="{item.pk}">\n      {fields.selected}\n'
            f'      <label class="form-check-label layer-title" for="{fields.selected_id}">{name}</label>\n'
            f"    </div>\n    {summary}{note}\n  </div>\n  {fields.discussed}\n</li>\n")


ROWS = {ItemRecord.Kind.BENEFIT: lambda scope, item, f: outcome_row(scope, item, f, risk=False),
        ItemRecord.Kind.RISK: lambda scope, item, f: outcome_row(scope, item, f, risk=True),
        ItemRecord.Kind.CRITERION: criterion_row,
        ItemRecord.Kind.OPTION: option_row}


def rows_html(version, translation_id, kind, rows):
    """The rows ``[(item, Fields)]`` of one list, as one piece of HTML."""
    row, scope = ROWS[kind], content_scope(version, translation_id)
    return mark_safe("".join(row(scope, item, fields) for item, fields in rows))


def _section_words(section):
    return get_template("walkthrough/layers/section.html").render({"section": section})


def section_rows(version, translation_id, sections):
    """The "about" sections, each its heading and one sentence with the whole text one
    activation away: content only, so each is written once per process."""
    scope = content_scope(version, translation_id)
    return mark_safe("".join(_content(scope, "section", section, _section_words)
                             for section in sections))


class RadioWriter:
    """The ``radio_group`` fieldset for a page that shows saved answers (no form built,
    so no errors): the choices' words are escaped once per page, not once per row
    (``radio_markup`` below writes the same for a bound field, errors included)."""

    def __init__(self, choices, wrapper_class=""):
        self.choices = [(plain_escape(value), plain_escape(label)) for value, label in choices]
        self.wrapper_class = plain_escape(wrapper_class)

    def __call__(self, auto_id, name, label, value):
        value = plain_escape(value)
        buttons = "".join(
            f'<div class="form-check"><input type="radio" class="form-check-input" name="{name}" '
            f'value="{choice}" id="{auto_id}_{index}"{" checked" if choice == value else ""}>'
            f'<label for="{auto_id}_{index}" class="form-check-label">{word}</label></div>'
            for index, (choice, word) in enumerate(self.choices))
        return (f'<div id="div_{auto_id}" class="mb-3 {self.wrapper_class}"><fieldset><legend '
                f'class="form-label fs-6">{plain_escape(label)}</legend><div>{buttons}</div></fieldset></div>')


def radio_markup(auto_id, name, label, value, choices, wrapper_class="", errors=()):
    """The fieldset ``radio_group`` writes, from its parts: a page that shows saved
    answers (no form built) writes the same bytes through here."""
    auto_id, name, wrapper_class = plain_escape(auto_id), plain_escape(name), plain_escape(wrapper_class)
    error_id = f"{auto_id}_error"
    invalid = " is-invalid" if errors else ""
    aria = ' aria-invalid="true"' if errors else ""
    choices = "".join(
        f'<div class="form-check"><input type="radio" class="form-check-input{invalid}" name="{name}" '
        f'value="{escape_unless_safe(choice_value)}" id="{auto_id}_{index}"'
        f'{" checked" if str(choice_value) == value else ""}{aria}><label for="{auto_id}_{index}" '
        f'class="form-check-label">{escape_unless_safe(choice_label)}</label></div>'
        for index, (choice_value, choice_label) in enumerate(choices))
    feedback = (f'<div id="{error_id}" class="invalid-feedback d-block">' + "".join(
        f'<p id="error_{n}_{auto_id}"><strong>{escape_unless_safe(e)}</strong></p>'
        for n, e in enumerate(errors, 1)) + "</div>") if errors else ""
    described = f' aria-describedby="{error_id}"' if errors else ""
    return mark_safe(
        f'<div id="div_{auto_id}" class="mb-3 {wrapper_class}"><fieldset{described}><legend '
        f'class="form-label fs-6">{escape_unless_safe(label)}</legend><div>{choices}{feedback}</div></fieldset></div>')


def escape_unless_safe(value):
    """``conditional_escape`` without its check for lazy text: HTML stays, text is escaped."""
    return value.__html__() if hasattr(value, "__html__") else plain_escape(value)

