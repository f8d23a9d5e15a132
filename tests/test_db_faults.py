"""The database fails under a post: a clear page keeps what was typed, the error is
logged, and a read request writes nothing (so a full disk does not break reading)."""

import logging
import re

import pytest
from django.db import OperationalError, connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from walkthrough_support import form_data, published_aid, start_consultation, step_url, visible_text

pytestmark = pytest.mark.django_db
WRITE = re.compile(r"^\s*(INSERT|UPDATE|DELETE|REPLACE)\b", re.I)


def writes(queries):
    return [q["sql"] for q in queries if WRITE.match(q["sql"])]


def full_disk(execute, sql, params, many, context):
    if WRITE.match(sql):
        raise OperationalError("database or disk is full")
    return execute(sql, params, many, context)


def outage(execute, sql, params, many, context):
    raise OperationalError("connection to server at 127.0.0.1 failed: Connection refused")


@pytest.fixture
def quiet_client(clinician):
    client = Client(raise_request_exception=False)
    client.force_login(clinician)
    return client


# ---------------------------------------------------------------- item 4: no write on a read


def test_a_logged_in_get_of_a_step_page_writes_nothing(clinician_client):
    published_aid()
    consultation = start_consultation(clinician_client)
    url = step_url(consultation, "values")
    clinician_client.get(url)
    for _ in range(3):
        with CaptureQueriesContext(connection) as ctx:
            assert clinician_client.get(url).status_code == 200
        assert writes(ctx.captured_queries) == []


def test_the_session_is_still_moved_on_when_it_is_getting_old(clinician_client, settings):
    import time

    from aids import sessions

    published_aid()
    consultation = start_consultation(clinician_client)
    url = step_url(consultation, "values")
    session = clinician_client.session
    session[sessions.REFRESHED_AT] = int(time.time()) - settings.SESSION_COOKIE_AGE
    session.save()
    with CaptureQueriesContext(connection) as ctx:
        assert clinician_client.get(url).status_code == 200
    assert any("django_session" in q for q in writes(ctx.captured_queries))


def test_a_full_disk_leaves_step_pages_readable(quiet_client):
    published_aid()
    consultation = start_consultation(quiet_client)
    url = step_url(consultation, "values")
    with connection.execute_wrapper(full_disk):
        response = quiet_client.get(url)
    assert response.status_code == 200


def test_a_full_disk_when_the_session_is_due_a_refresh_still_shows_the_page(quiet_client, settings, caplog):
    import time

    from aids import sessions

    published_aid()
    consultation = start_consultation(quiet_client)
    url = step_url(consultation, "values")
    session = quiet_client.session
    session[sessions.REFRESHED_AT] = int(time.time()) - settings.SESSION_COOKIE_AGE
    session.save()
    with caplog.at_level(logging.ERROR), connection.execute_wrapper(full_disk):
        response = quiet_client.get(url)
    assert response.status_code == 200
    assert any(r.levelno >= logging.ERROR for r in caplog.records)


def test_a_step_post_on_a_full_disk_shows_the_typed_text_and_logs_an_error(quiet_client, caplog):
    published_aid()
    consultation = start_consultation(quiet_client)
    url = step_url(consultation, "next")
    data = form_data(quiet_client.get(url))
    data.update({"next-next_steps": ["Typed while the disk was full <b>"], "nav": ["next"]})
    with caplog.at_level(logging.ERROR), connection.execute_wrapper(full_disk):
        response = quiet_client.post(url, data)
    assert response.status_code == 503
    html = response.content.decode()
    text = visible_text(html)
    assert "Not saved" in text
    assert "Typed while the disk was full <b>" in text
    assert "&lt;b&gt;" in html  # escaped
    # a form that sends it all again, to the same page
    assert f'action="{url}"' in html
    assert 'value="Typed while the disk was full &lt;b&gt;"' in html or \
        ">Typed while the disk was full &lt;b&gt;</textarea>" in html
    assert 'name="csrfmiddlewaretoken"' in html
    assert any(r.levelno >= logging.ERROR for r in caplog.records)
    assert not any("Typed while" in r.getMessage() for r in caplog.records)  # no clinical text in logs


def test_an_autosave_on_a_full_disk_answers_503_json(quiet_client):
    published_aid()
    consultation = start_consultation(quiet_client)
    url = step_url(consultation, "next")
    data = form_data(quiet_client.get(url))
    data.update({"next-next_steps": ["Typed"], "nav": ["stay"]})
    with connection.execute_wrapper(full_disk):
        response = quiet_client.post(url, data, headers={"X-Autosave": "1", "Idempotency-Key": "k" * 16})
    assert response.status_code == 503
    body = response.json()
    assert body["saved"] is False and body["unavailable"] is True


# ---------------------------------------------------------------- item 3: outage


def test_a_form_post_during_a_database_outage_keeps_what_was_posted(quiet_client, caplog):
    published_aid()
    consultation = start_consultation(quiet_client)
    url = step_url(consultation, "values")
    data = form_data(quiet_client.get(url))
    data.update({"values-values_own_words": ["Words typed during the outage"], "nav": ["next"]})
    with caplog.at_level(logging.ERROR), connection.execute_wrapper(outage):
        response = quiet_client.post(url, data)
    assert response.status_code == 503
    html = response.content.decode()
    assert "Words typed during the outage" in visible_text(html)
    assert "Something went wrong" not in html
    assert any(r.levelno >= logging.ERROR for r in caplog.records)


def test_a_login_post_during_an_outage_never_shows_the_password(caplog):
    client = Client(raise_request_exception=False)
    with connection.execute_wrapper(outage):
        response = client.post("/accounts/login/", {"username": "someone", "password": "secret-password-1"})
    assert response.status_code >= 500
    assert "secret-password-1" not in response.content.decode()


def test_autosave_keeps_unsent_text_in_the_page_never_in_storage():
    from django.conf import settings

    script = (settings.BASE_DIR / "static" / "js" / "autosave.js").read_text()
    for storage in ("localStorage", "sessionStorage", "indexedDB", "document.cookie ="):
        assert storage not in script
    assert "result.status >= 500" in script
    assert "requestSubmit" in script  # a submit while saves fail waits for a save that succeeds
