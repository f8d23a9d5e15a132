"""What the health check writes: one row, updated (and committed) on every check."""

from django.db import models


class HealthProbe(models.Model):
    """Proof that the database takes a write: a full disk or a read-only database
    refuses the update, and ``/healthz`` answers 503. Holds no data of anyone's."""

    checked_at = models.DateTimeField()

    class Meta:
        verbose_name = "health probe"
