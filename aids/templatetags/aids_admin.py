"""Template helpers of the content admin's own pages."""

from django import template

register = template.Library()


@register.filter
def lookup(mapping, key):
    """``mapping[key]``, or "" (e.g. a quality finding's link from ``finding_links``)."""
    try:
        return mapping.get(key, "")
    except AttributeError:
        return ""
