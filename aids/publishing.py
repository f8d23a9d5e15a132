"""Publishing content versions: digest, publish (which retires the previous one), new draft.

Every write goes through one of these keyword-only functions, each in one
transaction. A published version is frozen by the model layer
(``aids.models.content``); publishing itself is the one save that passes the
guard, through ``version._publishing``.
"""

import hashlib
import json

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone

from aids.interchange import canonical_content, export_version, import_version
from aids.models import Aid, AidVersion
from aids.models.content import TEXT_LIMIT
from aids.quality import check_version

PUBLISH_PERMISSION = "aids.publish_aidversion"


class PublishingError(Exception):
    """A publishing action cannot be done in the version's current state."""


class PublishRefused(PublishingError):
    """Publishing was refused. ``reasons`` says why; ``report`` is the quality
    report when the checks ran (None otherwise)."""

    def __init__(self, reasons, report=None):
        self.reasons = [reasons] if isinstance(reasons, str) else list(reasons)
        self.report = report
        super().__init__(" ".join(self.reasons))


def version_digest(version):
    """SHA-256 (hex) of the version's canonical content, as canonical JSON."""
    payload = json.dumps(
        canonical_content(version), sort_keys=True, ensure_ascii=False, separators=(",", ":")
    ).encode("utf-8")
    return hashlib.sha256(payload).hexdigest()


def _check_may_publish(user):
    # user None is the system itself (the bundled content loader).
    if user is not None and not user.has_perm(PUBLISH_PERMISSION):
        raise PermissionDenied("Only content approvers may publish aid versions.")


def version_publish(*, version, user, change_note, justification=""):
    """Publish a draft: it becomes the aid's current version and is frozen.

    Refused (``PublishRefused``, carrying the quality report) when the version
    is not a draft, has no change note, has quality errors, or has quality
    warnings and no written justification (given here, or already on the
    draft). The previously published version of the aid is retired. Numbers
    are taken under a lock on the aid row, so two publishes never share one.
    Returns the published version; ``version`` is refreshed as well.
    """
    _check_may_publish(user)
    change_note = (change_note or "").strip()
    justification = (justification or "").strip()

    with transaction.atomic():
        Aid.objects.select_for_update().get(pk=version.aid_id)
        locked = AidVersion.objects.select_for_update().select_related("aid").get(pk=version.pk)
        if locked.status != AidVersion.Status.DRAFT:
            raise PublishRefused(
                f"{locked} is not a draft; only a draft can be published."
            )

        reasons = []
        if not change_note:
            reasons.append("A change note is required: say what changed in this version.")
        elif len(change_note) > TEXT_LIMIT:
            reasons.append(
                f"The change note is {len(change_note):,} characters long; "
                f"the limit is {TEXT_LIMIT:,}."
            )
        if len(justification) > TEXT_LIMIT:
            reasons.append(
                f"The justification is {len(justification):,} characters long; "
                f"the limit is {TEXT_LIMIT:,}."
            )

        report = check_version(locked)
        if report.errors:
            count = len(report.errors)
            reasons.append(
                f"The quality check found {count} error{'s' if count != 1 else ''}; "
                "fix them before publishing."
            )
        justification = justification or (locked.warnings_justification or "").strip()
        if report.warnings and not justification:
            count = len(report.warnings)
            reasons.append(
                f"The quality check found {count} warning{'s' if count != 1 else ''}; "
                "publishing over warnings needs a written justification."
            )
        if reasons:
            raise PublishRefused(reasons, report=report)

        now = timezone.now()
        for previous in AidVersion.objects.filter(
            aid_id=locked.aid_id, status=AidVersion.Status.PUBLISHED
        ):
            previous.status = AidVersion.Status.RETIRED
            previous.retired_at = now
            previous._history_user = user
            previous.save(update_fields=["status", "retired_at"])

        locked.number = locked.aid.next_version_number()
        locked.status = AidVersion.Status.PUBLISHED
        locked.published_at = now
        locked.published_by = user
        locked.change_note = change_note
        locked.warnings_justification = justification
        locked.digest = version_digest(locked)
        locked.aid_title = locked.aid.title
        locked._history_user = user
        locked._publishing = True
        try:
            locked.save()
        finally:
            del locked._publishing

    version.refresh_from_db()
    return locked


def version_new_draft(*, version, user):
    """A new draft copying ``version`` and all its parts, with ``based_on=version``.

    The copy goes through the interchange format, so it copies exactly what an
    export carries (references re-linked to the copied references, grid answers
    to the copied options and questions). The warnings justification is not
    carried over: it was written for the old content's warnings.
    """
    with transaction.atomic():
        draft = import_version(export_version(version), user=user)
        draft.based_on_id = version.pk
        draft.created_by = user
        draft.warnings_justification = ""
        draft._history_user = user
        draft.save(update_fields=["based_on", "created_by", "warnings_justification"])
    return draft
