"""A published or retired version is frozen at the model layer, whatever the code path."""

import pytest
from django.db import transaction

from aids.models import (
    AidVersion,
    Benefit,
    Contributor,
    Criterion,
    FrozenVersionError,
    GridAnswer,
    GridQuestion,
    Option,
    Reference,
    Risk,
    Section,
    UnderstandingQuestion,
    ValueStatement,
)
from aids.publishing import version_digest, version_new_draft, version_publish
from factories import make_draft, make_published

pytestmark = pytest.mark.django_db

# (model, a text field to change)
PARTS = [
    (Reference, "title"),
    (Section, "heading"),
    (Benefit, "title"),
    (Risk, "title"),
    (Criterion, "statement"),
    (Option, "name"),
    (GridQuestion, "text"),
    (GridAnswer, "text"),
    (ValueStatement, "text"),
    (UnderstandingQuestion, "statement"),
    (Contributor, "name"),
]
PART_IDS = [model.__name__ for model, _ in PARTS]


@pytest.fixture
def published():
    return make_published()


@pytest.fixture
def retired():
    version = make_published()
    version_publish(version=version_new_draft(version=version, user=None), user=None, change_note="Second.")
    version.refresh_from_db()
    assert version.status == AidVersion.Status.RETIRED
    return version


# -- the version itself -----------------------------------------------------------------


def test_published_version_save_raises(published):
    published.decision = "Something else."

    with pytest.raises(FrozenVersionError):
        published.save()

    assert AidVersion.objects.get(pk=published.pk).decision != "Something else."


def test_published_version_save_as_draft_again_raises(published):
    published.status = AidVersion.Status.DRAFT

    with pytest.raises(FrozenVersionError):
        published.save()


def test_published_version_delete_raises(published):
    with pytest.raises(FrozenVersionError):
        published.delete()

    assert AidVersion.objects.filter(pk=published.pk).exists()


def test_published_version_queryset_update_raises(published):
    with pytest.raises(FrozenVersionError):
        AidVersion.objects.filter(pk=published.pk).update(decision="Something else.")

    assert AidVersion.objects.get(pk=published.pk).digest == version_digest(published)


def test_published_version_queryset_delete_raises(published):
    with pytest.raises(FrozenVersionError):
        AidVersion.objects.filter(pk=published.pk).delete()

    assert Section.objects.filter(version=published).count() == 2


def test_published_version_retiring_save_is_allowed(published):
    published.status = AidVersion.Status.RETIRED

    published.save(update_fields=["status", "retired_at"])

    assert AidVersion.objects.get(pk=published.pk).status == AidVersion.Status.RETIRED


def test_published_version_retiring_save_with_other_fields_raises(published):
    published.status = AidVersion.Status.RETIRED
    published.decision = "Something else."

    with pytest.raises(FrozenVersionError):
        published.save(update_fields=["status", "retired_at", "decision"])


def test_retired_version_save_raises(retired):
    retired.intro = "Changed."

    with pytest.raises(FrozenVersionError):
        retired.save()


# -- its parts --------------------------------------------------------------------------


@pytest.mark.parametrize(("model", "field"), PARTS, ids=PART_IDS)
def test_published_part_save_raises(published, model, field):
    part = model.objects.filter(version=published).first()
    setattr(part, field, "Changed")

    with pytest.raises(FrozenVersionError):
        part.save()

    assert getattr(model.objects.get(pk=part.pk), field) != "Changed"


@pytest.mark.parametrize(("model", "field"), PARTS, ids=PART_IDS)
def test_published_part_delete_raises(published, model, field):
    part = model.objects.filter(version=published).first()

    with pytest.raises(FrozenVersionError):
        part.delete()

    assert model.objects.filter(pk=part.pk).exists()


@pytest.mark.parametrize(("model", "field"), PARTS, ids=PART_IDS)
def test_published_part_queryset_update_raises(published, model, field):
    with pytest.raises(FrozenVersionError):
        model.objects.filter(version=published).update(**{field: "Changed"})

    assert not model.objects.filter(**{field: "Changed"}).exists()


@pytest.mark.parametrize(("model", "field"), PARTS, ids=PART_IDS)
def test_published_part_queryset_delete_raises(published, model, field):
    count = model.objects.filter(version=published).count()

    with pytest.raises(FrozenVersionError):
        model.objects.filter(version=published).delete()

    assert model.objects.filter(version=published).count() == count


def test_published_part_queryset_with_draft_rows_mixed_in_raises(published):
    draft = make_draft()

    with pytest.raises(FrozenVersionError):
        Section.objects.filter(version__in=[published, draft]).update(heading="Changed")

    assert not Section.objects.filter(heading="Changed").exists()


def test_published_version_new_part_raises(published):
    with pytest.raises(FrozenVersionError):
        Section.objects.create(version=published, heading="Extra", body="Extra text.")


def test_published_part_moved_to_a_draft_raises(published):
    draft = make_draft()
    section = Section.objects.filter(version=published).first()
    section.version = draft

    with pytest.raises(FrozenVersionError):
        section.save()

    assert Section.objects.get(pk=section.pk).version_id == published.pk


def test_draft_part_moved_into_a_published_version_raises(published):
    draft = make_draft()
    section = Section.objects.filter(version=draft).first()
    section.version = published

    with pytest.raises(FrozenVersionError):
        section.save()


@pytest.mark.parametrize("model", [Benefit, Risk, GridAnswer], ids=lambda m: m.__name__)
@pytest.mark.parametrize("action", ["add", "remove", "clear", "set"])
def test_published_part_references_change_raises(published, model, action):
    item = model.objects.filter(version=published).exclude(references=None).first()
    before = sorted(item.references.values_list("pk", flat=True))
    other = Reference.objects.filter(version=published).exclude(pk__in=before).first()
    manager = item.references
    call = {
        "add": lambda: manager.add(other or before[0]),
        "remove": lambda: manager.remove(before[0]),
        "clear": manager.clear,
        "set": lambda: manager.set([]),
    }[action]

    # Related managers write in atomic(savepoint=False): contain the rollback.
    with pytest.raises(FrozenVersionError), transaction.atomic():
        call()

    assert sorted(item.references.values_list("pk", flat=True)) == before


def test_published_version_digest_still_matches_after_refused_changes(published):
    for model, field in PARTS:
        with pytest.raises(FrozenVersionError):
            model.objects.filter(version=published).update(**{field: "Changed"})

    assert version_digest(published) == published.digest


# -- drafts stay editable ---------------------------------------------------------------


@pytest.mark.parametrize(("model", "field"), PARTS, ids=PART_IDS)
def test_draft_part_save_and_delete_work(model, field):
    draft = make_draft()
    part = model.objects.filter(version=draft).first()
    setattr(part, field, "Changed")

    part.save()
    part.delete()

    assert not model.objects.filter(pk=part.pk).exists()


def test_draft_version_references_can_change():
    draft = make_draft()
    benefit = Benefit.objects.filter(version=draft).first()

    benefit.references.set(Reference.objects.filter(version=draft))

    assert benefit.references.count() == 2


def test_draft_publish_then_part_save_raises():
    draft = make_draft()
    section = Section.objects.filter(version=draft).first()  # loaded while still a draft
    version_publish(version=draft, user=None, change_note="First.")
    section.heading = "Changed"

    with pytest.raises(FrozenVersionError):
        section.save()
