"""Publishing a content translation (issue 16): the two-person rule, a named
approver, the gates of ``aids.translation_quality`` and a justification for any
warning left standing. Apart from ``aids.translations`` so that the gates, which
read the texts through it, and publishing, which runs the gates, import in one
direction only."""

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone

from aids.models import AidVersion, Translation
from aids.models.content import TEXT_LIMIT
from aids.publishing import justification_problem
from aids.translation_quality import check_translation
from aids.translations import PUBLISH_PERMISSION, TranslationError, translation_editors


def translation_publish(*, translation, user, change_note, justification=""):
    """Publish a draft translation: it becomes the one consultations in its language
    pin, and is frozen; the language's previously published translation of the same
    version is retired.

    Refused (``TranslationError``, with the quality report when the gates ran) when
    the user may not publish, is not named (an approver is a named person), edited
    it (unless ``CONTENT_SINGLE_PERSON_PUBLISHING``; then ``published_alone``), the
    translator's role is not given, the change note is missing, the gates find an
    error, or warnings stand without a justification of real content."""

    if user is None or not user.has_perm(PUBLISH_PERMISSION):
        raise PermissionDenied("Only content approvers may publish translations.")
    change_note = (change_note or "").strip()
    justification = (justification or "").strip()
    with transaction.atomic():
        locked = Translation.objects.select_for_update().select_related("version").get(
            pk=translation.pk)
        if locked.status != Translation.Status.DRAFT:
            raise TranslationError(f"{locked} is not a draft; only a draft can be published.")
        reasons, alone = [], False
        if user.pk in translation_editors(locked):
            if settings.CONTENT_SINGLE_PERSON_PUBLISHING:
                alone = True
            else:
                reasons.append(
                    "You translated or edited this translation, so another content approver "
                    "must publish it: one person translates, a second person who did not "
                    "checks and publishes.")
        if not user.get_full_name().strip():
            reasons.append(
                "Your account has no name: the record names the approver of every "
                "translation, so an administrator must give your account your full name first.")
        if not locked.translator_role:
            reasons.append("Say the translator's role (it is printed in the record).")
        if locked.version.status != AidVersion.Status.PUBLISHED:
            reasons.append(f"{locked.version} is no longer the published version.")
        if not change_note:
            reasons.append("A change note is required: say what this translation is.")
        elif len(change_note) > TEXT_LIMIT:
            reasons.append(f"The change note is longer than {TEXT_LIMIT:,} characters.")
        report = check_translation(locked)
        if report.errors:
            count = len(report.errors)
            reasons.append(f"The quality check found {count} error{'s' if count != 1 else ''}; "
                           "fix them before publishing.")
        justification = justification or locked.warnings_justification.strip()
        if report.warnings:
            if not justification:
                count = len(report.warnings)
                reasons.append(
                    f"The quality check found {count} warning{'s' if count != 1 else ''}; "
                    "publishing over warnings needs a written justification.")
            elif problem := justification_problem(justification):
                reasons.append(problem)
        if reasons:
            raise TranslationError(reasons, report=report)

        now = timezone.now()
        for previous in Translation.objects.filter(
                version_id=locked.version_id, language_code=locked.language_code,
                status=Translation.Status.PUBLISHED):
            previous.status, previous.retired_at = Translation.Status.RETIRED, now
            previous._history_user = user
            previous.save(update_fields=["status", "retired_at"])
        numbers = Translation.objects.filter(
            version_id=locked.version_id, language_code=locked.language_code,
            number__isnull=False).values_list("number", flat=True)
        locked.number = max(numbers, default=0) + 1
        locked.status = Translation.Status.PUBLISHED
        locked.published_at, locked.published_by = now, user
        locked.published_alone = alone
        locked.change_note, locked.warnings_justification = change_note, justification
        locked._history_user = user
        locked._publishing = True
        try:
            locked.save()
        finally:
            del locked._publishing
    translation.refresh_from_db()
    return locked


