"""Paragraph styles for the record, sized for one copy (clinical 10 pt, patient 13 pt)."""

from reportlab.lib import colors
from reportlab.lib.styles import ParagraphStyle

from aids.record.fonts import register_fonts

INK = colors.HexColor("#1a1a1a")
MUTED = colors.HexColor("#4d4d4d")
ACCENT = colors.HexColor("#1f4e79")
RULE = colors.HexColor("#b8c7d6")
TINT = colors.HexColor("#eef3f8")
WARN = colors.HexColor("#8a1c1c")
WARN_TINT = colors.HexColor("#fbeaea")


def styles(base=10.0):
    """A dict of ParagraphStyles scaled from the body size ``base`` (points)."""
    fonts = register_fonts()
    lead = base * 1.38

    def style(name, **kw):
        kw.setdefault("fontName", fonts.regular)
        kw.setdefault("bulletFontName", fonts.regular)
        kw.setdefault("fontSize", base)
        kw.setdefault("leading", kw["fontSize"] * 1.38)
        kw.setdefault("textColor", INK)
        return ParagraphStyle(name, **kw)

    return {
        "fonts": fonts,
        "base": base,
        "title": style("title", fontName=fonts.bold, fontSize=base * 1.9, leading=base * 2.3,
                       textColor=ACCENT, spaceAfter=base * 0.2),
        "subtitle": style("subtitle", fontSize=base * 1.1, textColor=MUTED, spaceAfter=base * 1.2),
        "h1": style("h1", fontName=fonts.bold, fontSize=base * 1.4, leading=base * 1.8,
                    textColor=ACCENT, spaceBefore=base * 1.6, spaceAfter=base * 0.3,
                    keepWithNext=1),
        "h2": style("h2", fontName=fonts.bold, fontSize=base * 1.1, leading=base * 1.5,
                    spaceBefore=base * 1.0, spaceAfter=base * 0.25, keepWithNext=1),
        "body": style("body", spaceAfter=base * 0.3),
        # Content as shown on screen: a step smaller than what was recorded.
        "shown": style("shown", fontSize=base * 0.92, spaceAfter=base * 0.3),
        "shown_bullet": style("shown_bullet", fontSize=base * 0.92, leftIndent=base * 1.4,
                              bulletIndent=base * 0.4, spaceAfter=base * 0.2),
        "shown_cell": style("shown_cell", fontSize=base * 0.92),
        "shown_cell_bullet": style("shown_cell_bullet", fontSize=base * 0.92, leftIndent=base * 1.2,
                                   bulletIndent=base * 0.2, spaceAfter=base * 0.15),
        "intro": style("intro", fontSize=base * 0.85, leading=base * 1.15, textColor=MUTED,
                       spaceAfter=base * 0.4, keepWithNext=1),
        "bullet": style("bullet", leftIndent=base * 1.4, bulletIndent=base * 0.4,
                        spaceAfter=base * 0.2),
        "label": style("label", fontName=fonts.bold, fontSize=base * 0.85,
                       leading=base * 1.2, textColor=MUTED, spaceBefore=base * 0.4,
                       keepWithNext=1),
        "quote": style("quote", leftIndent=base * 1.2, spaceAfter=base * 0.25),
        # An item as shown (title and facts) and the note on it: compact, as on screen.
        "item": style("item", fontSize=base * 0.92, leading=base * 1.16),
        "note": style("note", fontSize=base * 0.92, leading=base * 1.16, leftIndent=base * 1.2,
                      spaceAfter=base * 0.2),
        "cell": style("cell", leading=lead),
        "cell_label": style("cell_label", fontSize=base * 0.85, leading=base * 1.2,
                            textColor=MUTED),
        "cell_bold": style("cell_bold", fontName=fonts.bold, leading=lead),
        "small_bullet": style("small_bullet", fontSize=base * 0.85, leading=base * 1.15,
                              textColor=MUTED, leftIndent=base * 1.2, bulletIndent=base * 0.3,
                              spaceAfter=base * 0.15),
        "small": style("small", fontSize=base * 0.85, leading=base * 1.15, textColor=MUTED,
                       spaceAfter=base * 0.25),
        "statement": style("statement", fontName=fonts.bold, fontSize=base * 1.1,
                           leading=base * 1.55),
        "decision": style("decision", fontSize=base * 1.15, leading=base * 1.6,
                          spaceAfter=base * 0.5),
        "status": style("status", fontName=fonts.bold, fontSize=base * 0.85,
                        leading=base * 1.2, textColor=ACCENT, spaceBefore=base * 0.2,
                        keepWithNext=1),
        "status_no": style("status_no", fontName=fonts.bold, fontSize=base * 0.85,
                           leading=base * 1.2, textColor=MUTED, spaceBefore=base * 0.2,
                           keepWithNext=1),
    }
