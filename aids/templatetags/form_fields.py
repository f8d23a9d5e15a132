"""The walkthrough's forms written directly, in crispy-bootstrap5's markup.

``{% crispy form %}`` renders every field through several nested templates
(``bootstrap5/field.html`` and its includes): for the start, next-steps and
own-words forms that was half of the page's server time. ``{% form_fields form %}``
writes the same markup from Python for the fields these forms use (text, text area,
date, checkbox, checkboxes, radios, hidden), following the form helper's layout
(``Field(name, wrapper_class=...)`` or a name), and ``{% form_field form.x %}``
one field, as ``|as_crispy_field`` does. tests/test_form_fields.py checks, for each
form in each state (empty, filled, with errors), that the HTML equals crispy's.

The widget itself (``<input>``, ``<textarea>``) is still Django's: its attributes
(``aria-invalid``, ``aria-describedby`` for help and errors) are Django's own.
"""

from django import forms, template
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe

register = template.Library()


@register.simple_tag
def form_fields(form):
    """Every field of ``form`` in its helper's layout (all fields in order without one)."""
    helper = getattr(form, "helper", None)
    layout = getattr(helper, "layout", None)
    if layout is None:
        entries = [(name, "") for name in form.fields]
    else:
        entries = []
        for entry in layout.fields:
            if isinstance(entry, str):
                entries.append((entry, ""))
            else:  # crispy's Field(name, ..., wrapper_class=...)
                entries.extend((name, getattr(entry, "wrapper_class", "") or "") for name in entry.fields)
    errors = form.non_field_errors()
    alert = format_html('<div class="alert alert-block alert-danger"><ul class="m-0">{}</ul></div>',
                        format_html_join("", "<li>{}</li>", ((e,) for e in errors))) if errors else ""
    return mark_safe(alert + "".join(field_html(form[name], wrapper) for name, wrapper in entries))


@register.simple_tag
def form_field(field, wrapper_class=""):
    """One bound field, as ``{{ field|as_crispy_field }}`` writes it."""
    return mark_safe(field_html(field, wrapper_class))


def _errors_inline(field):
    if not field.errors:
        return ""
    return format_html(
        '<div id="{}_error" class="invalid-feedback">{}</div>', field.auto_id,
        format_html_join("", '<span id="error_{}_{}"><strong>{}</strong></span>',
                         ((n, field.auto_id, e) for n, e in enumerate(field.errors, 1))))


def _errors_block(field):
    return format_html(
        '<div id="{}_error" class="invalid-feedback">{}</div>', field.auto_id,
        format_html_join("", '<p id="error_{}_{}"><strong>{}</strong></p>',
                         ((n, field.auto_id, e) for n, e in enumerate(field.errors, 1))))


def _help(field):
    if not field.help_text:
        return ""
    # crispy writes help text unescaped (|safe): the forms' own words, never typed text.
    return format_html('<div id="{}_helptext" class="form-text">{}</div>', field.auto_id,
                       mark_safe(field.help_text))


def _label_words(field):
    star = mark_safe('<span class="asteriskField">*</span>') if field.field.required else ""
    return format_html("{}{}", field.label, star)


def _with_class(field, css):
    """The widget with crispy's classes: its class name and ``css``."""
    widget = field.field.widget
    name = widget.__class__.__name__.lower()
    given = widget.attrs.get("class", "")
    classes = (given if name in given else f"{given} {name}".strip()) if given else name
    for extra in css.split():
        if extra not in classes.split():
            classes += " " + extra
    return field.as_widget(attrs={"class": classes})


def _choices(field):
    widget = field.field.widget
    attrs = field.build_widget_attrs({"id": widget.attrs.get("id") or field.auto_id})
    invalid = " is-invalid" if field.errors else ""
    options = [option for _group, group_options, _index in
               widget.optgroups(field.html_name, widget.format_value(field.value()), attrs)
               for option in group_options]
    parts = []
    for number, option in enumerate(options, 1):
        flat = format_html_join(
            "", " {}{}", ((name, "" if value is True else format_html('="{}"', value))
                          for name, value in option["attrs"].items() if value is not False))
        errors = _errors_block(field) if field.errors and number == len(options) else ""
        parts.append(format_html(
            '<div class="form-check"><input type="{}" class="form-check-input{}" name="{}" '
            'value="{}"{}><label for="{}" class="form-check-label">{}</label>{}</div>',
            option["type"], invalid, field.html_name, option["value"], flat,
            option["attrs"].get("id", ""), option["label"], errors))
    return mark_safe("".join(parts))


def field_html(field, wrapper_class=""):
    widget = field.field.widget
    if field.is_hidden:
        return str(field)
    wrapper = f" {wrapper_class}" if wrapper_class else ""
    css = field.css_classes()
    if css:
        wrapper += f" {css}"
    required = " requiredField" if field.field.required else ""
    if isinstance(widget, forms.CheckboxInput):
        invalid = " is-invalid" if field.errors else ""
        return format_html(
            '<div class="mb-3"><div id="div_{}" class="form-check{}">{}'
            '<label for="{}" class="form-check-label{}">{}</label>{}{}</div></div>',
            field.auto_id, wrapper, _with_class(field, "form-check-input" + invalid),
            field.id_for_label, required, _label_words(field), _errors_inline(field), _help(field))
    if isinstance(widget, forms.RadioSelect):  # radios and checkboxes (a subclass)
        described = field.aria_describedby
        return format_html(
            '<div id="div_{}" class="mb-3{}"><fieldset{}><legend class="form-label{} fs-6">{}</legend>'
            "<div>{}</div>{}</fieldset></div>",
            field.auto_id, wrapper, format_html(' aria-describedby="{}"', described) if described else "",
            required, _label_words(field), _choices(field), _help(field))
    select = isinstance(widget, forms.Select)
    invalid = " is-invalid" if field.errors else ""
    return format_html(
        '<div id="div_{}" class="mb-3{}"><label for="{}" class="form-label{}">{}</label>{}{}{}</div>',
        field.auto_id, wrapper, field.id_for_label, required, _label_words(field),
        _with_class(field, ("form-select" if select else "form-control") + invalid),
        _errors_inline(field), _help(field))
