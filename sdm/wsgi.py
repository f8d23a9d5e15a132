"""WSGI entry point: gunicorn sdm.wsgi

Start-up refuses a configuration that would make login throttling see every client
as the proxy (system check aids.E001): gunicorn does not run system checks itself.
"""
import os

from django.core.exceptions import ImproperlyConfigured
from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sdm.settings")
application = get_wsgi_application()

from aids.checks import check_client_address  # noqa: E402  (needs the apps loaded)

_errors = check_client_address()
if _errors:
    raise ImproperlyConfigured("; ".join(f"{e.id}: {e.msg} {e.hint}" for e in _errors))
