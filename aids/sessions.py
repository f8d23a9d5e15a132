"""The idle timeout without a database write on every request.

Django's ``SESSION_SAVE_EVERY_REQUEST`` moved the session's end on by writing the
session row on every request, so every page read was a write: under load it queued
behind finalizes on SQLite, and on a full disk every logged-in GET failed with
"could not be understood". Instead, the session's end is moved on only when
``SESSION_REFRESH_SECONDS`` (a tenth of the idle time) have passed since it last
was, so a clinician's reads write at most once every three minutes.

The refresh is this middleware's own save, and a failure of it (a full disk, the
database read-only) is logged as an error and the page still shown: the session
stays valid until its current end.
"""

import logging
import time

from django.conf import settings
from django.contrib.auth import SESSION_KEY
from django.contrib.sessions.backends.base import UpdateError
from django.contrib.sessions.backends.db import SessionStore as DatabaseSessionStore
from django.db import DatabaseError, connection
from django.utils import timezone

logger = logging.getLogger(__name__)
REFRESHED_AT = "_refreshed_at"


def refresh_due(session, now):
    stamp = session.get(REFRESHED_AT)
    return not isinstance(stamp, int) or now - stamp >= settings.SESSION_REFRESH_SECONDS


class SessionRefreshMiddleware:
    """Placed right after ``SessionMiddleware``, so its save comes before that one's."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        session = getattr(request, "session", None)
        if session is None or response.status_code >= 500:
            return response
        try:
            logged_in = session.get(SESSION_KEY) is not None
        except DatabaseError:  # the session could not even be read
            return response
        if not logged_in or not session.session_key:
            return response
        now = int(time.time())
        if session.modified:
            # The view changed the session (a login, kept text): SessionMiddleware saves
            # it, and sends the cookie again, as it must after a login's new key.
            session[REFRESHED_AT] = now
            return response
        if not refresh_due(session, now):
            return response
        session[REFRESHED_AT] = now
        try:
            session.save()  # the row's end moves on to now + SESSION_COOKIE_AGE
        except (DatabaseError, UpdateError):
            logger.error("The session could not be refreshed: the database took no write.",
                         exc_info=True)
        # Saved here, same key (or it could not be): SessionMiddleware need not try again.
        session.modified = False
        return response


# --------------------------------------------------------------------------- the store

class SessionStore(DatabaseSessionStore):
    """Django's database sessions (``SESSION_ENGINE = "aids.sessions"``), read in one
    plain SQL statement instead of through the ORM: the session is read on every
    request, and the ORM's ``get`` costs ten times the query itself (about 260 against
    25 microseconds on SQLite), which made a logged-in page cost twice an anonymous one.
    The same table, rows, expiry rule and writes as Django's; only the read differs."""

    def load(self):
        data = self._read_session_data()
        return self.decode(data) if data is not None else {}

    def _read_session_data(self):
        """The row's encoded data, or None (and no key) when there is no live row."""
        key = self.session_key
        if not key:
            self._session_key = None
            return None
        table = connection.ops.quote_name(self.model._meta.db_table)
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT session_data FROM {table} WHERE session_key = %s AND expire_date > %s",
                [key, connection.ops.adapt_datetimefield_value(timezone.now())],
            )
            row = cursor.fetchone()
        if row is None:
            self._session_key = None
            return None
        return row[0]
