"""What a published version holds, read once per process.

A published (or retired) version never changes, down to the model layer: its rows
and their ids are the same on every request. So its rows are kept here once read,
keyed by the version's pk, digest and publication time (a draft is never kept: it
still changes). Only content is kept, nothing about any consultation.

Each process keeps its own copy (nothing is shared between processes, and nothing
needs to be: every copy is the same, and a new process reads them again on first
use). The rows are shared by every request that shows them: read them, never change
them.
"""

import copy

_ROWS = {}
_ROWS_KEPT = 1024
_VERSIONS = {}  # version pk -> the frozen version, with its aid


def frozen_key(version):
    """The cache key of a frozen version, or None for a draft (or no version)."""
    if version is None or not version.is_frozen or not version.digest:
        return None
    return (version.pk, version.digest, version.published_at)


def kept(version, name, read):
    """``read()`` as a list, read once per frozen version under ``name``."""
    frozen = frozen_key(version)
    if frozen is None:
        return list(read())
    found = _ROWS.get((frozen, name))
    if found is None:
        if len(_ROWS) >= _ROWS_KEPT:
            _ROWS.clear()
        found = _ROWS[(frozen, name)] = tuple(read())
    return list(found)


def kept_version(version_id, stamp, read):
    """The version ``version_id`` as a request's own copy, read with ``read(version_id)``
    once per process while it is frozen. ``stamp`` is what the caller read of it with
    the consultation: its digest and publication time (as ``frozen_key``: the same key
    after a rolled-back transaction is another version) and its ``status`` and
    ``retired_at``, the one change a frozen version takes (retiring). A kept version
    whose stamp differs is read again; a draft is read each time."""
    found = _VERSIONS.get(version_id)
    if found is None or found[0] != stamp:
        version = read(version_id)
        if frozen_key(version) is None:
            return version
        if len(_VERSIONS) >= _ROWS_KEPT:
            _VERSIONS.clear()
        found = _VERSIONS[version_id] = (
            (version.digest, version.published_at, version.status, version.retired_at), version)
    # A request may change its version in memory (shown translated): never the kept one.
    # (What copy.copy does for a model, without its pickling protocol: 5x faster.)
    kept = found[1]
    own = object.__new__(type(kept))
    own.__dict__.update(kept.__dict__)
    own._state = copy.copy(kept._state)
    own._state.fields_cache = kept._state.fields_cache.copy()
    return own


def frozen_rows(version, relation):
    """``version``'s rows of one relation (``"value_statements"``...), in order."""
    return kept(version, relation, lambda: getattr(version, relation).all())


def frozen_ids(version, relation):
    """The ids of ``version``'s rows of a relation."""
    return {row.pk for row in frozen_rows(version, relation)}


def private_copy(things, keep=()):
    """Copies of shared rows (lists and tuples of them, their prefetched relations and
    cached related rows too) that a request may change in memory, e.g. to show them
    translated, without changing what every other request is shown. ``keep``: objects
    to leave shared (the request's own version). No query is run: prefetched relations
    stay prefetched."""
    from django.db.models import Model, QuerySet

    memo = {id(obj): obj for obj in keep}

    def own(thing):
        if id(thing) in memo:
            return memo[id(thing)]
        if isinstance(thing, Model):
            new = copy.copy(thing)
            memo[id(thing)] = new
            new._state.fields_cache = {name: own(value) if isinstance(value, Model) else value
                                       for name, value in thing._state.fields_cache.items()}
            prefetched = getattr(thing, "_prefetched_objects_cache", None)
            if prefetched:
                new._prefetched_objects_cache = {name: own(qs) for name, qs in prefetched.items()}
            return new
        if isinstance(thing, QuerySet) and thing._result_cache is not None:
            new = copy.copy(thing)
            memo[id(thing)] = new
            new._result_cache = [own(row) for row in thing._result_cache]
            return new
        if isinstance(thing, list):
            return [own(value) for value in thing]
        if isinstance(thing, tuple) and not hasattr(thing, "_fields"):
            return tuple(own(value) for value in thing)
        return thing

    return own(things)
