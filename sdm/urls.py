from django.contrib import admin
from django.urls import include, path

from aids import health_views

# A post that fails on the server (the database down, a full disk) answers a page that
# keeps what was posted, or JSON for a background save: aids/errors.py.
handler500 = "aids.errors.server_error"

urlpatterns = [
    path("healthz", health_views.healthz, name="healthz"),
    path("accounts/", include("aids.accounts.urls")),
    path("admin/", admin.site.urls),
    # Public, read-only pages for patients at home (no login, no cookie): aids/public/.
    path("", include("aids.public.urls")),
    path("", include("aids.walkthrough.urls")),
]
