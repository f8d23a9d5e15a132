"""Django system checks for the app (fonts for the PDF record, the client's address
behind a proxy)."""

from django.conf import settings
from django.core.checks import Error, Warning, register

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
                id="aids.E001",
            )
        ]
    return []
