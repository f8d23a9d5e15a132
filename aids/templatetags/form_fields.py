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
from django.utils.safestring import mark_safe
from django.utils.translation import gettext

from aids.walkthrough.rows import escape_unless_safe as _h

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
    alert = ('<div class="alert alert-block alert-danger"><ul class="m-0">'
             + "".join(f"<li>{_h(e)}</li>" for e in errors) + "</ul></div>") if errors else ""
    return mark_safe(alert + "".join(field_html(form[name], wrapper) for name, wrapper in entries))


@register.simple_tag
def form_field(field, wrapper_class=""):
    """One bound field, as ``{{ field|as_crispy_field }}`` writes it."""
    return mark_safe(field_html(field, wrapper_class))


def _errors(field, tag):
    """A field's errors, each in ``tag`` ("span" beside a widget, "p" below choices)."""
    auto_id = _h(field.auto_id)
    return (f'<div id="{auto_id}_error" class="invalid-feedback">' + "".join(
        f'<{tag} id="error_{n}_{auto_id}"><strong>{_h(e)}</strong></{tag}>'
        for n, e in enumerate(field.errors, 1)) + "</div>")


def _errors_inline(field):
    return _errors(field, "span") if field.errors else ""


def _help(field):
    if not field.help_text:
        return ""
    # crispy writes help text unescaped (|safe): the forms' own words, never typed text.
    return f'<div id="{_h(field.auto_id)}_helptext" class="form-text">{field.help_text}</div>'


def _label_words(field):
    star = '<span class="asteriskField">*</span>' if field.field.required else ""
    return _h(field.label) + star


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
    name = _h(field.html_name)
    parts = []
    for number, option in enumerate(options, 1):
        flat = "".join(f" {_h(key)}" if value is True else f' {_h(key)}="{_h(value)}"'
                       for key, value in option["attrs"].items() if value is not False)
        errors = _errors(field, "p") if field.errors and number == len(options) else ""
        parts.append(
            f'<div class="form-check"><input type="{_h(option["type"])}" class="form-check-input{invalid}" '
            f'name="{name}" value="{_h(option["value"])}"{flat}><label for="{_h(option["attrs"].get("id", ""))}" '
            f'class="form-check-label">{_h(option["label"])}</label>{errors}</div>')
    return "".join(parts)


def field_html(field, wrapper_class=""):
    widget = field.field.widget
    if field.is_hidden:
        return str(field)
    wrapper = f" {wrapper_class}" if wrapper_class else ""
    css = field.css_classes()
    if css:
        wrapper += f" {css}"
    wrapper = _h(wrapper)
    required = " requiredField" if field.field.required else ""
    auto_id = _h(field.auto_id)
    if isinstance(widget, forms.CheckboxInput):
        invalid = " is-invalid" if field.errors else ""
        return (f'<div class="mb-3"><div id="div_{auto_id}" class="form-check{wrapper}">'
                f'{_with_class(field, "form-check-input" + invalid)}<label for="{_h(field.id_for_label)}" '
                f'class="form-check-label{required}">{_label_words(field)}</label>'
                f"{_errors_inline(field)}{_help(field)}</div></div>")
    if isinstance(widget, forms.RadioSelect):  # radios and checkboxes (a subclass)
        described = field.aria_describedby
        described = f' aria-describedby="{_h(described)}"' if described else ""
        return (f'<div id="div_{auto_id}" class="mb-3{wrapper}"><fieldset{described}><legend '
                f'class="form-label{required} fs-6">{_label_words(field)}</legend>'
                f"<div>{_choices(field)}</div>{_help(field)}</fieldset></div>")
    select = isinstance(widget, forms.Select)
    invalid = " is-invalid" if field.errors else ""
    return (f'<div id="div_{auto_id}" class="mb-3{wrapper}"><label for="{_h(field.id_for_label)}" '
            f'class="form-label{required}">{_label_words(field)}</label>'
            f'{_with_class(field, ("form-select" if select else "form-control") + invalid)}'
            f"{_errors_inline(field)}{_help(field)}</div>")


@register.simple_tag
def topic_cards(cards):
    """The cards of the "Choose topics" step: each topic's title and summary, its "skip"
    checkbox and the buttons that move it (which post the form; js/reorder.js moves the
    card in place instead). Written directly: the loop was half of the page."""
    up, down = _h(gettext("Move up")), _h(gettext("Move down"))
    items = []
    for card in cards:
        key, title = _h(card["step"].key), _h(card["step"].title)
        items.append(
            f'\n  <li class="topic-card" data-topic="{key}" data-title="{title}">\n    \n'
            f'    <h2 class="topic-card-title" id="card-{key}" tabindex="-1">{title}</h2>\n'
            f'    <p>{_h(card["summary"])}</p>\n    {field_html(card["field"])}\n'
            f'    <div class="topic-card-moves">\n'
            f'      <button type="submit" name="move" value="up:{key}" data-move="up" '
            f'class="btn btn-outline-secondary"{" disabled" if card["first"] else ""}>{up}'
            f'<span class="visually-hidden">: {title}</span></button>\n'
            f'      <button type="submit" name="move" value="down:{key}" data-move="down" '
            f'class="btn btn-outline-secondary"{" disabled" if card["last"] else ""}>{down}'
            f'<span class="visually-hidden">: {title}</span></button>\n    </div>\n  </li>\n  ')
    return mark_safe("".join(items))
