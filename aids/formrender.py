"""The site's form renderer: Django's, with the few widget templates every step page
repeats dozens of times (text inputs, checkboxes, text areas) written directly.

Django renders each widget through a template (``django/forms/widgets/input.html``,
``attrs.html``, ``textarea.html``): on a topic page that was about 40% of the server
time, for two small tags per item. ``render`` here writes exactly what those templates
write, byte for byte (``tests/test_formrender.py`` compares them on every widget kind
and awkward value), and leaves every other template to Django.
"""

from django.forms.renderers import DjangoTemplates
from django.utils.html import conditional_escape
from django.utils.safestring import SafeData

_INPUTS = {
    f"django/forms/widgets/{name}.html"
    for name in ("text", "checkbox", "number", "email", "url", "password", "hidden", "date",
                 "datetime", "time", "search", "tel", "color")
}
_TEXTAREA = "django/forms/widgets/textarea.html"


def _text(value):
    """``{{ value|stringformat:'s' }}``: formatted as a string, escaped unless safe."""
    return str(conditional_escape(value if isinstance(value, SafeData) else "%s" % (value,)))


def _attrs(attrs):
    """``django/forms/widgets/attrs.html``."""
    out = []
    for name, value in attrs.items():
        if value is False:
            continue
        out.append(f" {conditional_escape(name)}" if value is True
                   else f' {conditional_escape(name)}="{_text(value)}"')
    return "".join(out)


class WidgetRenderer(DjangoTemplates):
    def render(self, template_name, context, request=None):
        widget = context.get("widget") if isinstance(context, dict) else None
        if widget is not None and template_name in _INPUTS:
            value = widget["value"]
            value = "" if value is None else f' value="{_text(value)}"'
            return (f'<input type="{conditional_escape(widget["type"])}" '
                    f'name="{conditional_escape(widget["name"])}"{value}{_attrs(widget["attrs"])}>')
        if widget is not None and template_name == _TEXTAREA:
            value = widget["value"]
            text = conditional_escape(value) if value else ""
            return (f'<textarea name="{conditional_escape(widget["name"])}"{_attrs(widget["attrs"])}>\n'
                    f"{text}</textarea>")
        return super().render(template_name, context, request)
