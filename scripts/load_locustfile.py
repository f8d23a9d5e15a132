"""The simulated clinicians of ``scripts/load`` (locust, headless). Not run directly.

``Clinician`` (the main run): logs in, then, again and again with no think time,
goes through a complete consultation: starts one, and on every step types unique
text into every note (a token no other write holds), saves it in the background
(``X-Autosave`` with an ``Idempotency-Key``) with the reply dropped (the client
gives up before the answer, as a dropped connection does) and the very same request
sent again, and presses Next (a normal form post). On the questions step the
dropped save adds three questions; the retry is sent twice (both must answer the
same row ids) and a further edit saved with those ids (no new rows). Then the review, the confirmation, finalize, the record page, both PDFs, an
addendum, and both PDFs of the new revision.

Every write the server acknowledged (a 200 ``saved: true``, a redirect after a
post) is appended to the file named by ``LOAD_ACKS`` (JSON lines) with the exact
text sent; ``scripts/load`` checks them against the database and the PDFs.

``Reader`` and ``Finalizer`` (the stall measurement): readers open their list and a
step page and save it in the background, with a short pause; finalizers finalize
consultations one after another. ``scripts/load`` compares the readers' p95 with
and without finalizers running.
"""

import html
import itertools
import json
import os
import re
import secrets
import string
import time

import requests
from locust import HttpUser, between, events, task
from locust.exception import StopUser

PASSWORD = os.environ.get("LOAD_PASSWORD", "load-test-password-1")
ACKS = os.environ.get("LOAD_ACKS", "acks.jsonl")
TIMELINE = os.environ.get("LOAD_TIMELINE", "")
DROP_TIMEOUT = (10, 0.001)  # connect, read: the body is sent, the reply is not awaited
TIMEOUT = 120
_numbers = itertools.count(1)
_acks = open(ACKS, "a", buffering=1)
_timeline = open(TIMELINE, "a", buffering=1) if TIMELINE else None


def ack(**record):
    _acks.write(json.dumps(record) + "\n")


@events.request.add_listener
def _on_request(request_type, name, response_time, response_length, exception=None, start_time=None, **kw):
    if _timeline is not None and start_time is not None:
        _timeline.write(json.dumps([name, start_time, response_time, exception is not None]) + "\n")


def token():
    """A word no other write holds (letters and digits only: never split by wrapping)."""
    return "Z" + secrets.token_hex(5)


def step_form(page_html):
    """The fields a browser would post for the step form (as tests/walkthrough_support)."""
    match = re.search(r'<form id="step-form".*?</form>', page_html, re.S)
    if not match:
        return None, []
    form = match.group(0)
    data, textareas = {}, []
    for tag in re.finditer(r"<input\b[^>]*>", form):
        attrs = dict(re.findall(r'(\w[\w-]*)="([^"]*)"', tag.group(0)))
        name, kind = attrs.get("name"), attrs.get("type", "text")
        if not name or kind in ("submit", "button"):
            continue
        if kind in ("checkbox", "radio"):
            if re.search(r"\schecked\b", tag.group(0)):
                data.setdefault(name, []).append(html.unescape(attrs.get("value", "on")))
            continue
        data.setdefault(name, []).append(html.unescape(attrs.get("value", "")))
    for m in re.finditer(r'<textarea\b[^>]*name="([^"]+)"[^>]*>(.*?)</textarea>', form, re.S):
        text = m.group(2)
        text = text[1:] if text.startswith("\n") else text
        data.setdefault(m.group(1), []).append(html.unescape(text))
        textareas.append(m.group(1))
    return data, textareas


def multipart(data):
    """requests' ``files`` form of ``data``: multipart/form-data, as the browser posts it."""
    return [(name, (None, value)) for name, values in data.items() for value in values]


class Base(HttpUser):
    abstract = True

    def on_start(self):
        self.number = next(_numbers)
        self.username = f"load{self.number:03d}"
        page = self.client.get("/accounts/login/", name="login page", timeout=TIMEOUT)
        csrf = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text)
        with self.client.post("/accounts/login/", data={
            "username": self.username, "password": PASSWORD,
            "csrfmiddlewaretoken": csrf.group(1) if csrf else "",
        }, name="login", allow_redirects=False, catch_response=True, timeout=TIMEOUT) as response:
            if response.status_code != 302:
                response.failure(f"login answered {response.status_code}")
                raise StopUser()

    def csrf(self):
        return self.client.cookies.get("csrftoken", "")

    def start_consultation(self):
        self.client.get("/consultations/new/", name="new (GET)", timeout=TIMEOUT)
        # letters only: ten digits in a row would be refused as an NHS number
        ref = "Load " + "".join(secrets.choice(string.ascii_lowercase) for _ in range(12))
        with self.client.post("/consultations/new/", data={
            "csrfmiddlewaretoken": self.csrf(), "start-patient_ref": ref,
            "start-language": "English", "start-present": "patient",
        }, name="new (POST)", allow_redirects=False, catch_response=True, timeout=TIMEOUT) as response:
            if response.status_code != 302:
                said = re.findall(r'class="(?:invalid-feedback|alert[^"]*)"[^>]*>(.*?)<', response.text, re.S)
                response.failure(f"start answered {response.status_code}: {' / '.join(x.strip() for x in said)[:120]}")
                return None, None
            url = response.headers["Location"]
        pk = int(re.search(r"/consultations/(\d+)/", url).group(1))
        ack(kind="consultation", pk=pk, ref=ref)
        return pk, url

    def autosave(self, url, data, key, pk, name="autosave", expect_ids=None):
        with self.client.post(url, files=multipart(data), name=name, catch_response=True, timeout=TIMEOUT,
                              headers={"X-Autosave": "1", "Idempotency-Key": key,
                                       "X-CSRFToken": self.csrf()}) as response:
            try:
                body = response.json()
            except ValueError:
                body = {}
            if response.status_code != 200 or not body.get("saved"):
                response.failure(f"autosave answered {response.status_code} {str(body)[:80]}")
                return None
            if expect_ids is not None and body.get("set") != expect_ids:
                response.failure("a retried save answered other row ids than the first")
                return None
            return body

    def dropped(self, url, data, key):
        """Send a background save and drop its reply (the server still gets it all)."""
        with self.client.post(url, files=multipart(data), name="autosave (reply dropped)", catch_response=True,
                              timeout=DROP_TIMEOUT, headers={"X-Autosave": "1", "Idempotency-Key": key,
                                                             "X-CSRFToken": self.csrf()}) as response:
            response.success()  # a timeout here is the point

    def finalize(self, pk):
        self.client.get(f"/consultations/{pk}/step/review/", name="review", timeout=TIMEOUT)
        self.client.get(f"/consultations/{pk}/finalize/confirm/", name="finalize confirm", timeout=TIMEOUT)
        with self.client.post(f"/consultations/{pk}/finalize/", data={
            "csrfmiddlewaretoken": self.csrf(), "confirm": "yes",
        }, name="finalize", allow_redirects=False, catch_response=True, timeout=TIMEOUT) as response:
            if response.status_code != 302 or not response.headers.get("Location", "").endswith("/record/"):
                response.failure(f"finalize answered {response.status_code} {response.headers.get('Location')}")
                return False
        ack(kind="final", pk=pk)
        return True


class Walkthrough(Base):
    """The steps, the record and its PDFs, as the users below go through them."""

    abstract = True
    wait_time = between(0, 0)

    def step(self, pk, url, faults=True):
        page = self.client.get(url, name="step (GET)", timeout=TIMEOUT)
        data, textareas = step_form(page.text)
        if data is None:
            return None
        step = url.rstrip("/").rsplit("/", 1)[1]
        data.pop("nav", None)
        if step == "questions":
            rows = 3
            data["questions-TOTAL_FORMS"] = [str(rows)]
            for i in range(rows):
                data[f"questions-{i}-id"] = [""]
                data[f"questions-{i}-question"] = [f"Question {token()} asked"]
                data[f"questions-{i}-answer"] = [f"Answer {token()} given"]
                data[f"questions-{i}-status"] = ["open"]
            textareas = [n for n in textareas if not n.startswith("questions-")]
        for name in textareas:
            data[name] = [f"Note {token()} for {name}"]
        # 1. a background save whose reply is lost, and its retry: the same body, the same key
        key = secrets.token_hex(16)
        if faults:
            self.dropped(url, data, key)
        body = self.autosave(url, data, key, pk, name="autosave (retry)" if faults else "autosave")
        if body is None:
            return None
        ids = body.get("set") or {}
        data["revision"] = [str(body["revision"])]
        if step == "questions" and not faults:
            for name, value in ids.items():
                data[name] = [value]
        if step == "questions" and faults:
            # where a lost reply once doubled the rows: the same key once more must answer
            # the same row ids, and the next save (with those ids) must make no new rows
            again = self.autosave(url, data, key, pk, name="autosave (retry)", expect_ids=ids)
            if again is None:
                return None
            for name, value in ids.items():
                data[name] = [value]
            # 2. typed on: a new save with a new key
            for name in textareas:
                data[name] = [f"Note {token()} for {name}, typed on"]
            for name in [n for n in data if re.fullmatch(r"questions-\d+-answer", n)]:
                data[name] = [f"Answer {token()} given, typed on"]
            body = self.autosave(url, data, secrets.token_hex(16), pk)
            if body is None:
                return None
            data["revision"] = [str(body["revision"])]
        # 3. Next: a normal form post
        data["nav"] = ["next"]
        data["csrfmiddlewaretoken"] = [self.csrf()]
        with self.client.post(url, files=multipart(data), name="step (Next)", allow_redirects=False,
                              catch_response=True, timeout=TIMEOUT) as response:
            if response.status_code != 302:
                response.failure(f"Next answered {response.status_code}")
                return None
            following = response.headers["Location"]
        for name, values in data.items():
            if name in textareas or re.fullmatch(r"questions-\d+-(question|answer)", name):
                ack(kind="field", pk=pk, step=step, name=name, value=values[0])
        return following

    def record(self, pk):
        page = self.client.get(f"/consultations/{pk}/record/", name="record", timeout=TIMEOUT)
        self.pdfs(page.text)
        text = f"Addendum {token()} added after the record was final."
        with self.client.post(f"/consultations/{pk}/addenda/", data={
            "csrfmiddlewaretoken": self.csrf(), "addendum-text": text,
        }, name="addendum", allow_redirects=False, catch_response=True, timeout=TIMEOUT) as response:
            if response.status_code != 302:
                response.failure(f"addendum answered {response.status_code}")
                return
        ack(kind="addendum", pk=pk, text=text)
        page = self.client.get(f"/consultations/{pk}/record/", name="record", timeout=TIMEOUT)
        self.pdfs(page.text, newest_only=True)

    def pdfs(self, page_html, newest_only=False):
        links = re.findall(r'href="(/consultations/\d+/record/(\d+)/(clinical|patient)\.pdf)"', page_html)
        if newest_only and links:
            newest = max(int(r) for _u, r, _v in links)
            links = [link for link in links if int(link[1]) == newest]
        ok = bool(links)
        for link, _revision, variant in dict.fromkeys(links):
            with self.client.get(link, name=f"PDF ({variant})", catch_response=True, timeout=TIMEOUT) as response:
                if response.status_code != 200 or not response.content.startswith(b"%PDF"):
                    response.failure(f"PDF answered {response.status_code}")
                    ok = False
        return ok


class Clinician(Walkthrough):
    """A complete consultation, again and again, with no think time."""

    @task
    def consultation(self):
        self.client.get("/", name="list", timeout=TIMEOUT)
        pk, url = self.start_consultation()
        if pk is None:
            return
        while url and "/step/review/" not in url:
            url = self.step(pk, url)
            if url is None:
                return
        if not self.finalize(pk):
            return
        self.record(pk)


class Reader(Base):
    """Another clinician at work while finalizes run: list, a step page, a background save."""

    wait_time = between(0.2, 0.6)

    def on_start(self):
        super().on_start()
        self.pk, url = self.start_consultation()
        self.url = url

    @task
    def work(self):
        if self.pk is None:
            return
        self.client.get("/", name="reader: list", timeout=TIMEOUT)
        url = f"/consultations/{self.pk}/step/next/"
        page = self.client.get(url, name="reader: step (GET)", timeout=TIMEOUT)
        data, _textareas = step_form(page.text)
        if data is None:
            return
        data["next-next_steps"] = [f"Next steps {token()}"]
        self.autosave(url, data, secrets.token_hex(16), self.pk, name="reader: autosave")


class Finalizer(Base):
    """Finalizes consultations one after another (the stall the readers must not feel).

    The consultations are started and filled in batches, apart from the finalizes, so
    that what runs beside a finalize is the finalizing itself (the review, the
    confirmation and the finalize post), not a walkthrough."""

    wait_time = between(0, 0)
    fixed_count = int(os.environ.get("LOAD_FINALIZERS", "0"))
    batch = 10

    def on_start(self):
        super().on_start()
        self.ready = []

    def prepare(self):
        pk, url = self.start_consultation()
        if pk is None:
            return
        page = self.client.get(f"/consultations/{pk}/step/next/", name="finalizer: step", timeout=TIMEOUT)
        data, _t = step_form(page.text)
        data["next-next_steps"] = ["Refer to the team. " * 200]
        data["nav"] = ["stay"]
        data["csrfmiddlewaretoken"] = [self.csrf()]
        self.client.post(f"/consultations/{pk}/step/next/", files=multipart(data), name="finalizer: save",
                         allow_redirects=False, timeout=TIMEOUT)
        self.ready.append(pk)

    @task
    def finalize_one(self):
        if not self.ready:
            for _ in range(self.batch):
                self.prepare()
        if self.ready:
            self.finalize(self.ready.pop(0))  # the "finalize" requests in the timeline are the stall's intervals


class Consultant(Walkthrough):
    """The throughput figure: a full consultation as a clinician does it, again and
    again with no think time: the list, a new consultation, on every step the page,
    one background save of unique text and Next, then the review, the confirmation,
    finalize, the record page and both PDFs. No dropped replies, retries or addenda
    (those are the main run's faults and corrections). Each one finished is timed as
    "full consultation"."""

    @task
    def full_consultation(self):
        started = time.time()
        self.client.get("/", name="list", timeout=TIMEOUT)
        pk, url = self.start_consultation()
        if pk is None:
            return
        while url and "/step/review/" not in url:
            url = self.step(pk, url, faults=False)
            if url is None:
                return
        if not self.finalize(pk):
            return
        page = self.client.get(f"/consultations/{pk}/record/", name="record", timeout=TIMEOUT)
        if not self.pdfs(page.text):
            return
        events.request.fire(request_type="flow", name="full consultation", start_time=started,
                            response_time=(time.time() - started) * 1000, response_length=0,
                            exception=None, context={})


# requests is imported for its exceptions' sake by locust's client; keep the name used.
__all__ = ["Clinician", "Consultant", "Reader", "Finalizer", "requests"]
