"""Nothing leaks: no page is cached, no patient reference or note reaches a server log,
hostile content files are refused safely, old records keep their own words, and the
admin answers 404 (not 500) to a malformed history URL."""

import datetime
import io
import json
import logging
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command
from django.core.servers.basehttp import WSGIRequestHandler
from django.urls import reverse

from aids.models import Aid, AidVersion
from aids.vocabulary import STEPS
from factories import make_approver, make_document, make_user
from walkthrough_support import form_data, published_aid, start_consultation, step_url, visible_text

pytestmark = pytest.mark.django_db

REF = "PATREF-77Q"
NOTE = "NOTE-SECRET-41"


def textareas(response):
    return re.findall(r'<textarea\b[^>]*name="([^"]+)"', response.content.decode())


def complete_consultation(client):
    """Every step with a note in each box, the search, finalizing, an addendum and a
    download: [(method, path with query, status)] of every request made."""
    made = []

    def go(method, url, data=None, **extra):
        response = getattr(client, method)(url, data or {}, **extra)
        made.append((method.upper(), url, response.status_code, response))
        return response

    go("post", reverse("consultation_new"), {"start-patient_ref": REF, "start-language": "English",
                                             "start-present": ["patient"]})
    from aids.models import Consultation

    consultation = Consultation.objects.get(patient_ref=REF)
    for key in STEPS:
        if key == "review":
            continue
        url = step_url(consultation, key)
        page = go("get", url)
        data = form_data(page)
        for name in textareas(page):
            data[name] = [f"{NOTE} {name}"]
        go("post", url, {**data, "nav": ["stay"]})
        go("post", url, {**data, "nav": ["stay"]}, HTTP_X_AUTOSAVE="1")
    go("get", step_url(consultation, "review"))
    go("get", f"/?q={REF}")
    go("get", f"/?q={REF}&page=1")
    go("get", reverse("consultation_finalize_confirm", args=[consultation.pk]))
    go("post", reverse("consultation_finalize", args=[consultation.pk]), {"confirm": "yes"})
    go("post", reverse("addendum_add", args=[consultation.pk]), {"addendum-text": f"{NOTE} addendum"})
    go("get", reverse("consultation_record", args=[consultation.pk]))
    go("get", reverse("record_download", args=[consultation.pk, 1, "clinical"]))
    go("get", reverse("record_fhir", args=[consultation.pk, 1, "clinical"]))
    go("get", step_url(consultation, "values").replace(str(consultation.pk), "999999"))  # a 404
    return consultation, made


def test_every_page_showing_patient_data_is_not_stored(clinician_client):
    published_aid()
    _consultation, made = complete_consultation(clinician_client)

    for method, url, status, response in made:
        if status == 200:
            assert "no-store" in response.get("Cache-Control", ""), (method, url)
    assert any(REF in r.content.decode(errors="ignore") for *_x, r in made if r.status_code == 200)


@pytest.fixture
def server_log():
    """What the app's configured log handlers write (root and django.server)."""
    stream = io.StringIO()
    handlers = {h for name in ("", "django", "django.request", "django.server", "aids")
                for h in logging.getLogger(name).handlers
                if not type(h).__module__.startswith("_pytest")}  # not pytest's own capture
    assert handlers, "no configured handlers"
    old = {h: h.setStream(stream) for h in handlers if isinstance(h, logging.StreamHandler)}
    levels = {}
    for name in ("django.request", "django.server"):  # everything they say, warnings and info
        levels[name] = logging.getLogger(name).level
        logging.getLogger(name).setLevel(logging.DEBUG)
    yield stream
    for h, s in old.items():
        h.setStream(s)
    for name, level in levels.items():
        logging.getLogger(name).setLevel(level)


def runserver_access_log(method, url, status):
    """What ``manage.py runserver`` logs for one request, through its own handler code."""
    handler = WSGIRequestHandler.__new__(WSGIRequestHandler)
    handler.request = None
    handler.requestline = f"{method} {url} HTTP/1.1"
    handler.client_address = ("127.0.0.1", 50000)
    handler.log_request(status, 1234)


def gunicorn_access_log(made):
    """What gunicorn logs for these requests with the project's gunicorn.conf.py."""
    from gunicorn.config import Config
    from gunicorn.glogging import Logger

    cfg = Config()
    conf = {}
    exec(Path(settings.BASE_DIR, "gunicorn.conf.py").read_text(), conf)
    for key, value in conf.items():
        if key in cfg.settings:
            cfg.set(key, value)
    cfg.set("accesslog", "-")
    log = Logger(cfg)
    stream = io.StringIO()
    for h in log.access_log.handlers:
        h.setStream(stream)

    class Resp:
        def __init__(self, status):
            self.status, self.sent, self.headers = f"{status} OK", 10, []

    for method, url, status, _r in made:
        path, _, query = url.partition("?")
        environ = {"REQUEST_METHOD": method, "RAW_URI": url, "PATH_INFO": path, "QUERY_STRING": query,
                   "SERVER_PROTOCOL": "HTTP/1.1", "REMOTE_ADDR": "10.0.0.9",
                   "HTTP_REFERER": f"http://sdm.example/?q={REF}", "HTTP_USER_AGENT": "Firefox"}
        log.access(Resp(status), [("REFERER", environ["HTTP_REFERER"])], environ,
                   datetime.timedelta(milliseconds=12))
    return stream.getvalue()


def test_no_patient_reference_or_note_reaches_the_server_logs(clinician_client, server_log):
    published_aid()
    _consultation, made = complete_consultation(clinician_client)
    for method, url, status, _r in made:
        runserver_access_log(method, url, status)
    logging.getLogger("django.request").warning("Not Found: %s", f"/?q={REF}")

    text = server_log.getvalue()
    assert "/consultations/" in text and "GET /" in text  # the log itself is there
    assert REF not in text and NOTE not in text
    assert "q=" not in text

    gunicorn = gunicorn_access_log(made)
    assert "/consultations/" in gunicorn
    assert REF not in gunicorn and NOTE not in gunicorn


# --------------------------------------------------------------------------- import_aid


def write(tmp_path, text):
    path = tmp_path / "aid.json"
    path.write_text(text, encoding="utf-8", errors="surrogatepass")
    return path


def test_import_aid_prints_hostile_strings_as_escapes(tmp_path):
    document = make_document()
    document["bogus\x1b]0;owned\x07\x1b[2J\u202e"] = 1
    path = write(tmp_path, json.dumps(document))

    with pytest.raises(CommandError) as refused:
        call_command("import_aid", str(path))

    message = str(refused.value)
    assert "\x1b" not in message and "\x07" not in message and "\u202e" not in message
    assert "\\x1b]0;owned\\x07\\x1b[2J\\u202e" in message and "Nothing was imported" in message


def test_import_aid_refuses_a_lone_surrogate_clearly(tmp_path):
    document = make_document()
    text = json.dumps(document).replace('"decision": "', '"decision": "\\ud800', 1)
    path = write(tmp_path, text)
    before = AidVersion.objects.count()

    with pytest.raises(CommandError) as refused:
        call_command("import_aid", str(path))

    assert "version.decision: has a lone surrogate" in str(refused.value)
    assert AidVersion.objects.count() == before


# --------------------------------------------------------------------------- pinned words


def test_old_records_and_pages_show_the_pinned_versions_title(clinician_client):
    published_aid(aid_title="Old title for tractotomy")
    consultation = start_consultation(clinician_client)
    in_progress = start_consultation(clinician_client, patient_ref="Still open")
    clinician_client.post(reverse("consultation_finalize", args=[consultation.pk]), {"confirm": "yes"})
    Aid.objects.filter(slug="tractotomy").update(title="New title for tractotomy")

    pages = [
        clinician_client.get(reverse("consultation_record", args=[consultation.pk])),
        clinician_client.get(step_url(in_progress, "start")),
        clinician_client.get(step_url(in_progress, "review")),
    ]
    for page in pages:
        text = visible_text(page.content.decode())
        assert "Old title for tractotomy" in text
        assert "New title for tractotomy" not in text
    from aids.record.fhir import document_reference_json

    document = consultation.documents.get(revision=1, variant="clinical")
    assert "New title" not in document_reference_json(document, pdf_url="http://x/")


# --------------------------------------------------------------------------- admin


@pytest.mark.parametrize("url", [
    "/admin/aids/aidversion/{pk}/history/abc/",
    "/admin/aids/aidversion/abc/history/1/",
    "/admin/aids/aidversion/{pk}/history/99999/",
])
def test_a_malformed_history_url_is_404(client, url):
    published_aid()
    pk = AidVersion.objects.get().pk
    client.force_login(make_user("root", is_staff=True, is_superuser=True))

    assert client.get(url.format(pk=pk)).status_code == 404
