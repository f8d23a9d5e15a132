"""Aid JSON interchange (aids.interchange): export, import, validation, canonical content."""

import copy
import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from aids.interchange import canonical_content, export_version, import_version, parse_document
from aids.interchange_format import FORMAT_NAME, INFORMATIVE_FIELDS, InterchangeError
from aids.models import Aid, AidVersion, Benefit, GridAnswer, Reference, Section
from factories import content_row_counts, make_document, make_draft, make_published, make_user

pytestmark = pytest.mark.django_db


def _drop_informative(doc):
    doc = copy.deepcopy(doc)
    for field in INFORMATIVE_FIELDS:
        doc["version"].pop(field)
    return doc


# -- export -----------------------------------------------------------------------------


def test_export_version_has_the_documented_shape():
    published = make_published()

    doc = export_version(published)

    assert doc["format"] == FORMAT_NAME
    assert doc["format_version"] == 1
    assert doc["aid"] == {"slug": "tractotomy", "title": "Tractotomy for severe chronic pain"}
    v = doc["version"]
    assert (v["number"], v["status"], v["change_note"]) == (1, "published", "First version.")
    assert v["published_at"] == published.published_at.isoformat()
    assert v["references"][0] == {
        "key": "R1", "authors": "Lee A, Patel S", "title": "Pain relief after tractotomy",
        "source": "Pain Journal", "year": 2021, "doi": "10.1000/example.1", "url": "", "note": "",
    }
    assert v["risks"][2] == {
        "title": "Stroke or death", "description": "Stroke or death: about 2 in 100 people.",
        "likelihood": "figure", "numerator": 2, "denominator": 100, "unknown_reason": "",
        "time_frame": "During or soon after the operation", "certainty": "very_low",
        "certainty_note": "Based on small studies.", "references": ["R1", "R2"],
        "severity": "life", "lasting": "yes", "forms": [],
    }
    assert v["risks"][0]["forms"] == ["face"]
    assert v["operation_forms"][0] == {
        "key": "face", "name": "Trigeminal tractotomy-nucleotomy", "pain_site": "The face"}
    assert v["grid_answers"][0] == {
        "option": "tractotomy", "question": "involves",
        "text": "An operation and a few days in hospital.", "references": ["R1"], "forms": [],
    }
    json.dumps(doc)  # serialisable as it is


def test_export_version_is_the_document_it_was_imported_from():
    document = make_document()
    draft = import_version(document)

    exported = export_version(draft)

    assert {k: v for k, v in exported["version"].items() if k not in INFORMATIVE_FIELDS} == (
        document["version"]
    )


def test_export_version_orders_cited_references_by_the_reference_list():
    draft = make_draft()
    benefit = Benefit.objects.get(version=draft, title="Less pain")
    benefit.references.clear()
    benefit.references.add(Reference.objects.get(version=draft, key="R2"))
    benefit.references.add(Reference.objects.get(version=draft, key="R1"))

    doc = export_version(draft)

    assert doc["version"]["benefits"][0]["references"] == ["R1", "R2"]


def test_export_version_orders_grid_answers_by_option_then_question():
    draft = make_draft()
    GridAnswer.objects.filter(version=draft, option__key="no-procedure").update(order=0)

    doc = export_version(draft)

    assert [(a["option"], a["question"]) for a in doc["version"]["grid_answers"]] == [
        ("tractotomy", "involves"), ("tractotomy", "relief"),
        ("no-procedure", "involves"), ("no-procedure", "relief"),
    ]


def test_export_version_follows_the_display_order():
    draft = make_draft()
    Section.objects.filter(version=draft, heading="What happens").update(order=1)

    doc = export_version(draft)

    assert [s["heading"] for s in doc["version"]["sections"]] == [
        "What happens", "What tractotomy is",
    ]


def test_export_version_runs_a_fixed_number_of_queries():
    small = make_draft("small")
    big = make_draft(
        "big",
        sections=[{"heading": f"Part {i}", "body": "Text."} for i in range(40)],
        benefits=make_document()["version"]["benefits"] * 10,
    )

    with CaptureQueriesContext(connection) as small_queries:
        export_version(small)
    with CaptureQueriesContext(connection) as big_queries:
        export_version(big)

    # One query per list, plus the references and the forms of the lists that have them.
    assert len(big_queries) == len(small_queries) <= 22


def test_export_version_reads_what_is_stored_not_unsaved_changes():
    draft = make_draft()
    draft.decision = "Not saved."

    assert export_version(draft)["version"]["decision"] != "Not saved."


def test_canonical_content_leaves_out_informative_and_publishing_fields():
    published = make_published(justification="Reviewed.")

    canonical = canonical_content(published)

    for field in INFORMATIVE_FIELDS + ("warnings_justification",):
        assert field not in canonical["version"]
    assert canonical["aid"] == {"slug": "tractotomy"}
    assert canonical["version"]["decision"] == published.decision


# -- import -----------------------------------------------------------------------------


def test_import_version_creates_a_draft_and_the_aid():
    author = make_user("editor")

    draft = import_version(make_document("cordotomy", aid_title="Cordotomy"), user=author)

    assert draft.status == AidVersion.Status.DRAFT
    assert draft.number is None
    assert draft.created_by == author
    assert draft.aid.slug == "cordotomy"
    assert draft.aid.title == "Cordotomy"
    assert draft.history.first().history_user == author


def test_import_version_attaches_to_the_existing_aid_and_keeps_its_title():
    published = make_published()

    draft = import_version(make_document(aid_title="Another title"))

    assert draft.aid_id == published.aid_id
    assert Aid.objects.get().title == "Tractotomy for severe chronic pain"
    assert published.aid.current_version() == published


def test_import_version_ignores_informative_fields():
    document = make_document()
    document["version"].update(
        number=7, status="published", published_at="2024-01-01T00:00:00+00:00",
        change_note="From elsewhere.",
    )

    draft = import_version(document)

    assert (draft.status, draft.number, draft.published_at, draft.change_note) == (
        "draft", None, None, "",
    )


def test_import_version_round_trip_is_equal_except_informative_fields():
    published = make_published()
    exported = export_version(published)

    again = export_version(import_version(json.loads(json.dumps(exported))))

    assert _drop_informative(again) == _drop_informative(exported)
    assert again["version"]["status"] == "draft"
    assert again["version"]["number"] is None


def test_import_version_of_the_bundled_content_round_trips():
    from pathlib import Path

    import aids

    path = Path(aids.__file__).parent / "content" / "tractotomy.json"
    document = parse_document(path.read_text(encoding="utf-8"))

    exported = export_version(import_version(document))

    # Citations are a set; export lists them in the order of the reference list.
    position = {r["key"]: i for i, r in enumerate(document["version"]["references"])}
    for name in ("benefits", "risks", "grid_answers"):
        for item in document["version"][name]:
            item["references"] = sorted(item.get("references", []), key=position.get)
    given = _drop_informative(document)["version"]
    assert _subset(given, _drop_informative(exported)["version"])


def _subset(given, exported):
    """Every value the document gives is in the export (keys it left out take defaults)."""
    if isinstance(given, dict):
        assert set(given) <= set(exported)
        return all(_subset(given[k], exported[k]) for k in given)
    if isinstance(given, list):
        assert len(given) == len(exported)
        return all(_subset(g, e) for g, e in zip(given, exported))
    assert given == exported
    return True


def test_import_version_links_references_and_answers_within_the_draft():
    other = make_draft("other")

    draft = import_version(make_document())

    refs = {r.key: r.pk for r in Reference.objects.filter(version=draft)}
    risk = draft.risks.get(title="Stroke or death")
    assert {r.pk for r in risk.references.all()} == {refs["R1"], refs["R2"]}
    answer = GridAnswer.objects.get(version=draft, option__key="tractotomy", question__key="relief")
    assert answer.option.version_id == answer.question.version_id == draft.pk
    assert not Reference.objects.filter(version=other, pk__in=refs.values()).exists()


def test_import_version_fills_left_out_keys_with_defaults():
    document = make_document()
    for key in ("audience", "unknowns", "ipdas_ticks", "last_reviewed_on", "criteria"):
        del document["version"][key]
    del document["version"]["risks"][0]["severity"]
    del document["version"]["references"][0]["year"]

    draft = import_version(document)

    assert draft.audience == "" and draft.last_reviewed_on is None and draft.ipdas_ticks == {}
    assert draft.criteria.count() == 0
    assert draft.risks.first().severity == "moderate"
    assert draft.references.get(key="R1").year is None


def test_import_version_keeps_unicode_and_long_text_exactly():
    text = "Douleur sévère — боль — 痛み\n\n" + "a" * 3900
    document = make_document(sections=[{"heading": "Ünïcode", "body": text}])

    draft = import_version(document)

    assert draft.sections.get().body == text


# -- validation -------------------------------------------------------------------------


def _set(path, value):
    """A mutation setting document[path] (path: keys and indexes) to value."""
    def mutate(doc):
        target = doc
        for step in path[:-1]:
            target = target[step]
        target[path[-1]] = value
    return mutate


def _delete(path):
    def mutate(doc):
        target = doc
        for step in path[:-1]:
            target = target[step]
        del target[path[-1]]
    return mutate


V = "version"
INVALID = [
    # (id, mutation, expected problem)
    ("wrong-format", _set(("format",), "other"),
     'format: expected "sdm-aid", found "other"'),
    ("no-format", _delete(("format",)),
     'format: expected "sdm-aid", found null'),
    ("future-format-version", _set(("format_version",), 2),
     "format_version: this site reads format version 1, the document says 2"),
    ("string-format-version", _set(("format_version",), "1"),
     'format_version: this site reads format version 1, the document says "1"'),
    ("no-aid", _delete(("aid",)), "aid: required key is missing"),
    ("bad-slug", _set(("aid", "slug"), "trac totomy"), "aid.slug: Enter a valid"),
    ("no-version", _delete((V,)), "version: required key is missing"),
    ("version-not-object", _set((V,), []), "version: must be an object, found a list"),
    ("unknown-top-key", _set(("extra",), 1), 'document: unknown key "extra"'),
    ("no-decision", _delete((V, "decision")), "version.decision: required key is missing"),
    ("blank-decision", _set((V, "decision"), "  "), "version.decision: must not be blank"),
    ("null-text", _set((V, "intro"), None),
     'version.intro: must be a string, found null (use "" for none)'),
    ("long-decision", _set((V, "decision"), "x" * 301),
     "version.decision: is 301 characters long; the limit is 300"),
    ("long-body", _set((V, "sections", 1, "body"), "x" * 4001),
     "version.sections[1].body: is 4,001 characters long; the limit is 4,000"),
    ("nul-character", _set((V, "intro"), "a\x00b"), "version.intro: contains a NUL character"),
    ("bad-date", _set((V, "next_review_due"), "2030-02-30"),
     'version.next_review_due: "2030-02-30" is not a real date'),
    ("date-format", _set((V, "last_reviewed_on"), "01/02/2025"),
     'version.last_reviewed_on: must be a date as "YYYY-MM-DD" or null, found "01/02/2025"'),
    ("ticks-not-bool", _set((V, "ipdas_ticks"), {"funding": "yes"}),
     'version.ipdas_ticks.funding: must be true or false, found "yes"'),
    ("tick-evidence-not-text", _set((V, "ipdas_ticks"), {"funding": {"met": True, "evidence": 3}}),
     "version.ipdas_ticks.funding.evidence: must be a string, found a number"),
    ("tick-met-missing", _set((V, "ipdas_ticks"), {"funding": {"evidence": "Page 2."}}),
     "version.ipdas_ticks.funding.met: must be true or false, found null"),
    ("tick-unknown-key", _set((V, "ipdas_ticks"), {"funding": {"met": True, "why": "x"}}),
     'version.ipdas_ticks.funding: unknown key "why"'),
    ("section-unknown-reference", _set((V, "sections", 0, "references"), ["R9"]),
     'version.sections[0].references: unknown reference key "R9"'),
    ("list-not-list", _set((V, "risks"), {"title": "x"}),
     "version.risks: must be a list, found an object"),
    ("item-not-object", _set((V, "sections", 0), "text"),
     "version.sections[0]: must be an object, found a string"),
    ("unknown-item-key", _set((V, "risks", 1, "sevrity"), "serious"),
     'version.risks[1]: unknown key "sevrity"'),
    ("bad-enum", _set((V, "risks", 0, "severity"), "huge"),
     'version.risks[0].severity: "huge" is not one of "minor", "moderate", "serious", "life"'),
    ("bad-certainty", _set((V, "benefits", 0, "certainty"), "high"),
     'version.benefits[0].certainty: "high" is not one of "moderate", "low", "very_low"'),
    ("bad-kind", _set((V, "contributors", 0, "kind"), "editor"),
     'version.contributors[0].kind: "editor" is not one of "author", "reviewer"'),
    ("bad-answer", _set((V, "understanding_questions", 0, "correct_answer"), True),
     "version.understanding_questions[0].correct_answer: must be a string, found true/false"),
    ("numerator-string", _set((V, "benefits", 0, "numerator"), "70"),
     'version.benefits[0].numerator: must be a whole number or null, found "70"'),
    ("numerator-float", _set((V, "benefits", 0, "numerator"), 7.5),
     "version.benefits[0].numerator: must be a whole number or null, found 7.5"),
    ("numerator-negative", _set((V, "benefits", 0, "numerator"), -1),
     "version.benefits[0].numerator: must be between 0 and 2147483647, found -1"),
    ("numerator-bool", _set((V, "benefits", 0, "numerator"), True),
     "version.benefits[0].numerator: must be a whole number or null, found True"),
    ("half-figure", _set((V, "benefits", 2, "denominator"), None),
     "version.benefits[2]: Give both how many and out of how many, or neither."),
    ("numerator-over", _set((V, "risks", 0, "numerator"), 101),
     "version.risks[0].numerator: Cannot be more than the denominator."),
    ("no-figure-no-reason",
     lambda d: d[V]["risks"][0].update(likelihood="unknown", numerator=None, denominator=None),
     "version.risks[0].unknown_reason: Without a figure, say why it is not known."),
    ("figure-kind-without-figure", lambda d: d[V]["risks"][0].update(numerator=None, denominator=None),
     'version.risks[0].numerator: Give the figure (how many, out of how many), or choose "Not known" '
     "and say why."),
    ("everyone-with-a-figure", _set((V, "risks", 0, "likelihood"), "everyone"),
     'version.risks[0].numerator: "How likely" is "Everyone who has the operation": clear the '
     'figure, or choose "A figure".'),
    ("bad-likelihood", _set((V, "risks", 0, "likelihood"), "always"),
     'version.risks[0].likelihood: "always" is not one of "figure", "everyone", "nearly_everyone", '
     '"unknown"'),
    ("unknown-form-key", _set((V, "risks", 0, "forms"), ["elbow"]),
     'version.risks[0].forms: unknown form key "elbow"'),
    ("bad-url", _set((V, "references", 1, "url"), "not a url"),
     "version.references[1].url: Enter a valid URL."),
    ("bad-year", _set((V, "references", 0, "year"), "2021"),
     'version.references[0].year: must be a whole number or null, found "2021"'),
    ("no-reference-title", _delete((V, "references", 0, "title")),
     "version.references[0].title: required key is missing"),
    ("duplicate-reference-key", _set((V, "references", 1, "key"), "R1"),
     'version.references[1].key: duplicate key "R1" (also used by version.references[0])'),
    ("duplicate-option-key", _set((V, "options", 1, "key"), "tractotomy"),
     'version.options[1].key: duplicate key "tractotomy" (also used by version.options[0])'),
    ("duplicate-question-key", _set((V, "grid_questions", 1, "key"), "involves"),
     'version.grid_questions[1].key: duplicate key "involves"'),
    ("bad-option-key", _set((V, "options", 1, "key"), "no procedure"),
     "version.options[1].key: Enter a valid"),
    ("unknown-reference", _set((V, "risks", 2, "references"), ["R1", "R9"]),
     'version.risks[2].references: unknown reference key "R9"'),
    ("reference-twice", _set((V, "benefits", 0, "references"), ["R1", "R1"]),
     'version.benefits[0].references: reference key "R1" is listed twice'),
    ("reference-not-string", _set((V, "benefits", 0, "references"), [1]),
     "version.benefits[0].references[0]: must be a reference key string, found 1"),
    ("references-not-list", _set((V, "benefits", 0, "references"), "R1"),
     "version.benefits[0].references: must be a list of reference keys, found a string"),
    ("answer-unknown-option", _set((V, "grid_answers", 3, "option"), "cordotomy"),
     'version.grid_answers[3].option: unknown option key "cordotomy"'),
    ("answer-unknown-question", _set((V, "grid_answers", 0, "question"), "cost"),
     'version.grid_answers[0].question: unknown grid question key "cost"'),
    ("answer-without-option", _delete((V, "grid_answers", 0, "option")),
     "version.grid_answers[0].option: required key is missing"),
    ("answer-twice", _set((V, "grid_answers", 1, "question"), "involves"),
     'version.grid_answers[1]: option "tractotomy" already answers question "involves" '
     "(see version.grid_answers[0])"),
    ("answer-unknown-reference", _set((V, "grid_answers", 0, "references"), ["R3"]),
     'version.grid_answers[0].references: unknown reference key "R3"'),
    ("too-many-items", _set((V, "value_statements"), [{"text": "x"}] * 501),
     "version.value_statements: has 501 items; the limit is 500"),
]


@pytest.mark.parametrize(("mutate", "expected"), [(m, e) for _, m, e in INVALID],
                         ids=[i for i, _, _ in INVALID])
def test_import_version_invalid_document_is_refused_and_writes_nothing(mutate, expected):
    make_published()
    document = make_document()
    mutate(document)
    before = content_row_counts()

    with pytest.raises(InterchangeError) as error:
        import_version(document)

    assert any(p.startswith(expected) for p in error.value.problems), error.value.problems
    assert expected.split(":")[0] in str(error.value)
    assert content_row_counts() == before


def test_import_version_not_an_object_is_refused():
    with pytest.raises(InterchangeError, match="document: must be a JSON object, found a list"):
        import_version([])


def test_import_version_reports_every_problem_at_once():
    document = make_document()
    document["version"]["risks"][0]["severity"] = "huge"
    document["version"]["benefits"][1]["references"] = ["R7"]
    document["version"]["decision"] = ""

    with pytest.raises(InterchangeError) as error:
        import_version(document)

    assert error.value.problems == [
        "version.decision: must not be blank",
        'version.risks[0].severity: "huge" is not one of "minor", "moderate", "serious", "life"',
        'version.benefits[1].references: unknown reference key "R7"',
    ]
    assert str(error.value).startswith("The aid document cannot be imported (3 problems):\n  - ")


def test_import_version_failure_while_writing_leaves_nothing(monkeypatch):
    make_published()
    before = content_row_counts()

    def broken(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(GridAnswer.references.through.objects, "bulk_create", broken)
    with pytest.raises(RuntimeError):
        import_version(make_document())

    assert content_row_counts() == before


def test_import_version_runs_a_bounded_number_of_queries():
    with CaptureQueriesContext(connection) as small_queries:
        make_draft("small")
    with CaptureQueriesContext(connection) as big_queries:
        make_draft("big", sections=[{"heading": f"Part {i}", "body": "Text."} for i in range(40)])

    assert len(big_queries) == len(small_queries)


# -- parsing ----------------------------------------------------------------------------


def test_parse_document_invalid_json_says_line_and_column():
    with pytest.raises(InterchangeError) as error:
        parse_document('{\n  "format": "sdm-aid",\n  "aid": }')

    assert error.value.problems == [
        "document: not valid JSON: Expecting value (line 3, column 10)"
    ]


def test_parse_document_repeated_key_is_refused():
    text = json.dumps(make_document()).replace('"audience":', '"intro": "x", "audience":', 1)

    with pytest.raises(InterchangeError, match='the key "intro" appears twice in the same object'):
        parse_document(text)


def test_parse_document_valid_text_gives_the_document():
    document = make_document()

    assert parse_document(json.dumps(document)) == document


def test_sections_cite_references_and_the_ipdas_evidence_round_trips():
    ticks = {"funding": {"met": True, "evidence": "The funding statement, under About this aid."},
             "publication-date": True}
    document = make_document(ipdas_ticks=ticks)
    document["version"]["sections"][0]["references"] = ["R2", "R1"]

    draft = import_version(document)
    exported = export_version(draft)

    assert exported["version"]["sections"][0]["references"] == ["R1", "R2"]
    assert exported["version"]["sections"][1]["references"] == []
    assert exported["version"]["ipdas_ticks"] == ticks


def test_a_document_without_section_references_still_imports():
    document = make_document()
    for section in document["version"]["sections"]:
        section.pop("references", None)

    draft = import_version(document)

    assert all(not s.references.exists() for s in draft.sections.all())
