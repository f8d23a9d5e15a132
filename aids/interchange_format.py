"""The aid interchange format: its constants and the validation of a document.

Validation reads the whole document before anything is written and lists every
problem with its path (``InterchangeError``). The format itself is described in
``aids.interchange``, which exports and imports documents.
"""

import datetime
import re

from django.core.exceptions import ValidationError
from django.db import models

from aids.models import (
    Aid,
    AidVersion,
    Benefit,
    Contributor,
    Criterion,
    GridAnswer,
    GridQuestion,
    OperationForm,
    Option,
    Reference,
    Risk,
    Section,
    UnderstandingQuestion,
    ValueStatement,
)
from aids.models.content import TEXT_LIMIT
from aids.vocabulary import VERSION_WORD_FIELDS, parse_topic_order

FORMAT_NAME = "sdm-aid"
FORMAT_VERSION = 1

# Exported for people to read; ignored on import and left out of the digest.
INFORMATIVE_FIELDS = ("number", "status", "published_at", "change_note")
NOT_CANONICAL_FIELDS = INFORMATIVE_FIELDS + ("warnings_justification",)

VERSION_FIELDS = (
    "decision", "audience", "intro", "unknowns",
    "funding_statement", "conflicts_statement", "update_policy",
    "last_reviewed_on", "next_review_due", "warnings_justification", "topic_order",
    *VERSION_WORD_FIELDS,
)

OUTCOME_FIELDS = (
    "title", "description", "likelihood", "numerator", "denominator", "unknown_reason",
    "time_frame", "certainty", "certainty_note",
)

# Each list of a version: (name in the document, model, scalar fields in export order,
# whether items cite references). Write order matters: references before what cites
# them, options and questions before answers.
PARTS = (
    ("contributors", Contributor, ("kind", "name", "role"), False),
    ("references", Reference,
     ("key", "authors", "title", "source", "year", "doi", "url", "note"), False),
    ("operation_forms", OperationForm, ("key", "name", "pain_site"), False),
    ("sections", Section, ("heading", "summary", "body"), True),
    ("benefits", Benefit, OUTCOME_FIELDS, True),
    ("risks", Risk, OUTCOME_FIELDS + ("severity", "lasting"), True),
    ("criteria", Criterion, ("statement", "explanation"), False),
    ("options", Option, ("key", "name", "summary"), False),
    ("grid_questions", GridQuestion, ("key", "text"), False),
    ("grid_answers", GridAnswer, ("option", "question", "text"), True),
    ("value_statements", ValueStatement, ("text",), False),
    ("understanding_questions", UnderstandingQuestion,
     ("statement", "correct_answer", "explanation"), False),
)
PART_NAMES = tuple(name for name, *_ in PARTS)
# Lists whose items may say which forms of the operation they apply to ("forms":
# a list of operation_forms keys; empty or missing: every form).
FORM_SCOPED = ("sections", "benefits", "risks", "criteria", "grid_answers")

MAX_ITEMS = 500  # per list; far above any real aid, low enough to refuse junk
MAX_IPDAS_KEY = 100
MAX_PROBLEMS_SHOWN = 50
_DATE_RE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_INT_MAX = 2_147_483_647  # PositiveIntegerField's portable upper bound


class InterchangeError(Exception):
    """The document cannot be imported. ``problems`` lists each one as "path: what"."""

    def __init__(self, problems):
        self.problems = list(problems)
        shown = self.problems[:MAX_PROBLEMS_SHOWN]
        count = len(self.problems)
        lines = [
            f"The aid document cannot be imported "
            f"({count} problem{'s' if count != 1 else ''}):"
        ]
        lines += [f"  - {p}" for p in shown]
        if count > len(shown):
            lines.append(f"  ... and {count - len(shown)} more.")
        super().__init__("\n".join(lines))


def validate_document(data):
    """Check a whole document without writing anything; raise ``InterchangeError``."""
    validated(data)


class _Problems(list):
    def add(self, path, message):
        self.append(f"{path}: {message}")


def validated(data):
    """Check the whole document; return cleaned values or raise InterchangeError."""
    problems = _Problems()

    if not isinstance(data, dict):
        raise InterchangeError([f"document: must be a JSON object, found {_kind(data)}"])
    fmt = data.get("format")
    if fmt != FORMAT_NAME:
        raise InterchangeError([
            f'format: expected "{FORMAT_NAME}", found {_show(fmt)} '
            "(this is not an aid interchange document)"
        ])
    fmt_version = data.get("format_version")
    if isinstance(fmt_version, bool) or fmt_version != FORMAT_VERSION:
        raise InterchangeError([
            f"format_version: this site reads format version {FORMAT_VERSION}, "
            f"the document says {_show(fmt_version)}"
        ])
    _unknown_keys(problems, "document", data, {"format", "format_version", "aid", "version"})

    # aid
    aid_clean = {}
    aid = data.get("aid")
    if aid is None:
        problems.add("aid", "required key is missing")
    elif not isinstance(aid, dict):
        problems.add("aid", f"must be an object, found {_kind(aid)}")
    else:
        _unknown_keys(problems, "aid", aid, {"slug", "title"})
        for field in ("slug", "title"):
            aid_clean[field] = _scalar(problems, f"aid.{field}", aid, Aid._meta.get_field(field))

    # version
    version = data.get("version")
    if version is None:
        problems.add("version", "required key is missing")
        raise InterchangeError(problems)
    if not isinstance(version, dict):
        problems.add("version", f"must be an object, found {_kind(version)}")
        raise InterchangeError(problems)
    _unknown_keys(
        problems, "version", version,
        set(INFORMATIVE_FIELDS) | set(VERSION_FIELDS) | {"ipdas_ticks"} | set(PART_NAMES),
    )
    fields = {}
    for field in VERSION_FIELDS:
        fields[field] = _scalar(
            problems, f"version.{field}", version, AidVersion._meta.get_field(field)
        )
    ipdas = _ipdas_ticks(problems, version)
    try:
        parse_topic_order(fields["topic_order"])
    except ValueError as exc:
        problems.add("version.topic_order", str(exc))

    parts = {}
    for name, model, field_names, cites in PARTS:
        parts[name] = _part_list(problems, name, model, field_names, cites, version)

    _check_keys_and_links(problems, parts)

    if problems:
        raise InterchangeError(problems)
    return {"aid": aid_clean, "fields": fields, "ipdas_ticks": ipdas, "parts": parts}


def _part_list(problems, name, model, field_names, cites, version):
    path = f"version.{name}"
    raw = version.get(name, [])
    if not isinstance(raw, list):
        problems.add(path, f"must be a list, found {_kind(raw)}")
        return []
    if len(raw) > MAX_ITEMS:
        problems.add(path, f"has {len(raw)} items; the limit is {MAX_ITEMS}")
        return []
    allowed = set(field_names) | ({"references"} if cites else set())
    if name in FORM_SCOPED:
        allowed.add("forms")
    cleaned = []
    for index, item in enumerate(raw):
        item_path = f"{path}[{index}]"
        if not isinstance(item, dict):
            problems.add(item_path, f"must be an object, found {_kind(item)}")
            continue
        _unknown_keys(problems, item_path, item, allowed)
        before = len(problems)
        values = {}
        for field in field_names:
            if field == "likelihood" and field not in item:
                # Documents from before likelihood kinds: a figure, or not known.
                values[field] = "figure" if item.get("numerator") is not None else "unknown"
            elif name == "grid_answers" and field in ("option", "question"):
                values[field] = _link_key(problems, f"{item_path}.{field}", item, field)
            else:
                values[field] = _scalar(
                    problems, f"{item_path}.{field}", item, model._meta.get_field(field)
                )
        references = _reference_keys(problems, f"{item_path}.references", item) if cites else []
        forms = (_key_list(problems, f"{item_path}.forms", item, "forms", "form")
                 if name in FORM_SCOPED else [])
        if len(problems) == before:
            _model_clean(problems, item_path, model, values)
        cleaned.append({"path": item_path, "values": values, "references": references,
                        "forms": forms})
    return cleaned


def _check_keys_and_links(problems, parts):
    known = {}
    for name in ("references", "operation_forms", "options", "grid_questions"):
        seen = {}
        for item in parts[name]:
            key = item["values"].get("key")
            if not isinstance(key, str) or not key:
                continue
            if key in seen:
                problems.add(
                    f"{item['path']}.key",
                    f'duplicate key "{key}" (also used by {seen[key]})',
                )
            else:
                seen[key] = item["path"]
        known[name] = seen

    for name in (name for name, _model, _fields, cites in PARTS if cites):
        for item in parts[name]:
            for key in item["references"]:
                if key not in known["references"]:
                    problems.add(f"{item['path']}.references", f'unknown reference key "{key}"')

    for name in FORM_SCOPED:
        for item in parts[name]:
            for key in item["forms"]:
                if key not in known["operation_forms"]:
                    problems.add(f"{item['path']}.forms", f'unknown form key "{key}"')

    answered = {}
    for item in parts["grid_answers"]:
        option, question = item["values"].get("option"), item["values"].get("question")
        if isinstance(option, str) and option and option not in known["options"]:
            problems.add(f"{item['path']}.option", f'unknown option key "{option}"')
        if isinstance(question, str) and question and question not in known["grid_questions"]:
            problems.add(f"{item['path']}.question", f'unknown grid question key "{question}"')
        pair = (option, question)
        if pair in answered:
            problems.add(
                item["path"],
                f'option "{option}" already answers question "{question}" '
                f"(see {answered[pair]})",
            )
        else:
            answered[pair] = item["path"]


def _scalar(problems, path, container, field):
    """One scalar value, type-checked against its model field; returns the clean value."""
    key = path.rsplit(".", 1)[-1]
    required = not field.blank and not field.has_default()
    if key not in container:
        if required:
            problems.add(path, "required key is missing")
        return _default(field)
    value = container[key]

    if isinstance(field, models.DateField):
        if value is None:
            return None
        if not isinstance(value, str) or not _DATE_RE.match(value):
            problems.add(path, f'must be a date as "YYYY-MM-DD" or null, found {_show(value)}')
            return None
        try:
            return datetime.date.fromisoformat(value)
        except ValueError:
            problems.add(path, f'"{value}" is not a real date')
            return None

    if isinstance(field, models.PositiveIntegerField):
        if value is None:
            if not field.null:
                problems.add(path, "must be a whole number, not null")
            return None
        if isinstance(value, bool) or not isinstance(value, int):
            problems.add(path, f"must be a whole number or null, found {_show(value)}")
            return None
        if value < 0 or value > _INT_MAX:
            problems.add(path, f"must be between 0 and {_INT_MAX}, found {value}")
            return None
        return value

    # Text (CharField, TextField, SlugField, URLField).
    if not isinstance(value, str):
        hint = ' (use "" for none)' if value is None else ""
        problems.add(path, f"must be a string, found {_kind(value)}{hint}")
        return ""
    if "\x00" in value:
        problems.add(path, "contains a NUL character")
        return ""
    if field.max_length and len(value) > field.max_length:
        problems.add(
            path, f"is {len(value):,} characters long; the limit is {field.max_length:,}"
        )
        return value
    if field.choices:
        allowed = [str(choice) for choice, _label in field.flatchoices]
        if value not in allowed:
            problems.add(
                path, f"{_show(value)} is not one of " + ", ".join(f'"{a}"' for a in allowed)
            )
            return value
    if not value.strip():
        if not field.blank:
            problems.add(path, "must not be blank")
        return value
    try:
        field.run_validators(value)
    except ValidationError as exc:
        problems.add(path, " ".join(exc.messages))
    return value


def _link_key(problems, path, item, key):
    if key not in item:
        problems.add(path, "required key is missing")
        return ""
    value = item[key]
    if not isinstance(value, str) or not value:
        problems.add(path, f"must be a non-empty string key, found {_show(value)}")
        return ""
    return value


def _reference_keys(problems, path, item):
    return _key_list(problems, path, item, "references", "reference")


def _key_list(problems, path, item, field, what):
    """A list of distinct key strings (references cited, forms applied to)."""
    value = item.get(field, [])
    if not isinstance(value, list):
        problems.add(path, f"must be a list of {what} keys, found {_kind(value)}")
        return []
    keys = []
    for i, key in enumerate(value):
        if not isinstance(key, str) or not key:
            problems.add(f"{path}[{i}]", f"must be a {what} key string, found {_show(key)}")
        elif key in keys:
            problems.add(path, f'{what} key "{key}" is listed twice')
        else:
            keys.append(key)
    return keys


def _ipdas_ticks(problems, version):
    value = version.get("ipdas_ticks", {})
    if not isinstance(value, dict):
        problems.add("version.ipdas_ticks", f"must be an object, found {_kind(value)}")
        return {}
    if len(value) > MAX_ITEMS:
        problems.add("version.ipdas_ticks", f"has {len(value)} keys; the limit is {MAX_ITEMS}")
        return {}
    for key, tick in value.items():
        if not isinstance(key, str) or len(key) > MAX_IPDAS_KEY:
            problems.add("version.ipdas_ticks", f"key is longer than {MAX_IPDAS_KEY} characters")
        if isinstance(tick, dict):
            _ipdas_evidence(problems, f"version.ipdas_ticks.{key}", tick)
        elif not isinstance(tick, bool):
            problems.add(
                f"version.ipdas_ticks.{key}",
                f'must be true or false, found {_show(tick)} (or {{"met": true, "evidence": "..."}})',
            )
    return dict(value)


def _ipdas_evidence(problems, path, tick):
    """A tick with the reviewer's evidence: {"met": true or false, "evidence": "..."}."""
    _unknown_keys(problems, path, tick, {"met", "evidence"})
    if not isinstance(tick.get("met"), bool):
        problems.add(f"{path}.met", f"must be true or false, found {_show(tick.get('met'))}")
    evidence = tick.get("evidence", "")
    if not isinstance(evidence, str):
        problems.add(f"{path}.evidence", f"must be a string, found {_kind(evidence)}")
    elif len(evidence) > TEXT_LIMIT:
        problems.add(f"{path}.evidence", f"is longer than {TEXT_LIMIT} characters")


def _model_clean(problems, path, model, values):
    """Run the model's own cross-field rules (e.g. a figure has both numbers)."""
    obj = model(**{k: v for k, v in values.items() if k not in ("option", "question")})
    try:
        obj.clean()
    except ValidationError as exc:
        if hasattr(exc, "error_dict"):
            for field, messages in exc.message_dict.items():
                where = path if field == "__all__" else f"{path}.{field}"
                problems.add(where, " ".join(messages))
        else:
            problems.add(path, " ".join(exc.messages))


def _unknown_keys(problems, path, obj, allowed):
    for key in obj:
        if key not in allowed:
            problems.add(path, f'unknown key "{key}"')


def _default(field):
    if field.has_default():
        return field.get_default()
    if field.null:
        return None
    return ""


def _kind(value):
    if value is None:
        return "null"
    return {
        bool: "true/false", int: "a number", float: "a number", str: "a string",
        list: "a list", dict: "an object",
    }.get(type(value), type(value).__name__)


def _show(value):
    text = repr(value) if not isinstance(value, str) else f'"{value}"'
    if value is None:
        text = "null"
    return text if len(text) <= 60 else text[:57] + "..."
