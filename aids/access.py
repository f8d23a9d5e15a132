"""Who may open a consultation: the one access rule, for every view that reads one.

- Its clinician opens and edits it.
- A clinician who shares a team with its clinician (``Team``, an explicit membership)
  sees it in their list and reads its record, read-only.
- A records auditor (the permission ``aids.read_any_record``, given by the group
  "Records auditors") reads any record, read-only, after giving a reason: the reason
  is kept in the session for that consultation and written into every audit event of
  that view or download.
- Nobody else: staff status and the content roles (editors, approvers) never open a
  record. Anyone else gets the same 404 as for a consultation that does not exist.
"""

from django.db.models import F, Q
from django.http import Http404, HttpRequest

from aids.frozen import kept_version
from aids.models import AidVersion, Consultation, Team
from aids.prepared import PkLookup

AUDITORS = "Records auditors"
READ_ANY_RECORD = "aids.read_any_record"
REASON_SESSION_KEY = "record_access_reasons"
REASON_MAX = 150

OWNER, TEAM, AUDITOR = "owner", "team", "auditor"


class ConsultationNotFound(Exception):
    """No such consultation, or not one this user may open (the two look the same)."""


class ReasonRequired(Exception):
    """A records auditor must give a reason before this record is shown
    (``aids.middleware.AskForReasonMiddleware`` turns this into the reason form)."""

    def __init__(self, pk):
        super().__init__(pk)
        self.pk = pk


def team_clinician_ids(user):
    """The pks of every clinician sharing a team with ``user`` (``user`` included)."""
    if not getattr(user, "is_authenticated", False):
        return set()
    ids = set(
        Team.members.through.objects.filter(team__members=user).values_list("user_id", flat=True)
    )
    return ids | {user.pk}


def visible_consultations(user):
    """The list a clinician sees: their own consultations and their team's."""
    return Consultation.objects.filter(
        Q(clinician_id=user.pk) | Q(clinician_id__in=team_clinician_ids(user))
    )


def may_read_any_record(user):
    return bool(getattr(user, "is_authenticated", False) and user.is_active
                and user.has_perm(READ_ANY_RECORD))


# Read at the start of every consultation page: compiled once per connection. Of its
# version only what tells the kept copy is still the same (aids.frozen.kept_version):
# the version itself is read once per process, and its clinician is the user opening it.
_VERSION_STAMP = ("digest", "published_at", "status", "retired_at")
_CONSULTATION = PkLookup(lambda: Consultation.objects.annotate(
    **{f"version_{name}": F(f"version__{name}") for name in _VERSION_STAMP}))
_VERSION = PkLookup(lambda: AidVersion.objects.select_related("aid"))


def consultation_for(user, pk, *, read_only=False, reason=None):
    """The consultation ``pk`` if ``user`` may open it, else ``ConsultationNotFound``.

    Without ``read_only`` only its clinician opens it. With ``read_only`` (the record
    page and its downloads) a team member may too, and a records auditor who gave a
    ``reason`` (without one: ``ReasonRequired``). The consultation carries ``access``
    (owner, team or auditor) and ``access_reason``.
    """
    consultation = _CONSULTATION.get(pk) if getattr(user, "is_authenticated", False) else None
    if consultation is None:
        raise ConsultationNotFound(pk)
    consultation.access_reason = ""
    stamp = (consultation.version_digest, consultation.version_published_at,
             consultation.version_status, consultation.version_retired_at)
    Consultation.version.field.set_cached_value(
        consultation, kept_version(consultation.version_id, stamp, _VERSION.get))
    if consultation.clinician_id == user.pk:
        Consultation.clinician.field.set_cached_value(consultation, user)
        consultation.access = OWNER
        return consultation
    if read_only and consultation.clinician_id in team_clinician_ids(user):
        consultation.access = TEAM
        return consultation
    if read_only and may_read_any_record(user):
        if not reason:
            raise ReasonRequired(pk)
        consultation.access = AUDITOR
        consultation.access_reason = reason
        return consultation
    raise ConsultationNotFound(pk)


def given_reason(session, pk):
    """The reason this session gave for opening consultation ``pk`` ("" if none)."""
    return (session.get(REASON_SESSION_KEY) or {}).get(str(pk), "")


def keep_reason(session, pk, reason):
    reasons = dict(session.get(REASON_SESSION_KEY) or {})
    reasons[str(pk)] = reason
    session[REASON_SESSION_KEY] = reasons


def consultation_or_404(user, pk, *, read_only=False):
    """``consultation_for`` for views: a consultation the user may not open is a 404.

    ``user`` may be the request itself: then a reason given in this session (records
    auditors) is used, and without one ``ReasonRequired`` asks for it.
    """
    reason = None
    if isinstance(user, HttpRequest):
        reason = given_reason(user.session, pk)
        user = user.user
    try:
        return consultation_for(user, pk, read_only=read_only, reason=reason)
    except ConsultationNotFound:
        raise Http404("No such consultation.") from None


def audit_detail(consultation, detail):
    """An audit event's detail, with the auditor's reason when one was given."""
    reason = getattr(consultation, "access_reason", "")
    return f"{detail}; reason: {reason}" if reason else detail
