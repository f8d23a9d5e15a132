"""Who sees what: every consultation URL, for the owner, another clinician,
staff, and someone not logged in (every URL of the project, for every role, is in
tests/test_url_access.py).

The URLs are found by walking the URL configuration, so a new consultation URL
without an entry in ``OWNER_EXPECTS`` fails here until its access is decided.
"""

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from aids.models import Consultation
from aids.vocabulary import STEPS
from factories import make_user
from walkthrough_support import published_aid, start_consultation, visible_text

pytestmark = pytest.mark.django_db

# URL name -> (method, which consultation, status the owner gets)
OWNER_EXPECTS = {
    "consultation_resume": ("get", "open", 302),
    "consultation_step": ("get", "open", 200),
    "consultation_finalize": ("post", "open", 302),
    "consultation_finalize_confirm": ("get", "open", 200),
    "consultation_record": ("get", "final", 200),
    "record_reason": ("get", "final", 302),  # the owner needs no reason: on to the record
    "addendum_add": ("post", "final", 302),
    "record_download": ("get", "final", 200),
    "record_fhir": ("get", "final", 200),
    "consultation_language": ("post", "open", 302),  # the shared screen's language switch
    "consultation_collaborate": ("post", "final", 302),  # CollaboRATE, on this screen
}
# URL name -> where the owner's redirect lands ("record" or a step key), and what that page shows
OWNER_LANDS = {
    "consultation_resume": ("start", ["Start (this step)"]),  # the last step visited
    "consultation_finalize": ("record", [
        "The record is final. Corrections can be added as dated addenda.", "Final since",
        "Revision 1, clinical copy"]),
    "addendum_add": ("record", ["The addendum was added.", "An addendum", "Revision 2, clinical copy"]),
    "record_reason": ("record", ["Final since", "Revision 1, clinical copy"]),
    "consultation_language": ("start", ["Start (this step)"]),
    # The patient's own page: it shows nothing of the consultation (checked below).
    "consultation_collaborate": ("collaborate", []),
}


def consultation_urls():
    """The name of every URL under consultations/ that takes a consultation's pk."""
    found = []

    def walk(patterns, prefix=""):
        for p in patterns:
            route = prefix + str(p.pattern)
            if isinstance(p, URLResolver):
                walk(p.url_patterns, route)
            elif isinstance(p, URLPattern) and route.startswith("consultations/") and (
                "pk" in p.pattern.converters
            ):
                found.append(p.name)

    walk(get_resolver().url_patterns)
    return found


def urls_for(name, pk):
    if name == "consultation_step":
        return [reverse(name, kwargs={"pk": pk, "key": key}) for key in STEPS]
    if name in ("record_download", "record_fhir"):
        return [reverse(name, kwargs={"pk": pk, "revision": 1, "variant": v}) for v in ("clinical", "patient")]
    return [reverse(name, kwargs={"pk": pk})]


@pytest.fixture
def consultations(client, clinician):
    published_aid()
    client.force_login(clinician)
    open_one = start_consultation(client, patient_ref="Open-REF")
    final_one = start_consultation(client, patient_ref="Final-REF")
    client.post(reverse("consultation_finalize", args=[final_one.pk]), {"confirm": "yes"})
    client.logout()
    return {"open": open_one, "final": final_one}


def landing_url(where, consultation):
    if where == "record":
        return reverse("consultation_record", args=[consultation.pk])
    return reverse("consultation_step", args=[consultation.pk, where])


def request(client, method, url):
    data = {"addendum-text": "An addendum"} if "addenda" in url else {}
    if url.endswith("/language/"):
        data = {"language": "es", "next": url.replace("/language/", "/step/start/")}
    if url.endswith("/finalize/"):
        data = {"confirm": "yes"}  # what the confirmation page posts
    return getattr(client, method)(url, data)


def test_every_consultation_url_has_an_access_rule():
    assert sorted(set(consultation_urls())) == sorted(OWNER_EXPECTS)
    assert sorted(OWNER_LANDS) == sorted(n for n, (_m, _w, status) in OWNER_EXPECTS.items() if status == 302)


@pytest.mark.parametrize("name", sorted(OWNER_EXPECTS))
def test_owner_can_use_the_url(client, clinician, consultations, name):
    method, which, status = OWNER_EXPECTS[name]
    consultation = consultations[which]
    client.force_login(clinician)

    for url in urls_for(name, consultation.pk):
        response = request(client, method, url)
        assert response.status_code == status, url
        if name == "record_download":
            assert response.content.startswith(b"%PDF-"), url
        elif name == "record_fhir":
            assert response["Content-Type"] == "application/fhir+json", url
            assert consultation.patient_ref in response.content.decode(), url
        elif status == 200:
            assert consultation.patient_ref in visible_text(response.content.decode())
        if status == 302:
            where, shows = OWNER_LANDS[name]
            if where == "collaborate":
                assert response.url.startswith("/c/"), url
                text = visible_text(client.get(response.url).content.decode())
                assert consultation.patient_ref not in text
                continue
            assert response.url == landing_url(where, consultation), url
            text = visible_text(client.get(response.url).content.decode())
            assert consultation.patient_ref in text
            missing = [words for words in shows if words not in text]
            assert missing == [], url


@pytest.mark.parametrize("name", sorted(OWNER_EXPECTS))
def test_another_clinician_gets_404(client, other_clinician, consultations, name):
    method, which, _status = OWNER_EXPECTS[name]
    consultation = consultations[which]
    before = Consultation.objects.values().get(pk=consultation.pk)
    client.force_login(other_clinician)

    for url in urls_for(name, consultation.pk):
        response = request(client, method, url)
        assert response.status_code == 404, url
        assert consultation.patient_ref not in response.content.decode()
    assert Consultation.objects.values().get(pk=consultation.pk) == before
    assert not consultation.addenda.exists() or name != "addendum_add"


@pytest.mark.parametrize("name", sorted(OWNER_EXPECTS))
def test_anonymous_is_sent_to_log_in(client, consultations, name):
    method, which, _status = OWNER_EXPECTS[name]
    consultation = consultations[which]

    for url in urls_for(name, consultation.pk):
        response = request(client, method, url)
        assert response.status_code in (302, 401), url
        if response.status_code == 302:
            assert response.url.startswith(reverse("login")), url
        assert consultation.patient_ref not in response.content.decode()


def test_staff_status_opens_no_record(client, consultations):
    staff = make_user("staff_lead", is_staff=True)
    final = consultations["final"]
    open_one = consultations["open"]
    client.force_login(staff)

    record = client.get(reverse("consultation_record", args=[final.pk]))
    step = client.get(reverse("consultation_step", args=[open_one.pk, "values"]))
    addendum = client.post(reverse("addendum_add", args=[final.pk]), {"addendum-text": "Staff text"})

    assert record.status_code == 404 and "Final-REF" not in record.content.decode()
    assert step.status_code == 404
    assert addendum.status_code == 404 and not final.addenda.exists()


def test_list_shows_only_the_clinicians_own_consultations(client, clinician, other_clinician, consultations):
    client.force_login(other_clinician)
    start_consultation(client, patient_ref="Theirs-REF")

    text = visible_text(client.get("/").content.decode())
    searched = visible_text(client.get("/?q=REF").content.decode())

    assert "Theirs-REF" in text
    assert "Open-REF" not in text and "Final-REF" not in text
    assert "Open-REF" not in searched


def test_every_opening_of_a_record_is_audited(client, clinician, consultations):
    final = consultations["final"]
    client.force_login(clinician)

    client.get(reverse("consultation_record", args=[final.pk]))
    client.get(reverse("consultation_record", args=[final.pk]))

    viewed = final.audit_events.filter(action="viewed", detail="record")
    assert viewed.count() == 2 and {e.user for e in viewed} == {clinician}
