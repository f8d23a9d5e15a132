"""The walkthrough: the consultation list, one view for every step, finalizing,
the record page and addenda.

Views are thin: access through ``get_consultation_for``, writes through the
services in ``aids.consultations``. Views that take clinical text are wrapped in
``sensitive_post_parameters`` so no error report can carry it; nothing here logs
posted text.
"""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponseNotAllowed, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods, require_POST

from aids.consultations import (
    ConsultationFinal,
    NoPublishedVersion,
    RecordNotGenerated,
    SaveResult,
    StaleRevision,
    addendum_add,
    audit_record,
    consultation_start,
    get_consultation_for,
    record_finalize,
    step_save,
    topic_order_set,
)
from aids.middleware import stash_clear, stash_pop
from aids.models import Aid, AuditEvent, Consultation
from aids.walkthrough import steps
from aids.walkthrough.conflicts import conflict_rows, typed_texts
from aids.walkthrough.forms import AddendumForm, SearchForm, StartForm
from aids.walkthrough.pages import PAGES, TopicsPage
from aids.walkthrough.summary import build_summary

PATIENT_VIEW = "patient_view"
LOGGED_OUT_MESSAGE = (
    "You were logged out. What you had typed is back in the form; check it and save."
)
FINAL_MESSAGE = (
    "This record is final and can no longer be changed: nothing was saved. "
    "To correct or add something, add a dated addendum on the record page."
)
CONFLICT_MESSAGE = (
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


# --------------------------------------------------------------------------- list and start


def home(request):
    """The clinician's own consultations, newest first, searchable by reference."""
    form = SearchForm(request.GET or None)
    qs = Consultation.objects.filter(clinician=request.user).select_related("version")
    query = ""
    if form.is_valid():
        query = form.cleaned_data["q"].strip()
        if query:
            qs = qs.filter(patient_ref__icontains=query)
    page = Paginator(qs, 20).get_page(request.GET.get("page"))
    return render(request, "walkthrough/list.html", {"page": page, "search": form, "query": query})


@sensitive_post_parameters()
@require_http_methods(["GET", "POST"])
def consultation_new(request):
    aid = Aid.objects.filter(slug="tractotomy").first()
    version = aid.current_version() if aid else None
    if request.method == "POST":
        form = StartForm(request.POST, prefix="start")
        if form.is_valid():
            try:
                consultation = consultation_start(clinician=request.user, **form.values())
            except NoPublishedVersion as exc:
                messages.error(request, str(exc))
            except ValidationError as exc:
                form.add_error(None, exc)
            else:
                stash_clear(request)
                return redirect(_step_url(consultation, "decision"))
    else:
        data = stash_pop(request)
        if data is not None:
            messages.warning(request, LOGGED_OUT_MESSAGE)
        form = StartForm(data, prefix="start")
    return render(request, "walkthrough/new.html", {"form": form, "version": version})


def consultation_resume(request, pk):
    consultation = get_consultation_for(request.user, pk)
    if consultation.is_final:
        return redirect("consultation_record", pk=pk)
    visited = [k for k in consultation.visited_steps or [] if k in steps.STEPS]
    return redirect(_step_url(consultation, visited[-1] if visited else "start"))


# --------------------------------------------------------------------------- steps


def _render_step(request, consultation, page, *, revision, conflict=None, status=200):
    previous, following = steps.neighbours(consultation, page.key)
    taken = steps.sequence(consultation)
    number = next((i for i, s in enumerate(taken, start=1) if s.key == page.key), None)
    context = {
        "consultation": consultation,
        "version": consultation.version,
        "page": page,
        "step": page.step,
        "nav": steps.navigation(consultation, page.key),
        "previous": previous,
        "following": following,
        "number": number,
        "total": len(taken),
        "revision": revision,
        "patient_view": page.patient_view,
        "conflict": conflict,
        "is_skipped": page.key in set(consultation.skipped_topics or []),
        **page.context(),
    }
    return render(request, page.template, context, status=status)


def _int(value, default=-1):
    try:
        return int(value)
    except (TypeError, ValueError):
        return default


@sensitive_post_parameters()
@require_http_methods(["GET", "POST"])
def step(request, pk, key):
    consultation = get_consultation_for(request.user, pk)
    if key == "review":
        if request.method == "POST":  # the review only shows; finalizing has its own URL
            if consultation.is_final:
                return _refuse_final(request, None, request.headers.get("X-Autosave") == "1",
                                     consultation=consultation)
            return HttpResponseNotAllowed(["GET"])
        return review(request, consultation)
    page_class = PAGES.get(key)
    if page_class is None:
        raise Http404("No such step.")
    if request.method == "POST":
        return _step_post(request, consultation, page_class)

    switched = _view_switch(request)
    if switched:
        return switched
    if consultation.is_final:
        messages.info(request, "This record is final. It can be read here; corrections are added as addenda.")
        return redirect("consultation_record", pk=pk)
    data = stash_pop(request)
    if data is not None:
        messages.warning(request, LOGGED_OUT_MESSAGE)
        page = page_class(consultation, data=data, patient_view=data.get("view") == "patient")
        revision = _int(data.get("revision"))
    else:
        page = page_class(consultation, patient_view=_is_patient_view(request))
        revision = int((consultation.step_revisions or {}).get(key, 0))
    return _render_step(request, consultation, page, revision=revision)


def _refuse_final(request, page, autosave, consultation=None):
    if autosave:
        return JsonResponse({"saved": False, "final": True, "message": FINAL_MESSAGE}, status=409)
    return render(request, "walkthrough/final_refused.html", {
        "consultation": consultation or page.consultation, "message": FINAL_MESSAGE,
        "texts": typed_texts(page) if page else [],
    }, status=409)


def _step_post(request, consultation, page_class):
    autosave = request.headers.get("X-Autosave") == "1"
    posted_view = request.POST.get("view")
    patient_view = posted_view == "patient" if posted_view else _is_patient_view(request)
    page = page_class(consultation, data=request.POST, patient_view=patient_view)
    if consultation.is_final:
        return _refuse_final(request, page, autosave)
    revision = _int(request.POST.get("revision"))

    if not page.has_forms:  # a page that only shows content: nothing to save
        result = SaveResult(revision=revision)
    elif not page.is_valid():
        if autosave:
            errors = {
                f.add_prefix(name): [str(e) for e in errs]
                for f in page.forms() for name, errs in f.errors.items()
            }
            return JsonResponse({"saved": False, "invalid": True, "errors": errors}, status=400)
        return _render_step(request, consultation, page, revision=revision)
    else:
        try:
            result = _save(request, consultation, page, revision)
        except ConsultationFinal:
            return _refuse_final(request, page, autosave)
        except StaleRevision as stale:
            consultation.refresh_from_db()
            saved = page_class(consultation, patient_view=patient_view)
            rows = conflict_rows(page, saved)
            if rows:
                if autosave:
                    return JsonResponse(
                        {"saved": False, "conflict": True, "revision": stale.current,
                         "message": CONFLICT_MESSAGE + " Press Save to see both versions."},
                        status=409,
                    )
                return _render_step(
                    request, consultation, page, revision=stale.current, conflict=rows, status=409
                )
            result = SaveResult(revision=stale.current)  # the same data: nothing to write
        except ValidationError as exc:
            if autosave:
                return JsonResponse({"saved": False, "invalid": True, "errors": exc.messages}, status=400)
            for message in exc.messages:
                messages.error(request, message)
            return _render_step(request, consultation, page, revision=revision)

    stash_clear(request)
    if autosave:
        return JsonResponse({
            "saved": True,
            "revision": result.revision,
            "set": {f"questions-{i}-id": str(pk) for i, pk in result.new_question_ids.items()},
        })
    return _navigate(request, consultation, page)


def _save(request, consultation, page, revision):
    if isinstance(page, TopicsPage):
        order = page.posted_order()
        move = request.POST.get("move", "")
        direction, _, topic = move.partition(":")
        if topic in order and direction in ("up", "down"):
            i = order.index(topic)
            j = i - 1 if direction == "up" else i + 1
            if 0 <= j < len(order):
                order[i], order[j] = order[j], order[i]
        return topic_order_set(
            consultation=consultation, user=request.user, order=order,
            skipped=page.posted_skipped(), revision=revision,
        )
    return step_save(
        consultation=consultation, user=request.user, step=page.key, revision=revision,
        changes=page.changes(),
    )


def _navigate(request, consultation, page):
    consultation.refresh_from_db()
    nav = request.POST.get("nav", "stay")
    move = request.POST.get("move", "")
    here = _step_url(consultation, page.key)
    if move:
        return redirect(f"{here}#card-{move.partition(':')[2]}")
    if nav.startswith("view:"):
        request.session[PATIENT_VIEW] = nav == "view:patient"
        return redirect(here)
    previous, following = steps.neighbours(consultation, page.key)
    if nav == "next" and following:
        return redirect(_step_url(consultation, following.key))
    if nav == "back" and previous:
        return redirect(_step_url(consultation, previous.key))
    if nav.startswith("goto:") and nav[5:] in steps.STEPS:
        return redirect(_step_url(consultation, nav[5:]))
    messages.success(request, "Saved.")
    return redirect(here)


# --------------------------------------------------------------------------- review, finalize, record


def review(request, consultation):
    switched = _view_switch(request)
    if switched:
        return switched
    if consultation.is_final:
        return redirect("consultation_record", pk=consultation.pk)
    audit_record(consultation=consultation, user=request.user, action=AuditEvent.Action.VIEWED,
                 detail="review")
    previous, _following = steps.neighbours(consultation, "review")
    taken = steps.sequence(consultation)
    return render(request, "walkthrough/review.html", {
        "consultation": consultation,
        "version": consultation.version,
        "summary": build_summary(consultation),
        "nav": steps.navigation(consultation, "review"),
        "step": steps.REVIEW,
        "previous": previous,
        "number": len(taken),
        "total": len(taken),
        "patient_view": _is_patient_view(request),
    })


@require_POST
def finalize(request, pk):
    consultation = get_consultation_for(request.user, pk)
    try:
        _final, newly = record_finalize(consultation=consultation, user=request.user)
    except RecordNotGenerated as exc:
        messages.error(request, f"{exc} Nothing was finalized; the consultation is unchanged. "
                                "Try again, and tell IT if it happens again.")
        return redirect(_step_url(consultation, "review"))
    if newly:
        messages.success(request, "The record is final. Corrections can be added as dated addenda.")
    else:
        messages.info(request, "This record was already final; nothing changed.")
    return redirect("consultation_record", pk=pk)


def _record_context(request, consultation, addendum_form=None):
    documents = list(consultation.documents.defer("pdf"))
    return {
        "consultation": consultation,
        "version": consultation.version,
        "summary": build_summary(consultation),
        "addenda": list(consultation.addenda.select_related("author")),
        "documents": documents,
        "audit": list(consultation.audit_events.select_related("user")),
        "is_owner": consultation.clinician_id == request.user.pk,
        "addendum_form": addendum_form,
        "patient_view": _is_patient_view(request),
    }


@sensitive_post_parameters()
def record(request, pk):
    """The record page: owner, or staff read-only. Every opening is audited."""
    consultation = get_consultation_for(request.user, pk, read_only=True)
    switched = _view_switch(request)
    if switched:
        return switched
    audit_record(consultation=consultation, user=request.user, action=AuditEvent.Action.VIEWED,
                 detail="record")
    form = None
    if consultation.is_final and consultation.clinician_id == request.user.pk:
        data = stash_pop(request)
        if data is not None:
            messages.warning(request, LOGGED_OUT_MESSAGE)
        form = AddendumForm(data, prefix="addendum")
    return render(request, "walkthrough/record.html", _record_context(request, consultation, form))


@sensitive_post_parameters()
@require_POST
def addendum(request, pk):
    consultation = get_consultation_for(request.user, pk)
    form = AddendumForm(request.POST, prefix="addendum")
    if form.is_valid():
        try:
            addendum_add(consultation=consultation, user=request.user, text=form.cleaned_data["text"])
        except ValidationError as exc:
            form.add_error(None, exc)
        except RecordNotGenerated as exc:
            form.add_error(None, f"{exc} The addendum was not added; your text is kept below.")
        else:
            stash_clear(request, reverse("consultation_record", args=[pk]))
            messages.success(request, "The addendum was added.")
            return redirect("consultation_record", pk=pk)
    context = _record_context(request, consultation, form)
    return render(request, "walkthrough/record.html", context)
