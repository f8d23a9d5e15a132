"""Settings for the SDM discussion aid.

Every knob is an environment variable with a safe default (parsed by
django-environ). DEBUG is off unless DJANGO_DEBUG says otherwise, and with
DEBUG off a real DJANGO_SECRET_KEY is required.
"""

import secrets
from datetime import timedelta
from pathlib import Path

import environ
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured

from aids.limits import REQUEST_MAX_BYTES

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = BASE_DIR / "var"

env = environ.Env()


def env_bool(name, default):
    """Strict boolean: true/false, yes/no, on/off, 1/0. Anything else stops start-up."""
    raw = env.str(name, default="").strip().lower()
    if raw == "":
        return default
    if raw in {"1", "true", "yes", "on"}:
        return True
    if raw in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(f"{name}={raw!r} is not a boolean: use true or false.")

# ./scripts/run writes var/local.env (local mode: DJANGO_DEBUG=true). Real
# environment variables always win over it; production has no such file.
LOCAL_ENV_FILE = env.str("DJANGO_LOCAL_ENV_FILE", default=str(VAR_DIR / "local.env"))
if LOCAL_ENV_FILE and Path(LOCAL_ENV_FILE).is_file():
    environ.Env.read_env(LOCAL_ENV_FILE)

DEBUG = env_bool("DJANGO_DEBUG", False)


def _local_secret_key():
    """A development key generated once and kept in the git-ignored var/ folder."""
    VAR_DIR.mkdir(exist_ok=True)
    path = VAR_DIR / "dev-secret-key"
    if not path.exists():
        path.write_text(secrets.token_urlsafe(50))
        path.chmod(0o600)
    return path.read_text().strip()


SECRET_KEY = env.str("DJANGO_SECRET_KEY", default="")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "DJANGO_SECRET_KEY must be set when DJANGO_DEBUG is off. "
            "Generate one with: python -c 'import secrets; print(secrets.token_urlsafe(50))'"
        )
    SECRET_KEY = _local_secret_key()

ALLOWED_HOSTS = env.list(
    "DJANGO_ALLOWED_HOSTS", default=["127.0.0.1", "localhost"] if DEBUG else []
)
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "crispy_forms",
    "crispy_bootstrap5",
    "axes",
    "csp",
    "simple_history",
    "aids",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # HTML compressed, brotli where the browser takes it, else gzip (static files are
    # served compressed by WhiteNoise, above, and never reach here). Against BREACH each
    # response's length is padded with random bytes (aids/compression.py).
    "aids.compression.CompressionMiddleware",
    "csp.middleware.CSPMiddleware",
    # A post too large to read answers a page (or JSON) that says so, not a bare 400.
    "aids.errors.RequestTooLargeMiddleware",
    "aids.middleware.NoStoreMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    # The session's end is moved on now and then, not written on every request.
    "aids.sessions.SessionRefreshMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "aids.middleware.KeepTypedTextOnExpiryMiddleware",
    "aids.middleware.AskForReasonMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    # django-axes wants to be last.
    "axes.middleware.AxesMiddleware",
]

# The admin saves a whole content version (every part as an inline) in one POST:
# the full tractotomy draft is about 1,300 fields, above Django's default 1,000.
DATA_UPLOAD_MAX_NUMBER_FIELDS = env.int("DATA_UPLOAD_MAX_NUMBER_FIELDS", default=10000)
# The largest step the documented limits allow (200 questions of 50,000 + 50,000
# characters, at up to 4 bytes a character: aids/limits.py), and no more. Anything
# larger answers a page that says the text is still in the browser (aids/errors.py).
DATA_UPLOAD_MAX_MEMORY_SIZE = REQUEST_MAX_BYTES

ROOT_URLCONF = "sdm.urls"
WSGI_APPLICATION = "sdm.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                # LANGUAGE_CODE and LANGUAGE_BIDI of the language active while a page
                # renders: the patient's on the patient-facing pages (issue 16).
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

# --- Database -------------------------------------------------------------
# SQLite in var/ unless DATABASE_URL says otherwise (postgres://... in production).
DATABASE_URL = env.str("DATABASE_URL", default="").strip() or f"sqlite:///{VAR_DIR / 'db.sqlite3'}"
DATABASES = {"default": environ.Env.db_url_config(DATABASE_URL)}
if DATABASES["default"].get("ENGINE") not in {
    "django.db.backends.sqlite3", "django.db.backends.postgresql",
}:
    raise ImproperlyConfigured(
        "DATABASE_URL must be a PostgreSQL or SQLite URL: "
        "postgres://user:password@host:5432/name or sqlite:////absolute/path.db"
    )
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    if DATABASES["default"]["NAME"] == str(VAR_DIR / "db.sqlite3"):
        VAR_DIR.mkdir(exist_ok=True)
    # WAL lets readers and one writer work together; IMMEDIATE transactions and a
    # busy timeout make concurrent writers wait instead of failing with "locked".
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": env.int("SQLITE_TIMEOUT_SECONDS", default=20),
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
else:
    DATABASES["default"]["CONN_MAX_AGE"] = env.int("DATABASE_CONN_MAX_AGE", default=60)
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Accounts -------------------------------------------------------------
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    # Django's ModelBackend, reading the logged-in user in one plain SQL statement.
    "aids.accounts.backends.AccountBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
     "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# Sessions live in the database (no state in a process) and end after an idle time.
# A read request writes nothing: the session's end is moved on (one write) only once
# a tenth of the idle time has passed since it last was (aids/sessions.py), so the
# login ends between 27 and 30 minutes after the last request (default 30).
# Record PDFs are drawn at this much lower CPU priority (a Unix "nice" increment, 0 to
# 19; 0 draws them in the request's own thread): one clinician's finalize on a busy
# server waits for the CPU rather than making every other clinician's page wait.
RECORD_RENDER_NICENESS = env.int("RECORD_RENDER_NICENESS", default=10)

# Django's database sessions, read in one plain SQL statement (aids/sessions.py).
SESSION_ENGINE = "aids.sessions"
SESSION_COOKIE_AGE = env.int("SESSION_IDLE_MINUTES", default=30) * 60
SESSION_SAVE_EVERY_REQUEST = False
SESSION_REFRESH_SECONDS = max(1, SESSION_COOKIE_AGE // 10)
SESSION_EXPIRE_AT_BROWSER_CLOSE = True

# Login throttling (django-axes). Lock on username *and* address together, so one
# person's typos behind a shared hospital proxy do not lock out the whole clinic,
# and lift the lock after a cool-off instead of waiting for an administrator.
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = timedelta(minutes=env.int("AXES_COOLOFF_MINUTES", default=15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_VERBOSE = False
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
# The client's address: REMOTE_ADDR, or behind AXES_PROXY_COUNT proxies the address the
# outermost one saw (aids/clientaddress.py). Behind a TLS proxy (DJANGO_BEHIND_TLS_PROXY)
# it must be set, or every client looks like the proxy: start-up refuses (aids.E001).
CLIENT_ADDRESS_PROXY_COUNT = env.int("AXES_PROXY_COUNT", default=0)
AXES_CLIENT_IP_CALLABLE = "aids.clientaddress.client_address"

# --- Security headers -----------------------------------------------------
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SECURE_SSL_REDIRECT = env_bool("DJANGO_SECURE_SSL_REDIRECT", not DEBUG)
SESSION_COOKIE_SECURE = env_bool("DJANGO_SECURE_COOKIES", not DEBUG)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SECURE_HSTS_SECONDS = env.int("DJANGO_HSTS_SECONDS", default=0 if DEBUG else 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("DJANGO_HSTS_INCLUDE_SUBDOMAINS", True)
SECURE_HSTS_PRELOAD = env_bool("DJANGO_HSTS_PRELOAD", True)
BEHIND_TLS_PROXY = env_bool("DJANGO_BEHIND_TLS_PROXY", False)
if BEHIND_TLS_PROXY:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# No inline scripts or styles anywhere: our JS and CSS are static files.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
        "base-uri": [NONE],
        "object-src": [NONE],
    },
}

# --- Internationalisation -------------------------------------------------
LANGUAGE_CODE = "en-gb"
TIME_ZONE = env.str("TIME_ZONE", default="Europe/London")
USE_I18N = True
# Languages the patient-facing side can be shown in (issue 16). A hospital adds one
# here, with its message catalogue in locale/ and a content translation in the admin.
LANGUAGES = [
    ("en", "English"),
    ("es", "Español"),
    ("ar", "العربية"),
]
LANGUAGES_BIDI = ["ar", "he", "fa", "ur"]
LOCALE_PATHS = [BASE_DIR / "locale"]
USE_TZ = True

# --- Static files: Bootstrap from npm (node_modules), served by WhiteNoise --
STATIC_URL = "static/"
STATIC_ROOT = env.path("STATIC_ROOT", default=BASE_DIR / "staticfiles")
STATICFILES_DIRS = [
    BASE_DIR / "static",
    ("vendor/bootstrap", BASE_DIR / "node_modules" / "bootstrap" / "dist"),
]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if not DEBUG
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}

# Django's form renderer, with text inputs, checkboxes and text areas written directly
# (the same bytes as Django's templates, at a fraction of the cost: aids/formrender.py).
FORM_RENDERER = "aids.formrender.WidgetRenderer"

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# Fonts for the PDF record (aids/record/fonts.py): DejaVu Sans and the Noto fonts
# from the npm packages (npm ci), or the system's copies. Each folder is searched
# with its subfolders; the first that has a font's file wins.
PDF_FONT_DIRS = env.list(
    "PDF_FONT_DIRS",
    default=[
        str(BASE_DIR / "node_modules" / "dejavu-fonts-ttf" / "ttf"),
        str(BASE_DIR / "node_modules" / "@expo-google-fonts"),
        "/usr/share/fonts/truetype/dejavu",
        "/usr/share/fonts/truetype/noto",
    ],
)

# The FHIR export (aids/record/fhir.py) names its identifier systems under this URI:
# <base>/record/clinical, <base>/clinician, <base>/patient-reference. Set it to an
# address the hospital controls; the default is a reserved example domain.
FHIR_IDENTIFIER_BASE = env.str("FHIR_IDENTIFIER_BASE", default="https://sdm.hospital.example/fhir")

# Never let clinical text reach logs: errors are logged without request bodies, and
# every line without query strings (the list search carries the patient reference in
# /?q=...; aids/logfilters.py), the runserver access log included. gunicorn's access
# log format is in gunicorn.conf.py.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"no_query_strings": {"()": "aids.logfilters.RedactQueryStrings"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "filters": ["no_query_strings"]}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {
        "django.request": {"level": "ERROR"},
        "django.server": {"handlers": ["console"], "level": "INFO", "propagate": False},
    },
}

# Publishing needs an approver who did not edit the draft. A one-person site may
# switch that off here (an administrator's decision, never an admin screen's);
# every version published that way says so in its records' colophon.
CONTENT_SINGLE_PERSON_PUBLISHING = env_bool("CONTENT_SINGLE_PERSON_PUBLISHING", False)
