"""The one escaping helper and the text splitter."""

from reportlab import rl_config
from reportlab.platypus import Paragraph, Spacer

from aids.record.fonts import register_fonts
from aids.record.styles import styles
from aids.record.text import CHUNK, esc, paragraphs


def test_esc_escapes_markup_and_keeps_line_breaks():
    assert esc('<b>x</b> & "q"\r\nnext') == '&lt;b&gt;x&lt;/b&gt; &amp; "q"<br/>next'
    assert esc(None) == ""
    assert esc(42) == "42"


def test_paragraphs_split_lines_and_long_text_without_losing_a_character():
    s = styles(10)
    long_line = ("word " * 1000).strip()
    flowables = paragraphs(f"first\n\n{long_line}", s["body"])

    texts = [f.text for f in flowables if isinstance(f, Paragraph)]
    assert isinstance(flowables[1], Spacer)
    assert texts[0] == "first"
    assert all(len(t) <= CHUNK for t in texts)
    assert " ".join(texts[1:]) == long_line  # cut at spaces: each break replaces one space


def test_paragraphs_split_a_word_longer_than_a_chunk():
    s = styles(10)
    word = "x" * (CHUNK * 2 + 5)
    texts = [f.text for f in paragraphs(word, s["body"])]
    assert "".join(texts) == word and len(texts) == 3


def test_list_items_become_bullets_only_when_asked():
    s = styles(10)
    plain = paragraphs("- typed dash", s["body"])
    listed = paragraphs("- item", s["body"], bullet_style=s["bullet"])
    assert plain[0].text == "- typed dash" and plain[0].bulletText is None
    assert listed[0].text == "item" and listed[0].bulletText == "\u2022"


def test_registering_fonts_turns_off_remote_and_file_access():
    register_fonts()
    assert rl_config.trustedSchemes == [] and rl_config.trustedHosts == []


def _reportlab_lines(paragraph, width):
    paragraph.wrap(width, 1e6)
    lines = paragraph.blPara.lines
    if paragraph.blPara.kind == 0:
        return [" ".join(words) for _, words in lines]
    return [" ".join("".join(f.text for f in line.words if hasattr(f, "text")).split())
            for line in lines]


def _our_lines(paragraph, width):
    paragraph.wrap(width, 1e6)
    _avail, words, lines, _offset = paragraph._layout
    pieces = paragraph._line_pieces
    return [" ".join("".join(t for _f, t in pieces(words.text, words.face, words.space,
                                                     words.space_face, a, b)).split())
            for a, b, _width, _max in lines]


def test_text_paragraphs_break_lines_where_reportlab_does():
    """The fast layout (aids.record.layout) against ReportLab's Paragraph: the same
    words on every line, for bullets, bold labels, line breaks, fallback fonts and
    words wider than the line."""
    import random

    from reportlab.platypus import Paragraph as ReportLabParagraph

    from aids.record.layout import TextParagraph
    from aids.record.text import Paragraph as RecordParagraph
    from aids.record.text import _bold_faces

    rnd = random.Random(15)
    vocab = ("the pain in my arm is worse at night Zoë Ångström Ελληνικά Кириллица <b>not a<b & "
             "x > y morphine 中文 한국어 supercalifragilisticexpialidocious").split()
    for base in (10, 13):
        s = styles(base)
        for _ in range(150):
            words = [rnd.choice(vocab) for _ in range(rnd.randint(1, 120))]
            if rnd.random() < 0.2:
                words.insert(rnd.randint(0, len(words)), "x" * rnd.randint(50, 400))
            text = " ".join(words)
            if rnd.random() < 0.2:
                text = text.replace(" ", "\n", 2)
            style = s[rnd.choice(["body", "quote", "bullet", "cell_bold", "note", "small"])]
            markup = esc(text)
            if rnd.random() < 0.3:
                markup = "<b>Question 3 (answered):</b> " + markup
            bullet = "\u2022" if rnd.random() < 0.3 else None
            width = rnd.uniform(80, 480)
            ours = RecordParagraph(markup, style, bulletText=bullet)
            assert isinstance(ours, TextParagraph)
            theirs = ReportLabParagraph(_bold_faces(markup, style), style, bulletText=bullet)
            assert _our_lines(ours, width) == _reportlab_lines(theirs, width), (text, width)
