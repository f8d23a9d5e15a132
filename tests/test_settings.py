"""Settings come from the environment, with safe defaults.

Each case imports the settings module in a fresh interpreter, so that module-level
parsing runs for real with exactly the given environment.
"""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

DUMP = """
import json, django.conf as c, os
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sdm.settings")
from django.conf import settings as s
db = s.DATABASES["default"]
print(json.dumps({
  "DEBUG": s.DEBUG, "ALLOWED_HOSTS": s.ALLOWED_HOSTS, "ENGINE": db["ENGINE"], "NAME": db["NAME"],
  "HOST": db.get("HOST", ""), "PORT": str(db.get("PORT", "")), "USER": db.get("USER", ""),
  "OPTIONS": db.get("OPTIONS", {}), "CONN_HEALTH_CHECKS": db.get("CONN_HEALTH_CHECKS"),
  "SECURE_SSL_REDIRECT": s.SECURE_SSL_REDIRECT, "SESSION_COOKIE_SECURE": s.SESSION_COOKIE_SECURE,
  "SECURE_HSTS_SECONDS": s.SECURE_HSTS_SECONDS, "SESSION_COOKIE_AGE": s.SESSION_COOKIE_AGE,
  "CSRF_TRUSTED_ORIGINS": s.CSRF_TRUSTED_ORIGINS, "SECRET_KEY_LEN": len(s.SECRET_KEY),
}))
"""


def load_settings(**env):
    base = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_", "CSRF_", "SESSION_"))}
    base["DJANGO_LOCAL_ENV_FILE"] = ""
    base.update(env)
    proc = subprocess.run(
        [sys.executable, "-c", DUMP], cwd=ROOT, env=base, capture_output=True, text=True, timeout=60
    )
    return proc


def test_settings_defaults_are_production_safe():
    proc = load_settings(DJANGO_SECRET_KEY="x" * 50)

    assert proc.returncode == 0, proc.stderr
    s = json.loads(proc.stdout)
    assert s["DEBUG"] is False
    assert s["ALLOWED_HOSTS"] == []
    assert s["SECURE_SSL_REDIRECT"] is True
    assert s["SESSION_COOKIE_SECURE"] is True
    assert s["SECURE_HSTS_SECONDS"] == 31536000
    assert s["SESSION_COOKIE_AGE"] == 30 * 60


def test_settings_default_database_is_sqlite_in_var_with_wal_and_immediate_transactions():
    proc = load_settings(DJANGO_SECRET_KEY="x" * 50)

    s = json.loads(proc.stdout)
    assert s["ENGINE"] == "django.db.backends.sqlite3"
    assert s["NAME"] == str(ROOT / "var" / "db.sqlite3")
    assert s["OPTIONS"]["transaction_mode"] == "IMMEDIATE"
    assert s["OPTIONS"]["timeout"] == 20
    assert "journal_mode=WAL" in s["OPTIONS"]["init_command"]


def test_settings_refuse_to_start_without_secret_key_when_debug_off():
    proc = load_settings()

    assert proc.returncode != 0
    assert "DJANGO_SECRET_KEY must be set when DJANGO_DEBUG is off" in proc.stderr


def test_settings_debug_mode_generates_a_local_key_outside_git():
    proc = load_settings(DJANGO_DEBUG="true")

    assert proc.returncode == 0, proc.stderr
    s = json.loads(proc.stdout)
    assert s["DEBUG"] is True
    assert s["SECRET_KEY_LEN"] >= 50
    assert (ROOT / "var" / "dev-secret-key").exists()
    ignored = subprocess.run(["git", "check-ignore", "-q", "var/dev-secret-key"], cwd=ROOT)
    assert ignored.returncode == 0


@pytest.mark.parametrize("value", ["yes please", "2", "treu"])
def test_settings_refuse_an_unclear_boolean(value):
    proc = load_settings(DJANGO_DEBUG=value, DJANGO_SECRET_KEY="x" * 50)

    assert proc.returncode != 0
    assert f"DJANGO_DEBUG={value!r} is not a boolean" in proc.stderr


def test_settings_database_url_selects_postgresql():
    proc = load_settings(
        DJANGO_SECRET_KEY="x" * 50, DATABASE_URL="postgres://sdm:secret@db.internal:6432/sdm_prod"
    )

    s = json.loads(proc.stdout)
    assert s["ENGINE"] == "django.db.backends.postgresql"
    assert (s["NAME"], s["HOST"], s["PORT"], s["USER"]) == ("sdm_prod", "db.internal", "6432", "sdm")
    assert s["CONN_HEALTH_CHECKS"] is True


def test_settings_database_url_selects_another_sqlite_file(tmp_path):
    proc = load_settings(DJANGO_SECRET_KEY="x" * 50, DATABASE_URL=f"sqlite:///{tmp_path}/other.db")

    s = json.loads(proc.stdout)
    assert s["NAME"] == f"{tmp_path}/other.db"
    assert s["OPTIONS"]["transaction_mode"] == "IMMEDIATE"


def test_settings_lists_and_idle_time_come_from_environment():
    proc = load_settings(
        DJANGO_SECRET_KEY="x" * 50,
        DJANGO_ALLOWED_HOSTS="sdm.hospital.example,10.1.2.3",
        CSRF_TRUSTED_ORIGINS="https://sdm.hospital.example",
        SESSION_IDLE_MINUTES="15",
    )

    s = json.loads(proc.stdout)
    assert s["ALLOWED_HOSTS"] == ["sdm.hospital.example", "10.1.2.3"]
    assert s["CSRF_TRUSTED_ORIGINS"] == ["https://sdm.hospital.example"]
    assert s["SESSION_COOKIE_AGE"] == 15 * 60


def test_check_deploy_is_clean_with_production_variables():
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_"))}
    env.update(
        DJANGO_LOCAL_ENV_FILE="",
        DJANGO_SETTINGS_MODULE="sdm.settings",
        DJANGO_SECRET_KEY="k3Yq-production-like-secret-" + "Zx9" * 12,
        DJANGO_ALLOWED_HOSTS="sdm.hospital.example",
        CSRF_TRUSTED_ORIGINS="https://sdm.hospital.example",
    )

    proc = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=120,
    )

    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "System check identified no issues" in proc.stdout


def test_migrations_are_all_committed():
    env = dict(os.environ, DJANGO_LOCAL_ENV_FILE="", DJANGO_SETTINGS_MODULE="sdm.test_settings")

    proc = subprocess.run(
        [sys.executable, "manage.py", "makemigrations", "--check", "--dry-run"],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=120,
    )

    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_settings_treat_an_empty_database_url_as_unset():
    proc = load_settings(DJANGO_SECRET_KEY="x" * 50, DATABASE_URL="")

    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout)["NAME"] == str(ROOT / "var" / "db.sqlite3")


@pytest.mark.parametrize("url", ["mongodb://db/sdm", "not a url"])
def test_settings_refuse_a_database_url_they_cannot_use(url):
    proc = load_settings(DJANGO_SECRET_KEY="x" * 50, DATABASE_URL=url)

    assert proc.returncode != 0
    assert "DATABASE_URL" in proc.stderr and "postgres://" in proc.stderr


def test_code_only_commands_run_on_a_checkout_with_nothing_set(tmp_path):
    """``manage.py check`` and ``makemigrations --check`` read only the code: they run
    with no environment at all; a command that touches data still asks for the key."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_"))}
    env.update(DJANGO_LOCAL_ENV_FILE="", DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}")

    def manage(*args):
        return subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=env,
                              capture_output=True, text=True, timeout=120)

    checked = manage("check")
    assert checked.returncode == 0 and "no issues" in checked.stdout, checked.stderr
    migrations = manage("makemigrations", "--check", "--dry-run")
    assert migrations.returncode == 0 and "No changes detected" in migrations.stdout, migrations.stderr
    for refused in (manage("migrate", "--plan"), manage("check", "--deploy")):
        assert refused.returncode != 0 and "DJANGO_SECRET_KEY must be set" in refused.stderr
