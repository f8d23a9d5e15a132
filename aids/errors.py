"""What a post that cannot be saved answers: never a bare error page that loses the text.

- ``RequestTooLargeMiddleware``: a post larger than ``DATA_UPLOAD_MAX_MEMORY_SIZE``
  (the largest step the documented limits allow: aids/limits.py) or with more fields
  than ``DATA_UPLOAD_MAX_NUMBER_FIELDS`` cannot be read, so nothing of it can be
  shown back. It answers 413: JSON for a background save (autosave.js keeps the text
  in the page and says so), else a page saying that nothing was saved and that the
  text is still in the previous page (Back). Pages and the admin alike.
- ``server_error`` (``handler500``): a post that failed on the server (the database
  down, a full disk, a bug) answers a page that shows what was posted and can send it
  all again to the same address, or JSON 503 for a background save (autosave.js keeps
  the text in the page and tries again). Django has already logged the error
  (``django.request``, without the request body). Nothing here touches the database:
  the page is rendered without context processors (no user, no session).
"""

import logging
import re
import sys

from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent
from django.db import DatabaseError
from django.http import HttpResponse, HttpResponseServerError, JsonResponse
from django.middleware.csrf import get_token
from django.template import loader
from django.views.decorators.csrf import requires_csrf_token

from aids.limits import REQUEST_MAX_BYTES

logger = logging.getLogger(__name__)

TOO_LARGE_MESSAGE = (
    "Not saved: this page holds more text than can be sent at once "
    f"(more than {REQUEST_MAX_BYTES // 1_000_000} MB). Your text is still in this page: "
    "shorten it (each note holds up to 50,000 characters) and save again."
)
UNAVAILABLE_MESSAGE = (
    "Not saved: the server cannot save just now. Your text is kept in this page and "
    "will be sent again."
)
_DRAIN_CHUNK = 1 << 20
_DRAIN_MAX = 4 * REQUEST_MAX_BYTES


def _autosave(request):
    return request.headers.get("X-Autosave") == "1"


def _drain(request):
    """Read what is left of the body, so that the browser gets the answer instead of a
    reset connection (it is still sending when the server stops reading)."""
    stream = getattr(request, "_stream", None)
    if stream is None:
        return
    read = 0
    try:
        while read < _DRAIN_MAX:
            chunk = stream.read(_DRAIN_CHUNK)
            if not chunk:
                break
            read += len(chunk)
    except OSError:
        pass


def too_large(request):
    _drain(request)
    if _autosave(request):
        return JsonResponse({"saved": False, "too_large": True, "message": TOO_LARGE_MESSAGE}, status=413)
    html = loader.get_template("too_large.html").render({"limit_mb": REQUEST_MAX_BYTES // 1_000_000})
    return HttpResponse(html, status=413)


class RequestTooLargeMiddleware:
    """Placed before CsrfViewMiddleware, which would otherwise be the first to read
    the body and turn the refusal into a bare 400."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.method == "POST":
            try:
                request.POST  # noqa: B018  read (and check) the body now
            except (RequestDataTooBig, TooManyFieldsSent):
                logger.warning("A post to %s was too large to read (Content-Length %s).",
                               request.path, request.META.get("CONTENT_LENGTH", "?"))
                return too_large(request)
        return self.get_response(request)


# Never shown back: what a login or password form held.
_SECRET = re.compile(r"pass|secret|token|csrf", re.I)
_MACHINE = {"revision", "view", "nav", "move"}


def _label(name):
    """'questions-3-answer' -> 'Questions 4: answer'."""
    parts = name.replace("_", " ").split("-")
    words = []
    for part in parts:
        words.append(str(int(part) + 1) if part.isdigit() else part)
    label = " ".join(words).strip()
    return label[:1].upper() + label[1:]


def posted_fields(request):
    """[(name, value)] of what was posted (secrets left out), or [] if unreadable."""
    try:
        post = request.POST
    except Exception:  # noqa: BLE001  the body itself was the problem
        return []
    return [(name, value) for name in post if not _SECRET.search(name) for value in post.getlist(name)]


def typed(fields):
    """[(label, text)]: the posted values a person typed (not ids, counts or choices)."""
    shown = []
    for name, value in fields:
        text = value.strip()
        if (not text or name in _MACHINE or name.endswith(("-id", "_FORMS", "-ORDER", "-DELETE"))
                or re.fullmatch(r"[\w.:,-]{0,12}", text)):
            continue
        shown.append((_label(name), value))
    return shown


@requires_csrf_token
def server_error(request, template_name="500.html"):
    exc = sys.exc_info()[1]
    database = isinstance(exc, DatabaseError)
    status = 503 if database else 500
    if request.method == "POST" and "/accounts/" not in request.path:
        if _autosave(request):
            return JsonResponse({"saved": False, "unavailable": True, "message": UNAVAILABLE_MESSAGE},
                                status=status)
        fields = posted_fields(request)
        if fields:
            html = loader.get_template("not_saved.html").render({
                "database": database,
                "action": request.path,
                "fields": fields,
                "typed": typed(fields),
                "csrf_token": get_token(request),
            })
            return HttpResponse(html, status=status)
    return HttpResponseServerError(loader.get_template(template_name).render())
