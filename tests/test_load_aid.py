"""Management commands: load_aid, export_aid, import_aid."""

import io
import json
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

import aids
from aids.interchange import export_version
from aids.interchange_format import INFORMATIVE_FIELDS
from aids.models import Aid, AidVersion
from aids.publishing import version_digest, version_new_draft, version_publish
from concurrency_support import run_together, skip_on_sqlite
from factories import content_row_counts, make_document, make_draft, make_published, make_user

pytestmark = pytest.mark.django_db

BUNDLED = Path(aids.__file__).parent / "content" / "tractotomy.json"


def run(*args, **options):
    out, err = io.StringIO(), io.StringIO()
    call_command(*args, stdout=out, stderr=err, **options)
    return out.getvalue(), err.getvalue()


@pytest.fixture
def aid_file(tmp_path):
    path = tmp_path / "aid.json"
    path.write_text(json.dumps(make_document(), ensure_ascii=False), encoding="utf-8")
    return path


JUSTIFICATION = "The funding statement is being confirmed with the finance office."


# -- load_aid ---------------------------------------------------------------------------


def test_load_aid_loads_the_file_as_a_draft_for_a_clinical_lead_to_publish(aid_file):
    out, _ = run("load_aid", file=str(aid_file))

    version = AidVersion.objects.get(aid__slug="tractotomy")
    assert version.status == AidVersion.Status.DRAFT
    assert version.number is None
    assert Aid.objects.get(slug="tractotomy").current_version() is None
    assert (f'Loaded "tractotomy" as draft #{version.pk}: a content approver reviews it in the '
            "admin, names the clinical reviewer and publishes it.") in out


def test_load_aid_publish_demo_publishes_version_one_labelled_unreviewed(aid_file):
    out, _ = run("load_aid", file=str(aid_file), publish_demo=True)

    version = Aid.objects.get(slug="tractotomy").current_version()
    assert version.number == 1
    assert version.published_by is None
    assert version.unreviewed_demo is True
    assert version.change_note == "Local demo: the bundled content, published without clinical review"
    assert version.digest == version_digest(version)
    assert (f'Loaded "tractotomy" and published it as version 1 (digest {version.short_digest}) '
            "for the local demo, labelled as not yet clinically reviewed.") in out


def test_load_aid_second_run_changes_nothing(aid_file):
    run("load_aid", file=str(aid_file), publish_demo=True)
    before = content_row_counts()
    digest = AidVersion.objects.get().digest

    out, _ = run("load_aid", file=str(aid_file))

    assert content_row_counts() == before
    assert AidVersion.objects.get().digest == digest
    assert 'The aid "tractotomy" is already there (version 1 is published); nothing loaded.' in out


def test_load_aid_when_the_aid_has_only_a_draft_does_nothing(aid_file):
    make_draft()
    before = content_row_counts()

    out, _ = run("load_aid", file=str(aid_file))

    assert content_row_counts() == before
    assert "already there (it has versions); nothing loaded." in out


def test_load_aid_when_a_later_version_is_published_does_nothing(aid_file):
    first = make_published()
    version_publish(version=version_new_draft(version=first, user=None), user=None, change_note="2.")
    before = content_row_counts()

    out, _ = run("load_aid", file=str(aid_file))

    assert content_row_counts() == before
    assert "(version 2 is published)" in out


def test_load_aid_file_failing_the_quality_gates_leaves_nothing(tmp_path):
    path = tmp_path / "directive.json"
    path.write_text(json.dumps(make_document(intro="We recommend the operation.")))
    before = content_row_counts()

    with pytest.raises(CommandError) as error:
        run("load_aid", file=str(path))

    message = str(error.value)
    assert "was not loaded: the quality check found 1 error(s)" in message
    assert "- error directive-wording [Introduction]:" in message
    assert content_row_counts() == before


def test_load_aid_file_with_warnings_uses_its_justification(tmp_path):
    path = tmp_path / "warned.json"
    path.write_text(json.dumps(make_document(
        funding_statement="", warnings_justification=JUSTIFICATION
    )))

    run("load_aid", file=str(path), publish_demo=True)

    version = AidVersion.objects.get()
    assert version.status == AidVersion.Status.PUBLISHED
    assert version.warnings_justification == JUSTIFICATION


def test_load_aid_invalid_file_leaves_nothing(tmp_path):
    document = make_document()
    document["version"]["risks"][0]["references"] = ["R9"]
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(document))
    before = content_row_counts()

    with pytest.raises(CommandError, match='version.risks\\[0\\].references: unknown reference key "R9"'):
        run("load_aid", file=str(path))

    assert content_row_counts() == before


def test_load_aid_missing_file_is_a_clear_error():
    with pytest.raises(CommandError, match="File not found: nowhere.json"):
        run("load_aid", file="nowhere.json")


def test_load_aid_bundled_content_publishes_version_one_for_the_demo():
    run("load_aid", publish_demo=True)
    before = content_row_counts()
    out, _ = run("load_aid")

    version = Aid.objects.get(slug="tractotomy").current_version()
    assert version.number == 1
    assert version.digest == version_digest(version)
    assert "already there" in out
    assert content_row_counts() == before


# -- export_aid -------------------------------------------------------------------------


def test_export_aid_writes_the_current_version_to_stdout():
    first = make_published()
    second = version_publish(
        version=version_new_draft(version=first, user=None), user=None, change_note="Second."
    )

    out, _ = run("export_aid", "tractotomy")

    assert json.loads(out) == export_version(second)


def test_export_aid_given_version_number():
    first = make_published()
    version_publish(version=version_new_draft(version=first, user=None), user=None, change_note="2.")

    out, _ = run("export_aid", "tractotomy", version=1)

    doc = json.loads(out)
    assert doc["version"]["number"] == 1
    assert doc["version"]["status"] == "retired"


def test_export_aid_to_a_file_keeps_unicode(tmp_path):
    make_published(decision="Whether to have a tractotomy — or not, for severe pain.")
    target = tmp_path / "out.json"

    _, err = run("export_aid", "tractotomy", output=str(target))

    text = target.read_text(encoding="utf-8")
    assert "tractotomy — or not" in text
    assert json.loads(text)["version"]["number"] == 1
    assert f"to {target}" in err


def test_export_aid_unknown_slug_is_a_clear_error():
    make_published()

    with pytest.raises(CommandError, match='No aid with slug "cordotomy" \\(aids: tractotomy\\)'):
        run("export_aid", "cordotomy")


def test_export_aid_unknown_version_is_a_clear_error():
    make_published()

    with pytest.raises(CommandError, match='The aid "tractotomy" has no version 5 \\(versions: 1\\)'):
        run("export_aid", "tractotomy", version=5)


def test_export_aid_without_a_published_version_is_a_clear_error():
    make_draft()

    with pytest.raises(CommandError, match="has no published version; give --version N"):
        run("export_aid", "tractotomy")


# -- import_aid -------------------------------------------------------------------------


def test_import_aid_creates_a_draft_and_prints_its_id_and_admin_url(aid_file):
    author = make_user("editor")

    out, _ = run("import_aid", str(aid_file), user="editor")

    draft = AidVersion.objects.get()
    assert draft.status == AidVersion.Status.DRAFT
    assert draft.created_by == author
    assert f"id: {draft.pk}" in out
    assert f"admin: /admin/aids/aidversion/{draft.pk}/change/" in out


def test_import_aid_next_to_a_published_version_leaves_it_current(aid_file):
    published = make_published()

    run("import_aid", str(aid_file))

    assert Aid.objects.get().current_version() == published
    assert AidVersion.objects.filter(status="draft").count() == 1


def test_export_then_import_aid_round_trip(tmp_path):
    published = make_published()
    target = tmp_path / "v1.json"
    run("export_aid", "tractotomy", output=str(target))

    run("import_aid", str(target))

    draft = AidVersion.objects.get(status="draft")
    assert version_digest(draft) == published.digest
    exported = export_version(draft)
    original = json.loads(target.read_text())
    for doc in (exported, original):
        for field in INFORMATIVE_FIELDS:
            doc["version"].pop(field)
    assert exported == original


def test_import_aid_missing_file_is_a_clear_error(tmp_path):
    with pytest.raises(CommandError, match="File not found: .*missing.json"):
        run("import_aid", str(tmp_path / "missing.json"))


def test_import_aid_invalid_json_says_line_and_column(tmp_path):
    path = tmp_path / "broken.json"
    path.write_text('{\n  "format": "sdm-aid",\n  "format_version": 1,\n}\n')

    with pytest.raises(CommandError) as error:
        run("import_aid", str(path))

    assert "not valid JSON: Expecting property name enclosed in double quotes (line 4, column 1)" in (
        str(error.value)
    )
    assert AidVersion.objects.count() == 0


def test_import_aid_not_utf8_is_a_clear_error(tmp_path):
    path = tmp_path / "latin1.json"
    path.write_bytes('{"format": "sdm-aid", "x": "é"}'.encode("latin-1"))

    with pytest.raises(CommandError, match="is not UTF-8 text"):
        run("import_aid", str(path))


def test_import_aid_incompatible_file_is_refused_and_nothing_imported(tmp_path):
    make_published()
    document = make_document()
    document["format_version"] = 2
    path = tmp_path / "future.json"
    path.write_text(json.dumps(document))
    before = content_row_counts()

    with pytest.raises(CommandError) as error:
        run("import_aid", str(path))

    assert "format_version: this site reads format version 1, the document says 2" in str(error.value)
    assert "Nothing was imported." in str(error.value)
    assert content_row_counts() == before


def test_import_aid_invalid_content_lists_the_problems_and_imports_nothing(tmp_path):
    document = make_document()
    document["version"]["grid_answers"][2]["option"] = "cordotomy"
    document["version"]["sections"][0]["heading"] = "x" * 201
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(document))
    before = content_row_counts()

    with pytest.raises(CommandError) as error:
        run("import_aid", str(path))

    message = str(error.value)
    assert "cannot be imported (2 problems)" in message
    assert "version.sections[0].heading: is 201 characters long; the limit is 200" in message
    assert 'version.grid_answers[2].option: unknown option key "cordotomy"' in message
    assert content_row_counts() == before


def test_import_aid_unknown_user_is_a_clear_error(aid_file):
    with pytest.raises(CommandError, match='No user "nobody"'):
        run("import_aid", str(aid_file), user="nobody")

    assert AidVersion.objects.count() == 0


@pytest.mark.django_db(transaction=True)
def test_load_aid_run_twice_at_once_publishes_one_version(aid_file):
    skip_on_sqlite()

    _results, failures = run_together(
        [lambda: run("load_aid", file=str(aid_file), publish_demo=True)] * 2)

    assert failures == []
    assert list(AidVersion.objects.values_list("number", "status")) == [(1, "published")]
