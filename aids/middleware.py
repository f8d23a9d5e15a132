"""Nothing typed is lost when the session expires mid-consultation; nothing is kept
for anyone else.

When the login session has ended, a POST to a consultation page (a step, the
start form, an addendum) would otherwise be answered with a redirect to the
login page and the typed text thrown away. This middleware, placed after
``AuthenticationMiddleware`` and before ``LoginRequiredMiddleware``, finds whose
login it was (the expired session row the browser's cookie names, see
``aids.stash.owner_of_expired_session``), keeps the posted fields *for that user*
under the page's path (only where that user may open the consultation), then sends
the user to log in with ``?next=`` that page. After logging in, the page's next GET
by the same user finds the text and puts it back in the form (``stash_pop``), once.
Someone else logging in at the same browser gets nothing; a POST that no login
preceded keeps nothing at all (and creates no session).

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
from django.shortcuts import redirect, resolve_url
from django.utils.cache import add_never_cache_headers, patch_cache_control
from django.utils.http import urlencode
from django.urls import reverse

from aids.stash import owner_of_expired_session, stash_put

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


def _may_open(user, kwargs):
    """Text is kept only for a consultation the user may edit (their own)."""
    from aids.access import ConsultationNotFound, consultation_for

    if "pk" not in kwargs:
        return True  # the start form: no consultation yet
    try:
        consultation_for(user, kwargs["pk"])
    except ConsultationNotFound:
        return False
    return True


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
        owner = owner_of_expired_session(request)
        kept = None  # no login to keep it for: nothing kept, and nothing to say
        if owner is not None and _may_open(owner, view_kwargs):
            kept = stash_put(owner, page, request.POST)
        to_login = redirect_to_login(page, resolve_url(settings.LOGIN_URL))
        if request.headers.get("X-Autosave") == "1":
            return JsonResponse({"saved": False, "logged_out": True, "kept": bool(kept),
                                 "login_url": to_login.url}, status=401)
        if kept is False:
            messages.error(request, NOT_KEPT_MESSAGE)
        return to_login


class AskForReasonMiddleware:
    """A records auditor opening another clinician's record (or a download of it)
    without a reason given in this session is sent to the reason form first
    (``aids.access.ReasonRequired``), then back to what they asked for."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        from aids.access import ReasonRequired

        if not isinstance(exception, ReasonRequired):
            return None
        target = reverse("record_reason", args=[exception.pk])
        return redirect(f"{target}?{urlencode({'next': request.get_full_path()})}")


def _public(response):
    return "public" in {d.strip().split("=")[0] for d in response["Cache-Control"].split(",")}


class NoStoreMiddleware:
    """Nothing the app answers is kept by a browser or a proxy cache: pages show patient
    data, and a shared workstation's Back button must not show them after logging out.
    (Static files are answered by WhiteNoise, earlier, with their own long caching.)"""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if not response.has_header("Cache-Control"):
            add_never_cache_headers(response)
        elif _public(response):
            pass  # a page that holds no patient data and says so (aids/public/): cacheable
        elif "no-store" not in response["Cache-Control"]:
            patch_cache_control(response, no_store=True)
        return response
