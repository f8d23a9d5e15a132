"""ASGI entry point (refuses to start when a system check fails)."""
import os

from django.core.asgi import get_asgi_application

from sdm.startup import run_system_checks

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sdm.settings")
application = get_asgi_application()
run_system_checks()
