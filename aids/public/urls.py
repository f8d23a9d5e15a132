from django.urls import path

from aids.public import views

urlpatterns = [
    path("a/<slug:slug>/<int:number>/", views.aid_page, name="public_aid"),
    path("c/<str:token>/", views.collaborate_page, name="collaborate"),
]
