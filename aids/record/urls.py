"""Record URLs; included by aids/walkthrough/urls.py."""

from django.urls import path

from aids.record import views

urlpatterns = [
    path(
        "consultations/<int:pk>/record/<int:revision>/<str:variant>.pdf",
        views.record_download,
        name="record_download",
    ),
    path(
        "consultations/<int:pk>/record/<int:revision>/<str:variant>.fhir.json",
        views.record_fhir,
        name="record_fhir",
    ),
]
