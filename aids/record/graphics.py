"""Icon arrays as vector drawings: filled and outlined circles, so the figure reads
in black and white and by shape, not by colour alone."""

from django.utils.translation import gettext
from reportlab.graphics.shapes import Circle, Drawing, String

from aids.record.styles import ACCENT, MUTED

MAX_ICONS = 1000  # beyond this an array no longer helps; the words carry the figure


def icon_array(numerator, denominator, *, width=72, font="Helvetica", font_size=7):
    """A Drawing of ``denominator`` circles, ``numerator`` of them filled, with a
    caption below ("80 of 100"). None when the figure is unknown or too large."""
    if numerator is None or not denominator or denominator > MAX_ICONS:
        return None
    columns = 10 if denominator <= 100 else 20 if denominator <= 400 else 40
    rows = -(-denominator // columns)
    pitch = width / columns
    radius = pitch * 0.36
    caption_h = font_size + 4
    height = rows * pitch + caption_h
    drawing = Drawing(width, height, initialFontName=font, initialFontSize=font_size)
    for i in range(denominator):
        row, col = divmod(i, columns)
        filled = i < numerator
        drawing.add(Circle(
            col * pitch + pitch / 2, height - row * pitch - pitch / 2, radius,
            fillColor=ACCENT if filled else None, strokeColor=ACCENT if filled else MUTED,
            strokeWidth=0.5,
        ))
    caption = gettext("%(filled)s of %(total)s filled") % {
        "filled": numerator, "total": denominator}
    drawing.add(String(width / 2, 1, caption,
                       fontName=font, fontSize=font_size, fillColor=MUTED,
                       textAnchor="middle"))
    return drawing
