"""Content translations: start, edit, publish, pin, and show one.

Every write goes through a keyword-only function here, each in one transaction
(like ``aids.publishing`` for versions). A translation is of a published
version; its texts are keyed by (part, source object id, field), the parts and
fields listed once in ``aids.models.translation.TRANSLATABLE``. The gates are in
``aids.translation_quality``.
"""

from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from simple_history.utils import bulk_create_with_history

from aids.models import (
    AidVersion, Consultation, FinalRecordError, GridAnswer, TranslatedText, Translation,
)
from aids.models.content import TEXT_LIMIT
from aids.models.translation import TRANSLATABLE, TRANSLATABLE_PARTS

PUBLISH_PERMISSION = "aids.publish_aidversion"  # the same approvers as versions

PART_LABELS = {
    "version": "The aid", "operation_forms": "Form of the operation", "sections": "Section",
    "benefits": "Benefit", "risks": "Risk", "criteria": "Criterion", "options": "Option",
    "grid_questions": "Grid question", "grid_answers": "Grid answer",
    "value_statements": "Value statement", "understanding_questions": "Understanding question",
}


class TranslationError(Exception):
    """A translation action cannot be done. ``reasons`` says why; ``report`` is the
    quality report when the gates ran."""

    def __init__(self, reasons, report=None):
        self.reasons = [reasons] if isinstance(reasons, str) else list(reasons)
        self.report = report
        super().__init__(" ".join(self.reasons))


def source_language():
    return settings.LANGUAGE_CODE.split("-")[0]


def translatable_languages():
    """(code, name) of the languages a version may be translated into."""
    return [(code, name) for code, name in settings.LANGUAGES if code != source_language()]


# --------------------------------------------------------------------------- the source


@dataclass
class SourceText:
    part: str
    obj: object  # the source object (the version itself for "version")
    field: str
    index: int  # 1-based position in its list (0 for the version)
    label: str  # the object's own words, to find it by: its title, heading or statement

    @property
    def key(self):
        return (self.part, self.obj.pk, self.field)

    @property
    def text(self):
        return getattr(self.obj, self.field) or ""

    @property
    def field_label(self):
        return str(type(self.obj)._meta.get_field(self.field).verbose_name)

    @property
    def location(self):
        if self.part == "version":
            return f"{PART_LABELS['version']}, {self.field_label}"
        label = self.label if len(self.label) <= 60 else self.label[:59].rstrip() + "…"
        return f'{PART_LABELS[self.part]} {self.index} "{label}", {self.field_label}'


def part_objects(version, part):
    """The version's objects of one part, in display order (grid answers option by
    option, question by question, as the export lists them). One query."""
    if part == "version":
        return [version]
    model, _fields = TRANSLATABLE_PARTS[part]
    qs = model.objects.filter(version=version).order_by("order", "pk")
    if model is GridAnswer:
        qs = qs.select_related("option", "question")
        return sorted(qs, key=lambda a: (a.option.order, a.option.pk, a.question.order,
                                         a.question.pk, a.pk))
    return list(qs)


def _label(obj):
    if isinstance(obj, GridAnswer):
        return f"{obj.option.name} / {obj.question.text}"
    for name in ("title", "heading", "statement", "name", "text"):
        if getattr(obj, name, ""):
            return getattr(obj, name)
    return ""


def source_texts(version, *, parts=None):
    """Every non-blank translatable text of ``version``, part by part, in display
    order (a blank source field needs no translation). One query per part."""
    out = []
    for part, _model, fields in TRANSLATABLE:
        if parts is not None and part not in parts:
            continue
        for index, obj in enumerate(part_objects(version, part), 1 if part != "version" else 0):
            for field in fields:
                if (getattr(obj, field) or "").strip():
                    out.append(SourceText(part, obj, field, index, _label(obj)))
    return out


# --------------------------------------------------------------------------- writes


def check_can_translate(version, language_code):
    """Raise ``TranslationError`` unless ``version`` may be translated into that language."""
    codes = dict(translatable_languages())
    if language_code not in codes:
        listed = ", ".join(f"{c} ({n})" for c, n in translatable_languages()) or "none"
        raise TranslationError(
            f'"{language_code}" is not a language this site translates into; '
            f"settings.LANGUAGES lists: {listed}.")
    if version.status != AidVersion.Status.PUBLISHED:
        raise TranslationError(
            f"{version} is not the published version: a translation is of a published "
            "version (its text cannot change under the translator).")


def translation_start(*, version, language_code, user, translator_role="", unreviewed=False,
                      texts=None):
    """A new draft translation of the published ``version`` into ``language_code``,
    with an empty text (or the one given in ``texts``, {(part, id, field): text}) for
    every source text. ``user`` is the translator."""
    check_can_translate(version, language_code)
    texts = texts or {}
    with transaction.atomic():
        translation = Translation(
            version=version, language_code=language_code, translator=user,
            translator_role=(translator_role or "").strip(), unreviewed=unreviewed)
        translation._history_user = user
        translation.full_clean(exclude=["version", "translator"])
        translation.save()
        rows = [TranslatedText(translation=translation, part=s.part, object_id=s.obj.pk,
                               field=s.field, text=texts.get(s.key, ""))
                for s in source_texts(version)]
        bulk_create_with_history(rows, TranslatedText, default_user=user)
    return translation


def translation_save_texts(*, translation, user, texts):
    """Write the texts given ({TranslatedText pk: text}) into the draft; return the
    number changed. Refused whole (nothing written) when a text is too long."""
    too_long = [pk for pk, text in texts.items() if len(text) > TEXT_LIMIT]
    if too_long:
        raise ValidationError(f"A text is longer than {TEXT_LIMIT:,} characters.")
    with transaction.atomic():
        locked = Translation.objects.select_for_update().get(pk=translation.pk)
        if locked.is_frozen:
            raise TranslationError(f"{locked} is published; start a new draft from it.")
        changed = 0
        for row in locked.texts.filter(pk__in=list(texts)):
            if row.text != texts[row.pk]:
                row.text = texts[row.pk]
                row._history_user = user
                row.save(update_fields=["text"])
                changed += 1
    translation.__dict__.pop("_texts_cache", None)
    return changed


def translation_editors(translation):
    """Every user who created or changed the translation or any of its texts (from
    their history), with its translator."""
    ids = set(Translation.history.filter(id=translation.pk, history_user__isnull=False)
              .values_list("history_user_id", flat=True))
    ids.update(TranslatedText.history.filter(translation_id=translation.pk,
                                             history_user__isnull=False)
               .values_list("history_user_id", flat=True))
    if translation.translator_id:
        ids.add(translation.translator_id)
    return ids


def translation_new_draft(*, translation, user):
    """A new draft copying a translation's texts (for the same published version)."""
    texts = {(t.part, t.object_id, t.field): t.text for t in translation.texts.all()}
    draft = translation_start(
        version=translation.version, language_code=translation.language_code, user=user,
        translator_role=translation.translator_role, texts=texts)
    draft.based_on = translation
    draft._history_user = user
    draft.save(update_fields=["based_on"])
    return draft


# --------------------------------------------------------------------------- pinning


def published_translation(version, language_code):
    """The published translation of ``version`` in that language, or None."""
    if not language_code or language_code == source_language():
        return None
    return (Translation.objects.filter(version=version, language_code=language_code,
                                       status=Translation.Status.PUBLISHED)
            .select_related("published_by", "translator").order_by("-number").first())


def pin_translation(consultation, language_code):
    """Set the patient-facing language of ``consultation`` and pin the published
    translation of its version in that language (None when there is none or the
    language is the source's: then the source text is shown). Saves both fields;
    returns the translation pinned or None. A finalized record is never changed:
    refused by the consultation's own guard."""
    if language_code and language_code not in dict(settings.LANGUAGES):
        raise ValidationError({"language_code": f'"{language_code}" is not one of this '
                                                "site's languages."})
    if consultation.is_final:
        raise FinalRecordError("The record is final: its language and content no longer change.")
    translation = published_translation(consultation.version, language_code)
    consultation.language_code = language_code or ""
    consultation.translation = translation
    Consultation.objects.filter(pk=consultation.pk).update(
        language_code=consultation.language_code, translation=translation)
    return translation


# --------------------------------------------------------------------------- showing


def translated_texts(translation, *, fresh=False):
    """{(part, object id, field): text} of a translation (one query; cached on it unless
    ``fresh``)."""
    cached = None if fresh else getattr(translation, "_texts_cache", None)
    if cached is None:
        cached = {(t.part, t.object_id, t.field): t.text
                  for t in TranslatedText.objects.filter(translation=translation)}
        translation._texts_cache = cached
    return cached


_PART_BY_MODEL = {model: part for part, model, _fields in TRANSLATABLE}


def apply_translation(translation, *things):
    """Put the translation's texts on the given content objects, in memory.

    ``things`` are content objects, iterables or dicts of them, or wrappers with an
    ``obj``; a version's prefetched parts are translated with it. A published
    translation is complete, so every field shown has its text; a text left blank
    in a draft (a preview) keeps the source. Frozen objects refuse to be saved, so
    the translated copy can never be written back. Returns ``things[0]``.
    """
    if translation is None:
        return things[0] if things else None
    texts = translated_texts(translation)
    seen = set()

    def visit(thing):
        if thing is None or id(thing) in seen:
            return
        seen.add(id(thing))
        part = _PART_BY_MODEL.get(type(thing))
        if part is not None:
            for field in TRANSLATABLE_PARTS[part][1]:
                text = texts.get((part, thing.pk, field))
                if text:
                    setattr(thing, field, text)
            for related in getattr(thing, "_prefetched_objects_cache", {}).values():
                for obj in related:
                    visit(obj)
            for name in ("option", "question"):  # a grid answer's cached option and question
                cached = thing._state.fields_cache.get(name)
                if cached is not None:
                    visit(cached)
            return
        if hasattr(thing, "obj"):
            visit(thing.obj)
        elif isinstance(thing, dict):
            for value in thing.values():
                visit(value)
        elif isinstance(thing, (list, tuple, set)):
            for value in thing:
                visit(value)

    for thing in things:
        visit(thing)
    return things[0] if things else None
