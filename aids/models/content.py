"""Aid content: an aid has versions; a version holds every word the patient sees.

A published (or retired) version is frozen: the model layer refuses any change to
it or to its parts, whichever code path tries (save, delete, queryset update or
delete, many-to-many changes; see ``aids.signals`` for the last).
"""

import re

from django.conf import settings
from django.db import models
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from aids.vocabulary import parse_topic_order

TEXT_LIMIT = 4000  # generous bound for one piece of patient-facing text
SHORT_LIMIT = 300


class FrozenVersionError(Exception):
    """Raised when anything tries to change a published or retired version."""


class Aid(models.Model):
    slug = models.SlugField(unique=True, max_length=60)
    title = models.CharField(max_length=200)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["title"]

    def __str__(self):
        return self.title

    def current_version(self):
        """The published version consultations pin now, or None."""
        return (
            self.versions.filter(status=AidVersion.Status.PUBLISHED)
            .order_by("-number")
            .first()
        )

    def next_version_number(self):
        """The number the next published version takes (versions are numbered from 1)."""
        highest = self.versions.aggregate(n=models.Max("number"))["n"]
        return (highest or 0) + 1


class AidVersionQuerySet(models.QuerySet):
    """Bulk changes obey the frozen guard too (``save``/``delete`` are bypassed by them)."""

    def _frozen(self):
        return self.exclude(status=AidVersion.Status.DRAFT).exists()

    def update(self, **kwargs):
        retiring = set(kwargs) <= {"status", "retired_at"} and (
            kwargs.get("status") == AidVersion.Status.RETIRED
        )
        if not retiring and self._frozen():
            raise FrozenVersionError("These versions include a frozen one.")
        return super().update(**kwargs)

    def delete(self):
        if self._frozen():
            raise FrozenVersionError("These versions include a frozen one.")
        return super().delete()


class AidVersion(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        PUBLISHED = "published", "Published"
        RETIRED = "retired", "Retired"

    aid = models.ForeignKey(Aid, on_delete=models.PROTECT, related_name="versions")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DRAFT)
    number = models.PositiveIntegerField(null=True, blank=True, editable=False)

    decision = models.TextField(
        "the decision in one sentence", max_length=SHORT_LIMIT,
        help_text="Plain words, no recommendation.",
    )
    audience = models.TextField("who this aid is for", max_length=TEXT_LIMIT, blank=True)
    intro = models.TextField(
        "introduction", max_length=TEXT_LIMIT, blank=True,
        help_text="Shown on the decision step: that there is a real choice, "
        "including no procedure, and that no decision is needed today.",
    )
    unknowns = models.TextField(
        "what we don't know", max_length=TEXT_LIMIT, blank=True,
        help_text="One point per line: open questions and the limits of the evidence.",
    )
    funding_statement = models.TextField(max_length=TEXT_LIMIT, blank=True)
    conflicts_statement = models.TextField(
        "conflicts of interest statement", max_length=TEXT_LIMIT, blank=True
    )
    update_policy = models.TextField(max_length=TEXT_LIMIT, blank=True)
    last_reviewed_on = models.DateField(null=True, blank=True)
    next_review_due = models.DateField(null=True, blank=True)
    ipdas_ticks = models.JSONField(
        default=dict, blank=True,
        help_text="IPDAS criteria the reviewer ticked as met (those not derived from content).",
    )
    topic_order = models.CharField(
        "order the topics are first listed in", max_length=100, blank=True,
        help_text="The four topics, separated by commas: benefits, risks, criteria, "
        "alternatives, in any order. The patient chooses the order in the consultation; "
        "this is only where the list starts. Empty: criteria, alternatives, benefits, risks.",
    )

    # The walkthrough's own words about this decision (``aids.vocabulary``, "the aid's own
    # words"): blank takes the neutral wording there.
    about_title = models.CharField(
        "title of the \"about\" step", max_length=SHORT_LIMIT, blank=True,
        help_text="E.g. \"About spinal cord stimulation\". Empty: \"About the procedure\".",
    )
    criteria_title = models.CharField(
        "title of the criteria step", max_length=SHORT_LIMIT, blank=True,
        help_text="E.g. \"Last-resort criteria\". Empty: \"When it is considered\".",
    )
    benefits_summary = models.CharField(
        "benefits: one line on the topics page", max_length=SHORT_LIMIT, blank=True,
        help_text="Empty: \"What it may help with, and how likely that is.\"",
    )
    risks_summary = models.CharField(
        "risks: one line on the topics page", max_length=SHORT_LIMIT, blank=True,
        help_text="Empty: \"What can go wrong, how likely that is, and how serious it can be.\"",
    )
    criteria_summary = models.CharField(
        "criteria: one line on the topics page", max_length=SHORT_LIMIT, blank=True,
        help_text="Empty: \"When it is considered: each point talked through.\"",
    )
    alternatives_summary = models.CharField(
        "alternatives: one line on the topics page", max_length=SHORT_LIMIT, blank=True,
        help_text="Empty: \"The other options, including no procedure, side by side.\"",
    )
    benefits_intro = models.TextField(
        "benefits: the sentence that opens the step", max_length=TEXT_LIMIT, blank=True,
        help_text="Empty: \"What it may help with.\" The page adds that every figure is out of 100 people.",
    )
    criteria_intro = models.TextField(
        "criteria: the sentence that opens the step", max_length=TEXT_LIMIT, blank=True,
        help_text="E.g. \"It is considered only as a last resort.\" Empty: nothing. The page adds "
        "that each point is talked through and that they are not added up.",
    )

    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+",
    )
    based_on = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # Set once, by publishing.
    published_at = models.DateTimeField(null=True, blank=True, editable=False)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
        related_name="+", editable=False,
    )
    change_note = models.TextField(max_length=TEXT_LIMIT, blank=True)
    warnings_justification = models.TextField(
        max_length=TEXT_LIMIT, blank=True,
        help_text="Why this version was published over the quality warnings shown.",
    )
    digest = models.CharField(max_length=64, blank=True, editable=False)
    # The aid's title as it was when this version was published: every page and record
    # of a consultation that pinned this version shows it, whatever the aid is called today.
    aid_title = models.CharField("aid title when published", max_length=200, blank=True, editable=False)
    published_alone = models.BooleanField(
        "published by one person", default=False, editable=False,
        help_text="Published by someone who also edited it: this site allows single-person "
        "publishing (CONTENT_SINGLE_PERSON_PUBLISHING).",
    )
    unreviewed_demo = models.BooleanField(
        "demo, not clinically reviewed", default=False, editable=False,
        help_text="Published by the local demo (load_aid --publish-demo) without clinical review.",
    )
    retired_at = models.DateTimeField(null=True, blank=True, editable=False)

    objects = AidVersionQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["aid", "-number", "-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["aid", "number"], name="unique_version_number_per_aid"
            ),
        ]
        permissions = [("publish_aidversion", "Can publish aid versions")]

    def __str__(self):
        if self.number:
            return f"{self.aid} - version {self.number} ({self.get_status_display()})"
        return f"{self.aid} - draft #{self.pk}"

    @property
    def is_frozen(self):
        return self.status != self.Status.DRAFT

    @property
    def title(self):
        """The title shown with this version: as published (a draft: the aid's today)."""
        return self.aid_title or self.aid.title

    @property
    def short_digest(self):
        return self.digest[:12]

    def clean(self):
        from django.core.exceptions import ValidationError

        try:
            parse_topic_order(self.topic_order)
        except ValueError as exc:
            raise ValidationError({"topic_order": str(exc)}) from None

    def review_overdue(self, on=None):
        from django.utils import timezone

        on = on or timezone.localdate()
        return bool(self.next_review_due and self.next_review_due < on)

    def save(self, *args, **kwargs):
        if self.pk and not getattr(self, "_publishing", False):
            stored = type(self).objects.filter(pk=self.pk).values("status").first()
            if stored and stored["status"] != self.Status.DRAFT:
                # Only retiring a published version is allowed, and only that field.
                allowed = {"status", "retired_at"}
                fields = set(kwargs.get("update_fields") or ())
                if not (self.status == self.Status.RETIRED and fields and fields <= allowed):
                    raise FrozenVersionError(f"{self} is frozen; start a new draft from it.")
        if getattr(self, "_publishing", False) and not self.aid_title:
            self.aid_title = self.aid.title  # pinned with the version (publishing sets it too)
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        if self.is_frozen:
            raise FrozenVersionError(f"{self} is frozen and cannot be deleted.")
        return super().delete(*args, **kwargs)


class PartQuerySet(models.QuerySet):
    def _refuse_if_frozen(self):
        if self.exclude(version__status=AidVersion.Status.DRAFT).exists():
            raise FrozenVersionError("These rows belong to a frozen version.")

    def update(self, **kwargs):
        self._refuse_if_frozen()
        return super().update(**kwargs)

    def delete(self):
        self._refuse_if_frozen()
        return super().delete()


class VersionPart(models.Model):
    """A piece of a version. Refuses any change once its version is frozen."""

    version = models.ForeignKey(AidVersion, on_delete=models.CASCADE, related_name="+")
    order = models.PositiveIntegerField(default=0)

    objects = PartQuerySet.as_manager()
    history = HistoricalRecords(inherit=True)

    class Meta:
        abstract = True
        ordering = ["order", "pk"]

    def _check_not_frozen(self):
        # The version it is saved into, and the one it is stored in (a part must
        # not be moved out of a frozen version either).
        stored = type(self)._base_manager.filter(pk=self.pk).values("version_id")
        frozen = AidVersion.objects.filter(
            models.Q(pk=self.version_id) | models.Q(pk__in=stored)
        ).exclude(status=AidVersion.Status.DRAFT)
        if frozen.exists():
            raise FrozenVersionError("This part belongs to a frozen version.")

    def save(self, *args, **kwargs):
        self._check_not_frozen()
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        self._check_not_frozen()
        return super().delete(*args, **kwargs)


class OperationForm(VersionPart):
    """A form of the operation and the pain it is for: where the pain is decides
    which form is relevant to a patient. Items say which forms they apply to;
    relevance orders what is shown first, it never decides eligibility."""

    version = models.ForeignKey(AidVersion, on_delete=models.CASCADE, related_name="operation_forms")
    key = models.SlugField(max_length=60)
    name = models.CharField(max_length=200, help_text="E.g. trigeminal tractotomy-nucleotomy.")
    pain_site = models.CharField(
        "where the pain is", max_length=SHORT_LIMIT,
        help_text="The choice a clinician picks on the start step, e.g. \"The face\".",
    )

    class Meta(VersionPart.Meta):
        verbose_name = "form of the operation"
        verbose_name_plural = "forms of the operation"
        constraints = [
            models.UniqueConstraint(fields=["version", "key"], name="unique_operation_form_key")
        ]

    def __str__(self):
        return self.name


class FormScoped(models.Model):
    """An item that may apply to some forms of the operation only (none chosen: all)."""

    forms = models.ManyToManyField(
        OperationForm, blank=True, related_name="+",
        help_text="The forms of the operation this applies to. Leave empty for all forms.",
    )

    class Meta:
        abstract = True

    def applies_to(self, form_ids):
        """True when this item applies to any of ``form_ids`` (or to every form)."""
        own = {f.pk for f in self.forms.all()}
        return not own or bool(own & set(form_ids))


class Reference(VersionPart):
    version = models.ForeignKey(AidVersion, on_delete=models.CASCADE, related_name="references")
    key = models.CharField(max_length=20, help_text="Short tag used to cite it, e.g. R1.")
    authors = models.CharField(max_length=500, blank=True)
    title = models.CharField(max_length=500)
    source = models.CharField("journal or publisher", max_length=300, blank=True)
    year = models.PositiveIntegerField(null=True, blank=True)
    doi = models.CharField("DOI", max_length=200, blank=True)
    url = models.URLField("URL", max_length=500, blank=True)
    note = models.CharField(
        max_length=500, blank=True, help_text="E.g. what could not be confirmed."
    )

    class Meta(VersionPart.Meta):
        constraints = [
            models.UniqueConstraint(fields=["version", "key"], name="unique_reference_key")
        ]

    def __str__(self):
        return f"[{self.key}] {self.title}"

    def citation(self):
        """Authors, title, journal, year, DOI (or URL): what a record prints. The editor's
        note (e.g. what could not be confirmed) is for editors and is never printed."""
        parts = [self.authors, self.title, self.source, str(self.year or "")]
        text = ". ".join(p.strip().rstrip(".") for p in parts if p and p.strip())
        if self.doi:
            text += f". doi:{self.doi}"
        elif self.url:
            text += f". {self.url}"
        return text


class Section(VersionPart, FormScoped):
    """An "about" section: what tractotomy is, its forms, before/during/after."""

    version = models.ForeignKey(AidVersion, on_delete=models.CASCADE, related_name="sections")
    heading = models.CharField(max_length=200)
    summary = models.CharField(
        max_length=SHORT_LIMIT, blank=True,
        help_text="One plain sentence shown first; the whole text is one click away. "
        "Empty: the first sentence of the text is shown.",
    )
    body = models.TextField(max_length=TEXT_LIMIT, help_text="Plain text; blank line between paragraphs.")
    references = models.ManyToManyField(
        Reference, blank=True, related_name="+",
        help_text="Where the section's facts come from; required when it states a figure.",
    )

    def __str__(self):
        return self.heading


class Certainty(models.TextChoices):
    MODERATE = "moderate", _("Moderate")
    LOW = "low", _("Low")
    VERY_LOW = "very_low", _("Very low")


class Likelihood(models.TextChoices):
    FIGURE = "figure", _("A figure: about X in N people")
    EVERYONE = "everyone", _("Everyone who has the operation")
    NEARLY_EVERYONE = "nearly_everyone", _("Nearly everyone who has the operation")
    UNKNOWN = "unknown", _("Not known")


_FREQUENCY_TEXTS = {}  # (language, likelihood, numerator, denominator): Outcome.frequency_text()


class Outcome(VersionPart, FormScoped):
    """A benefit or a risk, with how likely: a natural frequency, "everyone" or
    "nearly everyone" for an effect that is part of the operation, or not known."""

    title = models.CharField(max_length=200)
    description = models.TextField(max_length=TEXT_LIMIT, blank=True)
    likelihood = models.CharField(
        "how likely", max_length=16, choices=Likelihood.choices, default=Likelihood.FIGURE,
        help_text="A figure, or an effect everyone (or nearly everyone) who has the "
        "operation gets, or not known (then say why).",
    )
    numerator = models.PositiveIntegerField(null=True, blank=True)
    denominator = models.PositiveIntegerField(null=True, blank=True)
    unknown_reason = models.TextField(
        "why the figure is not known", max_length=TEXT_LIMIT, blank=True,
        help_text="Required when there is no figure.",
    )
    time_frame = models.CharField(max_length=200, blank=True)
    certainty = models.CharField(
        "how sure the evidence is", max_length=10, choices=Certainty.choices,
        default=Certainty.LOW,
    )
    certainty_note = models.CharField(max_length=SHORT_LIMIT, blank=True)

    class Meta(VersionPart.Meta):
        abstract = True

    def __str__(self):
        return self.title

    @property
    def has_figure(self):
        return (self.likelihood == Likelihood.FIGURE and self.numerator is not None
                and bool(self.denominator))

    @property
    def is_universal(self):
        """Everyone or nearly everyone who has the operation: part of what it does."""
        return self.likelihood in (Likelihood.EVERYONE, Likelihood.NEARLY_EVERYONE)

    @property
    def is_unknown(self):
        return not self.has_figure and not self.is_universal

    def frequency_text(self):
        """ "About 8 in 100 people", "Nearly everyone who has the operation" or "Not
        known", in the active language (kept per language and figure: the summary of an
        aid with hundreds of items writes it for each)."""
        key = (get_language(), self.likelihood, self.numerator, self.denominator)
        text = _FREQUENCY_TEXTS.get(key)
        if text is None:
            if len(_FREQUENCY_TEXTS) > 10_000:
                _FREQUENCY_TEXTS.clear()
            text = _FREQUENCY_TEXTS[key] = self._frequency_text()
        return text

    def _frequency_text(self):
        if self.is_universal:
            return str(self.get_likelihood_display())
        if not self.has_figure:
            return str(_("Not known"))
        return str(_("About %(numerator)s in %(denominator)s people")
                   % {"numerator": self.numerator, "denominator": self.denominator})

    def clean(self):
        from django.core.exceptions import ValidationError

        if (self.numerator is None) != (self.denominator is None):
            raise ValidationError("Give both how many and out of how many, or neither.")
        if self.numerator is not None and self.likelihood != Likelihood.FIGURE:
            raise ValidationError({"numerator": (
                f'"How likely" is "{self.get_likelihood_display()}": clear the figure, '
                'or choose "A figure".')})
        if self.numerator is not None and self.denominator and self.numerator > self.denominator:
            raise ValidationError({"numerator": "Cannot be more than the denominator."})
        if self.denominator == 0:
            raise ValidationError({"denominator": "Must be more than 0."})
        if self.likelihood == Likelihood.FIGURE and self.numerator is None:
            raise ValidationError({"numerator": (
                'Give the figure (how many, out of how many), or choose "Not known" '
                "and say why.")})
        if self.likelihood == Likelihood.UNKNOWN and not self.unknown_reason.strip():
            raise ValidationError(
                {"unknown_reason": "Without a figure, say why it is not known."}
            )


class Benefit(Outcome):
    version = models.ForeignKey(AidVersion, on_delete=models.CASCADE, related_name="benefits")
    references = models.ManyToManyField(Reference, blank=True, related_name="+")


class Risk(Outcome):
    class Severity(models.TextChoices):
        MINOR = "minor", _("Minor")
        MODERATE = "moderate", _("Moderate")
        SERIOUS = "serious", _("Serious")
        LIFE = "life", _("Life-threatening")

    class Lasting(models.TextChoices):
        NO = "no", _("Usually goes away")
        SOMETIMES = "sometimes", _("Sometimes lasting")
        YES = "yes", _("Lasting")
        UNKNOWN = "unknown", _("Not known")

    version = models.ForeignKey(AidVersion, on_delete=models.CASCADE, related_name="risks")
    references = models.ManyToManyField(Reference, blank=True, related_name="+")
    severity = models.CharField(max_length=10, choices=Severity.choices, default=Severity.MODERATE)
    lasting = models.CharField(max_length=10, choices=Lasting.choices, default=Lasting.UNKNOWN)


class Criterion(VersionPart, FormScoped):
    """A last-resort criterion: discussed, never scored."""

    version = models.ForeignKey(AidVersion, on_delete=models.CASCADE, related_name="criteria")
    statement = models.CharField(max_length=SHORT_LIMIT)
    explanation = models.TextField(max_length=TEXT_LIMIT, blank=True)

    class Meta(VersionPart.Meta):
        verbose_name_plural = "criteria"

    def __str__(self):
        return self.statement


class Option(VersionPart):
    version = models.ForeignKey(AidVersion, on_delete=models.CASCADE, related_name="options")
    key = models.SlugField(max_length=60)
    name = models.CharField(max_length=200)
    summary = models.TextField(max_length=TEXT_LIMIT, blank=True)

    class Meta(VersionPart.Meta):
        constraints = [
            models.UniqueConstraint(fields=["version", "key"], name="unique_option_key")
        ]

    def __str__(self):
        return self.name


class GridQuestion(VersionPart):
    version = models.ForeignKey(AidVersion, on_delete=models.CASCADE, related_name="grid_questions")
    key = models.SlugField(max_length=60)
    text = models.CharField(max_length=SHORT_LIMIT)

    class Meta(VersionPart.Meta):
        constraints = [
            models.UniqueConstraint(fields=["version", "key"], name="unique_grid_question_key")
        ]

    def __str__(self):
        return self.text


class GridAnswer(VersionPart, FormScoped):
    """One option's answer to one grid question."""

    version = models.ForeignKey(AidVersion, on_delete=models.CASCADE, related_name="grid_answers")
    option = models.ForeignKey(Option, on_delete=models.CASCADE, related_name="answers")
    question = models.ForeignKey(GridQuestion, on_delete=models.CASCADE, related_name="answers")
    text = models.TextField(max_length=TEXT_LIMIT)
    references = models.ManyToManyField(Reference, blank=True, related_name="+")

    class Meta(VersionPart.Meta):
        constraints = [
            models.UniqueConstraint(fields=["option", "question"], name="one_answer_per_option_question")
        ]

    def __str__(self):
        return f"{self.option} / {self.question}"


class ValueStatement(VersionPart):
    version = models.ForeignKey(AidVersion, on_delete=models.CASCADE, related_name="value_statements")
    text = models.CharField(max_length=SHORT_LIMIT)

    def __str__(self):
        return self.text


class UnderstandingQuestion(VersionPart):
    class Answer(models.TextChoices):
        TRUE = "true", _("True")
        FALSE = "false", _("False")

    version = models.ForeignKey(
        AidVersion, on_delete=models.CASCADE, related_name="understanding_questions"
    )
    statement = models.CharField(max_length=SHORT_LIMIT)
    correct_answer = models.CharField(max_length=5, choices=Answer.choices)
    explanation = models.TextField(max_length=TEXT_LIMIT)

    def __str__(self):
        return self.statement


# A contributor's "name" that says no one is named yet.
PLACEHOLDER_NAME = re.compile(
    r"\b(?:pending|to be (?:named|confirmed|decided)|tbc|tbd|tba|not yet|unknown|placeholder|none)\b"
    r"|^\W*$", re.I)


class Contributor(VersionPart):
    class Kind(models.TextChoices):
        AUTHOR = "author", "Author"
        REVIEWER = "reviewer", "Reviewer"

    version = models.ForeignKey(AidVersion, on_delete=models.CASCADE, related_name="contributors")
    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.AUTHOR)
    name = models.CharField(max_length=200)
    role = models.CharField(max_length=200, blank=True)

    def __str__(self):
        return f"{self.name} ({self.get_kind_display()})"

    @property
    def names_a_person(self):
        """False for a placeholder such as "Pending clinical review" or "To be named"."""
        return not PLACEHOLDER_NAME.search(self.name.strip())
