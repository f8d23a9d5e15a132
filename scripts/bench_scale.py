"""Issue 15's rows at scale, for scripts/bench (which imports this file; it is not
run on its own):

- every step page of an aid 10x the size (10x the sections, benefits, risks,
  criteria, options, grid answers, value statements and understanding questions)
  against the same step of the bundled aid: interleaved rounds, median ratio;
- the consultation list at 100,000 consultations against 10, each spread over 50
  clinicians, statistics analysed, in two databases of their own: the first page,
  page 2, the last page, a search that finds and one that finds nothing;
- bytes for every step page, first visit and repeat, as headless Chromium counts
  them (the encoded bytes of every response, headers included) against a live
  server on ``--port`` that serves static files as production does (WhiteNoise,
  hashed names from collectstatic, brotli), for both aids.

Each function answers rows (figure, measured, budget, passed or None).
"""

import copy
import statistics
import sys
import tempfile
import threading
import time
from datetime import datetime, timezone

SLUG_10X = "tractotomy-10x"
CLINICIANS = 50
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]


def note(text):
    print(f"  ({text})", file=sys.stderr, flush=True)


# --------------------------------------------------------------------------- the 10x aid


def ten_x_version(n=10):
    """The bundled aid with ``n`` copies of every item, published as its own aid."""
    from aids.interchange import import_version, parse_document
    from aids.interchange_format import validate_document
    from aids.management.commands.load_aid import DEFAULT_FILE
    from aids.publishing import version_publish

    data = parse_document(DEFAULT_FILE.read_text(encoding="utf-8"))
    data["aid"] = {"slug": SLUG_10X, "title": data["aid"]["title"] + " (10x)"}
    v = data["version"]

    def copies(items, field):
        out = []
        for i in range(n):
            for item in items:
                item = copy.deepcopy(item)
                if i:
                    item[field] = f"{item[field]} (copy {i + 1})"
                out.append(item)
        return out

    keys = [o["key"] for o in v["options"]]
    answers = v["grid_answers"]
    for name, field in (("sections", "heading"), ("benefits", "title"), ("risks", "title"),
                        ("criteria", "statement"), ("options", "name"),
                        ("value_statements", "text"), ("understanding_questions", "statement")):
        v[name] = copies(v[name], field)
    for i, option in enumerate(v["options"]):
        option["key"] = keys[i % len(keys)] + ("" if i < len(keys) else f"-{i // len(keys) + 1}")
    v["grid_answers"] = [dict(copy.deepcopy(a), option=a["option"] + ("" if i == 0 else f"-{i + 1}"))
                         for i in range(n) for a in answers]
    validate_document(data)
    draft = import_version(data, user=None)
    return version_publish(version=draft, user=None, change_note="Benchmark: the aid 10x", demo=True,
                           justification="Benchmark only: the bundled aid copied ten times, to measure size.")


def interleaved(pairs, rounds):
    """Median and p95 of a/b for each (name, call_a, call_b), the calls interleaved."""
    for _name, a, b in pairs:
        a(), b()  # warm up
    ratios = {name: [] for name, _a, _b in pairs}
    times = {name: ([], []) for name, _a, _b in pairs}
    for _ in range(rounds):
        for name, a, b in pairs:
            start = time.perf_counter()
            a()
            mid = time.perf_counter()
            b()
            end = time.perf_counter()
            ratios[name].append((mid - start) / (end - mid))
            times[name][0].append(mid - start)
            times[name][1].append(end - mid)
    out = {}
    for name, values in ratios.items():
        values.sort()
        out[name] = (statistics.median(values), values[max(0, int(len(values) * 0.95) - 1)],
                     statistics.median(times[name][0]) * 1000, statistics.median(times[name][1]) * 1000)
    return out


def ten_x_rows(client, one, ten, rounds):
    """Every step of the 10x aid's consultation ``ten`` against the bundled aid's ``one``."""
    from aids.vocabulary import STEPS

    def getter(url):
        def get():
            response = client.get(url)
            assert response.status_code == 200, (url, response.status_code)
        return get

    pairs = [(key, getter(f"/consultations/{ten.pk}/step/{key}/"),
              getter(f"/consultations/{one.pk}/step/{key}/")) for key in STEPS]
    rows = []
    for key, (median, p95, ms_ten, ms_one) in interleaved(pairs, rounds).items():
        rows.append((f"step {key}: 10x aid vs 1x (median ratio; ms 10x/1x)",
                     f"{median:.2f}; {ms_ten:.0f}/{ms_one:.0f}", "<= 1.5", median <= 1.5))
    return rows


# --------------------------------------------------------------------------- the list at scale


def _database(name):
    """A connection of its own to a new, empty database (SQLite: in memory; PostgreSQL:
    a database ``<name of the main one>_<name>``, dropped first if left over)."""
    from django.db import connection, connections
    from django.db.utils import load_backend

    settings = copy.deepcopy(connections.settings["default"])
    if connection.vendor == "postgresql":
        settings["NAME"] = f"{settings['NAME']}_{name}"
        with connection.cursor() as cursor:
            cursor.execute(f'DROP DATABASE IF EXISTS "{settings["NAME"]}"')
            cursor.execute(f'CREATE DATABASE "{settings["NAME"]}"')
    return load_backend(settings["ENGINE"]).DatabaseWrapper(settings, "default")


def drop_database(wrapper):
    from django.db import connection

    wrapper.close()
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(f'DROP DATABASE IF EXISTS "{wrapper.settings_dict["NAME"]}"')


class using:
    """Make ``wrapper`` the default connection of this thread for a while."""

    def __init__(self, wrapper):
        self.wrapper = wrapper

    def __enter__(self):
        from django.db import connections

        self.previous = connections["default"]
        connections["default"] = self.wrapper

    def __exit__(self, *exc):
        from django.db import connections

        connections["default"] = self.previous


def _clone(source, name):
    """A new database holding a copy of ``source`` (SQLite: the backup API; PostgreSQL:
    the source as template), to migrate once for both list databases."""
    from django.db import connection

    if connection.vendor != "postgresql":
        target = _database(name)
        source.ensure_connection()
        target.ensure_connection()
        source.connection.backup(target.connection)
        return target
    source.close()
    target_settings = copy.deepcopy(source.settings_dict)
    target_settings["NAME"] = f"{connection.settings_dict['NAME']}_{name}"
    with connection.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{target_settings["NAME"]}"')
        cursor.execute(f'CREATE DATABASE "{target_settings["NAME"]}" TEMPLATE "{source.settings_dict["NAME"]}"')
    from django.db.utils import load_backend

    return load_backend(target_settings["ENGINE"]).DatabaseWrapper(target_settings, "default")


START = datetime(2024, 1, 1, tzinfo=timezone.utc)


def _copies(first, count, first_user):
    """Rows 1 .. count-1 as copies of row ``first`` made by the database itself (a
    hundred thousand ORM objects take minutes here): clinician ``n % 50`` (the
    bench's users have consecutive ids), reference P<n>, created 10 minutes apart."""
    from django.db import connection

    from aids.models import Consultation

    fields = [f.column for f in Consultation._meta.concrete_fields if not f.primary_key]
    changed = {"clinician_id", "patient_ref", "created_at"}
    kept = ", ".join(f"t.{c}" for c in fields if c not in changed)
    columns = ", ".join(c for c in fields if c not in changed) + ", clinician_id, patient_ref, created_at"
    if connection.vendor == "postgresql":
        sql = (f"INSERT INTO aids_consultation ({columns}) SELECT {kept}, {first_user} + n % {CLINICIANS}, "
               "'P' || lpad(n::text, 6, '0'), timestamptz '2024-01-01 00:00:00+00' + n * interval '10 minutes' "
               f"FROM aids_consultation t, generate_series(1, {count - 1}) AS s(n) WHERE t.id = {first.pk}")
    else:  # the text Django writes for a datetime with no microseconds
        sql = (f"WITH RECURSIVE s(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM s WHERE n < {count - 1}) "
               f"INSERT INTO aids_consultation ({columns}) SELECT {kept}, {first_user} + n % {CLINICIANS}, "
               "'P' || substr('000000' || n, -6), strftime('%Y-%m-%d %H:%M:%S', '2024-01-01', "
               f"'+' || (n * 10) || ' minutes') FROM aids_consultation t, s WHERE t.id = {first.pk}")
    with connection.cursor() as cursor:
        cursor.execute(sql)


def _list_world(name, count, template=None):
    """A database with ``count`` consultations over 50 clinicians, round robin, ten
    minutes apart, references P000000, P000001...; statistics analysed. Returns the
    connection and a client logged in as the first clinician."""
    import io

    from django.contrib.auth import get_user_model
    from django.core.management import call_command
    from django.test import Client

    from aids.models import Aid, AidVersion, Consultation

    if template is None:
        wrapper = _database(name)
        with using(wrapper):
            call_command("migrate", verbosity=0, stdout=io.StringIO())
    else:
        wrapper = _clone(template, name)
    with using(wrapper):
        # Only the list is read here: a bare version row to pin (no content needed).
        version = AidVersion.objects.create(aid=Aid.objects.create(slug="bench-list", title="Bench"), number=1)
        User = get_user_model()
        User.objects.bulk_create(User(username=f"bench_{i:02d}", password="!") for i in range(CLINICIANS))
        users = list(User.objects.filter(username__startswith="bench_").order_by("username"))
        assert [u.pk for u in users] == list(range(users[0].pk, users[0].pk + CLINICIANS))
        first = Consultation.objects.create(clinician=users[0], version=version, patient_ref="P000000",
                                            present=["patient"])
        Consultation.objects.filter(pk=first.pk).update(created_at=START)
        if count > 1:
            _copies(first, count, users[0].pk)
        from django.db import connection

        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
        client = Client()
        client.force_login(users[0])
        client.get("/")  # the session's first write
    return wrapper, client


def list_rows(rounds, big=100_000, small=10):
    """The list at ``big`` consultations against ``small``: median ratio per page."""
    import io
    import re

    from django.core.management import call_command

    note(f"list: building databases of {small} and {big:,} consultations")
    built = time.perf_counter()
    empty = _database("list_empty")
    with using(empty):
        call_command("migrate", verbosity=0, stdout=io.StringIO())
    small_db, small_client = _list_world("list_small", small, template=empty)
    big_db, big_client = _list_world("list_big", big, template=empty)
    drop_database(empty)
    note(f"list: built in {time.perf_counter() - built:.0f} s")
    try:
        with using(big_db):
            first = big_client.get("/").content.decode()
            older = re.search(r'href="(\?older=[^"]+)">Older</a>', first).group(1).replace("&amp;", "&")
        urls = {"first page": "/", "page 2": "/" + older, "last page": "/?page=last",
                "search, found": "/?q=p0000", "search, nothing found": "/?q=zz"}
        expected = {"first page": 20, "page 2": 20, "last page": 20, "search, found": 2,
                    "search, nothing found": 0}

        def getter(db, client, url):
            def get():
                with using(db):
                    response = client.get(url)
                assert response.status_code == 200, (url, response.status_code)
                return response
            return get

        rows = []
        for label, url in urls.items():
            shown = len(re.findall(r'<span class="ref">', getter(big_db, big_client, url)().content.decode()))
            if shown != expected[label]:
                rows.append((f"list ({label}): rows shown at {big:,}", str(shown), str(expected[label]), False))
        pairs = [(label, getter(big_db, big_client, url), getter(small_db, small_client, url))
                 for label, url in urls.items()]
        for label, (median, p95, ms_big, ms_small) in interleaved(pairs, rounds).items():
            rows.append((f"list ({label}): {big:,} vs {small} consultations (median ratio; ms)",
                         f"{median:.2f}; {ms_big:.1f}/{ms_small:.1f}", "<= 2", median <= 2))
        return rows
    finally:
        drop_database(small_db)
        drop_database(big_db)


# --------------------------------------------------------------------------- bytes in Chromium


def bytes_rows(clinician, consultations, port, steps=None):
    """Bytes over the wire for every step of each (label, consultation), first visit
    (empty cache) and repeat (the same page again), as Chromium counts them."""
    from django.conf import settings
    from django.core.management import call_command
    from django.core.servers.basehttp import WSGIRequestHandler, WSGIServer
    from django.core.wsgi import get_wsgi_application
    from django.db import connections
    from django.test import Client, override_settings
    from playwright.sync_api import sync_playwright

    from aids.vocabulary import STEPS

    class Quiet(WSGIRequestHandler):
        def log_message(self, *args):
            pass

    static_root = tempfile.mkdtemp(prefix="bench-static-")
    vendor = _vendor_subset(settings.BASE_DIR / "node_modules" / "bootstrap" / "dist", static_root)
    production_static = {
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
        "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
    }
    rows = []
    with override_settings(STATIC_ROOT=static_root, STORAGES=production_static, WHITENOISE_USE_FINDERS=False,
                           WHITENOISE_AUTOREFRESH=False, ROOT_URLCONF=settings.ROOT_URLCONF,
                           ALLOWED_HOSTS=["127.0.0.1", "testserver"],
                           # Only what the step pages link to (collecting the whole of
                           # Bootstrap's dist and the admin's files takes minutes here).
                           STATICFILES_FINDERS=["django.contrib.staticfiles.finders.FileSystemFinder"],
                           STATICFILES_DIRS=[settings.BASE_DIR / "static", ("vendor/bootstrap", vendor)]):
        note("bytes: collectstatic (hashed names, gzip and brotli), as a deployment does")
        started = time.perf_counter()
        call_command("collectstatic", interactive=False, verbosity=0)
        note(f"bytes: collected in {time.perf_counter() - started:.0f} s")
        shared = connections["default"]
        shared.inc_thread_sharing()
        httpd = WSGIServer(("127.0.0.1", port), Quiet, allow_reuse_address=True)
        httpd.set_app(get_wsgi_application())

        def serve():
            connections["default"] = shared
            httpd.serve_forever(poll_interval=0.1)

        thread = threading.Thread(target=serve, daemon=True)
        thread.start()
        try:
            client = Client()
            client.force_login(clinician)
            session = client.cookies[settings.SESSION_COOKIE_NAME].value
            base = f"http://127.0.0.1:{port}"
            with sync_playwright() as playwright:
                browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
                try:
                    for label, consultation in consultations:
                        for key in steps or STEPS:
                            url = f"{base}/consultations/{consultation.pk}/step/{key}/"
                            first, repeat = _visit_twice(browser, base, (settings.SESSION_COOKIE_NAME, session), url)
                            rows.append((f"step {key}{label}: KB in Chromium, first visit / repeat",
                                         f"{first / 1024:.0f}/{repeat / 1024:.0f}", "120/30",
                                         first < 120 * 1024 and repeat < 30 * 1024))
                finally:
                    browser.close()
        finally:
            httpd.shutdown()
            httpd.server_close()
            thread.join()
            shared.dec_thread_sharing()
            import shutil

            shutil.rmtree(static_root, ignore_errors=True)
            shutil.rmtree(vendor, ignore_errors=True)
    return rows


def _vendor_subset(dist, root):
    """The two Bootstrap files the pages link to, with their source maps."""
    from pathlib import Path

    out = Path(root).with_name(Path(root).name + "-vendor")
    for name in ("css/bootstrap.min.css", "js/bootstrap.bundle.min.js"):
        for path in (name, name + ".map"):
            (out / path).parent.mkdir(parents=True, exist_ok=True)
            (out / path).write_bytes((dist / path).read_bytes())
    return out


def _visit_twice(browser, base, cookie, url):
    context = browser.new_context()
    context.add_cookies([{"name": cookie[0], "value": cookie[1], "url": base}])
    page = context.new_page()
    cdp = context.new_cdp_session(page)
    cdp.send("Network.enable")
    received, failed = [], []
    cdp.on("Network.loadingFinished", lambda event: received.append(event["encodedDataLength"]))
    cdp.on("Network.loadingFailed", lambda event: failed.append(event))
    sums = []
    for _ in range(2):
        received.clear()
        response = page.goto(url, wait_until="load")
        if response is None or response.status != 200 or "/login" in page.url:
            raise RuntimeError(f"{url}: {response and response.status} at {page.url}")
        page.wait_for_load_state("networkidle")
        sums.append(sum(received))
    if failed:
        raise RuntimeError(f"{url}: {len(failed)} requests failed: {failed[:2]}")
    context.close()
    return sums
