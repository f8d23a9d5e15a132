from importlib.util import find_spec

from django.urls import include, path

from aids.walkthrough import views

urlpatterns = [
    path("", views.home, name="home"),
    path("consultations/new/", views.consultation_new, name="consultation_new"),
    path("consultations/<int:pk>/", views.consultation_resume, name="consultation_resume"),
    path("consultations/<int:pk>/step/<slug:key>/", views.step, name="consultation_step"),
    path("consultations/<int:pk>/language/", views.consultation_language, name="consultation_language"),
    path("consultations/<int:pk>/finalize/", views.finalize, name="consultation_finalize"),
    path("consultations/<int:pk>/finalize/confirm/", views.finalize_confirm,
         name="consultation_finalize_confirm"),
    path("consultations/<int:pk>/record/", views.record, name="consultation_record"),
    path("consultations/<int:pk>/record/reason/", views.record_reason, name="record_reason"),
    path("consultations/<int:pk>/addenda/", views.addendum, name="addendum_add"),
    path("consultations/<int:pk>/collaborate/", views.collaborate_on_screen,
         name="consultation_collaborate"),
]

# The stored PDF documents (download views) live with the PDF record, built alongside.
if find_spec("aids.record") and find_spec("aids.record.urls"):
    urlpatterns.append(path("", include("aids.record.urls")))
