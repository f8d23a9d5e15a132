from contextlib import contextmanager
from unittest import mock

import pytest
from django.db import OperationalError

pytestmark = pytest.mark.django_db


def test_healthz_is_ok_when_the_database_answers(client):
    response = client.get("/healthz")

    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok"}
    assert "no-cache" in response["Cache-Control"]


def test_healthz_is_503_when_the_database_does_not_answer(client):
    with mock.patch("aids.health_views.connection.cursor", side_effect=OperationalError("down")):
        response = client.get("/healthz")

    assert response.status_code == 503
    assert response.json()["status"] == "unavailable"


@contextmanager
def database_refusing_writes():
    """The database answers reads and refuses every write, as a full disk or a
    read-only database (a standby, a read-only mount) does."""
    from django.db import connection

    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("PRAGMA query_only = ON")
        else:
            cursor.execute("SET transaction_read_only = on")  # this test's transaction only
    try:
        yield
    finally:
        if connection.vendor == "sqlite":
            with connection.cursor() as cursor:
                cursor.execute("PRAGMA query_only = OFF")


def test_healthz_is_503_when_the_database_cannot_take_a_write(client):
    with database_refusing_writes():
        response = client.get("/healthz")

    assert response.status_code == 503
    assert response.json() == {"status": "unavailable", "database": "cannot write"}


def test_healthz_is_503_when_a_write_fails_for_a_full_disk(client):
    from aids import health_views

    with mock.patch.object(health_views, "_probe_write", side_effect=OperationalError("database or disk is full")):
        response = client.get("/healthz")

    assert response.status_code == 503
    assert response.json()["database"] == "cannot write"
