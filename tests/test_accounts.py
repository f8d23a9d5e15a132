import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_login_with_good_credentials_reaches_the_app(client, clinician):
    response = client.post(
        reverse("login"), {"username": "dr_amal", "password": "a-long-test-password"}, follow=True
    )

    assert response.context["user"] == clinician
    assert "Log out dr_amal" in response.content.decode()


def test_login_with_bad_password_says_so_and_keeps_the_username(client, clinician):
    response = client.post(reverse("login"), {"username": "dr_amal", "password": "wrong"})

    page = response.content.decode()
    assert "Please enter a correct username and password" in page
    assert 'value="dr_amal"' in page


def test_logout_refuses_get(clinician_client, clinician):
    response = clinician_client.get(reverse("logout"))

    assert response.status_code == 405
    assert clinician_client.get(reverse("home")).context["user"] == clinician


def test_logout_by_post_ends_the_session(clinician_client):
    response = clinician_client.post(reverse("logout"))

    assert response.status_code == 302
    assert clinician_client.get(reverse("home")).status_code == 302


def test_password_change_works(clinician_client, clinician):
    response = clinician_client.post(
        reverse("password_change"),
        {"old_password": "a-long-test-password", "new_password1": "Another-Long-Pass-42", "new_password2": "Another-Long-Pass-42"},
        follow=True,
    )

    assert "Your new password is in use" in response.content.decode()
    clinician.refresh_from_db()
    assert clinician.check_password("Another-Long-Pass-42")


def test_repeated_failed_logins_are_throttled_with_a_clear_message(client, clinician, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post(reverse("login"), {"username": "dr_amal", "password": "wrong"})

    response = client.post(reverse("login"), {"username": "dr_amal", "password": "a-long-test-password"})

    assert response.status_code == 429
    page = response.content.decode()
    assert "Too many failed log-in attempts" in page
    assert "15 minutes" in page
    assert "_auth_user_id" not in client.session


def test_throttling_one_username_does_not_lock_out_colleagues(client, clinician, other_clinician, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post(reverse("login"), {"username": "dr_amal", "password": "wrong"})

    response = client.post(
        reverse("login"), {"username": "dr_other", "password": "a-long-test-password"}, follow=True
    )

    assert response.context["user"] == other_clinician


def test_session_expires_after_the_idle_time(clinician_client, settings):
    response = clinician_client.get(reverse("home"))

    assert response.status_code == 200
    assert clinician_client.session.get_expiry_age() == settings.SESSION_COOKIE_AGE
    # Not by a write on every request (aids/sessions.py): the session row's end moves
    # on once a tenth of the idle time has passed, so it ends 27 to 30 minutes idle.
    assert settings.SESSION_SAVE_EVERY_REQUEST is False
    assert settings.SESSION_REFRESH_SECONDS == settings.SESSION_COOKIE_AGE // 10
    from django.contrib.sessions.models import Session
    from django.utils import timezone

    row = Session.objects.get(session_key=clinician_client.session.session_key)
    left = (row.expire_date - timezone.now()).total_seconds()
    assert settings.SESSION_COOKIE_AGE - settings.SESSION_REFRESH_SECONDS <= left <= settings.SESSION_COOKIE_AGE
