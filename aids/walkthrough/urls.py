from django.urls import path

from aids.walkthrough import views

urlpatterns = [
    path("", views.home, name="home"),
]
