from django.contrib import admin
from django.urls import include, path

from aids import health_views

urlpatterns = [
    path("healthz", health_views.healthz, name="healthz"),
    path("accounts/", include("aids.accounts.urls")),
    path("admin/", admin.site.urls),
    path("", include("aids.walkthrough.urls")),
]
