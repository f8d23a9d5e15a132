"""A lookup by primary key compiled once per database connection, not once per request.

Every consultation page starts with the same query: the consultation, its version,
the version's aid and its clinician (``aids.access.consultation_for``). Django compiles
a query's SQL afresh each time it runs; for those four tables (about 60 columns) the
compiling cost twice the query itself and as much as a whole page of the bare base
template (about 1 ms on the benchmark's machine). ``PkLookup`` compiles the query once,
for each database connection (each thread has its own), and then only runs it, with
the same SQL, converters and model instances as the ORM (the iteration below is
``django.db.models.query.ModelIterable``'s, for a query with no annotations).
tests/test_prepared.py checks it against the ORM on SQLite and PostgreSQL.
"""

import weakref
from dataclasses import dataclass

from django.db import connections
from django.db.models.query import get_related_populators

# A primary key no row has, to find the parameter to swap in the compiled query.
_SENTINEL = -7_301_955_123_457
_BIGINT = 2**63


class PkLookup:
    """``build().filter(pk=pk).first()`` (the queryset without ordering or slicing)."""

    def __init__(self, build):
        self.build = build
        self._compiled = weakref.WeakKeyDictionary()  # connection -> (compiler, sql, params, index)

    def _compile(self, alias):
        queryset = self.build().filter(pk=_SENTINEL)
        compiler = queryset.query.get_compiler(using=alias)
        sql, params = compiler.as_sql()
        params = list(params)
        positions = [n for n, value in enumerate(params) if value == _SENTINEL]
        if len(positions) != 1:
            raise ValueError("The lookup's query must have exactly one primary-key parameter.")
        # What the ORM works out again for every row it reads (the converters alone cost
        # as much as the query on SQLite), worked out once here.
        select, klass_info = compiler.select, compiler.klass_info
        first, last = klass_info["select_fields"][0], klass_info["select_fields"][-1] + 1
        return _Compiled(
            compiler=compiler, sql=sql, params=params, index=positions[0],
            converters=compiler.get_converters([s[0] for s in select]),
            model=klass_info["model"], first=first, last=last,
            init_list=[column[0].target.attname for column in select[first:last]],
            populators=get_related_populators(klass_info, select, alias),
        )

    def get(self, pk, using="default"):
        """The object, or None when there is no such row (or ``pk`` is no key)."""
        try:
            pk = int(pk)
        except (TypeError, ValueError):
            return None
        if not -_BIGINT <= pk < _BIGINT:  # the ORM answers "no rows" too
            return None
        connection = connections[using]
        compiled = self._compiled.get(connection)
        if compiled is None:
            compiled = self._compiled[connection] = self._compile(using)
        params = compiled.params.copy()
        params[compiled.index] = pk
        # The compiled SQL, through the connection's cursor as the ORM runs it (so the
        # query log and the debug cursor see it), with the ORM's converters.
        with connection.cursor() as cursor:
            cursor.execute(compiled.sql, params)
            row = cursor.fetchone()
        if row is None:
            return None
        if compiled.converters:
            row = next(compiled.compiler.apply_converters([row], compiled.converters))
        obj = compiled.model.from_db(using, compiled.init_list, row[compiled.first:compiled.last])
        for populator in compiled.populators:
            populator.populate(row, obj)
        return obj


@dataclass(frozen=True)
class _Compiled:
    compiler: object
    sql: str
    params: list
    index: int
    converters: dict
    model: type
    first: int
    last: int
    init_list: list
    populators: list
