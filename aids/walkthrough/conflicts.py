"""Showing two versions of a step side by side, and what a refused save held.

When a save is refused because another tab saved the step first, the clinician
sees, for every field that differs, what is saved now and what this tab tried to
save; this tab's text stays in the form. When nothing differs (a double click,
or an autosave that landed just before the button press), there is no conflict.
"""

from django import forms

from aids.vocabulary import TOPIC_STEPS, step_title

BLANK = "(blank)"


def _text(value):
    return str(value or "").replace("\r\n", "\n").replace("\r", "\n").strip()


def display(form, name, value, version=None):
    """A field's value as the words a person reads (step titles as ``version`` words them)."""
    field = form.fields[name]
    if isinstance(field, forms.BooleanField):
        return "Ticked" if value in (True, "on", "true", "True", "1") else "Not ticked"
    if name == "order" and isinstance(field.widget, forms.HiddenInput):
        keys = [k for k in _text(value).split(",") if k in TOPIC_STEPS]
        return ", then ".join(str(step_title(version, k)) for k in keys) or BLANK
    if isinstance(field, forms.MultipleChoiceField):
        labels = dict(field.choices)
        chosen = [str(v) for v in (value or [])]
        return ", ".join(str(labels.get(v, v)) for v in chosen) or BLANK
    if isinstance(field, forms.ChoiceField):
        labels = {str(k): v for k, v in field.choices}
        return str(labels.get(str(value or ""), "")) or BLANK
    if isinstance(field, forms.DateField):
        return _text(field.widget.format_value(value)) or BLANK
    return _text(value) or BLANK


def _values(form, version=None):
    if getattr(form, "row_is_blank", None) and form.row_is_blank():
        return {}
    return {
        name: display(form, name, form[name].value(), version)
        for name, field in form.fields.items()
        if name != "id"
    }


def conflict_rows(mine, saved):
    """[(label, saved now, this tab)] for each field whose value differs."""
    saved_forms = {f.prefix: f for f in saved.forms()}
    version = getattr(mine, "version", None)
    rows, seen = [], set()
    for form in mine.forms():
        other = saved_forms.get(form.prefix)
        seen.add(form.prefix)
        theirs = _values(other, version) if other is not None else {}
        for name, value in _values(form, version).items():
            now = theirs.get(name, BLANK)
            if now != value and not (other is None and value in (BLANK, "Not ticked")):
                rows.append((form.conflict_label(name), now, value))
    for prefix, other in saved_forms.items():
        if prefix in seen:
            continue
        for name, value in _values(other, version).items():
            if value not in (BLANK, "Not ticked"):
                rows.append((other.conflict_label(name), value, BLANK))
    return rows


def typed_texts(page):
    """The free text a refused POST held, so it can be copied elsewhere."""
    texts = []
    for form in page.forms():
        for name, field in form.fields.items():
            if isinstance(field, forms.CharField) and not field.widget.is_hidden:
                value = _text(form[name].value())
                if value:
                    texts.append((form.conflict_label(name), value))
    return texts
