"""Django system checks for the app (fonts for the PDF record)."""

from django.conf import settings
from django.core.checks import Warning, register

from aids.record.fonts import BOLD_FILE, REGULAR_FILE, find_font_files


@register()
def check_pdf_fonts(app_configs=None, **kwargs):
    """Warn when DejaVu Sans is missing: records would show Greek or Cyrillic as boxes."""
    dirs = list(getattr(settings, "PDF_FONT_DIRS", None) or [])
    if find_font_files(dirs):
        return []
    return [
        Warning(
            f"No DejaVu Sans font ({REGULAR_FILE} and {BOLD_FILE}) found in PDF_FONT_DIRS "
            f"({', '.join(dirs) or 'empty'}). PDF records will fall back to Helvetica, "
            "which shows Greek, Cyrillic and many other letters as empty boxes.",
            hint="Run `npm ci` (installs node_modules/dejavu-fonts-ttf), or "
            "`apt-get install fonts-dejavu-core`, or set PDF_FONT_DIRS to a directory "
            "holding DejaVuSans.ttf and DejaVuSans-Bold.ttf.",
            id="aids.W001",
        )
    ]
