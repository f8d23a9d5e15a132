"""Fonts for the PDF record: DejaVu Sans, registered once per process.

Helvetica (ReportLab's default) draws Greek and Cyrillic as empty boxes without
any error, so the record uses DejaVu Sans, found in ``settings.PDF_FONT_DIRS``
(the npm package ``dejavu-fonts-ttf`` or the system's copy). The system check
``aids.W001`` warns at start-up when it is missing; the renderer then falls back
to Helvetica rather than failing to produce a record at all.
"""

import functools
import logging
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from reportlab import rl_config
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont

logger = logging.getLogger(__name__)

REGULAR_FILE = "DejaVuSans.ttf"
BOLD_FILE = "DejaVuSans-Bold.ttf"


@dataclass(frozen=True)
class FontSet:
    regular: str
    bold: str
    unicode: bool  # False when falling back to Helvetica (Latin-1 only)


def find_font_files(dirs):
    """(regular, bold) paths of DejaVu Sans in the first directory that has both, or None."""
    for directory in dirs or ():
        regular, bold = Path(directory) / REGULAR_FILE, Path(directory) / BOLD_FILE
        if regular.is_file() and bold.is_file():
            return regular, bold
    return None


def harden_reportlab():
    """Belt and braces: every dynamic string is escaped (aids.record.text), so no
    markup reaches ReportLab; should one ever slip through, it may not fetch URLs or
    local files, nor evaluate colour expressions."""
    rl_config.trustedSchemes = []
    rl_config.trustedHosts = []
    rl_config.toColorCanUse = None


@functools.cache
def register_fonts():
    """Register DejaVu Sans (regular and bold) once; return the names to use."""
    harden_reportlab()
    found = find_font_files(settings.PDF_FONT_DIRS)
    if found is None:
        logger.warning(
            "DejaVu Sans not found in PDF_FONT_DIRS; PDF records fall back to "
            "Helvetica and cannot show Greek or Cyrillic (see check aids.W001)."
        )
        return FontSet("Helvetica", "Helvetica-Bold", unicode=False)
    regular, bold = found
    # TTFont subsets by default: only the glyphs used are embedded.
    pdfmetrics.registerFont(TTFont("DejaVuSans", str(regular)))
    pdfmetrics.registerFont(TTFont("DejaVuSans-Bold", str(bold)))
    pdfmetrics.registerFontFamily(
        "DejaVuSans", normal="DejaVuSans", bold="DejaVuSans-Bold",
        italic="DejaVuSans", boldItalic="DejaVuSans-Bold",
    )
    return FontSet("DejaVuSans", "DejaVuSans-Bold", unicode=True)
