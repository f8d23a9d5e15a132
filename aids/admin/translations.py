"""Admin for content translations: a draft edited part by part, item by item, beside
the source text; gated and published by an approver who did not translate it.

The pages follow the version editor (``aids.admin.parts``): an overview (the
translation's own fields, its parts with how many texts are done and what the
gates found, the publish form) and one page per part, with the same part names.
On a part page each text is a row: the source on the left, read-only, and the
translation's field on the right. Writes go through ``aids.translations``; Django's
permissions, messages and change log (and django-simple-history) apply as usual.
"""

from collections import Counter

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from simple_history.admin import SimpleHistoryAdmin

from aids.admin.parts import PART_BY_KEY
from aids.models import AidVersion, Translation
from aids.models.content import TEXT_LIMIT
from aids.translation_publishing import translation_publish
from aids.translation_quality import check_translation
from aids.translations import (
    PUBLISH_PERMISSION, TranslationError, check_can_translate, source_texts, translatable_languages, translation_editors,
    translation_new_draft, translation_save_texts, translation_start,
)

# The translation's part pages: the version editor's part keys and labels, each
# gathering the TRANSLATABLE parts it edits ("version": the aid's own texts).
PAGES = (
    ("version", "The aid's own texts", ("version",)),
    ("forms", PART_BY_KEY["forms"].label, ("operation_forms",)),
    ("sections", PART_BY_KEY["sections"].label, ("sections",)),
    ("benefits", PART_BY_KEY["benefits"].label, ("benefits",)),
    ("risks", PART_BY_KEY["risks"].label, ("risks",)),
    ("criteria", PART_BY_KEY["criteria"].label, ("criteria",)),
    ("options", PART_BY_KEY["options"].label, ("options", "grid_questions")),
    ("grid", "Option grid answers", ("grid_answers",)),
    ("values", PART_BY_KEY["values"].label, ("value_statements",)),
    ("understanding", PART_BY_KEY["understanding"].label, ("understanding_questions",)),
)
PAGE_BY_KEY = {key: (label, parts) for key, label, parts in PAGES}
PAGE_OF_PART = {part: key for key, _label, parts in PAGES for part in parts}


class TranslationAddForm(forms.ModelForm):
    class Meta:
        model = Translation
        fields = ["version", "language_code", "translator_role"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["version"].queryset = AidVersion.objects.filter(
            status=AidVersion.Status.PUBLISHED).select_related("aid")
        self.fields["version"].help_text = "Only a published version is translated."
        self.fields["language_code"].choices = [("", "---------"), *translatable_languages()]

    def clean(self):
        cleaned = super().clean()
        version, code = cleaned.get("version"), cleaned.get("language_code")
        if version is not None and code:
            try:
                check_can_translate(version, code)
            except TranslationError as exc:
                raise ValidationError(str(exc)) from None
        return cleaned


class TranslationForm(forms.ModelForm):
    class Meta:
        model = Translation
        fields = ["translator_role", "unreviewed"]


class PublishTranslationForm(forms.Form):
    change_note = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 2}), max_length=TEXT_LIMIT,
        help_text="What this translation is (e.g. first Spanish translation, reviewed by ...).")
    justification = forms.CharField(
        required=False, widget=forms.Textarea(attrs={"rows": 2}), max_length=TEXT_LIMIT,
        help_text="Needed only when warnings stand: why each may stand.")


@admin.register(Translation)
class TranslationAdmin(SimpleHistoryAdmin):
    change_form_template = "admin/aids/translation/change_form.html"
    list_display = ("label", "version", "language_code", "status", "translator_role",
                    "published_by", "published_at")
    list_display_links = ("label",)
    list_filter = ("status", "language_code")
    list_select_related = ("version__aid", "published_by")
    readonly_fields = ("version", "language_code", "status", "number", "translator",
                       "created_at", "published_at", "published_by", "published_alone",
                       "change_note", "warnings_justification", "retired_at", "based_on")
    fieldsets = (
        ("Translation", {"fields": ("version", "language_code", "status", "number",
                                    "translator", "translator_role", "unreviewed", "based_on",
                                    "created_at")}),
        ("Publication", {"fields": ("published_at", "published_by", "published_alone",
                                    "change_note", "warnings_justification", "retired_at")}),
    )

    @admin.display(description="translation")
    def label(self, obj):
        return f"{obj.language_name} {obj.number or f'draft #{obj.pk}'}"

    # -- permissions -------------------------------------------------------------------

    def has_change_permission(self, request, obj=None):
        if obj is not None and obj.is_frozen:
            return False
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        if obj is not None and obj.is_frozen:
            return False
        return super().has_delete_permission(request, obj)

    def revert_disabled(self, request, obj=None):
        return True

    def get_form(self, request, obj=None, change=False, **kwargs):
        if obj is None:
            kwargs["form"] = TranslationAddForm
            kwargs["fields"] = TranslationAddForm._meta.fields
        else:
            kwargs["form"] = TranslationForm
        return super().get_form(request, obj, change, **kwargs)

    def get_fieldsets(self, request, obj=None):
        if obj is None:
            return ((None, {"fields": ("version", "language_code", "translator_role"),
                            "description": "A new draft translation of a published version: "
                            "every text of the version to translate, item by item, beside "
                            "the source. You are its translator."}),)
        return self.fieldsets

    def get_readonly_fields(self, request, obj=None):
        return () if obj is None else self.readonly_fields

    def save_model(self, request, obj, form, change):
        if change:
            obj._history_user = request.user
            obj.save()
            return
        created = translation_start(  # the form checked what translation_start refuses
            version=obj.version, language_code=obj.language_code, user=request.user,
            translator_role=obj.translator_role)
        obj.pk, obj._state.adding = created.pk, False

    def response_add(self, request, obj, post_url_continue=None):
        # Straight to the new draft's overview: its parts are translated from there.
        messages.success(request, f"Draft translation started: {obj}. Translate it part by part.")
        return HttpResponseRedirect(reverse("admin:aids_translation_change", args=[obj.pk]))

    # -- the pages ---------------------------------------------------------------------

    def get_urls(self):
        info = self.opts.app_label, self.opts.model_name
        wrap = self.admin_site.admin_view
        return [
            path("<int:pk>/part/<str:key>/", wrap(self.part_view), name="%s_%s_part" % info),
            path("<int:pk>/publish/", wrap(self.publish_view), name="%s_%s_publish" % info),
            path("<int:pk>/new-draft/", wrap(self.new_draft_view), name="%s_%s_new_draft" % info),
            *super().get_urls(),
        ]

    def _translation_or_404(self, request, pk):
        translation = get_object_or_404(
            Translation.objects.select_related("version__aid", "published_by", "translator"), pk=pk)
        if not self.has_view_or_change_permission(request, translation):
            raise PermissionDenied
        return translation

    def _pages(self, translation, report):
        """Each part page with how many of its texts are translated and its findings."""
        texts = {(t.part, t.object_id, t.field): t.text for t in translation.texts.all()}
        done, total, where = Counter(), Counter(), {}
        for s in source_texts(translation.version):
            key = PAGE_OF_PART[s.part]
            total[key] += 1
            done[key] += bool(texts.get(s.key, "").strip())
            where[s.location] = key
        errors, warnings = Counter(), Counter()
        for f in report.findings:
            (errors if f.level == "error" else warnings)[where.get(f.location, "")] += 1
        return [{"key": key, "label": label, "done": done[key], "total": total[key],
                 "errors": errors[key], "warnings": warnings[key],
                 "url": reverse("admin:aids_translation_part", args=[translation.pk, key])}
                for key, label, _parts in PAGES if total[key]]

    def change_view(self, request, object_id, form_url="", extra_context=None):
        translation = None
        if str(object_id).isdigit():
            translation = Translation.objects.select_related("version__aid").filter(
                pk=object_id).first()
        extra = dict(extra_context or {})
        if translation is not None:
            report = check_translation(translation)
            extra.update({
                "report": report, "pages": self._pages(translation, report),
                "publish_form": PublishTranslationForm(),
                "can_publish": request.user.has_perm(PUBLISH_PERMISSION),
                "translated_by_you": request.user.pk in translation_editors(translation),
                "publish_url": reverse("admin:aids_translation_publish", args=[translation.pk]),
                "new_draft_url": reverse("admin:aids_translation_new_draft", args=[translation.pk]),
            })
        return super().change_view(request, object_id, form_url, extra)

    def part_view(self, request, pk, key):
        translation = self._translation_or_404(request, pk)
        if key not in PAGE_BY_KEY:
            raise Http404(f"No part {key!r}.")
        label, parts = PAGE_BY_KEY[key]
        sources = source_texts(translation.version, parts=parts)
        rows = {(t.part, t.object_id, t.field): t
                for t in translation.texts.filter(part__in=parts)}
        editable = self.has_change_permission(request, translation)
        errors = {}
        if request.method == "POST":
            if not editable:
                raise PermissionDenied
            posted = {}
            for s in sources:
                row = rows.get(s.key)
                name = f"text-{row.pk}" if row else None
                if name and name in request.POST:
                    value = request.POST[name].replace("\r\n", "\n")
                    if len(value) > TEXT_LIMIT:
                        errors[row.pk] = (f"{len(value):,} characters: the limit is "
                                          f"{TEXT_LIMIT:,}. Shorten it; nothing was saved.")
                    posted[row.pk] = value
            if not errors:
                try:
                    changed = translation_save_texts(translation=translation,
                                                     user=request.user, texts=posted)
                except TranslationError as exc:
                    messages.error(request, str(exc))
                    return HttpResponseRedirect(request.path)
                if changed:
                    self.log_change(request, translation,
                                    f"Changed {changed} text{'s' if changed != 1 else ''} in {label}.")
                messages.success(request, f"{label}: {changed} text{'s' if changed != 1 else ''} "
                                          "saved." if changed else f"{label}: nothing changed.")
                if "_next" in request.POST:
                    keys = [k for k, _l, p in PAGES if source_texts(translation.version, parts=p)]
                    following = keys[keys.index(key) + 1:] if key in keys else []
                    if following:
                        return HttpResponseRedirect(reverse(
                            "admin:aids_translation_part", args=[translation.pk, following[0]]))
                    return HttpResponseRedirect(reverse(
                        "admin:aids_translation_change", args=[translation.pk]))
                return HttpResponseRedirect(request.path)
            messages.error(request, "Please correct the errors below; what you typed is kept.")
            for row_pk, value in posted.items():
                for row in rows.values():
                    if row.pk == row_pk:
                        row.text = value
        report = check_translation(translation)
        by_location = {}
        for f in report.findings:
            by_location.setdefault(f.location, []).append(f)
        items = []
        for s in sources:
            row = rows.get(s.key)
            items.append({"source": s, "row": row, "findings": by_location.get(s.location, []),
                          "error": errors.get(row.pk) if row else None})
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts, "title": f"{label}: {translation.language_name} translation",
            "original": translation, "items": items, "label": label, "editable": editable,
            "page_key": key, "source_language": "en", "language": translation.language_code,
            "bidi": translation.language_code in ("ar", "he", "fa", "ur"),
            "change_url": reverse("admin:aids_translation_change", args=[translation.pk]),
            "has_view_permission": True,
        }
        return TemplateResponse(request, "admin/aids/translation/part.html", context)

    def publish_view(self, request, pk):
        translation = self._translation_or_404(request, pk)
        change_url = reverse("admin:aids_translation_change", args=[translation.pk])
        if request.method != "POST":
            return HttpResponseRedirect(change_url)
        if not request.user.has_perm(PUBLISH_PERMISSION):
            raise PermissionDenied("Only content approvers publish translations.")
        form = PublishTranslationForm(request.POST)
        if not form.is_valid():
            for field, errs in form.errors.items():
                messages.error(request, f"{form.fields[field].label if field in form.fields else field}: "
                                        + " ".join(errs))
            return HttpResponseRedirect(change_url)
        try:
            published = translation_publish(
                translation=translation, user=request.user,
                change_note=form.cleaned_data["change_note"],
                justification=form.cleaned_data["justification"])
        except TranslationError as exc:
            for reason in exc.reasons:
                messages.error(request, reason)
            return HttpResponseRedirect(change_url)
        self.log_change(request, published, f"Published as {published.language_name} "
                                             f"translation {published.number}.")
        messages.success(request, f"Published: {published}. Consultations shown in "
                                  f"{published.language_name} now pin it.")
        return HttpResponseRedirect(change_url)

    def new_draft_view(self, request, pk):
        translation = self._translation_or_404(request, pk)
        if request.method != "POST":
            return HttpResponseRedirect(reverse("admin:aids_translation_change", args=[pk]))
        if not self.has_add_permission(request):
            raise PermissionDenied
        with transaction.atomic():
            draft = translation_new_draft(translation=translation, user=request.user)
        self.log_addition(request, draft, f"New draft from {translation}.")
        messages.success(request, f"New draft #{draft.pk} from {translation}: you are its translator.")
        return HttpResponseRedirect(reverse("admin:aids_translation_change", args=[draft.pk]))

