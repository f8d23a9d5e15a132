"""Aid JSON interchange: export a version, import a file as a new draft.

This is how hospitals share and review content, and how the bundled
tractotomy aid (aids/content/tractotomy.json) is loaded.

Format (format_version 1); every text is plain text (blank line = new paragraph,
lines starting with "- " are list items). Order in each list is the display order.

{
  "format": "sdm-aid",
  "format_version": 1,
  "aid": {"slug": "tractotomy", "title": "Tractotomy for severe chronic pain"},
  "version": {
    "number": 1, "status": "published",               # informative only; ignored on import
    "published_at": "...", "change_note": "...",        # informative only; ignored on import
    "decision": "one sentence",
    "audience": "who it is for",
    "intro": "text for the decision step",
    "unknowns": "one point per line",
    "funding_statement": "...", "conflicts_statement": "...", "update_policy": "...",
    "last_reviewed_on": "YYYY-MM-DD" | null, "next_review_due": "YYYY-MM-DD" | null,
    "warnings_justification": "why warnings were accepted",
    "topic_order": "criteria, alternatives, benefits, risks",  # where the list starts; "" = that
    "about_title": "About ...", "criteria_title": "...",          # the walkthrough's own words
    "benefits_summary": "...", "risks_summary": "...",           # about this decision ("" = the
    "criteria_summary": "...", "alternatives_summary": "...",    # neutral wording in
    "benefits_intro": "...", "criteria_intro": "...",            # aids/vocabulary.py)
    "ipdas_ticks": {"criterion_key": true},
    "contributors": [{"kind": "author" | "reviewer", "name": "...", "role": "..."}],
    "references": [{"key": "R1", "authors": "...", "title": "...", "source": "...",
                    "year": 2025 | null, "doi": "...", "url": "...", "note": "..."}],
    "operation_forms": [{"key": "mesencephalotomy", "name": "...",
                         "pain_site": "Head, neck, shoulder, arm or upper chest"}],
    "sections": [{"heading": "...", "summary": "one sentence shown first", "body": "...",
                  "references": ["R1"],
                  "forms": ["mesencephalotomy"]}],
    "benefits": [{"title": "...", "description": "...",
                  "likelihood": "figure" | "everyone" | "nearly_everyone" | "unknown",
                  "numerator": 80 | null, "denominator": 100 | null,
                  "unknown_reason": "" , "time_frame": "...",
                  "certainty": "moderate" | "low" | "very_low", "certainty_note": "...",
                  "references": ["R1", "R2"], "forms": []}],
    "risks": [{...same as benefits...,
               "severity": "minor" | "moderate" | "serious" | "life",
               "lasting": "no" | "sometimes" | "yes" | "unknown"}],
    "criteria": [{"statement": "...", "explanation": "...", "forms": []}],
    "options": [{"key": "tractotomy", "name": "...", "summary": "..."}],
    "grid_questions": [{"key": "involves", "text": "What is involved?"}],
    "grid_answers": [{"option": "tractotomy", "question": "involves", "text": "...",
                      "references": ["R1"], "forms": []}],
    "value_statements": [{"text": "..."}],
    "understanding_questions": [{"statement": "...", "correct_answer": "true" | "false",
                                 "explanation": "..."}]
  }
}

Rules the importer applies (all checked before anything is written; every
problem is reported at once, with its place in the document):

- "format" must be "sdm-aid" and "format_version" must be 1.
- Required keys: "aid" (with "slug" and "title") and "version" (with
  "decision"); in list items, the keys whose model field cannot be blank and has
  no default (for example a reference's "key" and "title", a section's
  "heading" and "body", an understanding question's "correct_answer").
  Every other key may be left out and takes the model's default ("" for text,
  null for numbers and dates, [] for lists, e.g. "low" for certainty).
- Keys the format does not know are refused (a misspelt key would otherwise
  lose content silently).
- Texts are strings (never null) within the model's length limit; numbers are
  whole numbers >= 0; dates are "YYYY-MM-DD"; enum values as listed above.
- "likelihood" is "figure" (then numerator and denominator are both given, the
  numerator at most the denominator, the denominator more than 0), "everyone" or
  "nearly_everyone" (an effect that is part of the operation: no figure), or
  "unknown" (no figure, and "unknown_reason" says why). A document without
  "likelihood" (written before it existed) means "figure" when it has a
  numerator and "unknown" when not.
- "forms" lists keys of "operation_forms": the forms of the operation an item
  applies to. Empty or left out: every form.
- Reference, form, option and grid question keys are unique; every key a list cites
  exists; a grid answer points at an existing option and question, and each
  option/question pair is answered at most once.
- Paths in messages count list items from 0: "version.risks[3]" is the fourth risk.

A "references" list is a set of citations: export lists the keys in the order
of the version's reference list, whatever order a file gave them in. Grid
answers are exported option by option, question by question.

Import creates a NEW DRAFT (never touches a published version), attached to the
aid with that slug (created with the file's title if missing; an existing aid's
title is left as it is). The informative fields above are ignored.

Canonical content (``canonical_content``, hashed by ``aids.publishing.version_digest``)
is the export without the informative fields, without "warnings_justification"
(the publishing decision, like the change note, not content shown) and without
the aid's title (the title belongs to the aid, not to the frozen version, so a
later retitle must not change an old version's digest).
"""

import datetime
import json

from django.db import transaction
from simple_history.utils import bulk_create_with_history

from aids.interchange_format import (
    FORM_SCOPED,
    FORMAT_NAME,
    FORMAT_VERSION,
    NOT_CANONICAL_FIELDS,
    PARTS,
    VERSION_FIELDS,
    InterchangeError,
    validated,
)
from aids.models import Aid, AidVersion
from aids.vocabulary import VERSION_WORD_FIELDS


# --------------------------------------------------------------------------- export


def export_version(version):
    """The version as an interchange document (a dict ready for ``json.dumps``).

    Deterministic: lists in display order, cited references in the order of the
    version's reference list, grid answers by option then question, dict keys of
    ``ipdas_ticks`` sorted. Runs a fixed number of queries, whatever the size.
    """
    version = AidVersion.objects.select_related("aid").get(pk=version.pk)  # as stored
    aid = version.aid

    rows = {}
    for name, model, _fields, cites in PARTS:
        qs = model.objects.filter(version=version).order_by("order", "pk")
        if cites:
            qs = qs.prefetch_related("references")
        if name in FORM_SCOPED:
            qs = qs.prefetch_related("forms")
        rows[name] = list(qs)

    ref_position = {ref.pk: i for i, ref in enumerate(rows["references"])}
    option_position = {o.pk: i for i, o in enumerate(rows["options"])}
    question_position = {q.pk: i for i, q in enumerate(rows["grid_questions"])}
    form_position = {f.pk: i for i, f in enumerate(rows["operation_forms"])}
    option_key = {o.pk: o.key for o in rows["options"]}
    question_key = {q.pk: q.key for q in rows["grid_questions"]}

    def cited(obj):
        refs = sorted(
            obj.references.all(),
            key=lambda r: (ref_position.get(r.pk, len(ref_position)), r.key, r.pk),
        )
        return [r.key for r in refs]

    rows["grid_answers"].sort(
        key=lambda a: (
            option_position.get(a.option_id, len(option_position)),
            question_position.get(a.question_id, len(question_position)),
            a.pk,
        )
    )

    doc_version = {
        "number": version.number,
        "status": version.status,
        "published_at": version.published_at.isoformat() if version.published_at else None,
        "change_note": version.change_note,
    }
    for field in VERSION_FIELDS:
        value = getattr(version, field)
        if isinstance(value, datetime.date):
            value = value.isoformat()
        doc_version[field] = value
    doc_version["ipdas_ticks"] = dict(sorted((version.ipdas_ticks or {}).items()))

    for name, _model, fields, cites in PARTS:
        items = []
        for obj in rows[name]:
            item = {}
            for field in fields:
                if name == "grid_answers" and field == "option":
                    item[field] = option_key.get(obj.option_id, "")
                elif name == "grid_answers" and field == "question":
                    item[field] = question_key.get(obj.question_id, "")
                else:
                    item[field] = getattr(obj, field)
            if cites:
                item["references"] = cited(obj)
            if name in FORM_SCOPED:
                item["forms"] = [f.key for f in sorted(
                    obj.forms.all(), key=lambda f: (form_position.get(f.pk, len(form_position)), f.pk))]
            items.append(item)
        doc_version[name] = items

    return {
        "format": FORMAT_NAME,
        "format_version": FORMAT_VERSION,
        "aid": {"slug": aid.slug, "title": aid.title},
        "version": doc_version,
    }


def canonical_content(version):
    """What the digest covers: the export minus informative and publishing fields."""
    doc = export_version(version)
    for field in NOT_CANONICAL_FIELDS:
        doc["version"].pop(field, None)
    # The walkthrough's own words joined the format later: left out while blank, so a
    # version published before them keeps the digest it was published with.
    for field in VERSION_WORD_FIELDS:
        if not doc["version"].get(field):
            doc["version"].pop(field, None)
    doc["aid"].pop("title", None)
    return doc


# --------------------------------------------------------------------------- import


def parse_document(text):
    """Parse JSON text into a document, refusing what ``json.loads`` would hide.

    Invalid JSON is reported with its line and column; an object that repeats a
    key (where ``json.loads`` silently keeps the last value) is refused.
    """
    duplicates = []

    def pairs(items):
        obj = {}
        for key, value in items:
            if key in obj:
                duplicates.append(key)
            obj[key] = value
        return obj

    try:
        data = json.loads(text, object_pairs_hook=pairs)
    except json.JSONDecodeError as exc:
        raise InterchangeError([
            f"document: not valid JSON: {exc.msg} (line {exc.lineno}, column {exc.colno})"
        ]) from None
    except RecursionError:
        raise InterchangeError(["document: nested too deeply to be an aid document"]) from None
    if duplicates:
        raise InterchangeError(
            [f'document: the key "{key}" appears twice in the same object' for key in duplicates]
        )
    broken = list(_lone_surrogates(data, "document"))
    if broken:
        raise InterchangeError([
            f"{where}: has a lone surrogate (an escape such as \\ud800 that is half of a "
            "character): it cannot be stored or printed; fix the text" for where in broken[:20]
        ])
    return data


def _has_surrogate(text):
    return any("\ud800" <= ch <= "\udfff" for ch in text)


def _lone_surrogates(value, where):
    """Where ``value`` holds a lone surrogate (JSON "\\ud800" decodes to one)."""
    if isinstance(value, str):
        if _has_surrogate(value):
            yield where
    elif isinstance(value, dict):
        for key, item in value.items():
            if _has_surrogate(key):
                yield f"{where}: a key"
            else:
                yield from _lone_surrogates(item, f"{where}.{key}" if where != "document" else key)
    elif isinstance(value, list):
        for i, item in enumerate(value):
            yield from _lone_surrogates(item, f"{where}[{i}]")


def import_version(data, *, user=None):
    """Create a new draft from an interchange document; return the draft.

    The whole document is validated first (``InterchangeError`` lists every
    problem, with its path); then everything is written in one transaction, so
    a failure leaves the database as it was.
    """
    clean = validated(data)

    with transaction.atomic():
        aid, _created = Aid.objects.get_or_create(
            slug=clean["aid"]["slug"], defaults={"title": clean["aid"]["title"]}
        )
        version = AidVersion(
            aid=aid, created_by=user, ipdas_ticks=clean["ipdas_ticks"], **clean["fields"]
        )
        version._history_user = user
        version.save()

        created = {}
        for name, model, fields, cites in PARTS:
            objs = []
            for position, item in enumerate(clean["parts"][name]):
                values = dict(item["values"])
                if name == "grid_answers":
                    values["option"] = created["options_by_key"][values["option"]]
                    values["question"] = created["grid_questions_by_key"][values["question"]]
                objs.append(model(version=version, order=(position + 1) * 10, **values))
            objs = bulk_create_with_history(objs, model, default_user=user) if objs else []
            created[name] = objs
            if name in ("references", "operation_forms", "options", "grid_questions"):
                created[f"{name}_by_key"] = {o.key: o for o in objs}
            if name in FORM_SCOPED:
                through = model.forms.through
                source = f"{model._meta.model_name}_id"
                through.objects.bulk_create([
                    through(**{source: obj.pk,
                               "operationform_id": created["operation_forms_by_key"][key].pk})
                    for obj, item in zip(objs, clean["parts"][name])
                    for key in item["forms"]
                ])
            if cites:
                through = model.references.through
                source = f"{model._meta.model_name}_id"
                links = [
                    through(**{source: obj.pk, "reference_id": created["references_by_key"][key].pk})
                    for obj, item in zip(objs, clean["parts"][name])
                    for key in item["references"]
                ]
                through.objects.bulk_create(links)
    return version
