"""Queries compiled once per database connection, not once per request.

Every consultation page starts with the same query: the consultation, its version,
the version's aid and its clinician (``aids.access.consultation_for``). Django compiles
a query's SQL afresh each time it runs; for those four tables (about 60 columns) the
compiling cost twice the query itself and as much as a whole page of the bare base
template (about 1 ms on the benchmark's machine). ``PkLookup`` compiles the query once,
for each database connection (each thread has its own), and then only runs it, with
the same SQL, converters and model instances as the ORM (the iteration below is
``django.db.models.query.ModelIterable``'s: annotations land on the objects as
attributes, as there).
``PreparedQuery`` does the same for the rows of a consultation every page reads (its
item records, ratings, answers and questions, ``aids.readmodel``).
tests/test_prepared.py checks both against the ORM on SQLite and PostgreSQL.
"""

import weakref
from dataclasses import dataclass

from django.db import connections
from django.db.models.query import get_related_populators

# How far below the key column's largest value the placeholder key is, to find the
# parameter to swap in the compiled query (within the column's range: PostgreSQL's
# integer keys are 32 bits, and the ORM answers no rows for a key past them).
_BELOW_LARGEST = 7_301


class PreparedQuery:
    """``build().filter(<field>=value)`` for an integer ``value`` (a primary or foreign
    key), compiled once per connection: ``rows(value)`` lists the objects, ``first(value)``
    answers the first (or None). Fixed filters go in ``build``."""

    def __init__(self, build, field="pk"):
        self.build, self.field = build, field
        self._compiled = weakref.WeakKeyDictionary()  # connection -> _Compiled

    def _compile(self, alias):
        queryset = self.build()
        opts = queryset.model._meta
        field = opts.pk if self.field == "pk" else opts.get_field(self.field)
        if field.is_relation:
            field = field.target_field
        low, high = connections[alias].ops.integer_field_range(field.get_internal_type())
        sentinel = high - _BELOW_LARGEST
        queryset = queryset.filter(**{self.field: sentinel})
        compiler = queryset.query.get_compiler(using=alias)
        sql, params = compiler.as_sql()
        params = list(params)
        positions = [n for n, value in enumerate(params) if value == sentinel]
        if len(positions) != 1:
            raise ValueError("The prepared query must have exactly one parameter for its key.")
        # What the ORM works out again for every query it runs (the converters alone
        # cost as much as the query on SQLite), worked out once here.
        select, klass_info = compiler.select, compiler.klass_info
        first, last = klass_info["select_fields"][0], klass_info["select_fields"][-1] + 1
        return _Compiled(
            compiler=compiler, sql=sql, params=params, index=positions[0], low=low, high=high,
            converters=compiler.get_converters([s[0] for s in select]),
            model=klass_info["model"], first=first, last=last,
            init_list=[column[0].target.attname for column in select[first:last]],
            populators=get_related_populators(klass_info, select, alias),
            annotations=tuple(compiler.annotation_col_map.items()),
        )

    def _run(self, value, using, fetch):
        try:
            value = int(value)
        except (TypeError, ValueError):
            return []
        connection = connections[using]
        compiled = self._compiled.get(connection)
        if compiled is None:
            compiled = self._compiled[connection] = self._compile(using)
        if not compiled.low <= value <= compiled.high:  # past the column's range: the ORM finds none too
            return []
        params = compiled.params.copy()
        params[compiled.index] = value
        # The compiled SQL, through the connection's cursor as the ORM runs it (so the
        # query log and the debug cursor see it), with the ORM's converters.
        with connection.cursor() as cursor:
            cursor.execute(compiled.sql, params)
            rows = fetch(cursor)
        if compiled.converters:
            rows = compiled.compiler.apply_converters(rows, compiled.converters)
        objects = []
        for row in rows:
            obj = compiled.model.from_db(using, compiled.init_list, row[compiled.first:compiled.last])
            for populator in compiled.populators:
                populator.populate(row, obj)
            for name, position in compiled.annotations:
                setattr(obj, name, row[position])
            objects.append(obj)
        return objects

    def rows(self, value, using="default"):
        """The objects, in the query's order."""
        return self._run(value, using, lambda cursor: cursor.fetchall())

    def first(self, value, using="default"):
        """The first object, or None when there is none (or ``value`` is no key)."""
        found = self._run(value, using, lambda cursor: [row] if (row := cursor.fetchone()) else [])
        return found[0] if found else None


class PkLookup(PreparedQuery):
    """``build().filter(pk=pk).first()`` (the queryset without ordering or slicing)."""

    def get(self, pk, using="default"):
        """The object, or None when there is no such row (or ``pk`` is no key)."""
        return self.first(pk, using)


@dataclass(frozen=True)
class _Compiled:
    compiler: object
    sql: str
    params: list
    index: int
    low: int
    high: int
    converters: dict
    model: type
    first: int
    last: int
    init_list: list
    populators: list
    annotations: tuple
