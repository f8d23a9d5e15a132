"""Publishing content versions: digest, publish (which retires the previous one), new draft.

Every write goes through one of these keyword-only functions, each in one
transaction. A published version is frozen by the model layer
(``aids.models.content``); publishing itself is the one save that passes the
guard, through ``version._publishing``.
"""

import hashlib
import json
import re

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone

from aids.interchange import canonical_content, export_version, import_version
from aids.models import (
    Aid, AidVersion, Benefit, Contributor, Criterion, GridAnswer, GridQuestion, OperationForm,
    Option, Reference, Risk, Section, UnderstandingQuestion, ValueStatement,
)
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


# A justification is a sentence: this many words and characters at least, and a
# verb-like word among them ("is", "was", "remains", "explained", "agreeing"...).
JUSTIFICATION_MIN_WORDS = 6
JUSTIFICATION_MIN_CHARS = 30
_WORD = re.compile(r"[^\W\d_]+(?:['’-][^\W\d_]+)*")
_VERB_WORDS = frozenset("""
    is are was were be been being am has have had do does did can could will would may might
    must shall should need needs keep keeps kept give gives gave show shows showed shown say says
    said stay stays stayed remain remains come comes came cannot apply applies mean means
    make makes made use uses reads read""".split())
_VERB_ENDINGS = ("ed", "ing", "es", "en")
def _verb_like(word, position):
    if word in _VERB_WORDS or (len(word) > 4 and word.endswith(_VERB_ENDINGS)):
        return True
    # "fills", "covers", "stays": a third-person verb (or a plural: good enough here).
    return position > 0 and len(word) > 3 and word.endswith("s") and not word.endswith(("ss", "us", "is"))


def justification_problem(text):
    """Why ``text`` is not a real justification (a sentence saying why), or "".

    Refused: fewer than JUSTIFICATION_MIN_WORDS words or JUSTIFICATION_MIN_CHARS
    characters, the same word over and over, or no verb-like word at all
    ("ok", "fine", "approved by me", "see above see above").
    """
    text = (text or "").strip()
    words = [w.lower() for w in _WORD.findall(text)]
    if len(words) < JUSTIFICATION_MIN_WORDS or len(text) < JUSTIFICATION_MIN_CHARS:
        return (
            f"Write the justification as at least one full sentence "
            f"({JUSTIFICATION_MIN_WORDS} words or more) saying why each warning may stand; "
            f"\"{_clip(text)}\" is not enough."
        )
    if len(set(words)) < JUSTIFICATION_MIN_WORDS // 2 + 1:
        return "The justification repeats the same few words; say why the warnings may stand."
    if not any(_verb_like(w, i) for i, w in enumerate(words)):
        return ("The justification is not a sentence (it has no verb); "
                "say in a sentence why the warnings may stand.")
    return ""


def _clip(text, limit=40):
    return text if len(text) <= limit else text[: limit - 1] + "…"


def named_reviewers(version):
    """The version's reviewers (Contributors of kind reviewer) that name a person."""
    return [
        c for c in version.contributors.filter(kind=Contributor.Kind.REVIEWER)
        if c.names_a_person
    ]


PART_MODELS = (
    OperationForm, Section, Benefit, Risk, Criterion, Option, GridQuestion, GridAnswer,
    ValueStatement, UnderstandingQuestion, Reference, Contributor,
)


def version_editors(version):
    """Every user who created or changed the version or any of its parts, from the
    version's history and its parts' history (django-simple-history), with the
    draft's creator. Changes made by the system (no user) name no one."""
    ids = set(
        AidVersion.history.filter(id=version.pk, history_user__isnull=False)
        .values_list("history_user_id", flat=True)
    )
    for model in PART_MODELS:
        ids.update(
            model.history.filter(version_id=version.pk, history_user__isnull=False)
            .values_list("history_user_id", flat=True)
        )
    if version.created_by_id:
        ids.add(version.created_by_id)
    return ids


def _check_may_publish(user):
    # user None is the system itself (the bundled content loader).
    if user is not None and not user.has_perm(PUBLISH_PERMISSION):
        raise PermissionDenied("Only content approvers may publish aid versions.")


def version_publish(*, version, user, change_note, justification="", demo=False):
    """Publish a draft: it becomes the aid's current version and is frozen.

    Refused (``PublishRefused``, carrying the quality report when the checks ran)
    when the version is not a draft, has no change note, has quality errors, has
    quality warnings and no justification of real content (given here, or already
    on the draft; see ``justification_problem``), names no reviewer, or when
    ``user`` edited it (two people: one edits, another approves), unless the
    administrator set ``CONTENT_SINGLE_PERSON_PUBLISHING``; the version then
    records ``published_alone``. ``demo=True`` (the system only, for the local
    demo) publishes without a named reviewer and marks the version
    ``unreviewed_demo``. The previously published version of the aid is retired.
    Numbers are taken under a lock on the aid row, so two publishes never share
    one. Returns the published version; ``version`` is refreshed as well.
    """
    _check_may_publish(user)
    if demo and user is not None:
        raise PermissionDenied("Only the system publishes the unreviewed demo content.")
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
        alone = False
        if user is not None and user.pk in version_editors(locked):
            if settings.CONTENT_SINGLE_PERSON_PUBLISHING:
                alone = True
            else:
                reasons.append(
                    "You edited this draft, so another content approver must publish it: "
                    "one person edits, a second person who did not edit it checks and publishes."
                )
        if not demo and not named_reviewers(locked):
            reasons.append(
                "Name the clinical reviewer before publishing: add a contributor of kind "
                "\"Reviewer\" with the person's name (a placeholder such as "
                "\"Pending clinical review\" is not a name)."
            )
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
        if report.warnings:
            count = len(report.warnings)
            if not justification:
                reasons.append(
                    f"The quality check found {count} warning{'s' if count != 1 else ''}; "
                    "publishing over warnings needs a written justification."
                )
            elif problem := justification_problem(justification):
                reasons.append(problem)
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
        locked.published_alone = alone
        locked.unreviewed_demo = demo
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
