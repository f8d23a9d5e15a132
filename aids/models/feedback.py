"""CollaboRATE (Elwyn et al., 2013): the patient's own answers about the visit.

An ``CollaborateInvite`` is one link printed on a patient copy (or opened on the shared
screen): only the SHA-256 of its token is stored, it works once and ends at
``expires_at``. A ``CollaborateResponse`` holds the three answers, one per
consultation, apart from the record (which is final and never changes): nothing
here is printed on a record. Services: ``aids.collaborate``.
"""

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models

from aids.models.consultation import Consultation

ANSWER = [MinValueValidator(0), MaxValueValidator(9)]


class CollaborateInvite(models.Model):
    class Channel(models.TextChoices):
        PATIENT_COPY = "patient_copy", "Printed on the patient copy"
        SHARED_SCREEN = "shared_screen", "Opened on the shared screen"

    consultation = models.ForeignKey(Consultation, on_delete=models.CASCADE,
                                     related_name="collaborate_invites")
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    channel = models.CharField(max_length=16, choices=Channel.choices)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = "CollaboRATE link"

    def __str__(self):
        return f"CollaboRATE link {self.pk}"


class CollaborateResponse(models.Model):
    """The patient's three answers, 0 ("no effort was made") to 9 ("every effort was made")."""

    consultation = models.OneToOneField(Consultation, on_delete=models.CASCADE,
                                        related_name="collaborate_response")
    invite = models.OneToOneField(CollaborateInvite, on_delete=models.PROTECT, related_name="+")
    understand = models.PositiveSmallIntegerField(validators=ANSWER)
    listen = models.PositiveSmallIntegerField(validators=ANSWER)
    include = models.PositiveSmallIntegerField(validators=ANSWER)
    answered_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "CollaboRATE answers"
        verbose_name_plural = "CollaboRATE answers"
        constraints = [
            models.CheckConstraint(
                condition=models.Q(understand__lte=9, listen__lte=9, include__lte=9),
                name="collaborate_answers_0_to_9"),
        ]

    def __str__(self):
        return f"CollaboRATE answers {self.pk}"

    @property
    def top_box(self):
        """9 on all three items: how the authors score it (a proportion over many answers)."""
        return self.understand == self.listen == self.include == 9


class SdmReport(CollaborateResponse):
    """The admin's aggregate report for clinical leads (``aids.reports``): a proxy with no
    rows of its own, so the report has its own permission and its own place in the admin."""

    class Meta:
        proxy = True
        verbose_name = "shared decision-making report"
        verbose_name_plural = "shared decision-making report"
        default_permissions = ()
        permissions = [("view_sdm_report", "Can view the shared decision-making report")]
