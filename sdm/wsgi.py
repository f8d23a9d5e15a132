"""WSGI entry point: gunicorn sdm.wsgi (refuses to start when a system check fails)."""
import os

from django.core.wsgi import get_wsgi_application

from sdm.startup import run_system_checks

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sdm.settings")
application = get_wsgi_application()
run_system_checks()
