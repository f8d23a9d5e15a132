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

_ROWS = {}
_ROWS_KEPT = 1024


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


def frozen_rows(version, relation):
    """``version``'s rows of one relation (``"value_statements"``...), in order."""
    return kept(version, relation, lambda: getattr(version, relation).all())


def frozen_ids(version, relation):
    """The ids of ``version``'s rows of a relation."""
    return {row.pk for row in frozen_rows(version, relation)}
