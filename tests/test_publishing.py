"""Publishing: digest, publish, new draft, retire (aids.publishing)."""

import hashlib
import json

import pytest
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.test.utils import CaptureQueriesContext

from aids.interchange import canonical_content, export_version
from aids.interchange_format import INFORMATIVE_FIELDS
from aids.models import (
    AidVersion,
    Benefit,
    GridAnswer,
    Reference,
    Risk,
    Section,
)
from aids.publishing import (
    PublishRefused,
    version_digest,
    version_new_draft,
    version_publish,
)
from concurrency_support import run_together, skip_on_sqlite
from factories import content_row_counts, make_approver, make_draft, make_published, make_user

pytestmark = pytest.mark.django_db


def _without_informative(doc):
    doc = json.loads(json.dumps(doc))
    for field in INFORMATIVE_FIELDS + ("warnings_justification",):
        doc["version"].pop(field)
    return doc


# -- digest -----------------------------------------------------------------------------


def test_version_digest_is_sha256_of_canonical_json():
    draft = make_draft()

    digest = version_digest(draft)

    canonical = json.dumps(
        canonical_content(draft), sort_keys=True, ensure_ascii=False, separators=(",", ":")
    ).encode("utf-8")
    assert digest == hashlib.sha256(canonical).hexdigest()
    assert len(digest) == 64


def test_version_digest_same_content_in_two_versions_is_equal():
    first = make_draft()
    second = make_draft()

    assert version_digest(first) == version_digest(second)


def test_version_digest_changes_when_content_changes():
    draft = make_draft()
    before = version_digest(draft)

    Risk.objects.filter(version=draft, title="Unsteady walking").update(numerator=11)

    assert version_digest(draft) != before


def test_version_digest_changes_when_a_cited_reference_changes():
    draft = make_draft()
    before = version_digest(draft)
    benefit = Benefit.objects.get(version=draft, title="Less pain")

    benefit.references.add(Reference.objects.get(version=draft, key="R2"))

    assert version_digest(draft) != before


def test_version_digest_ignores_publishing_fields():
    draft = make_draft()
    before = version_digest(draft)

    draft.change_note = "Something else"
    draft.warnings_justification = "Reviewed."
    draft.save()

    assert version_digest(draft) == before


# -- publish ----------------------------------------------------------------------------


def test_version_publish_sets_number_date_author_note_and_digest():
    approver = make_approver("lead")
    draft = make_draft()

    published = version_publish(version=draft, user=approver, change_note="First version.")

    assert published.status == AidVersion.Status.PUBLISHED
    assert published.number == 1
    assert published.published_at is not None
    assert published.published_by == approver
    assert published.change_note == "First version."
    assert published.digest == version_digest(published)
    draft_after = AidVersion.objects.get(pk=draft.pk)
    assert draft_after.digest == published.digest
    assert draft.status == AidVersion.Status.PUBLISHED  # the caller's instance is refreshed


def test_version_publish_numbers_versions_one_two_three():
    first = make_published()
    second = version_publish(
        version=version_new_draft(version=first, user=None), user=None, change_note="Second."
    )
    third = version_publish(
        version=version_new_draft(version=second, user=None), user=None, change_note="Third."
    )

    assert [first.number, second.number, third.number] == [1, 2, 3]


def test_version_publish_numbers_per_aid():
    make_published("tractotomy")

    other = make_published("cordotomy", aid_title="Cordotomy")

    assert other.number == 1


def test_version_publish_retires_the_previous_version():
    first = make_published()

    second = version_publish(
        version=version_new_draft(version=first, user=None), user=None, change_note="Second."
    )

    first.refresh_from_db()
    assert first.status == AidVersion.Status.RETIRED
    assert first.retired_at == second.published_at
    assert first.aid.current_version() == second
    assert AidVersion.objects.filter(aid=first.aid, status="published").count() == 1


def test_version_publish_by_user_without_permission_is_denied():
    clinician = make_user("clinician")
    editor = make_user("editor", perms=["aids.change_aidversion", "aids.add_aidversion"])
    draft = make_draft()

    for user in (clinician, editor):
        with pytest.raises(PermissionDenied):
            version_publish(version=draft, user=user, change_note="Try.")

    draft.refresh_from_db()
    assert draft.status == AidVersion.Status.DRAFT
    assert draft.number is None


def test_version_publish_by_approver_group_member_is_allowed():
    from django.contrib.auth.models import Group

    user = make_user("approver")
    user.groups.add(Group.objects.get(name="Content approvers"))

    published = version_publish(version=make_draft(), user=user, change_note="First.")

    assert published.published_by == user


def test_version_publish_without_change_note_is_refused():
    draft = make_draft()

    with pytest.raises(PublishRefused) as refused:
        version_publish(version=draft, user=None, change_note="   ")

    assert "A change note is required" in str(refused.value)
    assert AidVersion.objects.get(pk=draft.pk).status == AidVersion.Status.DRAFT


def test_version_publish_with_quality_errors_is_refused_with_the_report():
    draft = make_draft(intro="We recommend tractotomy for most people.")
    before = content_row_counts()

    with pytest.raises(PublishRefused) as refused:
        version_publish(version=draft, user=None, change_note="First.", justification="Reviewed.")

    report = refused.value.report
    assert report.has_errors
    assert "directive-wording" in {f.code for f in report.errors}
    assert "The quality check found 1 error" in str(refused.value)
    assert content_row_counts() == before
    assert AidVersion.objects.get(pk=draft.pk).status == AidVersion.Status.DRAFT


def test_version_publish_with_warnings_and_no_justification_is_refused():
    draft = make_draft(funding_statement="")

    with pytest.raises(PublishRefused) as refused:
        version_publish(version=draft, user=None, change_note="First.")

    assert [f.code for f in refused.value.report.warnings] == ["missing-funding"]
    assert "needs a written justification" in str(refused.value)
    assert AidVersion.objects.get(pk=draft.pk).status == AidVersion.Status.DRAFT


def test_version_publish_with_warnings_and_justification_stores_it():
    draft = make_draft(funding_statement="")

    published = version_publish(
        version=draft, user=None, change_note="First.", justification="  The funding statement is being confirmed with the finance office.  "
    )

    assert published.status == AidVersion.Status.PUBLISHED
    assert published.warnings_justification == "The funding statement is being confirmed with the finance office."


def test_version_publish_with_warnings_accepts_the_drafts_own_justification():
    draft = make_draft(funding_statement="", warnings_justification="The funding statement is being confirmed with the finance office.")

    published = version_publish(version=draft, user=None, change_note="First.")

    assert published.warnings_justification == "The funding statement is being confirmed with the finance office."


def test_version_publish_lists_every_reason_at_once():
    draft = make_draft(intro="You should decide today.", funding_statement="")

    with pytest.raises(PublishRefused) as refused:
        version_publish(version=draft, user=None, change_note="")

    assert len(refused.value.reasons) == 3


def test_version_publish_twice_is_refused():
    published = make_published()

    with pytest.raises(PublishRefused) as refused:
        version_publish(version=published, user=None, change_note="Again.")

    assert "only a draft can be published" in str(refused.value)
    assert refused.value.report is None


def test_version_publish_of_a_stale_draft_instance_is_refused():
    draft = make_draft()
    stale = AidVersion.objects.get(pk=draft.pk)
    version_publish(version=draft, user=None, change_note="First.")

    with pytest.raises(PublishRefused):
        version_publish(version=stale, user=None, change_note="Second try.")

    assert AidVersion.objects.filter(status="published").count() == 1


def test_version_publish_too_long_change_note_is_refused_not_truncated():
    draft = make_draft()

    with pytest.raises(PublishRefused) as refused:
        version_publish(version=draft, user=None, change_note="x" * 4001)

    assert "The change note is 4,001 characters long; the limit is 4,000." in str(refused.value)


# -- new draft --------------------------------------------------------------------------


def test_version_new_draft_copies_every_part():
    author = make_user("editor")
    published = make_published()

    copy = version_new_draft(version=published, user=author)

    assert copy.pk != published.pk
    assert copy.status == AidVersion.Status.DRAFT
    assert copy.number is None
    assert copy.based_on_id == published.pk
    assert copy.created_by == author
    assert copy.aid_id == published.aid_id
    assert _without_informative(export_version(copy)) == _without_informative(
        export_version(published)
    )
    assert version_digest(copy) == published.digest


def test_version_new_draft_relinks_references_and_grid_answers_to_the_copy():
    published = make_published()

    copy = version_new_draft(version=published, user=None)

    copied_refs = set(Reference.objects.filter(version=copy).values_list("pk", flat=True))
    for model in (Benefit, Risk, GridAnswer):
        for item in model.objects.filter(version=copy).prefetch_related("references"):
            assert {r.pk for r in item.references.all()} <= copied_refs
    risk = Risk.objects.get(version=copy, title="Stroke or death")
    assert sorted(r.key for r in risk.references.all()) == ["R1", "R2"]
    for answer in GridAnswer.objects.filter(version=copy).select_related("option", "question"):
        assert answer.option.version_id == copy.pk
        assert answer.question.version_id == copy.pk
    assert GridAnswer.objects.filter(version=copy).count() == 4


def test_version_new_draft_does_not_carry_the_warnings_justification():
    published = make_published(funding_statement="", justification="The funding statement is being confirmed with the finance office.")

    copy = version_new_draft(version=published, user=None)

    assert copy.warnings_justification == ""


def test_version_new_draft_is_editable_and_leaves_the_original_alone():
    published = make_published()
    copy = version_new_draft(version=published, user=None)

    Section.objects.filter(version=copy).update(heading="Changed")

    assert set(Section.objects.filter(version=published).values_list("heading", flat=True)) == {
        "What tractotomy is", "What happens",
    }


def test_version_one_is_unchanged_after_version_two_is_published():
    v1 = make_published()
    digest_v1, export_v1 = v1.digest, export_version(v1)
    draft = version_new_draft(version=v1, user=None)
    Benefit.objects.filter(version=draft, title="Less pain").update(numerator=65)
    Section.objects.filter(version=draft).first().delete()

    v2 = version_publish(version=draft, user=None, change_note="New figure for pain relief.")

    v1.refresh_from_db()
    assert v1.digest == digest_v1 == version_digest(v1)
    after = export_version(v1)
    assert after["version"].pop("status") == "retired"
    export_v1["version"].pop("status")
    assert after == export_v1
    assert v2.digest != v1.digest


def test_version_publish_runs_a_bounded_number_of_queries():
    small = make_draft("small")
    big = make_draft(
        "big",
        sections=[{"heading": f"Part {i}", "body": "Some plain text."} for i in range(30)],
    )

    with CaptureQueriesContext(connection) as small_queries:
        version_publish(version=small, user=None, change_note="First.")
    with CaptureQueriesContext(connection) as big_queries:
        version_publish(version=big, user=None, change_note="First.")

    assert len(big_queries) == len(small_queries)


@pytest.mark.django_db(transaction=True)
def test_version_publish_concurrent_publishes_take_different_numbers():
    skip_on_sqlite()
    drafts = [make_draft() for _ in range(4)]

    published, failures = run_together([
        (lambda draft=draft: version_publish(version=draft, user=None, change_note="Same time."))
        for draft in drafts
    ])

    numbers = [version.number for version in published]
    assert failures == []
    assert sorted(numbers) == [1, 2, 3, 4]
    assert AidVersion.objects.filter(status="published").count() == 1
    assert AidVersion.objects.filter(status="retired").count() == 3
