"""The consultation list at any size (aids/walkthrough/listing.py): keyset pages newest
first with the oldest page one link away, a search by the start of the reference, a
fixed number of queries, and query plans that read the indexes instead of sorting or
scanning the table (EXPLAIN on SQLite and on PostgreSQL)."""

import datetime
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from aids.consultations import consultation_start
from aids.models import Consultation, Team
from aids.walkthrough.listing import BAD_LINK, PAGE_SIZE
from factories import make_user
from walkthrough_support import published_aid, visible_text

pytestmark = pytest.mark.django_db

T0 = timezone.make_aware(datetime.datetime(2026, 1, 5, 9, 0))


def make_consultations(clinician, refs, *, start=T0, same_time_every=1):
    """Consultations with these references, oldest first, one minute apart; with
    ``same_time_every=n`` each run of n shares one time (the pk breaks the tie)."""
    made = [consultation_start(clinician=clinician, patient_ref=ref) for ref in refs]
    for i, c in enumerate(made):
        Consultation.objects.filter(pk=c.pk).update(
            created_at=start + datetime.timedelta(minutes=i // same_time_every))
    return list(Consultation.objects.filter(pk__in=[c.pk for c in made]))


def refs_on(html):
    return re.findall(r'<span class="ref">([^<]*)</span>', html)


def link(html, label):
    found = re.search(rf'<a class="btn btn-outline-secondary" href="([^"]*)">{label}</a>', html)
    return found.group(1).replace("&amp;", "&") if found else None


def walk(client, url, label):
    """Follow ``label`` links from ``url``; the references of every page, in order."""
    pages = []
    while url is not None:
        html = client.get("/" + url).content.decode()
        pages.append(refs_on(html))
        url = link(html, label)
        assert len(pages) < 50
    return pages


def newest_first(consultations):
    return [c.patient_ref for c in sorted(consultations, key=lambda c: (c.created_at, c.pk), reverse=True)]


def test_list_pages_walk_every_consultation_once_newest_first_ties_included(clinician_client, clinician):
    published_aid()
    made = make_consultations(clinician, [f"Ref {i:02d}" for i in range(47)], same_time_every=3)

    forwards = walk(clinician_client, "", "Older")
    oldest = clinician_client.get("/?page=last").content.decode()
    backwards = walk(clinician_client, "?page=last", "Newer")

    expected = newest_first(made)
    assert [len(p) for p in forwards] == [20, 20, 7]
    assert sum(forwards, []) == expected
    assert refs_on(oldest) == expected[-PAGE_SIZE:]
    assert [len(p) for p in backwards] == [20, 20, 7]
    assert sum(reversed(backwards), []) == expected
    assert backwards[-1][0] == "Ref 46"  # back at the newest
    assert link(oldest, "Older") is None and link(oldest, "Oldest") is None
    assert link(oldest, "Newest") == "?"


def test_list_first_page_offers_older_and_oldest_but_no_page_count(clinician_client, clinician):
    published_aid()
    make_consultations(clinician, [f"Ref {i:02d}" for i in range(21)])

    html = clinician_client.get("/").content.decode()
    text = visible_text(html)

    assert refs_on(html)[0] == "Ref 20" and "Ref 00" not in refs_on(html)
    assert link(html, "Older") and link(html, "Oldest") == "?page=last"
    assert link(html, "Newer") is None and link(html, "Newest") is None
    assert " of " not in text.split("Search")[-1].split("Ref 20")[0]  # no "Page 1 of 2"


def test_list_of_one_page_has_no_pager(clinician_client, clinician):
    published_aid()
    make_consultations(clinician, ["Only one"])

    html = clinician_client.get("/").content.decode()

    assert refs_on(html) == ["Only one"] and "Pages of consultations" not in html


def test_list_search_matches_the_start_of_the_reference_in_any_case(clinician_client, clinician):
    published_aid()
    make_consultations(clinician, ["AB-12", "ab-7", "Ab 3", "XAB-1", "A-B", "ABC"])

    found = refs_on(clinician_client.get("/?q=ab").content.decode())
    exact = refs_on(clinician_client.get("/?q=AB-1").content.decode())

    assert found == ["ABC", "Ab 3", "ab-7", "AB-12"]
    assert exact == ["AB-12"]


def test_list_search_pages_through_its_matches(clinician_client, clinician):
    published_aid()
    make_consultations(clinician, [f"{'K' if i % 2 else 'M'}-{i:02d}" for i in range(60)])

    pages = walk(clinician_client, "?q=k-", "Older")

    assert [len(p) for p in pages] == [20, 10]
    assert sum(pages, []) == [f"K-{i:02d}" for i in range(59, 0, -2)]


def test_list_search_miss_says_what_was_searched(clinician_client, clinician):
    published_aid()
    make_consultations(clinician, ["AB-12"])

    text = visible_text(clinician_client.get("/?q=ZZ").content.decode())

    assert 'No consultation has a patient reference starting with "ZZ".' in text
    assert "start with what you type" in text


def test_list_search_too_long_says_so_and_keeps_the_text(clinician_client, clinician):
    published_aid()
    make_consultations(clinician, ["AB-12"])
    typed = "Q" * 45

    html = clinician_client.get(f"/?q={typed}").content.decode()

    assert "Not searched yet: please check" in html
    assert f'value="{typed}"' in html
    assert refs_on(html) == ["AB-12"]  # the list itself is still there


@pytest.mark.parametrize("bad", ["older=nonsense", "newer=12-", "older=99999999999999999999-1"])
def test_list_bad_page_link_shows_the_newest_with_a_note(clinician_client, clinician, bad):
    published_aid()
    make_consultations(clinician, ["AB-12", "CD-34"])

    html = clinician_client.get(f"/?{bad}").content.decode()

    assert BAD_LINK in html
    assert refs_on(html) == ["CD-34", "AB-12"]


def test_team_list_merges_each_members_consultations_in_order(client, clinician):
    published_aid()
    colleague, outsider = make_user("dr_team"), make_user("dr_outside")
    Team.objects.create(name="Pain team").members.add(clinician, colleague)
    mine = make_consultations(clinician, [f"Mine {i:02d}" for i in range(15)])
    theirs = make_consultations(colleague, [f"Theirs {i:02d}" for i in range(15)],
                                start=T0 + datetime.timedelta(seconds=30))
    make_consultations(outsider, [f"Outside {i:02d}" for i in range(5)])
    client.force_login(clinician)

    pages = walk(client, "", "Older")
    search = refs_on(client.get("/?q=theirs 1").content.decode())

    assert sum(pages, []) == newest_first(mine + theirs)
    assert [len(p) for p in pages] == [20, 10]
    assert search == [f"Theirs {i:02d}" for i in range(14, 9, -1)]


def _queries(client, url):
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return [q["sql"] for q in captured.captured_queries]


@pytest.mark.parametrize("team", [False, True])
def test_list_queries_do_not_grow_with_the_list(client, clinician, team):
    published_aid()
    colleague = make_user("dr_team")
    if team:
        Team.objects.create(name="Pain team").members.add(clinician, colleague)
    client.force_login(clinician)
    make_consultations(clinician, ["A-1", "A-2"])
    urls = ["/", "/?page=last", "/?q=a"]
    client.get("/")  # the session's first request writes it
    few = [len(_queries(client, url)) for url in urls]
    make_consultations(clinician, [f"A-{i}" for i in range(60)])
    make_consultations(colleague, [f"A-{i}" for i in range(60)])

    many = [len(_queries(client, url)) for url in urls]
    older = link(client.get("/").content.decode(), "Older")

    assert many == few
    assert len(_queries(client, "/" + older)) == few[0]
    assert max(many) <= (7 if team else 6)  # session, user, team, page (union and rows), versions, clinicians


def _list_select(client, url):
    """The SELECT that reads the page's consultations (the one with a LIMIT)."""
    return next(sql for sql in _queries(client, url)
                if 'FROM "aids_consultation"' in sql and "LIMIT" in sql)


def _plan(sql, forbid=("seqscan", "bitmapscan", "sort")):
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # The tables here are tiny: forbid what a planner would rightly prefer for
            # them (a scan, a sort), and see whether the index serves the query at all.
            # A plan that still sorts or scans under these settings has no index to
            # serve it.
            cursor.execute("ANALYZE aids_consultation")
            for setting in forbid:
                cursor.execute(f"SET LOCAL enable_{setting} = off")
            cursor.execute("EXPLAIN " + sql)
        else:
            cursor.execute("ANALYZE")
            cursor.execute("EXPLAIN QUERY PLAN " + sql)
        return "\n".join(str(row[-1]) for row in cursor.fetchall())


@pytest.mark.parametrize("url", ["/", "/?page=last", "older"])
def test_list_query_plan_walks_the_list_index_without_sorting(clinician_client, clinician, url):
    published_aid()
    make_consultations(clinician, [f"A-{i}" for i in range(30)])
    if url == "older":
        url = "/" + link(clinician_client.get("/").content.decode(), "Older")

    plan = _plan(_list_select(clinician_client, url))

    assert "consultation_list" in plan, plan
    assert "TEMP B-TREE" not in plan and "Sort" not in plan, plan


def test_list_search_query_plan_ranges_over_the_search_index(clinician_client, clinician):
    published_aid()
    make_consultations(clinician, [f"A-{i}" for i in range(30)] + [f"B-{i}" for i in range(30)])

    plan = _plan(_list_select(clinician_client, "/?q=b-1"), forbid=("seqscan",))

    assert "consultation_ref_search" in plan, plan
    if connection.vendor == "postgresql":
        assert re.search(r"Index Cond: \(\(clinician_id = \d+\) AND .*>= 'B-1'.*< 'B-2'", plan), plan
    else:
        assert re.search(r"consultation_ref_search \(clinician_id=\? AND <expr>>\? AND <expr><\?\)", plan), plan


# The rows as the template loop wrote them, before they were written directly.
ROWS_LOOP = """{% load i18n %}{% for c in items %}
  <li class="consultation-item">
    <a href="{% if c.is_final or c.clinician_id != user.pk %}{% url 'consultation_record' c.pk %}{% else %}{% url 'consultation_resume' c.pk %}{% endif %}">
      <span class="ref">{{ c.patient_ref }}</span>
    </a>
    <span class="meta">{{ c.record_id }}{% if c.clinician_id != user.pk %} &middot; {{ c.clinician.get_full_name|default:c.clinician.get_username }} {% translate "(your team)" %}{% endif %} &middot; {% blocktranslate with when=c.created_at|date:"j M Y, H:i" %}started {{ when }}{% endblocktranslate %} &middot; {{ c.get_status_display }} &middot; {% blocktranslate with number=c.version.number %}version {{ number }}{% endblocktranslate %}</span>
  </li>
  {% endfor %}"""


@pytest.mark.parametrize("language", ["en-gb", "es"])
def test_the_rows_write_what_the_template_loop_wrote(clinician, language):
    from django.template import Context, Template
    from django.test.html import parse_html
    from django.utils import translation

    published_aid()
    other = make_user("colleague", first_name="Ána <b>", last_name="O'Neil")
    nameless = make_user("nameless")
    mine = make_consultations(clinician, ['P-1 <i>"x"</i> & ünï', "P-2"])
    make_consultations(other, ["T-1"]), make_consultations(nameless, ["N-1"])
    Consultation.objects.filter(pk=mine[1].pk).update(status=Consultation.Status.FINAL)
    items = list(Consultation.objects.select_related("clinician", "version").order_by("pk"))
    with translation.override(language), timezone.override("Europe/Madrid"):
        context = {"items": items, "user": clinician}
        theirs_html = Template(ROWS_LOOP).render(Context(context))
        mine_html = Template("{% load consultation_list %}{% consultation_items items user %}").render(
            Context(context))

    assert parse_html(mine_html) == parse_html(theirs_html), f"\nmine:\n{mine_html}\n\nloop:\n{theirs_html}"
    assert "Ána &lt;b&gt; O&#x27;Neil" in mine_html and "nameless" in mine_html
