"""Typed text kept in the session when a post could not be saved (the login had ended).

``KeepTypedTextOnExpiryMiddleware`` puts the posted fields here under the page's
path; the page's next GET takes them back (``stash_pop``) and puts them in the
form, once. A successful save forgets them (``stash_clear``).
"""

from django.http import QueryDict

from aids.limits import STEP_MAX_CHARS

STASH_KEY = "typed_text_stash"
NOT_STASHED = {"csrfmiddlewaretoken"}
# Bounds on what an anonymous POST may park in a session: every field of the largest
# step filled to its limit (whatever a step accepts is kept), and a few pages, but
# not a dumping ground: older pages go first when the total is above the bound.
STASH_MAX_CHARS = STEP_MAX_CHARS
STASH_MAX_PAGES = 3


def _size(fields):
    return sum(len(k) + sum(len(v) for v in values) for k, values in fields.items())


def stash_put(session, path, post):
    """Keep the posted fields for ``path``; False (nothing kept) above the bounds,
    which no step's valid post reaches: the caller says so."""
    fields = {k: post.getlist(k) for k in post if k not in NOT_STASHED}
    if _size(fields) > STASH_MAX_CHARS:
        return False
    stash = dict(session.get(STASH_KEY) or {})
    stash.pop(path, None)
    stash[path] = fields  # newest last
    while len(stash) > STASH_MAX_PAGES or sum(_size(f) for f in stash.values()) > STASH_MAX_CHARS:
        stash.pop(next(iter(stash)))
    session[STASH_KEY] = stash
    return True


def stash_pop(request, path=None):
    """The fields kept for ``path`` (default: this page) as a QueryDict, or None."""
    stash = request.session.get(STASH_KEY)
    path = path or request.path
    if not stash or path not in stash:
        return None
    fields = stash.pop(path)
    request.session[STASH_KEY] = stash
    data = QueryDict(mutable=True)
    for key, values in fields.items():
        data.setlist(key, values)
    return data


def stash_clear(request, path=None):
    """Forget kept text for a page once it has been saved another way."""
    stash = request.session.get(STASH_KEY)
    path = path or request.path
    if stash and path in stash:
        stash.pop(path)
        request.session[STASH_KEY] = stash
