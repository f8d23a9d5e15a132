"""Log in, log out (POST only, Django's LogoutView) and change password."""

from django.contrib.auth import views as auth_views
from django.urls import path

from aids.accounts.forms import CrispyPasswordChangeForm, LoginForm

class ThrottledPasswordChangeView(auth_views.PasswordChangeView):
    form_class = CrispyPasswordChangeForm

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "request": self.request}


urlpatterns = [
    path(
        "login/",
        auth_views.LoginView.as_view(authentication_form=LoginForm, redirect_authenticated_user=True),
        name="login",
    ),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path(
        "password/",
        ThrottledPasswordChangeView.as_view(),
        name="password_change",
    ),
    path(
        "password/done/",
        auth_views.PasswordChangeDoneView.as_view(),
        name="password_change_done",
    ),
]
