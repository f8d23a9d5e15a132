"""The languages the patient-facing side can be shown in (issue 16)."""

from django import template
from django.conf import settings

register = template.Library()


@register.simple_tag
def patient_languages():
    """``settings.LANGUAGES`` as written there: each language in its own name (Django's
    ``get_available_languages`` would translate the names into the page's language)."""
    return [(code, str(name)) for code, name in settings.LANGUAGES]
