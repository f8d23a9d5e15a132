"""Content translations: a published version's texts in another language.

A translation is clinical content: a draft edited beside the source text,
quality-gated, and published by an approver who did not translate it
(``aids.translations``). Once published it is frozen like a published version:
the model layer refuses any change to it or to its texts, whichever code path
tries (save, delete, queryset update or delete).

Which texts are translated is said once, in ``TRANSLATABLE``: add a field there
and every part of the mechanism (the editor, the gates, export and import, the
walkthrough and the record) picks it up.
"""

from django.conf import settings
from django.db import models
from simple_history.models import HistoricalRecords

from aids.vocabulary import VERSION_WORD_FIELDS

from aids.models.content import (
    TEXT_LIMIT, AidVersion, Benefit, Criterion, FrozenVersionError, GridAnswer, GridQuestion,
    OperationForm, Option, Risk, Section, UnderstandingQuestion, ValueStatement,
)

_OUTCOME_TEXTS = ("title", "description", "unknown_reason", "time_frame", "certainty_note")

# (part name as in the interchange format, model, its patient-facing text fields).
# "version" is the version itself. References, contributors and keys are not
# translated: a citation stays as published, a name is a name.
TRANSLATABLE = (
    ("version", AidVersion, ("decision", "audience", "intro", "unknowns", *VERSION_WORD_FIELDS)),
    ("operation_forms", OperationForm, ("name", "pain_site")),
    ("sections", Section, ("heading", "summary", "body")),
    ("benefits", Benefit, _OUTCOME_TEXTS),
    ("risks", Risk, _OUTCOME_TEXTS),
    ("criteria", Criterion, ("statement", "explanation")),
    ("options", Option, ("name", "summary")),
    ("grid_questions", GridQuestion, ("text",)),
    ("grid_answers", GridAnswer, ("text",)),
    ("value_statements", ValueStatement, ("text",)),
    ("understanding_questions", UnderstandingQuestion, ("statement", "explanation")),
)
TRANSLATABLE_PARTS = {name: (model, fields) for name, model, fields in TRANSLATABLE}
PART_OF_MODEL = {model: name for name, model, _fields in TRANSLATABLE}


def language_choices():
    return list(settings.LANGUAGES)


class TranslationQuerySet(models.QuerySet):
    def _frozen(self):
        return self.exclude(status=Translation.Status.DRAFT).exists()

    def update(self, **kwargs):
        retiring = set(kwargs) <= {"status", "retired_at"} and (
            kwargs.get("status") == Translation.Status.RETIRED)
        if not retiring and self._frozen():
            raise FrozenVersionError("These translations include a published one.")
        return super().update(**kwargs)

    def delete(self):
        if self._frozen():
            raise FrozenVersionError("These translations include a published one.")
        return super().delete()


class Translation(models.Model):
    """One language's texts for one published version."""

    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        PUBLISHED = "published", "Published"
        RETIRED = "retired", "Retired"

    version = models.ForeignKey(
        AidVersion, on_delete=models.PROTECT, related_name="translations",
        help_text="The published version this translates.",
    )
    language_code = models.CharField("language", max_length=16, choices=language_choices)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DRAFT)
    number = models.PositiveIntegerField(
        null=True, blank=True, editable=False,
        help_text="Numbered from 1 per version and language when published.",
    )
    translator = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+",
    )
    translator_role = models.CharField(
        "translator's role", max_length=200, blank=True,
        help_text="E.g. \"Qualified medical translator (Spanish)\". Printed in the record.",
    )
    unreviewed = models.BooleanField(
        "not yet reviewed by a qualified medical translator", default=False,
        help_text="Set on a bundled or machine-assisted translation: shown to the approver.",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    based_on = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    # Set once, by publishing.
    published_at = models.DateTimeField(null=True, blank=True, editable=False)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
        related_name="+", editable=False, verbose_name="approver",
    )
    published_alone = models.BooleanField("published by one person", default=False, editable=False)
    change_note = models.TextField(max_length=TEXT_LIMIT, blank=True)
    warnings_justification = models.TextField(
        max_length=TEXT_LIMIT, blank=True,
        help_text="Why this translation was published over the quality warnings shown.",
    )
    retired_at = models.DateTimeField(null=True, blank=True, editable=False)

    objects = TranslationQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["version", "language_code", "-number", "-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["version", "language_code", "number"],
                name="unique_translation_number"),
        ]

    def __str__(self):
        name = self.language_name
        if self.number:
            return f"{self.version} - {name} translation {self.number} ({self.get_status_display()})"
        return f"{self.version} - {name} translation, draft #{self.pk}"

    @property
    def language_name(self):
        return dict(settings.LANGUAGES).get(self.language_code, self.language_code)

    @property
    def is_frozen(self):
        return self.status != self.Status.DRAFT

    def save(self, *args, **kwargs):
        if self.pk and not getattr(self, "_publishing", False):
            stored = type(self).objects.filter(pk=self.pk).values("status").first()
            if stored and stored["status"] != self.Status.DRAFT:
                fields = set(kwargs.get("update_fields") or ())
                if not (self.status == self.Status.RETIRED and fields
                        and fields <= {"status", "retired_at"}):
                    raise FrozenVersionError(f"{self} is published; start a new draft from it.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        if self.is_frozen:
            raise FrozenVersionError(f"{self} is published and cannot be deleted.")
        return super().delete(*args, **kwargs)


class TranslatedTextQuerySet(models.QuerySet):
    def _refuse_if_frozen(self):
        if self.exclude(translation__status=Translation.Status.DRAFT).exists():
            raise FrozenVersionError("These texts belong to a published translation.")

    def update(self, **kwargs):
        self._refuse_if_frozen()
        return super().update(**kwargs)

    def delete(self):
        self._refuse_if_frozen()
        return super().delete()


class TranslatedText(models.Model):
    """One field of one content object, in the translation's language."""

    translation = models.ForeignKey(Translation, on_delete=models.CASCADE, related_name="texts")
    part = models.CharField(max_length=40)  # a name in TRANSLATABLE
    object_id = models.PositiveIntegerField()  # the source object's pk (the version's for "version")
    field = models.CharField(max_length=40)
    text = models.TextField(max_length=TEXT_LIMIT, blank=True)

    objects = TranslatedTextQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["translation", "part", "object_id", "field"],
                name="one_text_per_translated_field"),
        ]

    def __str__(self):
        return f"{self.part} #{self.object_id} {self.field}"

    def _check_not_frozen(self):
        stored = type(self)._base_manager.filter(pk=self.pk).values("translation_id")
        frozen = Translation.objects.filter(
            models.Q(pk=self.translation_id) | models.Q(pk__in=stored)
        ).exclude(status=Translation.Status.DRAFT)
        if frozen.exists():
            raise FrozenVersionError("This text belongs to a published translation.")

    def save(self, *args, **kwargs):
        self._check_not_frozen()
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        self._check_not_frozen()
        return super().delete(*args, **kwargs)
