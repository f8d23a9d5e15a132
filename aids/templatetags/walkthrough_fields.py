"""Fields of the walkthrough's repeated rows, rendered directly.

A step page repeats the same small field once per row (a 0-4 rating per value
statement, true/false/not sure per understanding question, answered or open per
question). Rendering each through crispy-forms cost most of those pages' server
time; these tags write the same Bootstrap markup crispy-bootstrap5 does (a fieldset
and legend, one ``form-check`` per choice, errors linked by ``aria-describedby``).
"""

from django import template
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe

register = template.Library()


@register.simple_tag
def radio_group(field, wrapper_class=""):
    """A RadioSelect bound field as a fieldset of radio buttons."""
    value = field.value()
    return radio_markup(field.auto_id, field.html_name, field.label, "" if value is None else str(value),
                        field.field.choices, wrapper_class, field.errors)


def radio_markup(auto_id, name, label, value, choices, wrapper_class="", errors=()):
    """The fieldset ``radio_group`` writes, from its parts: a page that shows saved
    answers (no form built) writes the same bytes through here."""
    error_id = f"{auto_id}_error"
    invalid = " is-invalid" if errors else ""
    aria = mark_safe(' aria-invalid="true"') if errors else ""
    choices = format_html_join(
        "",
        '<div class="form-check"><input type="radio" class="form-check-input{}" name="{}" '
        'value="{}" id="{}_{}"{}{}><label for="{}_{}" class="form-check-label">{}</label></div>',
        ((invalid, name, choice_value, auto_id, index,
          mark_safe(" checked") if str(choice_value) == value else "", aria,
          auto_id, index, choice_label)
         for index, (choice_value, choice_label) in enumerate(choices)),
    )
    feedback = format_html(
        '<div id="{}" class="invalid-feedback d-block">{}</div>', error_id,
        format_html_join("", '<p id="error_{}_{}"><strong>{}</strong></p>',
                         ((n, auto_id, e) for n, e in enumerate(errors, 1))),
    ) if errors else ""
    described = format_html(' aria-describedby="{}"', error_id) if errors else ""
    return format_html(
        '<div id="div_{}" class="mb-3 {}"><fieldset{}><legend class="form-label fs-6">{}</legend>'
        "<div>{}{}</div></fieldset></div>",
        auto_id, wrapper_class, described, label, choices, feedback,
    )


@register.simple_tag(takes_context=True)
def step_list(context):
    """The list of steps (walkthrough/partials/step_list.html), rendered once per page:
    the step navigation shows it twice (a collapsed copy on small screens)."""
    cache = context.render_context
    if "step_list_html" not in cache:
        template = context.template.engine.get_template("walkthrough/partials/step_list.html")
        cache["step_list_html"] = template.render(context)
    return cache["step_list_html"]


@register.simple_tag
def note_field(field):
    """One free-text note with its label and errors (walkthrough/layers/note.html's
    markup, written directly: it repeats on every row)."""
    errors = format_html_join(
        "", '<div class="invalid-feedback d-block" id="{}_error"><strong>{}</strong></div>',
        ((field.auto_id, error) for error in field.errors))
    return format_html(
        '\n<div class="mb-3">\n  <label class="form-label" for="{}">{}</label>\n  {}\n  {}\n</div>\n',
        field.id_for_label, field.label, field, errors)
