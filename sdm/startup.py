"""Start-up guard for the WSGI and ASGI entry points.

gunicorn (or any other server) imports ``sdm.wsgi`` and runs no system checks;
``manage.py runserver`` does. So the entry points run them here and refuse to
start on any ERROR, such as ``aids.E001`` (the PDF record fonts are missing, which
would store records with letters drawn as boxes). Warnings are printed, not fatal.
"""

import io
import sys


def run_system_checks():
    """Raise SystemCheckError (so the server does not start) when a check fails."""
    from django.core.management.base import BaseCommand

    BaseCommand(stdout=io.StringIO(), stderr=sys.stderr).check(display_num_errors=True)
