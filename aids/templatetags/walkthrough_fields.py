"""Fields of the walkthrough's repeated rows, rendered directly.

A step page repeats the same small field once per row (a 0-4 rating per value
statement, true/false/not sure per understanding question, answered or open per
question). Rendering each through crispy-forms cost most of those pages' server
time; these tags write the same Bootstrap markup crispy-bootstrap5 does (a fieldset
and legend, one ``form-check`` per choice, errors linked by ``aria-describedby``).
"""

from django import template
from django.conf import settings
from django.template import Context, TemplateSyntaxError
from django.template.base import Node, TextNode
from django.template.defaulttags import CommentNode, LoadNode
from django.template.loader import get_template
from django.templatetags.i18n import TranslateNode
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe
from django.utils.translation import get_language

from aids.walkthrough.rows import plain_escape, radio_markup

register = template.Library()


@register.simple_tag
def radio_group(field, wrapper_class=""):
    """A RadioSelect bound field as a fieldset of radio buttons."""
    value = field.value()
    return radio_markup(field.auto_id, field.html_name, field.label, "" if value is None else str(value),
                        field.field.choices, wrapper_class, field.errors)


@register.simple_tag
def management_form(formset):
    """``{{ formset.management_form }}`` written directly: its four hidden inputs, which
    Django writes through its form templates at the cost of a whole bare page. A posted
    management form with errors (a damaged post) is Django's own, with its messages."""
    form = formset.management_form
    if form.is_bound and form.errors:
        return form.render()
    inputs = []
    for bound in form:
        value = bound.value()
        shown = "" if value is None or value == "" else f' value="{plain_escape(value)}"'
        inputs.append(f'<input type="hidden" name="{plain_escape(bound.html_name)}"{shown} '
                      f'id="{plain_escape(bound.auto_id)}">')
    return mark_safe("".join(inputs))


_ONCE = {}


@register.simple_tag
def once_per_language(name):
    """Template ``name``, rendered once per process and language: for words only (text
    and ``{% translate "..." %}``; anything else in it is refused), such as the fourteen
    messages of the background-save status on every step page."""
    key = (name, get_language())
    found = _ONCE.get(key)
    if found is None or settings.DEBUG:
        template = get_template(name).template
        for node in template.nodelist.get_nodes_by_type(Node):
            words = getattr(getattr(node, "filter_expression", None), "var", None)
            literal = (isinstance(node, TranslateNode) and node.asvar is None
                       and not node.filter_expression.filters
                       and (isinstance(words, str) or getattr(words, "lookups", True) is None))
            if not (literal or isinstance(node, (TextNode, LoadNode, CommentNode))):
                raise TemplateSyntaxError(f"{name} is rendered once per language: words only, "
                                          f"not {node.__class__.__name__}.")
        found = _ONCE[key] = mark_safe(template.render(Context()).strip())
    return found


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
