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
