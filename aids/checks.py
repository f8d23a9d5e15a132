"""Django system checks for the app (fonts for the PDF record)."""

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
