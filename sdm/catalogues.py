"""The interface's message catalogues (issue 16): ``locale/<code>/LC_MESSAGES/django.po``
are the sources kept in git; the compiled ``.mo`` files Django reads are built here, at
set-up (``scripts/_env.sh``) and before the tests, whenever a ``.po`` is newer.

GNU ``msgfmt`` compiles them when it is installed (what ``manage.py compilemessages``
runs, with its format checks); a machine without gettext compiles them with polib, in
pure Python. Runs without Django settings, so set-up needs no environment.

    python -m sdm.catalogues       # compile what is stale; prints what it compiled
"""

import shutil
import subprocess
import sys
from pathlib import Path

LOCALE_DIR = Path(__file__).resolve().parent.parent / "locale"


def stale_catalogues(locale_dir=LOCALE_DIR):
    """[(po, mo)] for every catalogue whose .mo is missing or older than its .po."""
    pairs = []
    for po in sorted(Path(locale_dir).glob("*/LC_MESSAGES/*.po")):
        mo = po.with_suffix(".mo")
        if not mo.exists() or mo.stat().st_mtime < po.stat().st_mtime:
            pairs.append((po, mo))
    return pairs


def compile_catalogue(po, mo):
    msgfmt = shutil.which("msgfmt")
    if msgfmt:
        subprocess.run([msgfmt, "--check-format", "-o", str(mo), str(po)], check=True)
    else:
        import polib

        polib.pofile(str(po)).save_as_mofile(str(mo))


def compile_stale(locale_dir=LOCALE_DIR):
    """Compile every stale catalogue; return the .po paths compiled."""
    done = []
    for po, mo in stale_catalogues(locale_dir):
        compile_catalogue(po, mo)
        done.append(po)
    return done


if __name__ == "__main__":
    for path in compile_stale():
        print(f"compiled {path.relative_to(LOCALE_DIR.parent)}")
    sys.exit(0)
