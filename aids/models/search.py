"""The key the consultation list searches by: a patient reference with its ASCII
letters in capitals, compared byte by byte, so that a prefix search is a range on
an index on SQLite and on PostgreSQL alike (``Consultation.Meta.indexes``).

Only ASCII letters are folded (SQLite's ``upper()`` folds no others): "ab-12"
finds "AB-12", and every other character matches exactly as typed.
"""

import string

from django.db.models import CharField, Func

_FOLD = str.maketrans(string.ascii_lowercase, string.ascii_uppercase)
_MAX = 0x10FFFF


class RefKey(Func):
    """``UPPER(ref)`` on SQLite (ASCII only, binary order); on PostgreSQL the same
    folding with ``translate`` in the "C" collation, so that a range on it is a
    prefix whatever the database's locale."""

    arity = 1
    function = "UPPER"
    output_field = CharField()

    def as_postgresql(self, compiler, connection, **extra_context):
        return self.as_sql(
            compiler, connection, function="TRANSLATE",
            template=f"(%(function)s(%(expressions)s, '{string.ascii_lowercase}', "
                     f"'{string.ascii_uppercase}') COLLATE \"C\")",
            **extra_context,
        )


def ref_key(text):
    """The search key of ``text``, as ``RefKey`` computes it in the database."""
    return text.translate(_FOLD)


def ref_prefix_range(text):
    """``(low, high)``: the keys starting with ``text``'s key are ``>= low`` and
    ``< high`` (``high`` is None when there is no upper bound)."""
    low = ref_key(text)
    stem = low.rstrip(chr(_MAX))
    if not stem:
        return low, None
    following = ord(stem[-1]) + 1
    if 0xD800 <= following <= 0xDFFF:  # no surrogates in a stored string
        following = 0xE000
    return low, stem[:-1] + chr(following)
