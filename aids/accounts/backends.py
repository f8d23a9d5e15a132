"""The login backend: Django's ``ModelBackend``, with the logged-in user read on each
request in one plain SQL statement (see ``aids.sessions.SessionStore`` for why: the
ORM's ``get`` is most of what a logged-in page costs more than an anonymous one).
The same rules: an unknown or inactive user is no user."""

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.core.exceptions import ValidationError
from django.db import connections, router


def _read_user(model, pk):
    alias = router.db_for_read(model)
    connection = connections[alias]
    opts = model._meta
    fields = opts.concrete_fields
    quote = connection.ops.quote_name
    sql = (f"SELECT {', '.join(quote(f.column) for f in fields)} FROM {quote(opts.db_table)} "
           f"WHERE {quote(opts.pk.column)} = %s")
    with connection.cursor() as cursor:
        cursor.execute(sql, [opts.pk.get_db_prep_value(pk, connection)])
        row = cursor.fetchone()
    if row is None:
        return None
    values = []
    for value, field in zip(row, fields):
        # The conversions the ORM applies (on SQLite: booleans, aware datetimes).
        column = field.get_col(opts.db_table)
        for convert in connection.ops.get_db_converters(column) + field.get_db_converters(connection):
            value = convert(value, column, connection)
        values.append(value)
    return model.from_db(alias, [f.attname for f in fields], values)


class AccountBackend(ModelBackend):
    def get_user(self, user_id):
        model = get_user_model()
        try:
            pk = model._meta.pk.to_python(user_id)
        except ValidationError:  # a session naming no valid id: no user
            return None
        user = _read_user(model, pk)
        return user if user is not None and self.user_can_authenticate(user) else None
