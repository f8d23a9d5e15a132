"""Inlines for every part of a version, each ordered by its ``order`` field.

Parts of a published or retired version are shown read-only (the model layer
refuses changes anyway; the admin just does not offer them). Choices that point
at other parts (references, grid options and questions) are limited to the same
version and computed once per page, not once per row.
"""

from django import forms
from django.contrib import admin
from django.contrib.admin.widgets import FilteredSelectMultiple
from django.db import models
from django.urls import reverse
from django.utils.html import format_html
from django.utils.text import capfirst

from aids.models import (
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

SMALL_TEXT = forms.Textarea(attrs={"rows": 2, "cols": 40})
MEDIUM_TEXT = forms.Textarea(attrs={"rows": 3, "cols": 60})


class PartInline:
    """Shared behaviour of the part inlines (mixed into Tabular/StackedInline)."""

    extra = 0
    ordering = ("order", "pk")
    show_change_link = False
    formfield_overrides = {models.TextField: {"widget": MEDIUM_TEXT}}
    # Models related to this one within the version, limited to the version.
    version_scoped = ()

    def _frozen(self, obj):
        return obj is not None and obj.is_frozen

    def has_add_permission(self, request, obj=None):
        return not self._frozen(obj) and super().has_add_permission(request, obj)

    def has_change_permission(self, request, obj=None):
        return not self._frozen(obj) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return not self._frozen(obj) and super().has_delete_permission(request, obj)

    def get_queryset(self, request):
        qs = super().get_queryset(request)
        if any(f.name == "forms" for f in self.model._meta.many_to_many):
            qs = qs.prefetch_related("forms")  # the forms each row applies to, in one query
        return qs

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if isinstance(self, admin.TabularInline):
            self.template = "admin/aids/edit_inline/tabular.html"

    def get_formset(self, request, obj=None, **kwargs):
        # Inline instances are created per request, so this does not leak between users.
        self.parent_version = obj
        formset = super().get_formset(request, obj, **kwargs)
        if not isinstance(self, admin.TabularInline):
            return formset
        item = capfirst(str(self.verbose_name or self.model._meta.verbose_name))

        class NamedFields(formset):
            """A table row's fields have no <label> of their own: give each a name
            that says which row and which column ("Reference 3: title")."""

            def add_fields(self, form, index):
                super().add_fields(form, index)
                row = f"{item} {index + 1}" if index is not None else f"New {item.lower()}"
                for name, field in form.fields.items():
                    if not field.widget.is_hidden:
                        label = field.label or ("Delete" if name == "DELETE" else name)
                        # The widget itself, inside the admin's related-field wrapper; a new
                        # dict, since a wrapper shares its attrs with the class's field.
                        widget = getattr(field.widget, "widget", field.widget)
                        widget.attrs = {**widget.attrs, "aria-label": f"{row}: {capfirst(str(label))}"}

        return NamedFields

    def _scoped(self, model):
        version = getattr(self, "parent_version", None)
        if version is None:
            return model.objects.none()
        return model.objects.filter(version=version).order_by("order", "pk")

    @staticmethod
    def _cache_choices(field):
        # One query for the choices of all rows instead of one per row.
        field.choices = list(field.choices)
        return field

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name in self.version_scoped:
            kwargs["queryset"] = self._scoped(db_field.related_model)
            return self._cache_choices(super().formfield_for_foreignkey(db_field, request, **kwargs))
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    # Many-to-many links within the version: (model, label of each choice, field
    # label or None to keep the model's, help text).
    VERSION_LINKS = {
        "references": (Reference, lambda ref: ref.key, None,
                       "The references that support this. Add references first, then save."),
        "forms": (OperationForm, lambda form: form.name, "Applies to these forms of the operation",
                  "Leave all unticked when it applies to every form. Add the forms first, then save."),
    }

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        link = self.VERSION_LINKS.get(db_field.name)
        if link is None:
            return super().formfield_for_manytomany(db_field, request, **kwargs)
        model, choice_label, label, help_text = link
        kwargs["queryset"] = self._scoped(model)
        if db_field.name == "references":
            # Dozens of references: the admin's own searchable two-box chooser (no CDN),
            # one control per item instead of a tick-box per reference.
            kwargs["widget"] = FilteredSelectMultiple("references", is_stacked=False)
        else:
            kwargs["widget"] = forms.CheckboxSelectMultiple(attrs={"class": f"{db_field.name}-choices"})
        field = super().formfield_for_manytomany(db_field, request, **kwargs)
        field.label_from_instance = choice_label
        field.label = label or field.label
        field.help_text = help_text
        return self._cache_choices(field)


class ReferenceInline(PartInline, admin.TabularInline):
    model = Reference
    fields = ("order", "key", "authors", "title", "source", "year", "doi", "url", "note")
    formfield_overrides = {
        **PartInline.formfield_overrides,
        models.URLField: {"assume_scheme": "https"},
    }


class ContributorInline(PartInline, admin.TabularInline):
    model = Contributor
    fields = ("order", "kind", "name", "role")
    verbose_name = "author or reviewer"
    verbose_name_plural = "authors and reviewers"


class OperationFormInline(PartInline, admin.TabularInline):
    model = OperationForm
    fields = ("order", "key", "name", "pain_site")
    verbose_name = "form of the operation (and the pain it is for)"
    verbose_name_plural = "forms of the operation (and the pain each is for)"


class ItemInline(PartInline, admin.StackedInline):
    """One item in full, on its own page (``part/<key>/<pk>/``): a single row."""

    def get_queryset(self, request):
        qs = super().get_queryset(request).prefetch_related("references")
        item = getattr(request, "aids_item", None)
        return qs.filter(pk=item.pk) if item is not None else qs

    def has_add_permission(self, request, obj=None):
        # New items are added on the part page's table.
        return getattr(request, "aids_item", None) is None and super().has_add_permission(request, obj)


class ItemListInline(PartInline, admin.TabularInline):
    """A part's items in short on its page: what tells one from another, and a link
    to each item's own page for the rest."""

    readonly_fields = ("edit_in_full",)
    # Narrow enough that the row, its link included, fits a laptop's width.
    formfield_overrides = {
        models.TextField: {"widget": forms.Textarea(attrs={"rows": 2, "cols": 26})},
        models.CharField: {"widget": forms.TextInput(attrs={"size": 28})},
    }
    part_key = ""

    @admin.display(description="the rest")
    def edit_in_full(self, obj):
        if obj is None or obj.pk is None:
            return "Save first, then edit in full."
        url = reverse("admin:aids_aidversion_item", args=[obj.version_id, self.part_key, obj.pk])
        return format_html('<a href="{}">Edit in full<span class="visually-hidden">: {}</span></a>',
                           url, obj)


class SectionInline(ItemInline):
    model = Section
    fields = (("order", "heading"), "summary", "body", "forms", "references")
    verbose_name = "about section"
    formfield_overrides = {models.TextField: {"widget": forms.Textarea(attrs={"rows": 6, "cols": 80})}}


class SectionListInline(ItemListInline):
    model = Section
    fields = ("order", "heading", "summary", "edit_in_full")
    verbose_name = "about section"
    part_key = "sections"


class OutcomeInline(ItemInline):
    """A benefit or risk in full."""

    formfield_overrides = {models.TextField: {"widget": forms.Textarea(attrs={"rows": 6, "cols": 80})}}


class OutcomeListInline(ItemListInline):
    """Benefits or risks in short: order, title, how likely."""

    fields = ("order", "title", "likelihood", "numerator", "denominator", "unknown_reason", "edit_in_full")


class BenefitInline(OutcomeInline):
    model = Benefit
    fieldsets = (
        (None, {"fields": (("order", "title"), "description", "forms")}),
        ("How likely", {"fields": ("likelihood", ("numerator", "denominator"), "unknown_reason",
                                   "time_frame")}),
        ("Evidence", {"fields": (("certainty", "certainty_note"), "references")}),
    )


class RiskInline(OutcomeInline):
    model = Risk
    fieldsets = (
        (None, {"fields": (("order", "title"), "description", ("severity", "lasting"), "forms")}),
        ("How likely", {"fields": ("likelihood", ("numerator", "denominator"), "unknown_reason",
                                   "time_frame")}),
        ("Evidence", {"fields": (("certainty", "certainty_note"), "references")}),
    )


class BenefitListInline(OutcomeListInline):
    model = Benefit
    part_key = "benefits"


class RiskListInline(OutcomeListInline):
    model = Risk
    part_key = "risks"


class CriterionInline(PartInline, admin.TabularInline):
    model = Criterion
    fields = ("order", "statement", "explanation", "forms")
    verbose_name = "last-resort criterion"
    verbose_name_plural = "last-resort criteria"


class OptionInline(PartInline, admin.TabularInline):
    model = Option
    fields = ("order", "key", "name", "summary")


class GridQuestionInline(PartInline, admin.TabularInline):
    model = GridQuestion
    fields = ("order", "key", "text")
    verbose_name = "option grid question"


class GridAnswerInline(PartInline, admin.TabularInline):
    model = GridAnswer
    fields = ("question", "option", "text", "references", "forms", "order")
    version_scoped = ("option", "question")
    verbose_name = "option grid answer"
    formfield_overrides = {models.TextField: {"widget": SMALL_TEXT}}
    # The grid's place decides where an answer shows; list them as the grid reads.
    ordering = ("question__order", "question__pk", "option__order", "option__pk")

    def get_queryset(self, request):
        qs = (
            super().get_queryset(request)
            .select_related("option", "question")
            .prefetch_related("references")
        )
        option = getattr(request, "aids_grid_option", None)
        return qs.filter(option=option) if option is not None else qs

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        field = super().formfield_for_foreignkey(db_field, request, **kwargs)
        option = getattr(request, "aids_grid_option", None)
        if db_field.name == "option" and option is not None:
            # An option's grid page adds answers for that option only.
            field.queryset = field.queryset.filter(pk=option.pk)
            field.choices = list(field.choices)
            field.initial = option.pk
        return field


class ValueStatementInline(PartInline, admin.TabularInline):
    model = ValueStatement
    fields = ("order", "text")


class UnderstandingQuestionInline(PartInline, admin.TabularInline):
    model = UnderstandingQuestion
    fields = ("order", "statement", "correct_answer", "explanation")


PART_INLINES = [
    OperationFormInline,
    SectionInline,
    BenefitInline,
    RiskInline,
    CriterionInline,
    OptionInline,
    GridQuestionInline,
    GridAnswerInline,
    ValueStatementInline,
    UnderstandingQuestionInline,
    ReferenceInline,
    ContributorInline,
]
