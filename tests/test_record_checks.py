"""The font system check (aids.E001 in production, aids.W001 with DEBUG on), and the
WSGI start that runs it: gunicorn refuses to start without the record fonts."""

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.core.checks import Error as CheckError
from django.core.checks import Warning as CheckWarning
from django.core.checks import run_checks
from django.test import override_settings

from aids.checks import check_pdf_fonts
from aids.record import fonts

ROOT = Path(__file__).resolve().parent.parent


def test_font_check_is_quiet_when_every_font_is_installed():
    assert fonts.find_font_files(settings.PDF_FONT_DIRS) is not None
    assert fonts.font_problems(settings.PDF_FONT_DIRS) == []
    assert check_pdf_fonts() == []


def test_every_font_of_the_chain_is_truetype_in_both_weights():
    for spec in fonts.CHAIN:
        regular, bold = fonts.find_font(spec, settings.PDF_FONT_DIRS)
        assert fonts.is_truetype(regular) and fonts.is_truetype(bold), spec.name


def test_font_check_is_an_error_in_production_with_a_fix(tmp_path):
    (tmp_path / "DejaVuSans.ttf").write_bytes(b"")  # regular without bold is not enough
    with override_settings(PDF_FONT_DIRS=[str(tmp_path), str(tmp_path / "missing")], DEBUG=False):
        errors = check_pdf_fonts()
        registered = [e for e in run_checks() if e.id == "aids.E001"]

    assert [e.id for e in errors] == ["aids.E001"] == [e.id for e in registered]
    error = errors[0]
    assert isinstance(error, CheckError) and error.is_serious()
    assert str(tmp_path) in error.msg and "NotoSansSC" in error.msg
    for fix in ("npm ci", "PDF_FONT_DIRS"):
        assert fix in error.hint


def test_font_check_is_a_warning_in_development():
    with override_settings(PDF_FONT_DIRS=[], DEBUG=True):
        (warning,) = check_pdf_fonts()
    assert isinstance(warning, CheckWarning) and warning.id == "aids.W001"


def test_one_missing_script_font_is_enough_for_the_error(tmp_path):
    """Everything but Noto Sans KR: Korean would be refused, so production must not start."""
    for spec in fonts.CHAIN:
        if spec.name != "NotoSansKR":
            for path in fonts.find_font(spec, settings.PDF_FONT_DIRS):
                shutil.copy(path, tmp_path / path.name)
    with override_settings(PDF_FONT_DIRS=[str(tmp_path)], DEBUG=False):
        (error,) = check_pdf_fonts()
    assert error.id == "aids.E001" and "NotoSansKR" in error.msg and "NotoSansSC" not in error.msg


def test_a_cff_font_is_refused(tmp_path):
    otf = tmp_path / "DejaVuSans.ttf"
    otf.write_bytes(b"OTTO" + b"\0" * 60)
    assert not fonts.is_truetype(otf)


def _gunicorn_check_config(font_dirs):
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": str(ROOT / "var"),
        "DJANGO_SETTINGS_MODULE": "sdm.settings", "DJANGO_LOCAL_ENV_FILE": "",
        "DJANGO_DEBUG": "false", "PYTHONPATH": str(ROOT),
        "DJANGO_SECRET_KEY": "test-only-key-not-used-anywhere-else-0123456789abcdef",
    }
    if font_dirs is not None:
        env["PDF_FONT_DIRS"] = font_dirs
    gunicorn = Path(sys.executable).with_name("gunicorn")
    # --check-config loads the application (sdm.wsgi) and exits: 0 if it loaded.
    return subprocess.run([str(gunicorn), "--check-config", "sdm.wsgi"], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=120)


@pytest.mark.skipif(not Path(sys.executable).with_name("gunicorn").exists(), reason="no gunicorn")
def test_gunicorn_refuses_to_start_without_the_record_fonts(tmp_path):
    refused = _gunicorn_check_config(str(tmp_path / "no-fonts-here"))
    assert refused.returncode != 0
    assert "aids.E001" in refused.stderr

    started = _gunicorn_check_config(None)  # the default folders: npm's fonts
    assert started.returncode == 0, started.stderr[-2000:]
