"""The consultation list, a page at a time, at any size: keyset pages in the list's
order (newest first), read from the index ``consultation_list`` and never counted,
and a search by the start of the patient reference, a range on the index
``consultation_ref_search``. Each page costs the same with ten consultations or
a hundred thousand (``scripts/bench`` measures it).

Links carry a cursor, the position of the first or last row shown
("<microseconds since 1970>-<pk>"): ``?older=`` the page after it, ``?newer=`` the
page before it, ``?page=last`` the oldest page.
"""

import re
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

from django.contrib.auth import get_user_model
from django.db import connection
from django.db.models import Prefetch, Q

from aids.access import team_clinician_ids
from aids.models import AidVersion, Consultation
from aids.models.search import RefKey, ref_prefix_range

PAGE_SIZE = 20
SHOWN = ("id", "clinician_id", "version_id", "patient_ref", "status", "created_at")
_EPOCH = datetime(1970, 1, 1, tzinfo=timezone.utc)
_CURSOR = re.compile(r"^(\d{1,20})-(\d{1,20})$")
BAD_LINK = "That page link was not recognised, so the newest consultations are shown."


@dataclass
class ListPage:
    items: list
    newer: str = ""   # cursor for the page of newer consultations ("" when none)
    older: str = ""   # cursor for the page of older consultations
    is_newest: bool = True
    is_oldest: bool = True
    notice: str = ""

    @property
    def has_other_pages(self):
        return not (self.is_newest and self.is_oldest)


def cursor_of(consultation):
    micros = (consultation.created_at - _EPOCH) // timedelta(microseconds=1)
    return f"{micros}-{consultation.pk}"


def _parse(cursor):
    match = _CURSOR.match(cursor or "")
    if not match:
        return None
    try:
        return _EPOCH + timedelta(microseconds=int(match.group(1))), int(match.group(2))
    except OverflowError:
        return None


def consultation_page(user, *, query="", older="", newer="", last=False):
    """One page of the consultations ``user`` sees (their own and their team's),
    newest first, optionally only those whose reference starts with ``query``."""
    ids = sorted(team_clinician_ids(user))
    base = Consultation.objects.all()
    if query:
        low, high = ref_prefix_range(query)
        base = base.alias(ref_key=RefKey("patient_ref")).filter(ref_key__gte=low)
        if high is not None:
            base = base.filter(ref_key__lt=high)
    notice = ""
    position = None
    if older or newer:
        position = _parse(older or newer)
        if position is None:
            notice, older, newer = BAD_LINK, "", ""
    forwards = not (newer or last)  # newest first; otherwise read oldest first, then turn
    if position:
        at, pk = position
        if older:
            base = base.filter(Q(created_at__lt=at) | Q(created_at=at, pk__lt=pk), created_at__lte=at)
        else:
            base = base.filter(Q(created_at__gt=at) | Q(created_at=at, pk__gt=pk), created_at__gte=at)
    order = ("-created_at", "-pk") if forwards else ("created_at", "pk")
    rows = _ordered(base, ids, order, PAGE_SIZE + 1)
    if position and not rows:  # a link to a page that no longer has anything on it
        return consultation_page(user, query=query)
    more = len(rows) > PAGE_SIZE
    rows = rows[:PAGE_SIZE]
    if not forwards:
        rows.reverse()
    if forwards:
        is_newest, is_oldest = not older, not more
    elif last:
        is_newest, is_oldest = not more, True
    else:
        is_newest, is_oldest = not more, False
    page = ListPage(items=rows, is_newest=is_newest, is_oldest=is_oldest, notice=notice)
    if rows:
        page.newer = "" if is_newest else cursor_of(rows[0])
        page.older = "" if is_oldest else cursor_of(rows[-1])
    return page


def _ordered(base, ids, order, limit):
    """The first ``limit`` rows of ``base`` for the clinicians ``ids`` in ``order``.

    One clinician: one query, a walk down the index. Several (a team): the first
    ``limit`` of each clinician, each a walk down the index, merged in one UNION ALL
    query; then the rows themselves by primary key. Sorting all of a team's
    consultations instead would grow with the table.
    """
    # Their versions and clinicians come in a query each (by primary key), not by a
    # join: a join lets the planner start from the small tables and sort. Only the
    # columns a row shows are read.
    related = (Prefetch("version", queryset=AidVersion.objects.only("id", "number")),
               Prefetch("clinician", queryset=get_user_model().objects.only(
                   "id", "username", "first_name", "last_name")))
    base = base.only(*SHOWN)
    if not ids:
        return []
    if len(ids) == 1:
        return list(base.filter(clinician_id=ids[0]).prefetch_related(*related).order_by(*order)[:limit])
    parts, params = [], []
    for i, clinician_id in enumerate(ids):
        sub = base.filter(clinician_id=clinician_id).order_by(*order).values_list("pk", "created_at")[:limit]
        sql, sub_params = sub.query.sql_with_params()
        parts.append(f"SELECT * FROM ({sql}) AS part{i}")
        params.extend(sub_params)
    direction = "DESC" if order[0].startswith("-") else "ASC"
    sql = " UNION ALL ".join(parts) + f" ORDER BY 2 {direction}, 1 {direction} LIMIT {int(limit)}"
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        pks = [row[0] for row in cursor.fetchall()]
    found = Consultation.objects.only(*SHOWN).prefetch_related(*related).in_bulk(pks)
    return [found[pk] for pk in pks if pk in found]
