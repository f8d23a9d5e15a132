"""Behind a proxy every client must not look like the proxy; changing a password is
throttled like logging in."""

import os
import subprocess
import sys

import pytest
from django.conf import settings
from django.test import RequestFactory
from django.urls import reverse

from aids.checks import check_client_address
from aids.clientaddress import client_address

pytestmark = pytest.mark.django_db
PASSWORD = "a-long-test-password"


def test_behind_a_proxy_without_a_proxy_count_is_a_system_check_error(settings):
    settings.BEHIND_TLS_PROXY = True
    settings.CLIENT_ADDRESS_PROXY_COUNT = 0

    errors = check_client_address()

    assert [e.id for e in errors] == ["aids.E002"]
    assert "AXES_PROXY_COUNT" in errors[0].hint


def test_behind_a_proxy_with_a_proxy_count_is_fine(settings):
    settings.BEHIND_TLS_PROXY = True
    settings.CLIENT_ADDRESS_PROXY_COUNT = 1
    assert check_client_address() == []
    settings.BEHIND_TLS_PROXY = False
    settings.CLIENT_ADDRESS_PROXY_COUNT = 0
    assert check_client_address() == []


def test_start_up_refuses_behind_a_proxy_without_the_client_address_settings():
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "sdm.settings", "DJANGO_DEBUG": "false",
           "DJANGO_SECRET_KEY": "x" * 50, "DJANGO_ALLOWED_HOSTS": "sdm.example",
           "DJANGO_BEHIND_TLS_PROXY": "true", "DJANGO_LOCAL_ENV_FILE": ""}
    env.pop("AXES_PROXY_COUNT", None)
    code = "import sdm.wsgi"
    refused = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True,
                             cwd=settings.BASE_DIR)
    assert refused.returncode != 0 and "AXES_PROXY_COUNT" in refused.stderr
    checked = subprocess.run([sys.executable, "manage.py", "check"], env=env, capture_output=True,
                             text=True, cwd=settings.BASE_DIR)
    assert checked.returncode != 0 and "aids.E002" in checked.stderr

    started = subprocess.run([sys.executable, "-c", code], env={**env, "AXES_PROXY_COUNT": "1"},
                             capture_output=True, text=True, cwd=settings.BASE_DIR)
    assert started.returncode == 0, started.stderr


def test_the_client_address_is_the_one_the_nearest_proxy_saw(settings):
    factory = RequestFactory()
    request = factory.get("/", REMOTE_ADDR="10.0.0.5",
                          HTTP_X_FORWARDED_FOR="6.6.6.6, 192.0.2.44")  # forged, then real
    settings.CLIENT_ADDRESS_PROXY_COUNT = 1
    assert client_address(request) == "192.0.2.44"
    settings.CLIENT_ADDRESS_PROXY_COUNT = 2
    assert client_address(request) == "6.6.6.6"
    settings.CLIENT_ADDRESS_PROXY_COUNT = 3  # fewer entries than proxies: not through them
    assert client_address(request) == "10.0.0.5"
    settings.CLIENT_ADDRESS_PROXY_COUNT = 0  # no proxy: the header is not believed
    assert client_address(request) == "10.0.0.5"


def test_behind_a_proxy_one_persons_failures_do_not_lock_out_another_address(client, clinician, settings):
    settings.CLIENT_ADDRESS_PROXY_COUNT = 1
    via_proxy = {"REMOTE_ADDR": "10.0.0.5"}
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post(reverse("login"), {"username": "dr_amal", "password": "wrong"},
                    HTTP_X_FORWARDED_FOR="192.0.2.10", **via_proxy)

    other_desk = client.post(reverse("login"), {"username": "dr_amal", "password": PASSWORD},
                             HTTP_X_FORWARDED_FOR="192.0.2.20", **via_proxy)
    assert other_desk.status_code == 302


def test_wrong_old_passwords_are_throttled_like_logging_in(clinician_client, clinician, settings):
    wrong = {"old_password": "not-my-password", "new_password1": "Another-Long-Pass-42",
             "new_password2": "Another-Long-Pass-42"}
    statuses = [clinician_client.post(reverse("password_change"), wrong).status_code
                for _ in range(settings.AXES_FAILURE_LIMIT)]
    assert statuses == [200] * (settings.AXES_FAILURE_LIMIT - 1) + [429]  # as at login

    right = {**wrong, "old_password": PASSWORD}
    response = clinician_client.post(reverse("password_change"), right)

    assert response.status_code == 429
    assert "Too many failed" in response.content.decode()
    clinician.refresh_from_db()
    assert clinician.check_password(PASSWORD)  # unchanged


def test_a_right_old_password_still_changes_it(clinician_client, clinician):
    response = clinician_client.post(reverse("password_change"), {
        "old_password": PASSWORD, "new_password1": "Another-Long-Pass-42",
        "new_password2": "Another-Long-Pass-42"})
    assert response.status_code == 302
    clinician.refresh_from_db()
    assert clinician.check_password("Another-Long-Pass-42")
