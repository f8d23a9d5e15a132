"""Typed text kept when a post could not be saved because the login had just ended.

``KeepTypedTextOnExpiryMiddleware`` finds whose login it was (``owner_of_expired_session``:
the browser's session cookie names a session row past its expiry date that was logged
in, recently, as an active user whose password has not changed since) and keeps the
posted fields for that user under the page's path (``stash_put``), in the database
(``KeptText``), never in the anonymous session. Nothing is kept for a post that no
login preceded, nor for a consultation that user may not open.

The page's next GET, by that same user, takes them back (``stash_pop``) and puts them
in the form, once; anyone else who logs in at the same browser gets nothing. A
successful save forgets them (``stash_clear``). Each user has at most
``STASH_MAX_PAGES`` pages kept, each at most ``STASH_MAX_CHARS`` characters, for at
most ``KEEP_FOR``.
"""

import datetime

from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY, get_user_model
from django.contrib.sessions.models import Session
from django.http import QueryDict
from django.utils import timezone
from django.utils.crypto import constant_time_compare

from aids.models import KeptText

from aids.limits import STEP_MAX_CHARS

NOT_STASHED = {"csrfmiddlewaretoken"}
# Session engines whose rows are the django_session table (an expired row names its user).
DATABASE_SESSION_ENGINES = {"aids.sessions", "django.contrib.sessions.backends.db"}
OWNER_KEY = "typed_text_owner"
KEPT_KEY = "typed_text_kept"  # this login's user has text kept (``stash_note_on_login``)
# Room for every field of the largest step filled to its limit (whatever a step
# accepts is kept), and a few pages.
STASH_MAX_CHARS = STEP_MAX_CHARS
STASH_MAX_PAGES = 3
# How long after a login ended its typed text may still be kept, and is then kept.
KEEP_FOR = datetime.timedelta(hours=12)


def _size(fields):
    return sum(len(k) + sum(len(v) for v in values) for k, values in fields.items())


def _active_user(pk, session_hash):
    user = get_user_model()._default_manager.filter(pk=pk, is_active=True).first()
    if user is None or not constant_time_compare(session_hash or "", user.get_session_auth_hash()):
        return None
    return user


def owner_of_expired_session(request):
    """The user whose login this browser's session was, if it ended (expired) within
    ``KEEP_FOR``; else None. A session that was never logged in, was logged out (its
    row is deleted), or belongs to a user whose password changed since: None.

    The new anonymous session remembers the answer (``OWNER_KEY``), so the next posts
    before logging in (an autosave, then Save) are kept for the same user."""
    marker = request.session.get(OWNER_KEY)
    if marker:
        return _active_user(marker.get("user"), marker.get("hash"))
    key = request.COOKIES.get(settings.SESSION_COOKIE_NAME)
    if not key or settings.SESSION_ENGINE not in DATABASE_SESSION_ENGINES:
        return None
    now = timezone.now()
    row = Session.objects.filter(session_key=key, expire_date__lte=now,
                                 expire_date__gt=now - KEEP_FOR).first()
    if row is None:
        return None
    data = row.get_decoded()
    if not data.get(SESSION_KEY) or data.get(BACKEND_SESSION_KEY) not in settings.AUTHENTICATION_BACKENDS:
        return None
    user = _active_user(data[SESSION_KEY], data.get(HASH_SESSION_KEY))
    if user is not None:
        request.session[OWNER_KEY] = {"user": data[SESSION_KEY], "hash": data.get(HASH_SESSION_KEY)}
    return user


def _purge():
    KeptText.objects.filter(created_at__lt=timezone.now() - KEEP_FOR).delete()


def stash_put(user, path, post):
    """Keep the posted fields for ``user`` and ``path``; False (nothing kept) above the
    bounds, which no step's valid post reaches: the caller says so."""
    fields = {k: post.getlist(k) for k in post if k not in NOT_STASHED}
    size = _size(fields)
    if size > STASH_MAX_CHARS or len(path) > KeptText._meta.get_field("path").max_length:
        return False
    _purge()
    KeptText.objects.filter(user=user, path=path).delete()
    KeptText.objects.create(user=user, path=path, fields=fields, size=size)  # newest last
    stale = list(KeptText.objects.filter(user=user).order_by("-created_at", "-pk")
                 .values_list("pk", flat=True)[STASH_MAX_PAGES:])
    KeptText.objects.filter(pk__in=stale).delete()
    return True


def stash_pop(request, path=None):
    """The fields this user kept for ``path`` (default: this page) as a QueryDict, or None."""
    if not request.user.is_authenticated or not request.session.get(KEPT_KEY):
        return None  # nothing was kept in this browser's login: no query at all
    # A read of the page writes nothing unless there is text to give back (a page GET
    # must not need the database to take a write); old rows go when text is next kept.
    kept = KeptText.objects.filter(user=request.user, path=path or request.path,
                                   created_at__gte=timezone.now() - KEEP_FOR).first()
    if kept is None:
        _forget_if_none_left(request)
        return None
    kept.delete()
    data = QueryDict(mutable=True)
    for key, values in kept.fields.items():
        data.setlist(key, values)
    return data


def stash_clear(request, path=None):
    """Forget kept text for a page once it has been saved another way."""
    if request.user.is_authenticated and request.session.get(KEPT_KEY):
        KeptText.objects.filter(user=request.user, path=path or request.path).delete()
        _forget_if_none_left(request)


def stash_note_on_login(request, user):
    """At each login, note in the new session whether ``user`` has text kept: only a
    session with the note looks for kept text, so the other requests (every page and
    every save) ask the database nothing about it. The note goes once nothing is left."""
    if request is None or not hasattr(request, "session"):
        return
    if KeptText.objects.filter(user=user).exists():
        request.session[KEPT_KEY] = True
    else:
        request.session.pop(KEPT_KEY, None)


def _forget_if_none_left(request):
    if not KeptText.objects.filter(user=request.user).exists():
        request.session.pop(KEPT_KEY, None)
