"""Frozen-version guard for many-to-many changes (references cited, forms applied to),
and, at each login, whether the user has typed text kept (``aids.stash``)."""

from django.contrib.auth.signals import user_logged_in
from django.db.models.signals import m2m_changed
from django.dispatch import receiver

from aids.models import Benefit, Criterion, GridAnswer, Risk, Section
from aids.models.content import AidVersion, FrozenVersionError


def _refuse_frozen(sender, instance, action, **kwargs):
    if action not in {"pre_add", "pre_remove", "pre_clear"}:
        return
    version_id = getattr(instance, "version_id", None)
    if version_id is None:
        return
    status = AidVersion.objects.filter(pk=version_id).values_list("status", flat=True).first()
    if status and status != AidVersion.Status.DRAFT:
        raise FrozenVersionError("Links within a frozen version cannot change.")


for model in (Benefit, Risk, GridAnswer):
    receiver(m2m_changed, sender=model.references.through, weak=False)(_refuse_frozen)
for model in (Section, Benefit, Risk, Criterion, GridAnswer):
    receiver(m2m_changed, sender=model.forms.through, weak=False)(_refuse_frozen)


@receiver(user_logged_in, weak=False)
def _note_kept_text(sender, request, user, **kwargs):
    from aids.stash import stash_note_on_login

    stash_note_on_login(request, user)
