"""Consultations: every write, as named services.

Each service takes keyword-only arguments, validates before it writes and runs in
one transaction, taking a row lock on the consultation (``select_for_update``) so
two requests for the same consultation queue instead of interleaving. Finalizing
and addenda render the PDF record first, with no transaction open, and then write
in a short one that checks nothing changed meanwhile. Views and tests call these;
nothing happens in ``save()`` or signals.

Two guards protect what was typed:

- a finalized consultation refuses every change (``ConsultationFinal``);
  corrections are dated addenda (``addendum_add``);
- each step carries a revision counter (``Consultation.step_revisions``); a save
  based on a stale counter is refused (``StaleRevision``) instead of silently
  overwriting what another tab saved.

And every save is idempotent: a save may come with a key (one per edit; autosave.js
sends one and sends it again when it retries a save whose reply it never got). The
answer is kept with the key (``Consultation.save_receipts``), and the same key gets
the same answer again, the ids of the rows the first save created included, with
nothing written twice.
"""

import datetime
import re
from dataclasses import dataclass, field

from django.conf import settings
from django.conf.locale import LANG_INFO
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Exists, Max, OuterRef
from django.utils import timezone
from django.utils.translation import gettext

from aids.access import ConsultationNotFound, visible_consultations
from aids.frozen import frozen_ids, frozen_rows
from aids.models import (
    Addendum,
    Aid,
    AidVersion,
    AuditEvent,
    Consultation,
    ItemRecord,
    PatientQuestion,
    UnderstandingAnswer,
    ValueRating,
)
from aids.collaborate import collaborate_link, invite_store
from aids.models.consultation import CHECKED_UNDER_LOCK, NOTE_LIMIT, NOT_SURE_SITE
from aids.readmodel import frozen_topic_items
from aids.record.storage import (
    RecordGenerationError, RecordGlyphsMissing, record_render, record_store,
)
from aids.translations import pin_translation, published_translation
from aids.vocabulary import (
    RATING_MAX, RATING_MIN, TOPIC_BY_KEY, TOPIC_BY_KIND, is_topic_order, sure_clean,
    topic_moved,
)

CHANGE_COALESCE = datetime.timedelta(minutes=5)
# How many save answers a consultation keeps for retries (a retry comes within a minute).
RECEIPTS_KEPT = 20
# How many times finalizing or an addendum renders the record again when the
# consultation changed while it rendered, before it gives up and says so.
RENDER_ATTEMPTS = 3

# Fields of the consultation row that the steps may write.
EDITABLE_FIELDS = {
    "patient_ref", "present", "present_other", "language", "pain_sites", "cancer_pain",
    "sure_before", "sure_after", "values_own_words",
    "positions", "position_words", "preference_words", "next_steps", "follow_up_on",
}


class NoPublishedVersion(Exception):
    """There is no published version to pin: an administrator must load or publish one."""


class ConsultationFinal(Exception):
    """The consultation is final; it no longer changes (add an addendum instead)."""


class RecordNotGenerated(Exception):
    """The PDF record could not be built; nothing was written."""

    retry = True  # trying again may work (a passing fault)


class RecordChanging(RecordNotGenerated):
    """The consultation kept changing while its record rendered; nothing was written."""


class RecordTextNotDrawable(RecordNotGenerated):
    """Typed characters no PDF font can draw; nothing was changed. Trying again will
    not help: the text must change (or IT installs the fonts)."""

    retry = False


class StaleRevision(Exception):
    """The save was based on an older revision of the step than the one stored."""

    def __init__(self, current):
        self.current = current
        super().__init__(f"The step is at revision {current}.")


# --------------------------------------------------------------------------- validation

_EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")
_NHS_NUMBER = re.compile(r"(?<!\d)\d{3}[ -]?\d{3}[ -]?\d{4}(?!\d)")


def validate_patient_ref(value):
    """A pseudonymous reference: never an email address or an NHS number."""
    value = (value or "").strip()
    if not value:
        raise ValidationError(gettext("Enter a patient reference (a pseudonymous one, not a name)."), code="required")
    if len(value) > 40:
        raise ValidationError(
            gettext("The patient reference is %(length)s characters long; the limit is 40.")
            % {"length": len(value)}, code="max_length"
        )
    if "@" in value and _EMAIL.search(value):
        raise ValidationError(
            gettext("This looks like an email address. Use a pseudonymous reference instead "
                    "(for example a clinic code), never the patient's contact details."),
            code="email",
        )
    if _NHS_NUMBER.search(value):
        raise ValidationError(
            gettext("This looks like an NHS number (10 digits). Use a pseudonymous reference instead."),
            code="nhs_number",
        )
    return value


# --------------------------------------------------------------------------- audit


def audit_record(*, consultation, user, action, detail=""):
    """Append one audit event (who did what to which consultation, and when)."""
    return AuditEvent.objects.create(
        consultation=consultation, user=user, action=action, detail=detail[:200]
    )


# --------------------------------------------------------------------------- language


def language_code_for(text):
    """The code in ``settings.LANGUAGES`` that the start step's free-text language
    names ("Spanish", "español", "es"), or "" when it names none of them."""
    wanted = " ".join((text or "").split()).casefold()
    if not wanted:
        return ""
    for code, name in settings.LANGUAGES:
        info = LANG_INFO.get(code, {})
        names = {code, str(name), info.get("name", ""), info.get("name_local", "")}
        if wanted in {n.casefold() for n in names if n}:
            return code
    return ""


def consultation_language_set(*, consultation, language_code):
    """Show the patient-facing side of an in-progress consultation in ``language_code``
    (one of ``settings.LANGUAGES``). ``ValidationError`` for any other code,
    ``ConsultationFinal`` once the record is final."""
    if language_code not in {code for code, _name in settings.LANGUAGES}:
        raise ValidationError(gettext("That language is not available. Choose one of the languages listed."))
    with transaction.atomic():
        locked = Consultation.objects.select_for_update().filter(pk=consultation.pk).first()
        if locked is None:
            raise ConsultationNotFound(consultation.pk)
        if locked.is_final:
            raise ConsultationFinal()
        if locked.language_code != language_code or locked.translation_id is None:
            pin_translation(locked, language_code)  # and the content's translation
    consultation.language_code = language_code
    consultation.translation = locked.translation


# --------------------------------------------------------------------------- start


def published_aids():
    """The decisions a consultation may be about: aids with a published version, by title."""
    return Aid.objects.filter(versions__status=AidVersion.Status.PUBLISHED).distinct().order_by("title", "pk")


def chosen_aid(slug=None):
    """The aid ``slug`` names, or with no slug the one published aid.

    ``NoPublishedVersion`` when nothing is published (or ``slug`` names no aid with a
    published version); ``ValidationError`` when several are and none was chosen.
    """
    aids = published_aids()
    if slug:
        aid = aids.filter(slug=slug).first()
        if aid is None:
            raise NoPublishedVersion(
                "That decision aid has no published version (it may have been retired). "
                "Choose one of the decisions listed."
            )
        return aid
    found = list(aids[:2])
    if not found:
        raise NoPublishedVersion(
            "There is no published version of a decision aid yet. An administrator "
            "must load or publish the content before a consultation can start."
        )
    if len(found) > 1:
        raise ValidationError("Choose which decision this consultation is about.", code="aid")
    return found[0]


def follow_up_candidates(user, patient_ref, aid=None):
    """Finalized consultations ``user`` may open (their own and their team's) with this
    exact patient reference, newest first: what a new visit may follow up."""
    patient_ref = (patient_ref or "").strip()
    # Only a reference that could be stored is looked for: one too long, or with a
    # control character (a NUL cannot even be sent to PostgreSQL), matches nothing.
    if not patient_ref or len(patient_ref) > 40 or any(not ch.isprintable() for ch in patient_ref):
        return Consultation.objects.none()
    qs = visible_consultations(user).filter(
        patient_ref=patient_ref, status=Consultation.Status.FINAL,
    ).select_related("version", "version__aid", "clinician").order_by("-finalized_at", "-pk")
    return qs.filter(version__aid=aid) if aid is not None else qs


def consultation_start(*, clinician, patient_ref, present=(), present_other="", language="English",
                       pain_sites=(), cancer_pain="", aid_slug=None, follow_up_of=None,
                       language_code=""):
    """Start a consultation, pinning the chosen aid's current published version.

    ``aid_slug`` names the decision (left out: the one published aid). ``follow_up_of``
    (a consultation, or its pk) makes this a follow-up visit: the earlier one must be
    final, about the same decision, for the same patient reference and one the clinician
    may open; its questions still open are carried over, marked so. ``language_code``
    pins the version's published translation into that language (``pin_translation``).
    """
    patient_ref = validate_patient_ref(patient_ref)
    present = [p for p in Consultation.Present.values if p in set(present or ())]
    with transaction.atomic():
        earlier = None
        if follow_up_of is not None:
            pk = getattr(follow_up_of, "pk", follow_up_of)
            earlier = follow_up_candidates(clinician, patient_ref).filter(pk=pk).first()
            if earlier is None:
                raise ValidationError(
                    "A follow-up must follow a finalized consultation with the same patient "
                    "reference, one of yours or your team's.", code="follow_up_of",
                )
            aid_slug = earlier.version.aid.slug
        aid = chosen_aid(aid_slug)
        version = aid.current_version()
        consultation = Consultation(
            clinician=clinician, version=version, patient_ref=patient_ref, present=present,
            present_other=present_other or "", language=(language or "").strip() or "English",
            language_code=language_code or language_code_for(language),
            pain_sites=pain_sites_clean(version, pain_sites), cancer_pain=cancer_pain or "",
            topic_order=[], step_revisions={"start": 1}, visited_steps=["start"],
            follow_up_of=earlier,
        )
        consultation.full_clean(exclude=["clinician", "version", "follow_up_of"])
        consultation.save()
        if earlier is not None:
            open_questions = earlier.questions.filter(status=PatientQuestion.Status.OPEN)
            PatientQuestion.objects.bulk_create([
                PatientQuestion(consultation=consultation, order=i, question=q.question,
                                answer="", status=PatientQuestion.Status.OPEN, carried_over=True)
                for i, q in enumerate(open_questions.order_by("order", "pk"))
            ])
        if consultation.language_code:
            pin_translation(consultation, consultation.language_code)
        audit_record(consultation=consultation, user=clinician, action=AuditEvent.Action.CREATED,
                     detail=f"follow-up of {earlier.record_id}" if earlier else "")
    return consultation


def pain_sites_clean(version, sites):
    """The chosen pain sites in the version's order ("not sure" last); an unknown one
    is refused (the page offered only the version's own)."""
    chosen = set(sites or ())
    keys = [f.key for f in frozen_rows(version, "operation_forms")]
    unknown = chosen - set(keys) - {NOT_SURE_SITE}
    if unknown:
        raise ValidationError({"pain_sites": "Choose where the pain is from the list."})
    return [k for k in keys if k in chosen] + ([NOT_SURE_SITE] if NOT_SURE_SITE in chosen else [])


# --------------------------------------------------------------------------- step saves


@dataclass
class StepChanges:
    """What one step's form says, ready to be written.

    Only what is given is written: a key missing from ``fields`` or an item dict
    (for instance the clinician's ticks, hidden in patient view) is left as it is.
    """

    fields: dict = field(default_factory=dict)
    # (kind, item_id, {"discussed": bool, "note": str, "selected": bool} - any subset)
    items: list = field(default_factory=list)
    # (statement_id, rating 0-4 or None, not_sure)
    ratings: list = field(default_factory=list)
    # (question_id, "true" | "false" | "not_sure" | "")
    understanding: list = field(default_factory=list)
    # None: untouched. Else rows in posted order: {"id", "question", "answer", "status"}.
    # A row with an id and no text removes that question.
    questions: list | None = None
    # Option ids in the order the patient ticked them on the page (may be empty): the
    # order newly chosen options join the grid in.
    picked: list = field(default_factory=list)


@dataclass
class SaveResult:
    revision: int
    new_question_ids: dict = field(default_factory=dict)  # row index -> id of the created row


def save_answered(*, consultation, step, key):
    """The ``SaveResult`` a save of ``step`` with idempotency ``key`` got, or None."""
    if not key:
        return None
    for receipt in consultation.save_receipts or []:
        if receipt.get("key") == key and receipt.get("step") == step:
            ids = {int(index): pk for index, pk in (receipt.get("ids") or {}).items()}
            return SaveResult(revision=receipt["revision"], new_question_ids=ids)
    return None


def _lock(consultation, step, revision, key=None, user=None):
    """(the consultation row locked, None), or (it, the answer already given to ``key``).

    The same query says whether ``user`` changed this step within ``CHANGE_COALESCE``
    (``changed_recently``, for the audit), and the row is marked as checked under its
    lock (the model's final guard then asks no more; ``_unlocked`` removes the mark).
    The pinned version, which never changes, is the caller's: it is not read again."""
    since = timezone.now() - CHANGE_COALESCE
    locked = Consultation.objects.select_for_update().annotate(changed_recently=Exists(
        AuditEvent.objects.filter(consultation=OuterRef("pk"), user=user, detail=step,
                                  action=AuditEvent.Action.CHANGED, at__gte=since)
    )).get(pk=consultation.pk)
    if locked.version_id == consultation.version_id and Consultation.version.is_cached(consultation):
        locked.version = consultation.version
    answered = save_answered(consultation=locked, step=step, key=key)
    if answered is not None:
        return locked, answered
    if locked.is_final:
        raise ConsultationFinal("This record is final and can no longer be changed.")
    current = int((locked.step_revisions or {}).get(step, 0))
    if revision != current:
        raise StaleRevision(current)
    setattr(locked, CHECKED_UNDER_LOCK, True)
    return locked, None


def _unlocked(locked):
    if locked is not None and hasattr(locked, CHECKED_UNDER_LOCK):
        delattr(locked, CHECKED_UNDER_LOCK)


def _bump(locked, user, step, key=None, new_ids=None):
    revisions = dict(locked.step_revisions or {})
    revisions[step] = int(revisions.get(step, 0)) + 1
    locked.step_revisions = revisions
    if step not in (locked.visited_steps or []):
        locked.visited_steps = [*(locked.visited_steps or []), step]
    if key:
        receipt = {"key": key, "step": step, "revision": revisions[step],
                   "ids": {str(index): pk for index, pk in (new_ids or {}).items()}}
        locked.save_receipts = [*(locked.save_receipts or [])[-(RECEIPTS_KEPT - 1):], receipt]
    locked.save()
    if not locked.changed_recently:  # one "changed" event per step save, not per keystroke
        audit_record(consultation=locked, user=user, action=AuditEvent.Action.CHANGED, detail=step)
    return revisions[step]


def _check_text(value, label):
    if len(value) > NOTE_LIMIT:
        raise ValidationError(f"{label} is {len(value):,} characters long; the limit is {NOTE_LIMIT:,}.")
    return value


def step_save(*, consultation, user, step, revision, changes, key=None):
    """Save one step of an in-progress consultation; return a ``SaveResult``.

    Refused with ``StaleRevision`` when ``revision`` is not the stored revision
    of the step, with ``ConsultationFinal`` once the record is final, and with
    ``ValidationError`` when the data breaks a rule (nothing is written then).
    A ``key`` already saved gets that save's result again, and nothing is written.
    """
    unknown = set(changes.fields) - EDITABLE_FIELDS
    if unknown:
        raise ValueError(f"Fields not editable from a step: {sorted(unknown)}")
    locked = None
    try:
        with transaction.atomic():
            locked, answered = _lock(consultation, step, revision, key, user)
            if answered is not None:
                return answered
            new_ids, new_revision = _write_step(locked, user, step, changes, key)
    finally:
        _unlocked(locked)
    _copy_fields(locked, consultation)  # the caller's object as stored, without reading it again
    return SaveResult(revision=new_revision, new_question_ids=new_ids)


def _write_step(locked, user, step, changes, key):
    """step_save's writes, under the lock: (new question ids, the step's new revision)."""
    for name, value in changes.fields.items():
        setattr(locked, name, value)
    if "patient_ref" in changes.fields:
        locked.patient_ref = validate_patient_ref(locked.patient_ref)
    if "present" in changes.fields:
        chosen = set(locked.present or ())
        locked.present = [p for p in Consultation.Present.values if p in chosen]
    if "language" in changes.fields:  # a language the aid is shown in: show it in that
        code = language_code_for(locked.language) or locked.language_code
        if code != locked.language_code:
            locked.language_code = code
            locked.translation = published_translation(locked.version, code)
    if "pain_sites" in changes.fields:
        locked.pain_sites = pain_sites_clean(locked.version, locked.pain_sites)
    if "positions" in changes.fields:
        chosen = set(locked.positions or ())
        if chosen - set(Consultation.Position.values):
            raise ValidationError({"positions": gettext("Not a valid answer for where the patient stands.")})
        locked.positions = [p for p in Consultation.Position.values if p in chosen]
    for name in ("sure_before", "sure_after"):
        if name in changes.fields:
            setattr(locked, name, sure_clean(changes.fields[name]))
    if (
        {"positions", "preference_words"} & set(changes.fields)
        and Consultation.Position.PREFERENCE in locked.positions
        and not locked.preference_words.strip()
    ):
        raise ValidationError(
            {"preference_words": gettext("Write the preference in the patient's own words.")}
        )
    locked.full_clean(exclude=["clinician", "version"])

    _save_items(locked, changes.items, picked=changes.picked)
    _save_ratings(locked, changes.ratings)
    _save_understanding(locked, changes.understanding)
    new_ids = _save_questions(locked, changes.questions)
    return new_ids, _bump(locked, user, step, key, new_ids)


def _copy_fields(source, target):
    for field in Consultation._meta.concrete_fields:
        setattr(target, field.attname, getattr(source, field.attname))


def _version_ids(consultation, relation):
    """The ids of the pinned version's rows (read once per published version)."""
    return frozen_ids(consultation.version, relation)


def _version_item_ids(consultation, kind):
    return {item.pk for item in frozen_topic_items(consultation.version, TOPIC_BY_KIND[kind].key)}


def _save_items(consultation, items, picked=()):
    if not items:
        return
    by_kind = {}
    for kind, item_id, values in items:
        by_kind.setdefault(kind, []).append((item_id, values))
    for kind, rows in by_kind.items():
        allowed = _version_item_ids(consultation, kind)
        # Through the consultation's own manager: each row knows its (locked) consultation.
        existing = {r.item_id: r for r in consultation.item_records.filter(kind=kind)}
        # One INSERT for the new rows and one UPDATE for the changed ones, whatever the
        # number of items (a topic's first save used to insert row by row).
        new, changed, fields = [], [], set()
        for item_id, values in rows:
            if item_id not in allowed:
                raise ValidationError("An item does not belong to the pinned aid version.")
            values = {k: v for k, v in values.items() if k in ("discussed", "note", "selected")}
            if "note" in values:
                values["note"] = _check_text(values["note"] or "", "A note")
            record = existing.get(item_id)
            if record is None:
                existing[item_id] = ItemRecord(consultation=consultation, kind=kind,
                                               item_id=item_id, **values)
                new.append(existing[item_id])
            elif any(getattr(record, k) != v for k, v in values.items()):
                for k, v in values.items():
                    setattr(record, k, v)
                changed.append(record)
                fields |= set(values)
        if new:
            ItemRecord.objects.bulk_create(new)
        if changed:
            ItemRecord.objects.bulk_update(changed, sorted(fields))
        if kind == ItemRecord.Kind.OPTION:
            posted = [item_id for item_id, _v in rows]
            _keep_options_order(consultation, existing, [i for i in picked if i in posted] + posted)


def _keep_options_order(consultation, records, posted):
    """The options chosen, in the order the patient chose them: those already listed
    keep their place, newly chosen ones follow in the order they were ticked (or, for
    a page without that hint, the order they were posted)."""
    chosen = {item_id for item_id, r in records.items() if r.selected}
    order = []
    for i in [*(consultation.options_order or []), *posted, *sorted(chosen)]:
        if i in chosen and i not in order:
            order.append(i)
    consultation.options_order = order  # written with the step's revision (_bump)


def _save_ratings(consultation, ratings):
    if not ratings:
        return
    allowed = _version_ids(consultation, "value_statements")
    existing = {r.statement_id: r for r in consultation.value_ratings.all()}
    new, changed = [], []
    for statement_id, rating, not_sure in ratings:
        if statement_id not in allowed:
            raise ValidationError("A value statement does not belong to the pinned aid version.")
        if rating is not None and not RATING_MIN <= rating <= RATING_MAX:
            raise ValidationError(f"A rating is from {RATING_MIN} to {RATING_MAX}.")
        if not_sure:
            rating = None
        record = existing.get(statement_id)
        if record is None:
            if rating is None and not not_sure:
                continue
            new.append(ValueRating(consultation=consultation, statement_id=statement_id,
                                   rating=rating, not_sure=not_sure))
        elif (record.rating, record.not_sure) != (rating, not_sure):
            record.rating, record.not_sure = rating, not_sure
            changed.append(record)
    if new:
        ValueRating.objects.bulk_create(new)
    if changed:
        ValueRating.objects.bulk_update(changed, ["rating", "not_sure"])


def _save_understanding(consultation, answers):
    if not answers:
        return
    allowed = _version_ids(consultation, "understanding_questions")
    existing = {a.question_id: a for a in consultation.understanding_answers.all()}
    new, changed = [], []
    for question_id, answer in answers:
        if question_id not in allowed:
            raise ValidationError("An understanding question does not belong to the pinned aid version.")
        if answer not in ("", *UnderstandingAnswer.Answer.values):
            raise ValidationError("Not a valid answer.")
        record = existing.get(question_id)
        if record is None:
            if answer:
                new.append(UnderstandingAnswer(consultation=consultation, question_id=question_id,
                                               answer=answer))
        elif record.answer != answer:
            record.answer = answer
            changed.append(record)
    if new:
        UnderstandingAnswer.objects.bulk_create(new)
    if changed:
        UnderstandingAnswer.objects.bulk_update(changed, ["answer"])


def _save_questions(consultation, rows):
    if rows is None:
        return {}
    existing = {q.pk: q for q in consultation.questions.all()}
    new_ids = {}
    for index, row in enumerate(rows):
        question = _check_text(row.get("question") or "", "A question")
        answer = _check_text(row.get("answer") or "", "An answer")
        status = row.get("status") or PatientQuestion.Status.OPEN
        if status not in PatientQuestion.Status.values:
            raise ValidationError("Not a valid question status.")
        # An id that is not (or no longer) one of this consultation's questions,
        # e.g. a row cleared by an earlier autosave and typed in again, is a new row.
        record = existing.get(row.get("id"))
        if not question.strip():
            if answer.strip():
                raise ValidationError("An answer was given without its question.")
            if record is not None:
                record.delete()
            continue
        if record is None:
            record = PatientQuestion.objects.create(
                consultation=consultation, order=index, question=question, answer=answer, status=status
            )
            new_ids[index] = record.pk
        elif (record.order, record.question, record.answer, record.status) != (index, question, answer, status):
            record.order, record.question, record.answer, record.status = index, question, answer, status
            record.save(update_fields=["order", "question", "answer", "status"])
    return new_ids


def topic_order_set(*, consultation, user, order, skipped, revision, move=None, key=None):
    """Record the order the patient chose for the topic steps, and which they skip.

    ``move`` is an optional ``(topic, "up" | "down")`` applied to ``order`` first:
    the topic cards' move buttons. ``key``: as for ``step_save``.
    """
    order = [t for t in order if t in TOPIC_BY_KEY]
    if not is_topic_order(order):
        raise ValidationError("The order must list each topic once.")
    if move:
        order = topic_moved(order, *move)
    skipped = [t for t in order if t in set(skipped or ())]
    locked = None
    try:
        with transaction.atomic():
            locked, answered = _lock(consultation, "topics", revision, key, user)
            if answered is not None:
                return answered
            locked.topic_order = order
            locked.skipped_topics = skipped
            new_revision = _bump(locked, user, "topics", key)
    finally:
        _unlocked(locked)
    _copy_fields(locked, consultation)
    return SaveResult(revision=new_revision)


# --------------------------------------------------------------------------- final record


def _render(consultation, user, **kwargs):
    """Both PDFs of the next record revision, written nowhere yet. Runs outside any
    transaction: no lock is held while it renders (on SQLite a write transaction
    locks the whole database, and every other clinician would wait)."""
    try:
        return record_render(consultation=consultation, user=user, **kwargs)
    except RecordGlyphsMissing as exc:  # its message names characters, never the text
        raise RecordTextNotDrawable(str(exc)) from None
    except RecordGenerationError as exc:  # its message carries no clinical text
        raise RecordNotGenerated(str(exc)) from None


def _record_state(consultation):
    """What the record of ``consultation`` is built from has not changed while this
    has not: every step save writes the consultation row (its revisions and
    ``updated_at``); addenda and stored revisions are counted."""
    stored = consultation.documents.aggregate(latest=Max("revision"))["latest"] or 0
    addenda = consultation.addenda.aggregate(last=Max("pk"))["last"] or 0
    return (consultation.status, consultation.updated_at, consultation.step_revisions, stored, addenda)


def _snapshot(consultation, user):
    """The consultation as stored now and its state, read before anything else the
    record shows (so any save that lands after these reads changes the state)."""
    snapshot = Consultation.objects.select_related("version", "clinician").get(pk=consultation.pk)
    if snapshot.clinician_id != user.pk:
        raise ConsultationNotFound(consultation.pk)
    return snapshot, _record_state(snapshot)


def _changing():
    return RecordChanging(
        "The consultation was changed again and again while its record was being generated."
    )


def record_finalize(*, consultation, user):
    """Lock the consultation as final. Idempotent: returns (consultation, newly_final).

    The record is rendered from a snapshot with no lock held, then written in one
    short transaction that first checks, under the row lock, that nothing changed
    since the snapshot: if the consultation was saved meanwhile, the record is
    rendered again (``RecordChanging`` after ``RENDER_ATTEMPTS``); if another click
    or tab finalized it meanwhile, this one changes nothing. If the PDF record
    cannot be built, ``RecordNotGenerated`` is raised and nothing is finalized.
    """
    for _attempt in range(RENDER_ATTEMPTS):
        snapshot, state = _snapshot(consultation, user)
        if snapshot.is_final:
            return snapshot, False
        snapshot.status = Consultation.Status.FINAL  # as the record will show it
        snapshot.finalized_at = timezone.now()
        # The patient copy prints a one-time CollaboRATE link; only its hash is stored.
        token, link = collaborate_link(snapshot.finalized_at)
        rendered = _render(snapshot, user, collaborate=link)
        with transaction.atomic():
            locked = Consultation.objects.select_for_update().get(pk=consultation.pk)
            if locked.is_final:
                return locked, False
            if _record_state(locked) != state:
                continue  # saved while the record rendered: render it again
            locked.status = Consultation.Status.FINAL
            locked.finalized_at = snapshot.finalized_at
            locked.save(update_fields=["status", "finalized_at", "updated_at"])
            audit_record(consultation=locked, user=user, action=AuditEvent.Action.FINALIZED)
            record_store(consultation=locked, rendered=rendered)
            if token:
                invite_store(consultation=locked, token=token, expires_at=link[1])
        consultation.refresh_from_db()
        return locked, True
    raise _changing()


def addendum_add(*, consultation, user, text):
    """Append a dated addendum to a final record (the record itself never changes).

    As for finalizing, the new revision renders with no lock held and is written
    with the addendum in one short transaction, rendered again if another addendum
    was written meanwhile.
    """
    text = text or ""
    if not text.strip():
        raise ValidationError({"text": "Write the addendum."})
    _check_text(text, "The addendum")
    for _attempt in range(RENDER_ATTEMPTS):
        snapshot, state = _snapshot(consultation, user)
        if not snapshot.is_final:
            raise ValidationError("Addenda are added to a final record; this consultation is still in progress.")
        # Dated after every addendum stored before this attempt: the order they are
        # numbered in stays the order they were written in.
        addendum = Addendum(consultation=snapshot, author=user, text=text, created_at=timezone.now())
        rendered = _render(snapshot, user, pending_addendum=addendum)
        with transaction.atomic():
            locked = Consultation.objects.select_for_update().get(pk=consultation.pk)
            if _record_state(locked) != state:
                continue  # another addendum came first: render again, with it
            addendum.consultation = locked
            addendum.save()
            audit_record(consultation=locked, user=user, action=AuditEvent.Action.ADDENDUM)
            record_store(consultation=locked, rendered=rendered)
        return addendum
    raise _changing()
