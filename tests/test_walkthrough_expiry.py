"""The session ends mid-consultation: after logging in again, the typed text is back."""

import datetime
import json

import pytest
from django.contrib.sessions.models import Session
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from aids.models import KeptText
from walkthrough_support import form_data, published_aid, start_consultation, step_url, visible_text

pytestmark = pytest.mark.django_db
PASSWORD = "a-long-test-password"


def expire_session(client):
    """The login ends as when the idle time runs out: the session row is past its expiry
    date (it stays in the table until ``clearsessions``), the browser keeps its cookie."""
    key = client.cookies["sessionid"].value
    Session.objects.filter(session_key=key).update(
        expire_date=timezone.now() - datetime.timedelta(seconds=1))


def kept(user, path):
    return KeptText.objects.get(user=user, path=path).fields


def log_in(client, user, next_url):
    return client.post(
        f"{reverse('login')}?next={next_url}",
        {"username": user.username, "password": PASSWORD, "next": next_url},
    )


def test_typed_text_comes_back_after_logging_in_again(clinician_client, clinician):
    published_aid()
    consultation = start_consultation(clinician_client)
    url = step_url(consultation, "values")
    data = form_data(clinician_client.get(url))
    expire_session(clinician_client)

    data.update({"values-values_own_words": ["What I typed before the session ended"], "nav": ["next"]})
    response = clinician_client.post(url, data)
    assert response.status_code == 302
    assert response.url == f"{reverse('login')}?next={url}"
    consultation.refresh_from_db()
    assert consultation.values_own_words == ""

    logged_in = log_in(clinician_client, clinician, url)
    assert logged_in.url == url
    page = clinician_client.get(url)

    html = page.content.decode()
    assert "You were logged out. What you had typed is back in the form; check it and save." in visible_text(html)
    assert "What I typed before the session ended</textarea>" in html
    again = clinician_client.get(url).content.decode()
    assert "What I typed before the session ended" not in again  # shown once, then forgotten


def test_restored_text_saves_normally(clinician_client, clinician):
    published_aid()
    consultation = start_consultation(clinician_client)
    url = step_url(consultation, "next")
    data = form_data(clinician_client.get(url))
    expire_session(clinician_client)
    clinician_client.post(url, {**data, "next-next_steps": ["Refer to the team"], "nav": ["stay"]})
    log_in(clinician_client, clinician, url)

    restored = form_data(clinician_client.get(url))
    response = clinician_client.post(url, {**restored, "nav": ["stay"]})

    assert response.status_code == 302
    consultation.refresh_from_db()
    assert consultation.next_steps == "Refer to the team"


def test_autosave_after_expiry_answers_401_and_keeps_the_text(clinician_client, clinician):
    published_aid()
    consultation = start_consultation(clinician_client)
    url = step_url(consultation, "values")
    data = form_data(clinician_client.get(url))
    expire_session(clinician_client)

    response = clinician_client.post(
        url, {**data, "values-values_own_words": ["Typed while logged out"]}, HTTP_X_AUTOSAVE="1"
    )

    body = json.loads(response.content)
    assert response.status_code == 401
    assert body["logged_out"] is True and body["login_url"].startswith(reverse("login"))
    stash = kept(clinician, url)
    assert stash["values-values_own_words"] == ["Typed while logged out"]
    assert "csrfmiddlewaretoken" not in stash
    log_in(clinician_client, clinician, url)
    assert "Typed while logged out</textarea>" in clinician_client.get(url).content.decode()


def test_an_autosave_then_a_save_after_expiry_keep_the_newest_text(clinician_client, clinician):
    published_aid()
    consultation = start_consultation(clinician_client)
    url = step_url(consultation, "values")
    data = form_data(clinician_client.get(url))
    expire_session(clinician_client)

    clinician_client.post(url, {**data, "values-values_own_words": ["First words"]}, HTTP_X_AUTOSAVE="1")
    clinician_client.post(url, {**data, "values-values_own_words": ["First words, and more"], "nav": ["next"]})

    assert kept(clinician, url)["values-values_own_words"] == ["First words, and more"]


def test_another_clinician_logging_in_gets_404_not_the_text(client, clinician, other_clinician):
    published_aid()
    client.force_login(clinician)
    consultation = start_consultation(client)
    url = step_url(consultation, "values")
    data = form_data(client.get(url))
    expire_session(client)
    client.post(url, {**data, "values-values_own_words": ["Private words"], "nav": ["stay"]})

    log_in(client, other_clinician, url)
    response = client.get(url)

    assert response.status_code == 404
    assert "Private words" not in response.content.decode()


def test_a_forged_post_without_csrf_token_is_not_kept(clinician_client):
    from django.test import Client

    published_aid()
    consultation = start_consultation(clinician_client)
    url = step_url(consultation, "values")
    browser = Client(enforce_csrf_checks=True)

    response = browser.post(url, {"values-values_own_words": "Planted text", "nav": "stay"})

    assert response.status_code == 403
    assert not KeptText.objects.exists()


def test_addendum_text_comes_back_after_logging_in_again(clinician_client, clinician):
    published_aid()
    consultation = start_consultation(clinician_client)
    clinician_client.post(reverse("consultation_finalize", args=[consultation.pk]), {"confirm": "yes"})
    record_url = reverse("consultation_record", args=[consultation.pk])
    expire_session(clinician_client)

    response = clinician_client.post(
        reverse("addendum_add", args=[consultation.pk]), {"addendum-text": "A late correction"}
    )
    log_in(clinician_client, clinician, record_url)
    page = clinician_client.get(record_url).content.decode()

    assert response.url.startswith(reverse("login"))
    assert "A late correction</textarea>" in page
    assert not consultation.addenda.exists()


def test_start_form_text_comes_back_after_logging_in_again(clinician_client, clinician):
    published_aid()
    url = reverse("consultation_new")
    expire_session(clinician_client)

    clinician_client.post(url, {"start-patient_ref": "Clinic 77", "start-language": "Welsh"})
    log_in(clinician_client, clinician, url)
    html = clinician_client.get(url).content.decode()

    assert 'value="Clinic 77"' in html and 'value="Welsh"' in html


def test_the_stash_keeps_a_few_pages_per_user_and_refuses_a_flood(clinician, other_clinician):
    from django.http import QueryDict

    from aids.stash import STASH_MAX_CHARS, STASH_MAX_PAGES, stash_put

    for n in range(STASH_MAX_PAGES + 2):
        stash_put(clinician, f"/page/{n}/", QueryDict(f"note=typed-{n}"))
    stash_put(other_clinician, "/page/0/", QueryDict("note=theirs"))
    flood = QueryDict(mutable=True)
    flood["note"] = "x" * (STASH_MAX_CHARS + 1)
    stash_put(clinician, "/flood/", flood)

    mine = KeptText.objects.filter(user=clinician)
    assert list(mine.values_list("path", flat=True)) == [
        f"/page/{n}/" for n in range(2, STASH_MAX_PAGES + 2)]
    assert kept(clinician, f"/page/{STASH_MAX_PAGES + 1}/") == {"note": [f"typed-{STASH_MAX_PAGES + 1}"]}
    assert kept(other_clinician, "/page/0/") == {"note": ["theirs"]}


def test_an_anonymous_post_keeps_nothing_anywhere(clinician_client):
    published_aid()
    consultation = start_consultation(clinician_client)
    stranger = Client()
    stranger.get(reverse("login"))  # a CSRF cookie, no login
    sessions = Session.objects.count()

    for path in (step_url(consultation, "values"), step_url(consultation, "values").replace(
            str(consultation.pk), "999999"), reverse("consultation_new")):
        response = stranger.post(path, {"values-values_own_words": "x" * 50_000, "nav": "stay",
                                        "start-patient_ref": "Planted"}, HTTP_X_AUTOSAVE="1")
        assert response.status_code == 401

    assert not KeptText.objects.exists()
    assert Session.objects.count() == sessions


def test_a_shared_workstation_returns_typed_text_only_to_who_typed_it(client, clinician, other_clinician):
    published_aid()
    client.force_login(clinician)
    url = reverse("consultation_new")
    client.get(url)
    expire_session(client)
    client.post(url, {"start-patient_ref": "A-patient 9", "start-present_other": "A's interpreter"})

    log_in(client, other_clinician, url)  # B, in the same browser
    theirs = client.get(url).content.decode()
    assert "A-patient 9" not in theirs and "A&#x27;s interpreter" not in theirs
    assert "You were logged out" not in visible_text(theirs)

    client.post(reverse("logout"))
    log_in(client, clinician, url)  # A again: the text comes back to A
    mine = client.get(url).content.decode()
    assert 'value="A-patient 9"' in mine


def test_text_for_a_consultation_the_user_may_not_open_is_not_kept(client, clinician, other_clinician):
    published_aid()
    client.force_login(other_clinician)
    theirs = start_consultation(client, patient_ref="Theirs")
    client.force_login(clinician)
    client.get("/")
    expire_session(client)

    response = client.post(step_url(theirs, "values"), {"values-values_own_words": "Planted"})

    assert response.status_code == 302 and response.url.startswith(reverse("login"))
    assert not KeptText.objects.exists()


def test_a_session_that_ended_long_ago_keeps_nothing(client, clinician):
    published_aid()
    client.force_login(clinician)
    client.get("/")
    key = client.cookies["sessionid"].value
    Session.objects.filter(session_key=key).update(
        expire_date=timezone.now() - datetime.timedelta(days=2))

    client.post(reverse("consultation_new"), {"start-patient_ref": "Late"})

    assert not KeptText.objects.exists()



def test_finalizing_after_the_session_ended_comes_back_to_the_review_with_a_message(clinician_client, clinician):
    from urllib.parse import parse_qs, urlsplit

    published_aid()
    consultation = start_consultation(clinician_client)
    expire_session(clinician_client)

    response = clinician_client.post(reverse("consultation_finalize", args=[consultation.pk]), {"confirm": "yes"})
    next_url = parse_qs(urlsplit(response.url).query)["next"][0]
    logged_in = log_in(clinician_client, clinician, next_url)
    page = clinician_client.get(logged_in.url)

    review = step_url(consultation, "review")
    assert response.status_code == 302 and response.url.startswith(reverse("login"))
    assert logged_in.url == review
    assert page.status_code == 200
    assert ("You were logged out before the record was finalized: nothing was finalized. "
            "Check the review and finalize it when ready.") in visible_text(page.content.decode())
    consultation.refresh_from_db()
    assert consultation.status == consultation.Status.IN_PROGRESS
    again = visible_text(clinician_client.get(review).content.decode())
    assert "You were logged out" not in again  # shown once

