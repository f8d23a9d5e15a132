"""A consultation: one clinician and one patient going through one pinned aid version.

Everything recorded at each step lives here. A finalized consultation never
changes: the service layer refuses (``ConsultationFinal``), and the model layer
refuses too, whichever code path tries (``FinalRecordError`` from ``save``,
``delete``, queryset ``update``/``delete``, ``bulk_create``/``bulk_update``).
The guard reads the stored status, so a stale in-memory object cannot slip past.

What stays possible once final: audit events, addenda, and each addendum's new
stored record revision. Addenda and stored records are append-only: once
written, they are never changed or deleted.
"""

import unicodedata

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils import timezone

from aids.limits import NOTE_LIMIT  # one free-text note; documented in the README
from aids.models.content import AidVersion, ValueStatement, UnderstandingQuestion
from aids.models.search import RefKey

_LINE_BREAKS = {"\u2028", "\u2029"}


def validate_single_line(value):
    """A one-line field (patient reference, others present, language) holds no line
    break, tab or other control character: they would print as boxes in every page
    header of the record, or break its layout."""
    bad = [ch for ch in str(value or "") if unicodedata.category(ch) == "Cc" or ch in _LINE_BREAKS]
    if bad:
        raise ValidationError(
            "Keep this on one line: it has a line break or another control character. "
            "Remove it and save again; the rest of your text is kept here.",
            code="single_line",
        )
NOT_SURE_SITE = "not_sure"  # the pain site is not known yet


class FinalRecordError(Exception):
    """Raised when anything tries to change a final consultation or a written record."""


# Set by the step saves (``aids.consultations``) on the consultation row they have just
# read under its row lock and found not final, and removed before that transaction
# ends: while it is set nobody can finalize the row, so the guards below need not ask
# the database again for it (they did, once per write: 3 to 5 queries per save).
CHECKED_UNDER_LOCK = "_not_final_under_lock"


def checked_under_lock(consultation):
    """True for a row the current transaction locked and found not final."""
    from django.db import connection

    return bool(getattr(consultation, CHECKED_UNDER_LOCK, False)) and connection.in_atomic_block


def _all_checked_under_lock(objs):
    """True when every row is written into a consultation checked under its lock."""
    field = ItemRecord._meta.get_field("consultation")  # every part names it the same
    return bool(objs) and all(
        field.is_cached(obj) and checked_under_lock(obj.consultation) for obj in objs)


def _any_final(consultation_ids):
    ids = {pk for pk in consultation_ids if pk is not None}
    return bool(ids) and Consultation.objects.filter(
        pk__in=ids, status=Consultation.Status.FINAL
    ).exists()


class ConsultationQuerySet(models.QuerySet):
    """Bulk changes obey the final guard too (``save``/``delete`` are bypassed by them)."""

    def _refuse_if_final(self):
        if self.filter(status=Consultation.Status.FINAL).exists():
            raise FinalRecordError("These consultations include a final one.")

    def update(self, **kwargs):
        self._refuse_if_final()
        return super().update(**kwargs)

    def delete(self):
        self._refuse_if_final()
        return super().delete()

    def bulk_update(self, objs, fields, *args, **kwargs):
        # Checked before bulk_update's own transaction, which a refusal inside would break.
        objs = list(objs)
        self.filter(pk__in=[obj.pk for obj in objs])._refuse_if_final()
        return super().bulk_update(objs, fields, *args, **kwargs)


class Consultation(models.Model):
    class Status(models.TextChoices):
        IN_PROGRESS = "in_progress", _("In progress")
        FINAL = "final", _("Final")

    class Present(models.TextChoices):
        PATIENT = "patient", _("Patient")
        FAMILY = "family", _("Family member or carer")
        INTERPRETER = "interpreter", _("Interpreter")
        CLINICIANS = "clinicians", _("Other clinicians")

    class CancerPain(models.TextChoices):
        YES = "yes", _("Yes, the pain is caused by cancer")
        NO = "no", _("No, it is not cancer pain")
        NOT_SURE = "not_sure", _("Not sure")

    class Position(models.TextChoices):
        UNDECIDED = "undecided", _("Undecided")
        MORE_TIME = "more_time", _("Wants more time")
        FAMILY = "talk_family", _("Wants to talk to family")
        SECOND_OPINION = "second_opinion", _("Wants a second opinion or team review")
        PREFERENCE = "preference", _("Has stated a preference")

    clinician = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="consultations"
    )
    version = models.ForeignKey(
        AidVersion, on_delete=models.PROTECT, related_name="consultations",
        help_text="The published aid version pinned when the consultation started.",
    )
    patient_ref = models.CharField("patient reference", max_length=40, validators=[validate_single_line])
    present = models.JSONField(default=list, blank=True)
    present_other = models.CharField("others present", max_length=300, blank=True,
                                     validators=[validate_single_line])
    language = models.CharField(max_length=60, default="English", validators=[validate_single_line])
    # The language the patient-facing side is shown in: a code from settings.LANGUAGES
    # (blank: the site's own language). `language` above stays the patient's own words.
    language_code = models.CharField("language shown", max_length=16, blank=True, default="")
    # The published content translation shown in that language (None: the source
    # version's own language); pinned with it by aids.translations.pin_translation.
    translation = models.ForeignKey(
        "aids.Translation", null=True, blank=True, on_delete=models.PROTECT, related_name="+",
        help_text="The published translation of the pinned version shown to the patient.",
    )
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.IN_PROGRESS)

    # Where the pain is: keys of the pinned version's forms of the operation, and
    # NOT_SURE_SITE. It orders what is shown first; it never decides eligibility.
    pain_sites = models.JSONField(default=list, blank=True)
    cancer_pain = models.CharField(max_length=10, choices=CancerPain.choices, blank=True)

    # Topic steps (benefits, risks, criteria, alternatives): order chosen and skipped.
    topic_order = models.JSONField(default=list, blank=True)
    # Options the patient chose to look at, in the order chosen (ids in the pinned version):
    # the option grid shows their columns in this order.
    options_order = models.JSONField(default=list, blank=True)
    skipped_topics = models.JSONField(default=list, blank=True)
    visited_steps = models.JSONField(default=list, blank=True)

    # SURE test (four yes/no answers: sure, understand, risks-benefits, encouragement).
    sure_before = models.JSONField(default=dict, blank=True)
    sure_after = models.JSONField(default=dict, blank=True)

    values_own_words = models.TextField(max_length=NOTE_LIMIT, blank=True)

    # Where the patient stands: any of Position's values (several may hold at once).
    positions = models.JSONField(default=list, blank=True)
    position_words = models.TextField("where the patient stands, in their words", max_length=NOTE_LIMIT, blank=True)
    preference_words = models.TextField("preference stated, in the patient's words", max_length=NOTE_LIMIT, blank=True)
    next_steps = models.TextField("agreed next steps", max_length=NOTE_LIMIT, blank=True)
    follow_up_on = models.DateField("follow-up date", null=True, blank=True)
    # A follow-up visit: the earlier, finalized consultation about the same decision for the
    # same patient reference (aids.consultations.consultation_start). The earlier record
    # never changes; its page lists its follow-ups, and the later record names it.
    follow_up_of = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="follow_ups",
        help_text="The earlier consultation this visit follows up.",
    )

    # Optimistic concurrency: one counter per step; a save based on a stale
    # counter is refused with a conflict instead of overwriting.
    step_revisions = models.JSONField(default=dict, blank=True)
    # Idempotent saves: the answers to the last saves that came with an idempotency
    # key (one per edit, sent by autosave.js), newest last, each
    # {"key", "step", "revision", "ids": {row index: id of the row it created}}. A
    # retried save whose first reply was lost gets that first answer again, the ids
    # of the rows it created included, instead of being saved twice.
    save_receipts = models.JSONField(default=list, blank=True)

    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    finalized_at = models.DateTimeField(null=True, blank=True)

    objects = ConsultationQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [
            # The list: one clinician's consultations in the list's order, read a page
            # at a time from the index (aids/walkthrough/listing.py); and its search,
            # a prefix of the reference as a range on the search key.
            models.Index(fields=["clinician", "-created_at", "-id"], name="consultation_list"),
            models.Index(models.F("clinician"), RefKey("patient_ref"), name="consultation_ref_search"),
        ]
        # Given by the group "Records auditors" (never by staff status or a content role):
        # read any clinician's record, giving a reason each time (aids/access.py).
        permissions = [("read_any_record", "Can read any clinician's record, giving a reason")]

    def __str__(self):
        return f"Consultation {self.record_id} ({self.patient_ref})"

    @property
    def record_id(self):
        return f"SDM-{self.pk:06d}" if self.pk else "SDM-new"

    @property
    def is_final(self):
        return self.status == self.Status.FINAL

    def get_positions_display(self):
        """Where the patient stands, as the labels shown: ["Wants more time", ...]."""
        labels = dict(self.Position.choices)
        return [str(labels[p]) for p in self.positions or [] if p in labels]

    def _stored_final(self):
        # The stored row decides, not this object: it may have been loaded before
        # another request finalized the consultation.
        if checked_under_lock(self):
            return False
        return self.pk is not None and _any_final([self.pk])

    def save(self, *args, **kwargs):
        # Finalizing saves a row whose stored status is still in progress: allowed.
        if self._stored_final():
            raise FinalRecordError(f"{self} is final; add an addendum instead.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        if self._stored_final():
            raise FinalRecordError(f"{self} is final and cannot be deleted.")
        return super().delete(*args, **kwargs)


class ConsultationPartQuerySet(models.QuerySet):
    def _refuse_if_final(self, objs=()):
        if self.filter(consultation__status=Consultation.Status.FINAL).exists() or _any_final(
            obj.consultation_id for obj in objs
        ):
            raise FinalRecordError("These rows belong to a final consultation.")

    def update(self, **kwargs):
        self._refuse_if_final()
        return super().update(**kwargs)

    def delete(self):
        self._refuse_if_final()
        return super().delete()

    def bulk_create(self, objs, *args, **kwargs):
        objs = list(objs)
        if not _all_checked_under_lock(objs) and _any_final(obj.consultation_id for obj in objs):
            raise FinalRecordError("These rows belong to a final consultation.")
        return super().bulk_create(objs, *args, **kwargs)

    def bulk_update(self, objs, fields, *args, **kwargs):
        # Checked before bulk_update's own transaction, which a refusal inside would
        # break: the rows as stored, and the consultations they would be moved to.
        objs = list(objs)
        if _all_checked_under_lock(objs):
            # Rows read under the lock from the consultation they stay in: no check,
            # neither here nor in the ``update`` that bulk_update runs.
            return models.QuerySet(self.model, using=self.db).bulk_update(objs, fields, *args, **kwargs)
        self.filter(pk__in=[obj.pk for obj in objs])._refuse_if_final(objs)
        return super().bulk_update(objs, fields, *args, **kwargs)


class ConsultationPart(models.Model):
    """Something recorded at a step. Refuses any change once its consultation is final."""

    consultation = models.ForeignKey(Consultation, on_delete=models.CASCADE, related_name="+")

    objects = ConsultationPartQuerySet.as_manager()

    class Meta:
        abstract = True

    def _check_not_final(self):
        # The consultation it is saved into, and the one it is stored in (a row
        # must not be moved out of a final consultation either).
        if _all_checked_under_lock([self]):
            return  # read (or made) under the lock of the consultation it stays in
        stored = type(self)._base_manager.filter(pk=self.pk).values("consultation_id")
        final = Consultation.objects.filter(
            models.Q(pk=self.consultation_id) | models.Q(pk__in=stored),
            status=Consultation.Status.FINAL,
        )
        if final.exists():
            raise FinalRecordError("This row belongs to a final consultation.")

    def save(self, *args, **kwargs):
        self._check_not_final()
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        self._check_not_final()
        return super().delete(*args, **kwargs)


class AppendOnlyQuerySet(models.QuerySet):
    def _refuse_if_stored(self, verb):
        if self.exists():
            raise FinalRecordError(f"Stored {self.model._meta.verbose_name_plural} are never {verb}.")

    def update(self, **kwargs):
        self._refuse_if_stored("changed")
        return super().update(**kwargs)

    def bulk_update(self, objs, fields, *args, **kwargs):
        objs = list(objs)
        self.filter(pk__in=[obj.pk for obj in objs])._refuse_if_stored("changed")
        return super().bulk_update(objs, fields, *args, **kwargs)

    def delete(self):
        self._refuse_if_stored("deleted")
        return super().delete()


class AppendOnly(models.Model):
    """A row that is written once and then never changed or deleted."""

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        abstract = True

    def _stored(self):
        return self.pk is not None and type(self)._base_manager.filter(pk=self.pk).exists()

    def save(self, *args, **kwargs):
        if self._stored():
            raise FinalRecordError(f"A stored {self._meta.verbose_name} is never changed.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        if self._stored():
            raise FinalRecordError(f"A stored {self._meta.verbose_name} is never deleted.")
        return super().delete(*args, **kwargs)


class ItemRecord(ConsultationPart):
    """Whether one item of a topic (a benefit, risk, criterion or option) was discussed,
    and what was said or how the patient reacted. Never a verdict."""

    class Kind(models.TextChoices):
        BENEFIT = "benefit", "Benefit"
        RISK = "risk", "Risk"
        CRITERION = "criterion", "Last-resort criterion"
        OPTION = "option", "Option"

    consultation = models.ForeignKey(Consultation, on_delete=models.CASCADE, related_name="item_records")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    item_id = models.PositiveBigIntegerField(help_text="Primary key of the item in the pinned version.")
    selected = models.BooleanField(default=False, help_text="Options: the patient chose to look at it.")
    discussed = models.BooleanField(default=False)
    note = models.TextField(max_length=NOTE_LIMIT, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["consultation", "kind", "item_id"], name="one_record_per_item")
        ]


class ValueRating(ConsultationPart):
    consultation = models.ForeignKey(Consultation, on_delete=models.CASCADE, related_name="value_ratings")
    statement = models.ForeignKey(ValueStatement, on_delete=models.PROTECT, related_name="+")
    rating = models.PositiveSmallIntegerField(null=True, blank=True, help_text="0 (not at all) to 4 (very much).")
    not_sure = models.BooleanField(default=False)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["consultation", "statement"], name="one_rating_per_statement")
        ]


class PatientQuestion(ConsultationPart):
    class Status(models.TextChoices):
        ANSWERED = "answered", _("Answered")
        OPEN = "open", _("Still open")

    consultation = models.ForeignKey(Consultation, on_delete=models.CASCADE, related_name="questions")
    order = models.PositiveIntegerField(default=0)
    question = models.TextField(max_length=NOTE_LIMIT)
    answer = models.TextField(max_length=NOTE_LIMIT, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN)
    # Still open at the earlier visit of a follow-up, and carried over from it.
    carried_over = models.BooleanField(default=False)

    class Meta:
        ordering = ["order", "pk"]


class UnderstandingAnswer(ConsultationPart):
    class Answer(models.TextChoices):
        TRUE = "true", _("True")
        FALSE = "false", _("False")
        NOT_SURE = "not_sure", _("Not sure")

    consultation = models.ForeignKey(Consultation, on_delete=models.CASCADE, related_name="understanding_answers")
    question = models.ForeignKey(UnderstandingQuestion, on_delete=models.PROTECT, related_name="+")
    answer = models.CharField(max_length=10, choices=Answer.choices, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["consultation", "question"], name="one_answer_per_understanding_question")
        ]


class Addendum(AppendOnly):
    """A dated correction or addition to a finalized record. Never edited."""

    consultation = models.ForeignKey(Consultation, on_delete=models.PROTECT, related_name="addenda")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    # Not auto_now_add: the time is set before the record revision listing it is
    # rendered (with no lock held), and stored as it was printed.
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    text = models.TextField(max_length=NOTE_LIMIT)

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name_plural = "addenda"


class AuditEvent(models.Model):
    class Action(models.TextChoices):
        CREATED = "created", "Created"
        VIEWED = "viewed", "Viewed"
        CHANGED = "changed", "Changed"
        FINALIZED = "finalized", "Finalized"
        ADDENDUM = "addendum", "Added an addendum"
        DOWNLOADED = "downloaded", "Downloaded a record"

    consultation = models.ForeignKey(Consultation, on_delete=models.PROTECT, related_name="audit_events")
    # Empty only for what no account did: ``manage.py export_record`` run on the server
    # (the detail then names the command and the operating-system user).
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                             null=True, blank=True)
    action = models.CharField(max_length=12, choices=Action.choices)
    detail = models.CharField(max_length=200, blank=True)
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["at", "pk"]


class RecordDocument(AppendOnly):
    """A generated PDF, kept as bytes: later downloads return exactly these bytes."""

    class Variant(models.TextChoices):
        CLINICAL = "clinical", "Clinical copy"
        PATIENT = "patient", "Patient copy"
        BILINGUAL = "bilingual", "Bilingual patient copy (for an interpreter)"

    consultation = models.ForeignKey(Consultation, on_delete=models.PROTECT, related_name="documents")
    revision = models.PositiveIntegerField(help_text="1 at finalization; +1 for each addendum.")
    variant = models.CharField(max_length=10, choices=Variant.choices)
    pdf = models.BinaryField()
    sha256 = models.CharField(max_length=64)
    size = models.PositiveIntegerField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["revision", "variant"]
        constraints = [
            models.UniqueConstraint(fields=["consultation", "revision", "variant"], name="one_document_per_revision_variant")
        ]
