"""Crispy-styled versions of Django's own authentication forms."""

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Submit
from django.contrib.auth import authenticate
from django.contrib.auth.forms import AuthenticationForm, PasswordChangeForm
from django.utils.translation import gettext_lazy as _


class LoginForm(AuthenticationForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.add_input(Submit("submit", _("Log in"), css_class="btn-lg"))


class CrispyPasswordChangeForm(PasswordChangeForm):
    """The old password is checked through ``authenticate``, so django-axes counts a wrong
    one as a failed login (same limit, same cool-off) and locks out like at login."""

    def __init__(self, *args, request=None, **kwargs):
        self.request = request
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.add_input(Submit("submit", _("Change password")))

    def clean_old_password(self):
        old_password = self.cleaned_data["old_password"]
        checked = authenticate(self.request, username=self.user.get_username(), password=old_password)
        if checked is None or checked.pk != self.user.pk:
            raise self.get_error("password_incorrect")
        return old_password

    def get_error(self, code):
        from django.core.exceptions import ValidationError

        return ValidationError(self.error_messages[code], code=code)
