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

from django.db import connections
from django.db.models.query import get_related_populators
from django.db.models.sql.constants import MULTI

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
        return compiler, sql, params, positions[0]

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
        compiler, sql, params, index = compiled
        params = params.copy()
        params[index] = pk
        # The compiled SQL, run through the compiler as the ORM runs it (its cursor,
        # its query log, its converters), without compiling it again.
        compiler.as_sql = lambda *args, **kwargs: (sql, tuple(params))
        try:
            results = compiler.execute_sql(MULTI)
        finally:
            del compiler.as_sql
        select, klass_info = compiler.select, compiler.klass_info
        first, last = klass_info["select_fields"][0], klass_info["select_fields"][-1] + 1
        init_list = [column[0].target.attname for column in select[first:last]]
        populators = get_related_populators(klass_info, select, using)
        for row in compiler.results_iter(results):
            obj = klass_info["model"].from_db(using, init_list, row[first:last])
            for populator in populators:
                populator.populate(row, obj)
            return obj
        return None
