"""Site settings (one row) and the staff profile shown inline on each user."""

from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin
from django.db import models
from django.urls import reverse

from aids.models import SiteSettings, StaffProfile, Team


@admin.register(SiteSettings)
class SiteSettingsAdmin(admin.ModelAdmin):
    """One row: the list goes straight to it; it can be changed, never added twice or deleted."""

    fieldsets = [
        ("Printed on the patient copy of every record",
         {"fields": ["team_name", "contact_details", "questions_later"]}),
        ("Reading at home and CollaboRATE (links and QR codes on the patient copy)",
         {"fields": ["public_base_url", "collaborate_link_days"]}),
    ]
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}

    def has_add_permission(self, request):
        return super().has_add_permission(request) and not SiteSettings.objects.exists()

    def has_delete_permission(self, request, obj=None):
        return False

    def changelist_view(self, request, extra_context=None):
        from django.shortcuts import redirect

        row = SiteSettings.objects.filter(pk=1).first()
        if row is not None:
            return redirect(reverse("admin:aids_sitesettings_change", args=[row.pk]))
        if self.has_add_permission(request):
            return redirect(reverse("admin:aids_sitesettings_add"))
        return super().changelist_view(request, extra_context)


@admin.register(Team)
class TeamAdmin(admin.ModelAdmin):
    """Clinicians who share a list: members read each other's records (read-only)."""

    list_display = ["name"]
    filter_horizontal = ["members"]


class StaffProfileInline(admin.StackedInline):
    model = StaffProfile
    can_delete = False
    verbose_name = "role on records"
    verbose_name_plural = "role on records"
    fields = ["role", "registration"]


User = get_user_model()
if admin.site.is_registered(User):
    admin.site.unregister(User)


@admin.register(User)
class StaffUserAdmin(UserAdmin):
    inlines = [*UserAdmin.inlines, StaffProfileInline]
