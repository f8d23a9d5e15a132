"""Admin for aids and their versions: edit drafts, preview, publish, start new drafts.

Editors change drafts; only approvers (``aids.publish_aidversion``) publish. A
published or retired version is frozen, so its page is read-only and offers
"New draft from this version". Publishing and copying go through
``aids.publishing``; quality reports come from ``aids.quality``.
"""

from django.conf import settings
from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Max, Prefetch, Q
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.text import capfirst
from django.views.decorators.http import require_POST
from simple_history.admin import SimpleHistoryAdmin

from aids.admin.diff import base_version, version_diff
from aids.admin.editor import PartPagesMixin
from aids.admin.forms import AidVersionForm, PartPageForm, PublishForm
from aids.admin.history import part_history
from aids.admin.marks import mark_flagged_phrases, render_marks
from aids.admin.parts import GRID, VERSION, finding_links, part_url
from aids.interchange import import_version, parse_document
from aids.interchange_format import InterchangeError
from aids.ipdas import ipdas_checklist
from aids.models import Aid, AidVersion, Benefit, GridAnswer, Risk
from aids.publishing import PublishRefused, named_reviewers, version_editors, version_new_draft, version_publish
from aids.quality import QualityReport, check_version, load_content
from aids.readmodel import references_prefetch
from aids.vocabulary import VERSION_WORD_FIELDS

PUBLISH_PERMISSION = "aids.publish_aidversion"
FORBIDDEN_TEMPLATE = "admin/aids/aidversion/publish_forbidden.html"


def _part(request):
    """The part a part page edits (set by its view), or None on the overview."""
    return getattr(request, "aids_part", None)


def can_publish(user):
    return user.has_perm(PUBLISH_PERMISSION)


def version_for_display(pk):
    """A version with every part loaded for the preview (a fixed number of queries)."""
    return get_object_or_404(
        AidVersion.objects.select_related("aid", "published_by").prefetch_related(
            "sections",
            Prefetch("benefits", Benefit.objects.prefetch_related(references_prefetch())),
            Prefetch("risks", Risk.objects.prefetch_related(references_prefetch())),
            "criteria", "options", "grid_questions",
            Prefetch("grid_answers", GridAnswer.objects.prefetch_related(references_prefetch())),
            "value_statements", "understanding_questions", "references", "contributors",
        ),
        pk=pk,
    )


class VersionInline(admin.TabularInline):
    """The versions of an aid, listed on the aid's page (changed on their own pages)."""

    model = AidVersion
    fields = ("version_link", "status", "published_at", "published_by", "next_review_due", "created_at")
    readonly_fields = fields
    ordering = ("-number", "-created_at")
    extra = 0
    can_delete = False
    verbose_name_plural = "versions"

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("aid", "published_by")

    @admin.display(description="version")
    def version_link(self, version):
        url = reverse("admin:aids_aidversion_change", args=[version.pk])
        label = f"Version {version.number}" if version.number else f"Draft #{version.pk}"
        return format_html('<a href="{}">{}</a>', url, label)


class ImportAidForm(forms.Form):
    file = forms.FileField(label="Aid file (JSON)", help_text=(
        "An aid in the interchange format, as manage.py export_aid writes it here or at "
        "another hospital. It becomes a new draft: checked, reviewed and published by two "
        "people like any other."))


IMPORT_MAX_BYTES = 5 * 1024 * 1024  # an aid is tens of kilobytes


@admin.register(Aid)
class AidAdmin(admin.ModelAdmin):
    change_list_template = "admin/aids/aid/change_list.html"
    list_display = ("title", "slug", "current_version_number", "version_count")
    search_fields = ("title", "slug")
    fieldsets = ((None, {"fields": ("title", "slug", "created_at")}),)
    readonly_fields = ("created_at",)
    inlines = [VersionInline]

    def get_readonly_fields(self, request, obj=None):
        # The slug names the aid in exports and in load_aid; it does not change.
        return ("slug", "created_at") if obj else ("created_at",)

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(
            current_number=Max("versions__number", filter=Q(versions__status=AidVersion.Status.PUBLISHED)),
            versions_total=Count("versions"),
        )

    @admin.display(description="current version", ordering="current_number")
    def current_version_number(self, aid):
        return aid.current_number or "none published"

    @admin.display(description="versions", ordering="versions_total")
    def version_count(self, aid):
        return aid.versions_total

    # -- importing a new aid (or a new draft of one) from a file ---------------------

    def get_urls(self):
        return [path("import/", self.admin_site.admin_view(self.import_view), name="aids_aid_import"),
                *super().get_urls()]

    def may_import(self, request):
        return request.user.has_perm("aids.add_aidversion") and request.user.has_perm("aids.add_aid")

    def changelist_view(self, request, extra_context=None):
        extra = {"may_import": self.may_import(request), **(extra_context or {})}
        return super().changelist_view(request, extra)

    def import_view(self, request):
        """Upload an aid file: it becomes a new draft (of a new aid if its slug is new),
        refused whole with every problem listed when it does not fit the format."""
        if not self.may_import(request):
            raise PermissionDenied
        form = ImportAidForm(request.POST or None, request.FILES or None)
        problems = []
        if request.method == "POST" and form.is_valid():
            upload = form.cleaned_data["file"]
            try:
                if upload.size > IMPORT_MAX_BYTES:
                    raise InterchangeError([f"document: the file is {upload.size:,} bytes; an aid "
                                            f"file is at most {IMPORT_MAX_BYTES:,}"])
                try:
                    text = upload.read().decode("utf-8")
                except UnicodeDecodeError:
                    raise InterchangeError(["document: the file is not UTF-8 text"]) from None
                draft = import_version(parse_document(text), user=request.user)
            except InterchangeError as exc:
                problems = exc.problems
            else:
                self.message_user(request, f"Imported as a new draft of {draft.aid}: check it, "
                                  "then ask a second person to publish it.", messages.SUCCESS)
                return HttpResponseRedirect(reverse("admin:aids_aidversion_change", args=[draft.pk]))
        context = {**self.admin_site.each_context(request), "opts": self.model._meta,
                   "title": "Import an aid", "form": form, "problems": problems}
        return TemplateResponse(request, "admin/aids/aid/import.html", context)


@admin.register(AidVersion)
class AidVersionAdmin(PartPagesMixin, SimpleHistoryAdmin):
    form = AidVersionForm
    change_form_template = "admin/aids/aidversion/change_form.html"
    object_history_template = "admin/aids/aidversion/object_history.html"
    object_history_list_template = "admin/aids/aidversion/object_history_list.html"
    list_display = (
        "version_label", "aid", "status", "published_at", "next_review_due", "based_on_label", "created_at",
    )
    list_display_links = ("version_label",)
    list_filter = ("status", "aid")
    list_select_related = ("aid", "based_on__aid")
    search_fields = ("aid__title", "aid__slug", "decision", "change_note")
    date_hierarchy = None
    actions = ["new_draft_action"]
    fieldsets = (
        ("Version", {"fields": ("aid", "status", "version_number", "based_on", "created_by", "created_at")}),
        ("The decision", {"fields": ("decision", "audience", "intro", "topic_order")}),
        ("Words of the walkthrough", {"fields": VERSION_WORD_FIELDS, "description": (
            "The step titles and lines the walkthrough shows about this decision. "
            "Left empty, a neutral wording is shown (given under each field)."
        )}),
        ("What we don't know", {"fields": ("unknowns",)}),
        ("About this aid", {"fields": (
            "funding_statement", "conflicts_statement", "update_policy",
            ("last_reviewed_on", "next_review_due"),
        )}),
        ("Publication", {
            "fields": ("published_at", "published_by", "published_alone", "unreviewed_demo",
                       "change_note", "warnings_justification", "digest", "retired_at"),
            "description": "Set by publishing; a draft has none of these yet.",
        }),
    )
    # Set by publishing or by the system, never typed in this form.
    system_fields = (
        "status", "version_number", "based_on", "created_by", "created_at", "published_at",
        "published_by", "published_alone", "unreviewed_demo", "change_note",
        "warnings_justification", "digest", "retired_at",
    )

    # -- permissions: editors change drafts; frozen versions are read-only ----------

    def has_change_permission(self, request, obj=None):
        if obj is not None and obj.is_frozen:
            return False
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        if obj is not None and obj.is_frozen:
            return False
        return super().has_delete_permission(request, obj)

    def revert_disabled(self, request, obj=None):
        # Restoring old field values through the history page would bypass the
        # parts and the frozen guard's intent; new drafts are the way back.
        return True

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        if not (str(object_id).isdigit() and str(version_id).isdigit()):
            raise Http404("No such history record.")  # not a 500 for /history/abc/
        if request.method == "POST":
            raise PermissionDenied("Reverting from the history is not offered; start a new draft instead.")
        return super().history_form_view(request, object_id, version_id, extra_context)

    # -- the form -------------------------------------------------------------------

    def get_readonly_fields(self, request, obj=None):
        fields = list(self.system_fields)
        if obj is not None:
            fields.append("aid")  # a draft stays with its aid
        return fields

    def get_fieldsets(self, request, obj=None):
        if _part(request) is not None:
            return ((None, {"fields": ()}),)  # a part page edits its inlines only
        if obj is None:
            start = ("Aid", {"fields": ("aid",), "description": (
                "A new, empty draft. Save it first: its sections, benefits, risks and other "
                "parts are added on the next page. To change a published version, open it "
                "and start a new draft from it instead."
            )})
            return (start, *self.fieldsets[1:4])
        if not obj.is_frozen:
            # Nothing to see there until it is published: folded away on a draft.
            *rest, (name, options) = self.fieldsets
            return (*rest, (name, {**options, "classes": ["collapse"]}))
        return self.fieldsets

    def get_inlines(self, request, obj):
        # The overview edits the version's own fields; each part has its own page.
        part = _part(request)
        if part is None or obj is None:
            return []
        if getattr(request, "aids_item", None) is not None:
            return list(part.item_inlines)
        return list(part.inlines)

    def get_form(self, request, obj=None, change=False, **kwargs):
        if _part(request) is not None:
            kwargs.update(form=PartPageForm, fields=())
        return super().get_form(request, obj, change, **kwargs)

    def response_change(self, request, obj):
        part = _part(request)
        if part is None or "_continue" in request.POST:
            return super().response_change(request, obj)
        item = getattr(request, "aids_item", None)
        if item is not None:
            # "Save" on an item page goes back to its part's table.
            self.message_user(request, f"{capfirst(item._meta.verbose_name)} “{item}” of {obj} saved.",
                              messages.SUCCESS)
            return HttpResponseRedirect(part_url(obj, part.key))
        # "Save" on a part page goes back to the overview, with the admin's message.
        self.message_user(request, f"{part.label} of {obj} saved.", messages.SUCCESS)
        return HttpResponseRedirect(part_url(obj, VERSION))

    def get_queryset(self, request):
        return super().get_queryset(request).select_related(
            "aid", "based_on__aid", "published_by", "created_by"
        )

    def save_model(self, request, obj, form, change):
        if not change:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)

    # -- list columns ----------------------------------------------------------------

    @admin.display(description="version", ordering="number")
    def version_label(self, version):
        return f"Version {version.number}" if version.number else f"Draft #{version.pk}"

    @admin.display(description="version number")
    def version_number(self, version):
        return version.number or "(given when published)"

    @admin.display(description="based on")
    def based_on_label(self, version):
        if not version.based_on_id:
            return "-"
        based = version.based_on
        return f"Version {based.number}" if based.number else f"Draft #{based.pk}"

    # -- pages of our own ---------------------------------------------------------

    def get_urls(self):
        view = self.admin_site.admin_view
        return [
            path("<int:pk>/part/<slug:key>/", view(self.part_view), name="aids_aidversion_part"),
            path("<int:pk>/part/grid/<int:option>/", view(self.grid_view), name="aids_aidversion_grid"),
            path("<int:pk>/part/<slug:key>/<int:item>/", view(self.item_view), name="aids_aidversion_item"),
            path("<int:pk>/preview/", view(self.preview_view), name="aids_aidversion_preview"),
            path("<int:pk>/publish/", view(self.publish_view), name="aids_aidversion_publish"),
            path("<int:pk>/new-draft/", view(require_POST(self.new_draft_view)),
                 name="aids_aidversion_new_draft"),
        ] + super().get_urls()

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        if obj is not None:
            part = _part(request)
            report = check_version(obj)
            content = load_content(obj)
            links = finding_links(obj, report, content)
            context.update({
                "quality_report": report,
                "finding_links": links,
                "can_publish": can_publish(request.user) and not obj.is_frozen,
                "can_new_draft": self.has_add_permission(request),
                "version_frozen": obj.is_frozen,
                "aids_part": part,
            })
            diff = None
            if part is None:
                base = base_version(obj) if not obj.is_frozen else obj.based_on
                diff = version_diff(obj, base) if base is not None else None
            context["aids_parts_nav"] = self._parts_nav(obj, content, report, request, diff)
            if part is not None:
                option = getattr(request, "aids_grid_option", None)
                item = getattr(request, "aids_item", None)
                here = part_url(obj, part.key, option.pk if option else None, item.pk if item else None)

                def on_this_page(finding):
                    # A part page's table also answers for its items' own pages.
                    url = links.get(finding, "").split("#")[0]
                    return url == here or (part.item_inlines and item is None and url.startswith(here))

                context["quality_report"] = QualityReport(
                    errors=[f for f in report.errors if on_this_page(f)],
                    warnings=[f for f in report.warnings if on_this_page(f)],
                )
                if option:
                    label = f"{part.label}: {option.name}"
                elif item:
                    label = f"{part.label}: {item}"
                else:
                    label = part.label
                context.update({
                    "title": f"{label} - {obj}",
                    "subtitle": None,
                    "aids_part_label": label,
                    "aids_grid_option": option,
                    "aids_item": item,
                    **(self._item_neighbours(obj, part, item) if item else {}),
                    "aids_part_url": part_url(obj, part.key, option.pk if option else None),
                    "aids_options": content.options if part.key in ("options", GRID.key) else (),
                    "show_save_and_add_another": False,
                    "show_delete": False,
                    "show_delete_link": False,
                })
            else:
                form = context["adminform"].form
                if getattr(form, "ipdas_items", None):
                    rows = form.ipdas_rows()
                else:
                    rows = [(item, None) for item in ipdas_checklist(obj)]
                editable = self.has_change_permission(request, obj)
                context.update({
                    "ipdas_rows": rows if editable else [(item, None) for item, _box in rows],
                    "version_diff": diff,
                })
        return super().render_change_form(request, context, add, change, form_url, obj)

    @staticmethod
    def _item_neighbours(version, part, item):
        """Where an item page's item stands among its part's: position, previous, next."""
        rows = [(o.pk, str(o)) for o in part.item_model.objects.filter(version=version)
                .order_by("order", "pk")]
        index = [pk for pk, _title in rows].index(item.pk)

        def link(i):
            if 0 <= i < len(rows):
                return part_url(version, part.key, item=rows[i][0]), rows[i][1]
            return None

        return {"aids_item_position": (index + 1, len(rows)),
                "aids_item_previous": link(index - 1), "aids_item_next": link(index + 1)}

    def history_view(self, request, object_id, extra_context=None):
        version = self.get_object(request, object_id)
        extra = dict(extra_context or {})
        if version is not None:
            extra["part_history"], extra["part_history_total"] = part_history(version)
        return super().history_view(request, object_id, extra)

    def _version_or_404(self, request, pk):
        version = self.get_object(request, str(pk))
        if version is None:
            raise Http404(f"No aid version {pk}.")
        if not self.has_view_permission(request, version):
            raise PermissionDenied
        return version

    def preview_view(self, request, pk):
        """The version as the walkthrough shows it, with the app's own look."""
        self._version_or_404(request, pk)
        version = version_for_display(pk)
        flags = mark_flagged_phrases(version)
        base = base_version(version) if not version.is_frozen else version.based_on
        response = render(request, "aids/preview.html", {
            "version": version,
            "admin_url": reverse("admin:aids_aidversion_change", args=[version.pk]),
            "flags": flags,
            "version_diff": version_diff(version, base) if base is not None else None,
        })
        response.content = render_marks(response.content.decode("utf-8"), flags).encode("utf-8")
        return response

    def publish_view(self, request, pk):
        """Shows the quality report and IPDAS self-check; POST publishes."""
        version = self._version_or_404(request, pk)
        if not can_publish(request.user):
            return self._forbidden(request, version)
        change_url = reverse("admin:aids_aidversion_change", args=[version.pk])
        if version.is_frozen:
            self.message_user(request, f"{version} is not a draft; only a draft can be published.",
                              messages.WARNING)
            return HttpResponseRedirect(change_url)

        report = check_version(version)
        refused = None
        if request.method == "POST":
            form = PublishForm(request.POST, report=report)
            if form.is_valid():
                try:
                    published = version_publish(
                        version=version, user=request.user,
                        change_note=form.cleaned_data["change_note"],
                        justification=form.cleaned_data["justification"],
                    )
                except PermissionDenied:
                    return self._forbidden(request, version)
                except PublishRefused as exc:
                    refused = exc.reasons
                    report = exc.report or report
                    for reason in exc.reasons:
                        form.add_error(None, reason)
                else:
                    self.message_user(
                        request,
                        f"Published {published.aid} version {published.number}. "
                        "Consultations started from now on use it.",
                        messages.SUCCESS,
                    )
                    return HttpResponseRedirect(change_url)
        else:
            form = PublishForm(report=report, initial={"justification": version.warnings_justification})

        context = {
            **self.admin_site.each_context(request),
            "title": f"Publish {version}",
            "opts": self.model._meta,
            "original": version,
            "version": version,
            "form": form,
            "quality_report": report,
            "ipdas_rows": [(item, None) for item in ipdas_checklist(version, on_publish=True)],
            "finding_links": finding_links(version, report),
            "version_diff": version_diff(version, base) if (base := base_version(version)) else None,
            "edited_it": request.user.pk in version_editors(version),
            "single_person": settings.CONTENT_SINGLE_PERSON_PUBLISHING,
            "reviewers": named_reviewers(version),
            "contributors_url": part_url(version, "contributors"),
            "refused": refused,
            "change_url": change_url,
            "next_number": version.aid.next_version_number(),
        }
        return TemplateResponse(request, "admin/aids/aidversion/publish.html", context)

    def _forbidden(self, request, version):
        context = {
            **self.admin_site.each_context(request),
            "title": "Only content approvers can publish",
            "opts": self.model._meta,
            "original": version,
            "change_url": reverse("admin:aids_aidversion_change", args=[version.pk]),
        }
        return TemplateResponse(request, FORBIDDEN_TEMPLATE, context, status=403)

    def new_draft_view(self, request, pk):
        version = self._version_or_404(request, pk)
        if not self.has_add_permission(request):
            raise PermissionDenied("You may not create drafts.")
        return self._start_draft(request, version)

    def _start_draft(self, request, version):
        draft = version_new_draft(version=version, user=request.user)
        self.log_addition(request, draft, [{"added": {}}])
        self.message_user(
            request,
            f"New draft #{draft.pk} started from {version}. Edit it here, then preview and publish it.",
            messages.SUCCESS,
        )
        return HttpResponseRedirect(reverse("admin:aids_aidversion_change", args=[draft.pk]))

    @admin.action(description="New draft from the selected version", permissions=["add"])
    def new_draft_action(self, request, queryset):
        versions = list(queryset[:2])
        if len(versions) != 1:
            self.message_user(request, "Select exactly one version to start a new draft from.",
                              messages.WARNING)
            return None
        return self._start_draft(request, versions[0])
