"""Typed text kept in the session when a post could not be saved (the login had ended).

``KeepTypedTextOnExpiryMiddleware`` puts the posted fields here under the page's
path; the page's next GET takes them back (``stash_pop``) and puts them in the
form, once. A successful save forgets them (``stash_clear``).
"""

from django.http import QueryDict

STASH_KEY = "typed_text_stash"
NOT_STASHED = {"csrfmiddlewaretoken"}
# Bounds on what an anonymous POST may park in a session: room for every field of
# the largest step filled to its limit, and a few pages, but not a dumping ground.
STASH_MAX_CHARS = 1_000_000
STASH_MAX_PAGES = 3


def stash_put(session, path, post):
    """Keep the posted fields for ``path`` (refused silently above the bounds)."""
    fields = {k: post.getlist(k) for k in post if k not in NOT_STASHED}
    if sum(len(k) + sum(len(v) for v in values) for k, values in fields.items()) > STASH_MAX_CHARS:
        return
    stash = dict(session.get(STASH_KEY) or {})
    stash.pop(path, None)
    stash[path] = fields  # newest last
    while len(stash) > STASH_MAX_PAGES:
        stash.pop(next(iter(stash)))
    session[STASH_KEY] = stash


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
