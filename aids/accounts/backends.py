"""The login backend: Django's ``ModelBackend``, with the logged-in user read on each
request by a query compiled once per connection (``aids.prepared.PkLookup``; see
``aids.sessions.SessionStore`` for why: the ORM's ``get`` was most of what a logged-in
page cost more than an anonymous one).
The same rules: an unknown or inactive user is no user."""

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.core.exceptions import ValidationError
from django.db import router

from aids.prepared import PkLookup


# Compiled once per database connection, with its converters (aids/prepared.py).
_USER = PkLookup(lambda: get_user_model()._default_manager.all())


class AccountBackend(ModelBackend):
    def get_user(self, user_id):
        model = get_user_model()
        try:
            pk = model._meta.pk.to_python(user_id)
        except ValidationError:  # a session naming no valid id: no user
            return None
        user = _USER.get(pk, using=router.db_for_read(model))
        return user if user is not None and self.user_can_authenticate(user) else None
