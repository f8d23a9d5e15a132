"""Who may open a consultation: the one access rule, for every view that reads one."""

from django.http import Http404

from aids.models import Consultation


class ConsultationNotFound(Exception):
    """No such consultation, or not one this user may open (the two look the same)."""


def consultation_for(user, pk, *, read_only=False):
    """The consultation ``pk`` if ``user`` may open it, else ``ConsultationNotFound``.

    A clinician opens only their own consultations. Staff users may also open any
    record *read-only* (``read_only=True``: the record page and its audit trail);
    they never edit someone else's consultation.
    """
    qs = Consultation.objects.select_related("version", "version__aid", "clinician")
    if not (read_only and user.is_staff):
        qs = qs.filter(clinician_id=user.pk)
    try:
        return qs.get(pk=pk)
    except Consultation.DoesNotExist:
        raise ConsultationNotFound(pk) from None


def consultation_or_404(user, pk, *, read_only=False):
    """``consultation_for`` for views: a consultation the user may not open is a 404."""
    try:
        return consultation_for(user, pk, read_only=read_only)
    except ConsultationNotFound:
        raise Http404("No such consultation.") from None
