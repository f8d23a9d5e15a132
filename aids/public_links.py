"""The addresses the patient copy prints: the public reading-at-home page of a published
aid version and the one-time CollaboRATE page. Both hang under the site setting
``public_base_url`` (the administrator's); without it there is no address to print.
"""

from django.urls import reverse

from aids.models import SiteSettings


def base_url(site=None):
    site = site or SiteSettings.current()
    return (site.public_base_url or "").strip().rstrip("/")


def reading_path(version):
    """``/a/<aid slug>/<version number>/``: short, stable, typed from paper if need be."""
    return reverse("public_aid", args=[version.aid.slug, version.number])


def reading_url(version, site=None):
    """The public page of ``version`` (published or retired), or "" when no base URL is set."""
    base = base_url(site)
    if not base or not version.number:
        return ""
    return base + reading_path(version)


def collaborate_path(token):
    return reverse("collaborate", args=[token])


def collaborate_url(token, site=None):
    base = base_url(site)
    return base + collaborate_path(token) if base and token else ""
