"""The font system check (aids.W001)."""

from django.core.checks import Warning as CheckWarning
from django.core.checks import run_checks
from django.test import override_settings

from aids.checks import check_pdf_fonts
from aids.record import fonts


def test_font_check_is_quiet_when_dejavu_is_installed():
    assert fonts.find_font_files(fonts.settings.PDF_FONT_DIRS) is not None
    assert check_pdf_fonts() == []


def test_font_check_warns_with_a_fix_when_no_font_is_found(tmp_path):
    (tmp_path / "DejaVuSans.ttf").write_bytes(b"")  # regular without bold is not enough
    with override_settings(PDF_FONT_DIRS=[str(tmp_path), str(tmp_path / "missing")]):
        warnings = check_pdf_fonts()
        registered = [w for w in run_checks() if w.id == "aids.W001"]

    assert [w.id for w in warnings] == ["aids.W001"] == [w.id for w in registered]
    warning = warnings[0]
    assert isinstance(warning, CheckWarning)
    assert str(tmp_path) in warning.msg
    for fix in ("npm ci", "apt-get install fonts-dejavu-core", "PDF_FONT_DIRS"):
        assert fix in warning.hint


def test_font_check_warns_when_the_setting_is_empty():
    with override_settings(PDF_FONT_DIRS=[]):
        assert [w.id for w in check_pdf_fonts()] == ["aids.W001"]
