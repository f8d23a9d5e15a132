"""Settings for the test suite: the real settings, plus what tests need.

Tests run with DEBUG off (as production does) over plain http.
"""

import os

# Tests never read the developer's var/local.env (local mode).
os.environ["DJANGO_LOCAL_ENV_FILE"] = ""
os.environ.setdefault("DJANGO_SECRET_KEY", "test-only-key-not-used-anywhere-else-0123456789")

from sdm.settings import *  # noqa: E402,F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
SECURE_SSL_REDIRECT = False
SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False
SECURE_HSTS_SECONDS = 0
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
# Record PDFs drawn in the test's own thread: several tests stand in for the renderer
# with a function that writes through the test's database connection (tests of the
# low-priority thread turn it on, tests/test_record_render_priority.py).
RECORD_RENDER_NICENESS = 0
