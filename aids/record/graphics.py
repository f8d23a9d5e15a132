"""Icon arrays as vector drawings: filled and outlined circles, so the figure reads
in black and white and by shape, not by colour alone.

Each circle is a reference to one of two form XObjects (a filled and an outlined
dot) defined once per document and per size, so an array of 100 is 100 short
"place this form" operators instead of 100 circles of Bezier curves, and the PDF
holds each circle's drawing once.
"""

from django.utils.translation import gettext
from reportlab.platypus import Flowable

from aids.record.styles import ACCENT, MUTED

MAX_ICONS = 1000  # beyond this an array no longer helps; the words carry the figure


class IconArray(Flowable):
    """``denominator`` circles, ``numerator`` of them filled, with a caption below
    ("80 of 100 filled"): the text a reader (and text extraction) gets."""

    def __init__(self, numerator, denominator, *, width, font, font_size):
        super().__init__()
        self.numerator, self.denominator = numerator, denominator
        self.font, self.font_size = font, font_size
        self.columns = 10 if denominator <= 100 else 20 if denominator <= 400 else 40
        self.rows = -(-denominator // self.columns)
        self.pitch = width / self.columns
        self.radius = self.pitch * 0.36
        self.caption_h = font_size + 4
        self.width, self.height = width, self.rows * self.pitch + self.caption_h

    def wrap(self, available_width, available_height):
        return self.width, self.height

    def _forms(self, canvas):
        """The names of the filled and outlined dot forms at this size, defined on
        first use in this document."""
        key = f"{self.radius:.3f}".replace(".", "_")
        names = (f"dot_filled_{key}", f"dot_open_{key}")
        defined = canvas.__dict__.setdefault("_icon_forms", set())
        if names[0] not in defined:
            r, box = self.radius, self.radius + 0.5
            for name, filled in zip(names, (True, False)):
                canvas.beginForm(name, lowerx=-box, lowery=-box, upperx=box, uppery=box)
                canvas.setLineWidth(0.5)
                canvas.setStrokeColor(ACCENT if filled else MUTED)
                if filled:
                    canvas.setFillColor(ACCENT)
                canvas.circle(0, 0, r, stroke=1, fill=1 if filled else 0)
                canvas.endForm()
            defined.add(names[0])
        return names

    def draw(self):
        canvas = self.canv
        filled, outlined = self._forms(canvas)
        pitch, top = self.pitch, self.height
        for i in range(self.denominator):
            row, col = divmod(i, self.columns)
            canvas.saveState()
            canvas.translate(col * pitch + pitch / 2, top - row * pitch - pitch / 2)
            canvas.doForm(filled if i < self.numerator else outlined)
            canvas.restoreState()
        canvas.setFont(self.font, self.font_size)
        canvas.setFillColor(MUTED)
        canvas.drawCentredString(self.width / 2, 1, gettext("%(filled)s of %(total)s filled") % {
            "filled": self.numerator, "total": self.denominator})


def icon_array(numerator, denominator, *, width=72, font="Helvetica", font_size=7):
    """An IconArray flowable, or None when the figure is unknown or too large."""
    if numerator is None or not denominator or denominator > MAX_ICONS:
        return None
    return IconArray(numerator, denominator, width=width, font=font, font_size=font_size)
