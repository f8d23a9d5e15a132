"""What the publishing hospital says about itself, and what an account says about its holder.

``SiteSettings`` is one row the administrator edits in the admin: the team's name and
contact details, and what a patient should do with questions later. The patient copy
of every record prints them. ``StaffProfile`` holds what the user model does not: the
role a clinician signs a record as. Nothing here is invented: empty until the
hospital fills it in, and the record then says "not recorded".
"""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models

from aids.models.consultation import validate_single_line

SHORT = 200


class SiteSettings(models.Model):
    """The one row of site-wide settings (``SiteSettings.current()``)."""

    team_name = models.CharField(
        "team name", max_length=SHORT, blank=True, validators=[validate_single_line],
        help_text="Printed on the patient copy, e.g. \"Pain management team, St Elsewhere Hospital\".")
    contact_details = models.TextField(
        "contact details", max_length=1000, blank=True,
        help_text="How a patient reaches the team: telephone, hours, address or email. "
        "Printed on the patient copy of every record.")
    questions_later = models.TextField(
        "if the patient has questions later", max_length=1000, blank=True,
        help_text="What a patient should do with questions after the visit. Empty: the record "
        "says to contact the team above, or their GP or specialist nurse.")
    public_base_url = models.URLField(
        "public address of this site", max_length=200, blank=True,
        help_text="The address patients reach this site at from home, e.g. "
        "\"https://sdm.hospital.example\". The patient copy prints links (and QR codes) to the "
        "reading-at-home page and the CollaboRATE questions under it. Empty: no link is printed.")
    collaborate_link_days = models.PositiveSmallIntegerField(
        "days a CollaboRATE link works", default=7,
        validators=[MinValueValidator(1), MaxValueValidator(60)],
        help_text="The one-time link to the three CollaboRATE questions printed on the patient "
        "copy stops working after this many days. Its authors advise answering within 24-48 "
        "hours of the visit; 7 days leaves time for a record read later at home.")

    class Meta:
        verbose_name = "site settings"
        verbose_name_plural = "site settings"

    def __str__(self):
        return "Site settings"

    def save(self, *args, **kwargs):
        self.pk = 1  # one row, whatever the caller passed
        super().save(*args, **kwargs)

    @classmethod
    def current(cls):
        """The settings row (unsaved and empty when the administrator has not saved one)."""
        return cls.objects.filter(pk=1).first() or cls(pk=1)


class StaffProfile(models.Model):
    """The role a clinician signs as, e.g. "Consultant in pain medicine"."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                                related_name="staff_profile")
    role = models.CharField(
        max_length=120, blank=True, validators=[validate_single_line],
        help_text="Job title as it should appear on records, e.g. \"Consultant neurosurgeon\".")
    registration = models.CharField(
        "professional registration", max_length=60, blank=True,
        validators=[validate_single_line],
        help_text="Optional, e.g. \"GMC 1234567\". Printed beside the clinician's name.")

    class Meta:
        verbose_name = "staff profile"

    def __str__(self):
        return self.role or "Staff profile"


class Team(models.Model):
    """Clinicians who share a list: each member sees the others' consultations in their
    list and reads their records (read-only). An explicit membership, never staff status."""

    name = models.CharField(max_length=SHORT, unique=True, validators=[validate_single_line])
    members = models.ManyToManyField(settings.AUTH_USER_MODEL, related_name="teams", blank=True)

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name


class KeptText(models.Model):
    """Text a clinician typed into a page when their login had just ended
    (``aids.stash``): kept for that clinician only, returned once, a few pages at most."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    path = models.CharField(max_length=300)
    fields = models.JSONField(default=dict)
    size = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "pk"]
        constraints = [models.UniqueConstraint(fields=["user", "path"], name="one_kept_text_per_page")]
        verbose_name = "text kept after a logout"
