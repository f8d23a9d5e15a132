"""The shared decision-making report in the admin, for clinical leads: counts only
(``aids.reports``), no patient reference, clinician or single consultation, and a CSV
of the same figures. Needs the permission "Can view the shared decision-making
report" (``aids.view_sdm_report``), given to a user or a group in the admin."""

from django import forms
from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.template.response import TemplateResponse
from django.urls import path

from aids.collaborate import CITATION
from aids.models import SdmReport
from aids.reports import report_csv, sdm_report

PERMISSION = "aids.view_sdm_report"


class PeriodForm(forms.Form):
    start = forms.DateField(label="Finalized from", required=False,
                            widget=forms.DateInput(attrs={"type": "date"}))
    end = forms.DateField(label="to", required=False,
                          widget=forms.DateInput(attrs={"type": "date"}))

    def clean(self):
        data = super().clean()
        if data.get("start") and data.get("end") and data["start"] > data["end"]:
            raise forms.ValidationError("The first date is after the second: swap them.")
        return data


@admin.register(SdmReport)
class SdmReportAdmin(admin.ModelAdmin):
    def has_module_permission(self, request):
        return request.user.is_active and request.user.has_perm(PERMISSION)

    def has_view_permission(self, request, obj=None):
        return obj is None and self.has_module_permission(request)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def get_urls(self):
        # The report is the only page: no row of answers is ever listed or opened.
        return [path("", self.admin_site.admin_view(self.changelist_view),
                     name="aids_sdmreport_changelist")]

    def changelist_view(self, request, extra_context=None):
        if not self.has_view_permission(request):
            raise PermissionDenied
        form = PeriodForm(request.GET or None)
        period = form.cleaned_data if form.is_valid() else {}
        report = sdm_report(start=period.get("start"), end=period.get("end"))
        if request.GET.get("format") == "csv" and form.is_valid():
            response = HttpResponse(report_csv(report), content_type="text/csv; charset=utf-8")
            response["Content-Disposition"] = 'attachment; filename="sdm-report.csv"'
            return response
        query = request.GET.copy()
        query["format"] = "csv"
        return TemplateResponse(request, "admin/aids/sdm_report.html", {
            **self.admin_site.each_context(request), "title": "Shared decision-making report",
            "opts": self.model._meta, "report": report, "form": form,
            "csv_query": query.urlencode(), "citation": CITATION,
        })
