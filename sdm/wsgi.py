"""WSGI entry point: gunicorn sdm.wsgi

Start-up refuses to start when a system check fails (gunicorn does not run system
checks itself): e.g. the record fonts missing in production (aids.E001), or login
throttling that would see every client as the proxy (aids.E002).
"""
import os

from django.core.wsgi import get_wsgi_application

from sdm.startup import run_system_checks

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sdm.settings")
application = get_wsgi_application()
run_system_checks()
