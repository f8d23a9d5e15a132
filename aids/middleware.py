"""Nothing typed is lost when the session expires mid-consultation.

When the login session has ended, a POST to a consultation page (a step, the
start form, an addendum) would otherwise be answered with a redirect to the
login page and the typed text thrown away. This middleware, placed after
``AuthenticationMiddleware`` and before ``LoginRequiredMiddleware``, keeps the
posted fields in the (new, anonymous) session under the page's path, then sends
the user to log in with ``?next=`` that page. Django keeps session data across
login, so the page's next GET finds the text and puts it back in the form
(``stash_pop``), once, for the consultation's owner (anyone else gets a 404 from
the view before the stash is read).

Finalizing keeps nothing to type, but its URL only takes a POST: after logging
in, ``?next=`` it would answer a blank 405. It goes back to the review page
instead, which says that nothing was finalized (the stash marks it).

It works in ``process_view`` so that ``CsrfViewMiddleware`` (earlier in the
list) has already refused a forged POST: nothing from another site can be
planted in a form. An autosave request (header ``X-Autosave: 1``) gets a 401
JSON answer instead of a redirect, and its fields are kept too.
"""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.http import JsonResponse
from django.shortcuts import resolve_url
from django.urls import reverse

from aids.stash import stash_put

NOT_KEPT_MESSAGE = (
    "You were logged out, and what you had typed could not be kept: it was more text "
    "than any page holds. Nothing was saved. Go back to the page (browser Back) to copy it."
)

# URL name -> the page whose form gets the text back.
STASHABLE = {
    "consultation_step": lambda request, kwargs: request.path,
    "consultation_new": lambda request, kwargs: request.path,
    "addendum_add": lambda request, kwargs: reverse("consultation_record", args=[kwargs["pk"]]),
    "consultation_finalize": lambda request, kwargs: reverse("consultation_step", args=[kwargs["pk"], "review"]),
}


class KeepTypedTextOnExpiryMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        if request.method != "POST" or request.user.is_authenticated:
            return None
        match = request.resolver_match
        target = STASHABLE.get(match.url_name if match else None)
        if target is None:
            return None
        page = target(request, view_kwargs)
        kept = stash_put(request.session, page, request.POST)
        to_login = redirect_to_login(page, resolve_url(settings.LOGIN_URL))
        if request.headers.get("X-Autosave") == "1":
            return JsonResponse({"saved": False, "logged_out": True, "kept": kept,
                                 "login_url": to_login.url}, status=401)
        if not kept:
            messages.error(request, NOT_KEPT_MESSAGE)
        return to_login
