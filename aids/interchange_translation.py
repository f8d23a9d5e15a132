"""Content translations in and out: the translation interchange document.

{
  "format": "sdm-aid-translation",
  "format_version": 1,
  "aid": {"slug": "tractotomy"},
  "source_digest": "sha-256 of the published version translated",
  "language_code": "es",                  # one of settings.LANGUAGES, not the site's own
  "translator_role": "Qualified medical translator",
  "unreviewed": true,                     # not yet reviewed by a qualified medical translator
  "number": 1, "status": "published", ... # informative only; ignored on import
  "texts": {
    "version": {"decision": "...", "audience": "...", "intro": "...", "unknowns": "..."},
    "sections": [{"heading": "...", "summary": "...", "body": "..."}, ...],
    ...                                   # one list per part of TRANSLATABLE, item by item
  }
}

Each list has exactly as many items as the source version's list of that part, in
the order the aid export lists them (grid answers option by option, question by
question), so item 3 translates the source's item 3. An item holds only the part's
translatable fields; a field left out (or "") is untranslated (the gates say so
before publishing).

Import validates the whole document first and refuses it whole, listing every
problem with its path: wrong format, an aid or a source version that is not here
(the digest names the published version exactly), a language the site does not
translate into, a list of the wrong length, an unknown key, a text that is not a
string or is too long. Import always makes a new draft.
"""

from aids.interchange_format import InterchangeError
from aids.models import AidVersion
from aids.models.content import TEXT_LIMIT
from aids.models.translation import TRANSLATABLE
from aids.translations import part_objects, translatable_languages, translation_start

FORMAT_NAME = "sdm-aid-translation"
FORMAT_VERSION = 1


class TranslationDocumentError(InterchangeError):
    """The translation document is refused whole; ``problems`` lists each one."""

    def __init__(self, problems):
        super().__init__(problems)
        self.args = (str(self).replace(
            "The aid document cannot be imported",
            "The translation document cannot be imported (nothing was loaded)", 1),)

    def __str__(self):
        return self.args[0]


INFORMATIVE = ("number", "status", "published_at", "change_note", "language")
TOP_KEYS = {"format", "format_version", "aid", "source_digest", "language_code",
            "translator_role", "unreviewed", "texts", *INFORMATIVE}


def export_translation(translation):
    """The translation as an interchange document (a dict ready for ``json.dumps``)."""
    version = translation.version
    texts = {(t.part, t.object_id, t.field): t.text for t in translation.texts.all()}
    doc_texts = {}
    for part, _model, fields in TRANSLATABLE:
        items = []
        for obj in part_objects(version, part):
            items.append({f: texts[(part, obj.pk, f)] for f in fields
                          if texts.get((part, obj.pk, f))})
        doc_texts[part] = items[0] if part == "version" else items
    return {
        "format": FORMAT_NAME,
        "format_version": FORMAT_VERSION,
        "aid": {"slug": version.aid.slug},
        "source_digest": version.digest,
        "language_code": translation.language_code,
        "language": translation.language_name,
        "number": translation.number,
        "status": translation.status,
        "published_at": translation.published_at.isoformat() if translation.published_at else None,
        "change_note": translation.change_note,
        "translator_role": translation.translator_role,
        "unreviewed": translation.unreviewed,
        "texts": doc_texts,
    }


def _kind(value):
    return {dict: "an object", list: "a list", str: "text", bool: "true/false",
            type(None): "null"}.get(type(value), type(value).__name__)


def validated_translation(data):
    """Check the whole document; return (version, cleaned fields, {(part, id, field): text})
    or raise ``InterchangeError`` listing every problem."""
    problems = []
    add = lambda path, msg: problems.append(f"{path}: {msg}")  # noqa: E731
    if not isinstance(data, dict):
        raise TranslationDocumentError([f"document: must be a JSON object, found {_kind(data)}"])
    if data.get("format") != FORMAT_NAME:
        raise TranslationDocumentError([f'format: expected "{FORMAT_NAME}" (this is not a '
                                "translation document)"])
    if data.get("format_version") != FORMAT_VERSION or isinstance(data.get("format_version"), bool):
        raise TranslationDocumentError([f"format_version: this site reads format version "
                                f"{FORMAT_VERSION}, the document says {data.get('format_version')!r}"])
    for key in sorted(set(data) - TOP_KEYS):
        add(f"document.{key}", "this key is not part of the format (misspelt?)")

    version = None
    aid = data.get("aid")
    digest = data.get("source_digest")
    if not isinstance(aid, dict) or not isinstance(aid.get("slug"), str):
        add("aid", 'must be an object with the aid\'s "slug"')
    elif not isinstance(digest, str) or not digest:
        add("source_digest", "required: the digest of the published version translated")
    else:
        version = (AidVersion.objects.filter(aid__slug=aid["slug"], digest=digest)
                   .exclude(status=AidVersion.Status.DRAFT).first())
        if version is None:
            add("source_digest", f'no published version of the aid "{aid["slug"]}" here has '
                f"the digest {digest[:12]}…: a translation is of one published version")
        elif version.status != AidVersion.Status.PUBLISHED:
            add("source_digest", f"{version} is retired; translate the published version")

    code = data.get("language_code")
    if code not in dict(translatable_languages()):
        listed = ", ".join(c for c, _n in translatable_languages())
        add("language_code", f"{code!r} is not a language this site translates into "
            f"(settings.LANGUAGES: {listed})")
    role = data.get("translator_role", "")
    if not isinstance(role, str) or len(role) > 200:
        add("translator_role", "must be text of at most 200 characters")
    unreviewed = data.get("unreviewed", False)
    if not isinstance(unreviewed, bool):
        add("unreviewed", f"must be true or false, found {_kind(unreviewed)}")

    texts = {}
    doc = data.get("texts")
    if not isinstance(doc, dict):
        add("texts", f"must be an object, found {_kind(doc)}")
        doc = {}
    known = {part for part, *_ in TRANSLATABLE}
    for key in sorted(set(doc) - known):
        add(f"texts.{key}", "not a translatable part (misspelt?)")
    for part, _model, fields in TRANSLATABLE:
        given = doc.get(part, {} if part == "version" else [])
        objs = part_objects(version, part) if version is not None else None
        if part == "version":
            items, path_of = [given], (lambda i: "texts.version")
            if not isinstance(given, dict):
                add("texts.version", f"must be an object, found {_kind(given)}")
                continue
        else:
            items, path_of = given, (lambda i, part=part: f"texts.{part}[{i}]")
            if not isinstance(given, list):
                add(f"texts.{part}", f"must be a list, found {_kind(given)}")
                continue
            if objs is not None and len(given) != len(objs):
                add(f"texts.{part}", f"has {len(given)} items; the source version has "
                    f"{len(objs)} (one translated item for each, in the same order)")
                continue
        for i, item in enumerate(items):
            path = path_of(i)
            if not isinstance(item, dict):
                add(path, f"must be an object, found {_kind(item)}")
                continue
            for key in sorted(set(item) - set(fields)):
                add(f"{path}.{key}", f"not a translatable field of {part} "
                    f"(they are: {', '.join(fields)})")
            for field in fields:
                value = item.get(field, "")
                if not isinstance(value, str):
                    add(f"{path}.{field}", f"must be text, found {_kind(value)}")
                elif len(value) > TEXT_LIMIT:
                    add(f"{path}.{field}", f"is {len(value):,} characters; the limit is "
                        f"{TEXT_LIMIT:,}")
                elif any("\ud800" <= ch <= "\udfff" for ch in value):
                    add(f"{path}.{field}", "has a lone surrogate (half a character)")
                elif objs is not None and value:
                    obj = objs[i]
                    if not (getattr(obj, field) or "").strip():
                        add(f"{path}.{field}", "the source text is empty, so there is "
                            "nothing to translate")
                    else:
                        texts[(part, obj.pk, field)] = value
    if problems:
        raise TranslationDocumentError(problems)
    return version, {"language_code": code, "translator_role": role.strip(),
                     "unreviewed": unreviewed}, texts


def import_translation(data, *, user=None):
    """A new draft translation from a document; refused whole (``InterchangeError``)
    when anything in it is wrong. Returns the draft."""
    version, fields, texts = validated_translation(data)
    return translation_start(version=version, user=user, texts=texts, **fields)
