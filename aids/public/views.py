"""The public pages: no login, no patient data, no cookie.

The reading-at-home page shows a published (or since retired) version's content in
the walkthrough's layers: a line per item, the rest one activation away. A version
never changes once published, so the page is cacheable; its ETag also names the
newest published version, because the page says when one has replaced it.

The CollaboRATE page is reached by a one-time link (``aids.collaborate``). It names
no patient, clinician or aid. Its form needs no CSRF token: the link's token is the
only credential, it is in the address, and the page acts on no session (a forged
post could only do what the link's holder can).
"""

from django.contrib.auth.decorators import login_not_required
from django.http import Http404
from django.shortcuts import render
from django.urls import reverse
from django.utils.cache import patch_cache_control
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import condition, require_http_methods

from aids import collaborate
from aids.models import AidVersion
from aids.readmodel import grid_answers, references_prefetch, topic_items
from aids.vocabulary import STEPS, TOPIC_BY_KEY, content_topic_order
from aids.walkthrough.rows import Fields, rows_html

PUBLIC_STATUSES = (AidVersion.Status.PUBLISHED, AidVersion.Status.RETIRED)
# The topics' headings in the patient's words (the walkthrough's are the clinician's).
TOPIC_TITLES = {"benefits": "Possible benefits", "risks": "Possible risks",
                "criteria": "When this procedure is considered",
                "alternatives": "The choices, side by side"}
CACHE_SECONDS = 3600  # the page changes only when a newer version is published


def _version(slug, number):
    version = (AidVersion.objects.select_related("aid")
               .filter(aid__slug=slug, number=number, status__in=PUBLIC_STATUSES).first())
    if version is None:
        raise Http404("No published version of that aid has this number.")
    return version


def _newest_number(version):
    newest = version.aid.current_version()
    return newest.number if newest else None


def _etag(request, slug, number):
    version = (AidVersion.objects.filter(aid__slug=slug, number=number, status__in=PUBLIC_STATUSES)
               .values("digest", "aid_id", "number").first())
    if version is None:
        return None
    newest = (AidVersion.objects.filter(aid_id=version["aid_id"], status=AidVersion.Status.PUBLISHED)
              .order_by("-number").values_list("number", flat=True).first())
    return f'"v{version["number"]}-{version["digest"][:32]}-{newest or 0}"'


@login_not_required
@require_http_methods(["GET", "HEAD"])
@condition(etag_func=_etag)
def aid_page(request, slug, number):
    version = _version(slug, number)
    newest = _newest_number(version)
    topics = []
    for key in content_topic_order(version):
        items = list(topic_items(version, key, with_forms=False))
        topics.append({"key": key, "title": TOPIC_TITLES.get(key, STEPS[key].title), "items": items,
                       # The walkthrough's rows without the clinician's fields.
                       "rows": rows_html(version, None, TOPIC_BY_KEY[key].kind, [(i, Fields()) for i in items])})
    grid_answers(version)  # the option grid's questions and answers, prefetched
    response = render(request, "public/aid.html", {
        "version": version, "topics": topics,
        "sections": list(version.sections.prefetch_related(references_prefetch())),
        "references": list(version.references.all()),
        "contributors": [c for c in version.contributors.all() if c.names_a_person],
        "newest": newest if newest and newest != version.number else None,
        "newest_url": _newer_path(version, newest),
    })
    patch_cache_control(response, public=True, max_age=CACHE_SECONDS)
    return response


def _newer_path(version, newest):
    if not newest or newest == version.number:
        return ""
    return reverse("public_aid", args=[version.aid.slug, newest])


REFUSED = {
    "unknown": (404, "This link does not work",
                "The address may have been typed or copied with a mistake. Check it against the "
                "paper copy and try again. If it still does not work, you do not need to do "
                "anything: the questions are optional."),
    "used": (410, "These questions have been answered",
             "Answers for this visit have already been sent through this link, and each link "
             "works once. Thank you. There is nothing more to do."),
    "expired": (410, "This link has expired",
                "The link worked for a few days after the visit, and that time has passed. There "
                "is nothing more to do, and thank you for thinking of it."),
}


@login_not_required
@csrf_exempt
@require_http_methods(["GET", "POST"])
def collaborate_page(request, token):
    """The three CollaboRATE questions, answered once through the link's token."""
    shared = request.GET.get("screen") == "shared"
    try:
        collaborate.invite_open(token)
    except collaborate.InviteRefused as exc:
        return _refused(request, exc.reason)
    errors, chosen = [], {}
    if request.method == "POST":
        for key in collaborate.ITEM_KEYS:
            raw = request.POST.get(key, "")
            chosen[key] = raw
            if raw not in {str(n) for n in collaborate.SCALE}:
                errors.append(key)
        if not errors:
            try:
                collaborate.response_submit(
                    token=token, answers={k: int(v) for k, v in chosen.items()})
            except collaborate.InviteRefused as exc:
                return _refused(request, exc.reason)
            return _no_store(render(request, "public/collaborate_thanks.html", {"shared": shared}))
    items = [{"key": key, "number": n, "text": text, "chosen": chosen.get(key, ""),
              "error": key in errors}
             for n, (key, text) in enumerate(collaborate.ITEMS, start=1)]
    response = render(request, "public/collaborate.html", {
        "items": items, "errors": [i for i in items if i["error"]], "shared": shared,
        "scale": collaborate.SCALE, "anchors": collaborate.SCALE_ANCHORS,
        "opening": collaborate.OPENING, "citation": collaborate.CITATION,
        "licence": collaborate.LICENCE,
    }, status=400 if errors else 200)
    return _no_store(response)


def _refused(request, reason):
    status, title, text = REFUSED[reason]
    return _no_store(render(request, "public/collaborate_refused.html",
                            {"title": title, "text": text, "reason": reason}, status=status))


def _no_store(response):
    # The address holds the token: no cache keeps the page, no Referer carries it on.
    response["Referrer-Policy"] = "no-referrer"
    return response
