"""Django system checks for the app (fonts for the PDF record, the client's address
behind a proxy)."""

from django.conf import settings
from django.core.checks import Error, Warning, register

from aids.record.fonts import CHAIN, font_problems

HINT = ("Run `npm ci` (installs node_modules/dejavu-fonts-ttf and "
        "node_modules/@expo-google-fonts/*), or set PDF_FONT_DIRS to folders holding "
        "TrueType (glyf) copies of the files named (Debian's fonts-dejavu-core and "
        "fonts-noto-core have all but the Chinese, Japanese and Korean ones).")


@register()
def check_pdf_fonts(app_configs=None, **kwargs):
    """The record's fonts must all be there: without them a record would show letters
    as boxes, or (without DejaVu Sans) refuse every Greek, Cyrillic or Asian letter.
    An error when DEBUG is off, so a production server refuses to start (sdm/wsgi.py
    runs the checks); a warning in local development."""
    dirs = list(getattr(settings, "PDF_FONT_DIRS", None) or [])
    problems = font_problems(dirs)
    if not problems:
        return []
    msg = (f"PDF record fonts missing or unreadable in PDF_FONT_DIRS ({', '.join(dirs) or 'empty'}): "
           + "; ".join(problems) + f". The record needs all {len(CHAIN)} fonts to show every "
           "script; without DejaVu Sans it falls back to Helvetica, which has no Greek, "
           "Cyrillic or Asian letters.")
    if settings.DEBUG:
        return [Warning(msg, hint=HINT, id="aids.W001")]
    return [Error(msg, hint=HINT, id="aids.E001")]


@register()
def check_client_address(app_configs=None, **kwargs):
    """Behind a proxy, login throttling must see each client's own address."""
    if getattr(settings, "BEHIND_TLS_PROXY", False) and not getattr(
        settings, "CLIENT_ADDRESS_PROXY_COUNT", 0
    ):
        return [
            Error(
                "DJANGO_BEHIND_TLS_PROXY is on but AXES_PROXY_COUNT is not set: every client "
                "would appear as the proxy's address, and five wrong passwords at one desk "
                "would lock that username out at every other desk.",
                hint="Set AXES_PROXY_COUNT to the number of proxies in front of the app that "
                "append to X-Forwarded-For (1 for one nginx or load balancer in front of gunicorn). "
                "See the README, Production.",
                id="aids.E002",
            )
        ]
    return []
