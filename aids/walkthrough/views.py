"""The walkthrough: the consultation list, one view for every step, finalizing,
the record page and addenda.

Views are thin: access through ``consultation_or_404``, writes through the
services in ``aids.consultations`` (called by each page's ``save``), summaries
from the one read model (``aids.readmodel``). Views that take clinical text are
wrapped in ``sensitive_post_parameters`` so no error report can carry it;
nothing here logs posted text.
"""

import re
from contextlib import nullcontext
from dataclasses import dataclass, field

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponseNotAllowed, JsonResponse
from django.utils import translation
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _, gettext_lazy
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from aids.access import (
    OWNER,
    ConsultationNotFound,
    ReasonRequired,
    audit_detail,
    consultation_for,
    consultation_or_404,
    keep_reason,
    visible_consultations,
)
from aids.collaborate import collaborate_answered, invite_issue
from aids.consultations import (
    ConsultationFinal,
    NoPublishedVersion,
    RecordNotGenerated,
    StaleRevision,
    addendum_add,
    audit_record,
    chosen_aid,
    consultation_language_set,
    consultation_start,
    follow_up_candidates,
    published_aids,
    record_finalize,
    save_answered,
)
from aids.models import AuditEvent, Consultation
from aids.readmodel import record_data
from aids.stash import stash_clear, stash_pop
from aids.vocabulary import NOT_RATED, REVIEW, STEPS, neighbours
from aids.walkthrough.conflicts import conflict_rows, typed_texts
from aids.walkthrough.forms import AddendumForm, ReasonForm, SearchForm, StartForm
from aids.walkthrough.listing import consultation_page
from aids.walkthrough.pages import PAGES
from aids.walkthrough.steps import navigation

PATIENT_VIEW = "patient_view"
LOGGED_OUT_MESSAGE = gettext_lazy(
    "You were logged out. What you had typed is back in the form; check it and save."
)
FINALIZE_LOGGED_OUT_MESSAGE = gettext_lazy(
    "You were logged out before the record was finalized: nothing was finalized. "
    "Check the review and finalize it when ready."
)
FINAL_MESSAGE = gettext_lazy(
    "This record is final and can no longer be changed: nothing was saved. "
    "To correct or add something, add a dated addendum on the record page."
)
CONFLICT_MESSAGE = gettext_lazy(
    "This step was changed in another tab or window after this page was opened. "
    "Nothing has been overwritten."
)


def _step_url(consultation, key):
    return reverse("consultation_step", args=[consultation.pk, key])


def _view_switch(request):
    """Apply ``?view=patient`` or ``?view=clinician``; answer a redirect to the clean URL."""
    wanted = request.GET.get("view")
    if wanted in ("patient", "clinician"):
        request.session[PATIENT_VIEW] = wanted == "patient"
        return redirect(request.path)
    return None


def _is_patient_view(request):
    return bool(request.session.get(PATIENT_VIEW))


def _patient_language(consultation, patient_view):
    """The patient's view renders in the language chosen for the patient
    (``consultation.language_code``); the clinician's view in the site's language."""
    if patient_view and consultation.language_code:
        return translation.override(consultation.language_code)
    return nullcontext()


def _set_language(request, consultation, code):
    try:
        consultation_language_set(consultation=consultation, language_code=code)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    except ConsultationFinal:
        messages.error(request, FINAL_MESSAGE)


# --------------------------------------------------------------------------- list and start


def home(request):
    """The clinician's own consultations (and their team's), newest first, a page at a
    time (``aids.walkthrough.listing``), searchable by the start of the reference."""
    form = SearchForm(request.GET or None)
    query = ""
    if form.is_valid():
        query = form.cleaned_data["q"].strip()
    page = consultation_page(
        request.user, query=query, older=request.GET.get("older", ""),
        newer=request.GET.get("newer", ""), last=request.GET.get("page") == "last",
    )
    return render(request, "walkthrough/list.html", {"page": page, "search": form, "query": query})


def _earlier_visit(request):
    """The finalized consultation ``?follow=<pk>`` names, if this user may open it."""
    pk = _int(request.GET.get("follow"))
    return visible_consultations(request.user).filter(
        pk=pk, status=Consultation.Status.FINAL).select_related("version__aid").first()


@sensitive_post_parameters()
@require_http_methods(["GET", "POST"])
def consultation_new(request):
    """Start a consultation. With several published aids the clinician first chooses the
    decision (``?aid=<slug>``); with one, the form shows at once. A reference that
    matches a finalized record of theirs or their team's is offered as a follow-up."""
    data = request.POST if request.method == "POST" else stash_pop(request)
    if request.method == "GET" and data is not None:
        messages.warning(request, LOGGED_OUT_MESSAGE)
    earlier = _earlier_visit(request) if request.method == "GET" else None
    slug = (data or {}).get("start-aid") or request.GET.get("aid") or (
        earlier.version.aid.slug if earlier else None)
    aids = list(published_aids())
    try:
        aid = chosen_aid(slug)
    except NoPublishedVersion as exc:
        aid = None
        if request.method == "POST" or (slug and aids):  # e.g. a decision retired meanwhile
            messages.error(request, str(exc))
    except ValidationError as exc:  # several published, none chosen
        if request.method == "POST":
            messages.error(request, exc.messages[0])
        return render(request, "walkthrough/choose_aid.html", {"aids": aids})
    if aid is None:
        if aids:  # the decision named is retired or unknown: choose again among those published
            return render(request, "walkthrough/choose_aid.html", {"aids": aids})
        return render(request, "walkthrough/new.html", {"form": None, "version": None, "aids": aids})
    version = aid.current_version()
    initial = {"aid": aid.slug}
    if earlier is not None:
        initial.update(patient_ref=earlier.patient_ref, follow_up_of=str(earlier.pk))
    ref = (data or {}).get("start-patient_ref") if data is not None else initial.get("patient_ref")
    candidates = follow_up_candidates(request.user, ref, aid)
    form = StartForm(data, prefix="start", version=version, earlier=candidates, initial=initial,
                     starting=True)
    if request.method == "POST" and form.is_valid():
        try:
            consultation = consultation_start(clinician=request.user, **form.start_values())
        except NoPublishedVersion as exc:
            messages.error(request, str(exc))
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            stash_clear(request)
            return redirect(_step_url(consultation, "decision"))
    return render(request, "walkthrough/new.html", {
        "form": form, "version": version, "aids": aids, "several": len(aids) > 1,
    })


def consultation_resume(request, pk):
    consultation = consultation_or_404(request.user, pk)
    if consultation.is_final:
        return redirect("consultation_record", pk=pk)
    visited = [k for k in consultation.visited_steps or [] if k in STEPS]
    return redirect(_step_url(consultation, visited[-1] if visited else "start"))


# --------------------------------------------------------------------------- steps


def _render_step(request, consultation, page, *, revision, conflict=None, status=200):
    context = {
        "consultation": consultation,
        "version": consultation.version,
        "page": page,
        "step": page.step,
        **navigation(consultation, page.key),
        "revision": revision,
        "patient_view": page.patient_view,
        "conflict": conflict,
        "max_bytes": settings.DATA_UPLOAD_MAX_MEMORY_SIZE,  # autosave.js checks before sending
        **page.context(),
    }
    return render(request, page.template, context, status=status)


# The header autosave.js sends with each edit (the same again when it retries one).
IDEMPOTENCY_HEADER = "Idempotency-Key"
_KEY = re.compile(r"[A-Za-z0-9_-]{8,64}")


def _save_key(request):
    key = request.headers.get(IDEMPOTENCY_HEADER, "")
    return key if _KEY.fullmatch(key) else None


def _int(value, default=-1):
    try:
        return int(value)
    except (TypeError, ValueError):
        return default


@sensitive_post_parameters()
@require_http_methods(["GET", "POST"])
def step(request, pk, key):
    consultation = consultation_or_404(request.user, pk)
    if key == "review":
        if request.method == "POST":  # the review only shows; finalizing has its own URL
            if consultation.is_final:
                return _refuse_final(request, consultation, request.headers.get("X-Autosave") == "1")
            return HttpResponseNotAllowed(["GET"])
        return review(request, consultation)
    page_class = PAGES.get(key)
    if page_class is None:
        raise Http404(_("No such step."))
    if request.method == "POST":
        return _step_post(request, consultation, page_class)

    switched = _view_switch(request)
    if switched:
        return switched
    if consultation.is_final:
        messages.info(request, _("This record is final. It can be read here; corrections are added as addenda."))
        return redirect("consultation_record", pk=pk)
    data = stash_pop(request)
    patient_view = data.get("view") == "patient" if data is not None else _is_patient_view(request)
    with _patient_language(consultation, patient_view):
        if data is not None:
            messages.warning(request, str(LOGGED_OUT_MESSAGE))
            page = page_class(consultation, data=data, patient_view=patient_view)
            revision = _int(data.get("revision"))
        else:
            page = page_class(consultation, patient_view=patient_view)
            revision = int((consultation.step_revisions or {}).get(key, 0))
        return _render_step(request, consultation, page, revision=revision)


@dataclass
class Outcome:
    """What a step POST came to. ``_answer`` renders it, as JSON for a background
    save (header ``X-Autosave: 1``) or as HTML, in one place."""

    kind: str  # "saved", "invalid", "conflict" or "final"
    page: object
    revision: int = -1
    new_question_ids: dict = field(default_factory=dict)
    errors: object = None  # invalid: {field: [messages]} from forms, or [messages] from a service
    conflict: list = field(default_factory=list)  # [(label, saved now, this tab)]


def _step_post(request, consultation, page_class):
    posted_view = request.POST.get("view")
    patient_view = posted_view == "patient" if posted_view else _is_patient_view(request)
    with _patient_language(consultation, patient_view):
        page = page_class(consultation, data=request.POST, patient_view=patient_view)
        return _answer(request, _attempt(request, consultation, page))


def _attempt(request, consultation, page):
    """Validate and save a posted page; never raises for what a user can cause."""
    revision = _int(request.POST.get("revision"))
    key = _save_key(request)
    answered = save_answered(consultation=consultation, step=page.key, key=key)
    if answered is not None:  # a retry of a save whose reply was lost: its answer again
        return Outcome("saved", page, answered.revision, new_question_ids=answered.new_question_ids)
    if consultation.is_final:
        return Outcome("final", page)
    if not page.is_valid():
        errors = {f.add_prefix(name): [str(e) for e in errs]
                  for f in page.forms() for name, errs in f.errors.items()}
        return Outcome("invalid", page, revision, errors=errors)
    try:
        result = page.save(user=request.user, revision=revision, key=key)
    except ConsultationFinal:
        return Outcome("final", page)
    except ValidationError as exc:
        return Outcome("invalid", page, revision, errors=exc.messages)
    except StaleRevision as stale:
        consultation.refresh_from_db()
        saved = type(page)(consultation, patient_view=page.patient_view)
        rows = conflict_rows(page, saved)
        if rows:
            return Outcome("conflict", page, stale.current, conflict=rows)
        return Outcome("saved", page, stale.current)  # the same data: nothing to write
    return Outcome("saved", page, result.revision, new_question_ids=result.new_question_ids)


def _answer(request, outcome):
    autosave = request.headers.get("X-Autosave") == "1"
    page = outcome.page
    if outcome.kind == "final":
        return _refuse_final(request, page.consultation, autosave, texts=typed_texts(page))
    if outcome.kind == "invalid":
        if autosave:
            return JsonResponse({"saved": False, "invalid": True, "errors": outcome.errors}, status=400)
        if isinstance(outcome.errors, list):  # a service's refusal: not tied to one field
            for message in outcome.errors:
                messages.error(request, message)
        return _render_step(request, page.consultation, page, revision=outcome.revision)
    if outcome.kind == "conflict":
        if autosave:
            return JsonResponse(
                {"saved": False, "conflict": True, "revision": outcome.revision,
                 "message": " ".join([str(CONFLICT_MESSAGE), _("Press Save to see both versions.")])},
                status=409,
            )
        return _render_step(request, page.consultation, page, revision=outcome.revision,
                            conflict=outcome.conflict, status=409)
    stash_clear(request)
    if autosave:
        return JsonResponse({
            "saved": True,
            "revision": outcome.revision,
            "set": {f"questions-{i}-id": str(pk) for i, pk in outcome.new_question_ids.items()},
        })
    return _navigate(request, page)


def _refuse_final(request, consultation, autosave, texts=()):
    if autosave:
        return JsonResponse({"saved": False, "final": True, "message": str(FINAL_MESSAGE)}, status=409)
    return render(request, "walkthrough/final_refused.html", {
        "consultation": consultation, "message": str(FINAL_MESSAGE), "texts": list(texts),
    }, status=409)


def _navigate(request, page):
    consultation = page.consultation
    nav = request.POST.get("nav", "stay")
    move = request.POST.get("move", "")
    here = _step_url(consultation, page.key)
    if move:
        return redirect(f"{here}#card-{move.partition(':')[2]}")
    if nav.startswith("view:"):
        request.session[PATIENT_VIEW] = nav == "view:patient"
        return redirect(here)
    if nav.startswith("language:"):  # the language switch, posted with the step's form
        _set_language(request, consultation, nav.partition(":")[2])
        return redirect(here)
    previous, following = neighbours(consultation, page.key)
    if nav == "next" and following:
        return redirect(_step_url(consultation, following.key))
    if nav == "back" and previous:
        return redirect(_step_url(consultation, previous.key))
    if nav.startswith("goto:") and nav[5:] in STEPS:
        return redirect(_step_url(consultation, nav[5:]))
    messages.success(request, _("Saved."))
    return redirect(here)


# --------------------------------------------------------------------------- review, finalize, record


def review(request, consultation):
    switched = _view_switch(request)
    if switched:
        return switched
    finalize_refused = stash_pop(request) is not None  # a finalize posted after the login ended
    if consultation.is_final:
        return redirect("consultation_record", pk=consultation.pk)
    patient_view = _is_patient_view(request)
    audit_record(consultation=consultation, user=request.user, action=AuditEvent.Action.VIEWED,
                 detail="review")
    with _patient_language(consultation, patient_view):
        data = record_data(consultation=consultation, translated=patient_view)  # the patient's language
        if finalize_refused:
            messages.warning(request, str(FINALIZE_LOGGED_OUT_MESSAGE))
        return render(request, "walkthrough/review.html", {
            "consultation": consultation,
            "version": data.version,
            "data": data,
            **navigation(consultation, REVIEW.key),
            "step": REVIEW,
            "patient_view": patient_view,
        })


# The field the confirmation page posts: without it, nothing is finalized.
FINALIZE_CONFIRM = "confirm"


def _empty_sections(consultation, data):
    """[(what is missing, the step to fill it on)] for each part of the record left
    empty: what the confirmation lists before finalizing."""
    c = consultation
    empty = [
        (not data.present, _("Who was present: not recorded"), "start"),
        (not data.sure_before.answered, _("The SURE questions at the start: not asked"), "decision"),
        (all(v.rating == NOT_RATED for v in data.values) and not c.values_own_words.strip(),
         _("What matters to the patient: nothing rated and nothing in their own words"), "values"),
        (not data.questions, _("The patient's questions: none recorded"), "questions"),
        (data.understanding and not any(u.answered for u in data.understanding),
         _("Checking understanding: no answers"), "questions"),
        (not data.sure_after.answered, _("The SURE questions after the discussion: not asked"), "questions"),
        (not c.positions and not c.position_words.strip(), _("Where the patient stands: not recorded"), "next"),
        (not c.next_steps.strip(), _("Agreed next steps: none typed"), "next"),
    ]
    return [(label, STEPS[key]) for missing, label, key in empty if missing]


@require_GET
def finalize_confirm(request, pk):
    """Before finalizing: what the record will list as not discussed, and which of its
    sections are empty. Finalizing is one more, deliberate, click from here."""
    consultation = consultation_or_404(request.user, pk)
    switched = _view_switch(request)
    if switched:
        return switched
    if consultation.is_final:
        return redirect("consultation_record", pk=pk)
    audit_record(consultation=consultation, user=request.user, action=AuditEvent.Action.VIEWED,
                 detail="finalize confirmation")
    patient_view = _is_patient_view(request)
    with _patient_language(consultation, patient_view):
        data = record_data(consultation=consultation)
        return render(request, "walkthrough/finalize_confirm.html", {
            "consultation": consultation,
            "version": consultation.version,
            "not_discussed": data.not_discussed,
            "empty": _empty_sections(consultation, data),
            "confirm_field": FINALIZE_CONFIRM,
            **navigation(consultation, REVIEW.key),
            "step": REVIEW,
            "patient_view": patient_view,
        })


@require_POST
def consultation_language(request, pk):
    """The language switch of the shared screen (pages without a step form): the
    language the patient-facing side is shown in. Back to the page it was pressed on."""
    consultation = consultation_or_404(request.user, pk)
    _set_language(request, consultation, request.POST.get("language", ""))
    here = reverse("consultation_resume", args=[pk])
    wanted = request.POST.get("next", "")
    if wanted.startswith(here) and url_has_allowed_host_and_scheme(
        wanted, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return redirect(wanted)
    return redirect(here)


@require_POST
def finalize(request, pk):
    consultation = consultation_or_404(request.user, pk)
    if request.POST.get(FINALIZE_CONFIRM) != "yes":
        # A stray click, or a post from anywhere but the confirmation: show it first.
        return redirect("consultation_finalize_confirm", pk=pk)
    try:
        _final, newly = record_finalize(consultation=consultation, user=request.user)
    except ConsultationNotFound:
        raise Http404("No such consultation.") from None
    except RecordNotGenerated as exc:
        then = _("Try again, and tell IT if it happens again.") if exc.retry else ""
        unchanged = _("Nothing was finalized; the consultation is unchanged.")
        messages.error(request, f"{exc} {unchanged} {then}".strip())
        return redirect(_step_url(consultation, "review"))
    if newly:
        messages.success(request, _("The record is final. Corrections can be added as dated addenda."))
    else:
        messages.info(request, _("This record was already final; nothing changed."))
    return redirect("consultation_record", pk=pk)


def _record_context(request, consultation, addendum_form=None):
    documents = list(consultation.documents.defer("pdf"))
    return {
        "consultation": consultation,
        "version": consultation.version,
        "data": record_data(consultation=consultation),
        "documents": documents,
        "audit": list(consultation.audit_events.select_related("user")),
        "is_owner": consultation.clinician_id == request.user.pk,
        "access": getattr(consultation, "access", OWNER),
        "access_reason": getattr(consultation, "access_reason", ""),
        "addendum_form": addendum_form,
        "patient_view": _is_patient_view(request),
        "collaborate_answered": collaborate_answered(consultation),
        **_visits(request.user, consultation),
    }


def _visits(user, consultation):
    """The record page's links between visits: the earlier one it follows up and the
    follow-ups of this one (those this user may open; a records auditor sees all), and
    whether this user may start another follow-up from it (its clinician or team)."""
    access = getattr(consultation, "access", OWNER)
    visible = Consultation.objects.all() if access == "auditor" else visible_consultations(user)
    follow_ups = list(visible.filter(follow_up_of=consultation).select_related("version")
                      .order_by("created_at", "pk"))
    earlier = None
    if consultation.follow_up_of_id:
        earlier = visible.filter(pk=consultation.follow_up_of_id).first()
    return {
        "earlier_visit": earlier,
        "follow_ups": follow_ups,
        "can_follow_up": consultation.is_final and access != "auditor",
    }


@sensitive_post_parameters()
def record(request, pk):
    """The record page: its clinician; read-only, their team and records auditors (who
    give a reason first, aids/access.py). Every opening is audited, with the reason."""
    consultation = consultation_or_404(request, pk, read_only=True)
    switched = _view_switch(request)
    if switched:
        return switched
    audit_record(consultation=consultation, user=request.user, action=AuditEvent.Action.VIEWED,
                 detail=audit_detail(consultation, "record"))
    form = None
    if consultation.is_final and consultation.clinician_id == request.user.pk:
        data = stash_pop(request)
        if data is not None:
            messages.warning(request, LOGGED_OUT_MESSAGE)
        form = AddendumForm(data, prefix="addendum")
    with _patient_language(consultation, _is_patient_view(request)):
        return render(request, "walkthrough/record.html", _record_context(request, consultation, form))


@require_POST
def collaborate_on_screen(request, pk):
    """Open the CollaboRATE questions on this screen, for the patient to answer alone once
    the clinician has stepped away (a new one-time link; the page shows no patient data)."""
    consultation = consultation_or_404(request.user, pk)
    if not consultation.is_final or collaborate_answered(consultation):
        messages.info(request, "The CollaboRATE questions are offered once the record is final, "
                      "and only until they are answered.")
        return redirect("consultation_record", pk=pk)
    token = invite_issue(consultation=consultation)
    return redirect(reverse("collaborate", args=[token]) + "?screen=shared")


@sensitive_post_parameters()
@require_POST
def addendum(request, pk):
    consultation = consultation_or_404(request.user, pk)
    form = AddendumForm(request.POST, prefix="addendum")
    if form.is_valid():
        try:
            addendum_add(consultation=consultation, user=request.user, text=form.cleaned_data["text"])
        except ConsultationNotFound:
            raise Http404("No such consultation.") from None
        except ValidationError as exc:
            form.add_error(None, exc)
        except RecordNotGenerated as exc:
            kept = _("The addendum was not added; your text is kept below.")
            form.add_error(None, f"{exc} {kept}")
        else:
            stash_clear(request, reverse("consultation_record", args=[pk]))
            messages.success(request, _("The addendum was added."))
            return redirect("consultation_record", pk=pk)
    context = _record_context(request, consultation, form)
    return render(request, "walkthrough/record.html", context)


def _record_next(request, pk):
    """Where the reason form leads: the record page, or one of its downloads."""
    wanted = request.POST.get("next") or request.GET.get("next") or ""
    prefix = reverse("consultation_record", args=[pk])
    if wanted.startswith(prefix) and url_has_allowed_host_and_scheme(
        wanted, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return wanted
    return prefix


@sensitive_post_parameters()
@require_http_methods(["GET", "POST"])
def record_reason(request, pk):
    """A records auditor says why they open another clinician's record, before it is
    shown. The reason goes into every audit event of this view and its downloads."""
    next_url = _record_next(request, pk)
    try:
        consultation_for(request.user, pk, read_only=True)
    except ConsultationNotFound:
        raise Http404("No such consultation.") from None
    except ReasonRequired:
        pass  # an auditor, and not their own or their team's record: ask
    else:
        return redirect(next_url)  # their own or their team's: no reason needed
    form = ReasonForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        keep_reason(request.session, pk, form.cleaned_data["reason"])
        return redirect(next_url)
    return render(request, "walkthrough/record_reason.html", {
        "form": form, "record_id": f"SDM-{pk:06d}", "next": next_url,
    }, status=200)
