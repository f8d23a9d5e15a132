"""The patient copy's QR codes (drawn with ReportLab's barcode module) decode, with
zxing-cpp, to the reading-at-home page and the one-time CollaboRATE page, and both
addresses work; the CollaboRATE link works once, expires, and shows no patient data."""

import datetime
import io
import subprocess
import tempfile
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import zxingcpp
from django.contrib.sessions.models import Session
from django.test import Client
from django.utils import timezone
from PIL import Image
from pypdf import PdfReader

from aids.collaborate import token_hash
from aids.models import CollaborateInvite, CollaborateResponse, SiteSettings
from aids.record.pdf import render_pdf
from aids.readmodel import record_data
from factories import make_recorded_consultation

pytestmark = pytest.mark.django_db
BASE = "https://sdm.hospital.example"
ANSWERS = {"understand": "7", "listen": "9", "include": "8"}


def qr_texts(pdf):
    """Every QR code on every page of ``pdf``, decoded from a 150 dpi raster of it."""
    found = []
    with tempfile.TemporaryDirectory() as folder:
        Path(folder, "record.pdf").write_bytes(pdf)
        subprocess.run(["pdftoppm", "-r", "150", "-png", "record.pdf", "page"], cwd=folder,
                       check=True)
        for png in sorted(Path(folder).glob("page*.png")):
            found += [b.text for b in zxingcpp.read_barcodes(Image.open(png))
                      if b.format == zxingcpp.BarcodeFormat.QRCode]
    return found


def patient_pdf(consultation):
    return consultation.documents.get(revision=1, variant="patient").pdf


def final_with_links(clinician, days=7):
    SiteSettings(public_base_url=BASE + "/", collaborate_link_days=days).save()
    return make_recorded_consultation(clinician, final=True)


def local(url):
    assert url.startswith(BASE + "/"), url
    return urlsplit(url).path


def test_patient_copy_qr_codes_decode_to_the_printed_addresses_and_both_pages_open(clinician):
    consultation = final_with_links(clinician)
    pdf = bytes(patient_pdf(consultation))
    reading, survey = qr_texts(pdf)
    v = consultation.version
    assert reading == f"{BASE}/a/tractotomy/{v.number}/"
    assert survey.startswith(f"{BASE}/c/")
    text = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages)
    # Printed too, for typing in (a long address may wrap at the end of a line).
    squashed = "".join(text.split())
    assert reading in squashed and survey in squashed, text
    anonymous = Client()
    page = anonymous.get(local(reading))
    assert page.status_code == 200 and v.decision in page.content.decode()
    survey_page = anonymous.get(local(survey))
    assert survey_page.status_code == 200
    assert "How much effort was made to help you understand your health issues?" in (
        survey_page.content.decode())
    # Only the token's hash is kept.
    token = local(survey).split("/")[2]
    invite = CollaborateInvite.objects.get(consultation=consultation)
    assert invite.token_hash == token_hash(token) and token not in invite.token_hash
    assert invite.channel == CollaborateInvite.Channel.PATIENT_COPY
    # The clinical copy carries neither code.
    assert qr_texts(bytes(consultation.documents.get(revision=1, variant="clinical").pdf)) == []


def test_without_a_public_address_the_copy_says_so_and_prints_no_link(clinician):
    consultation = make_recorded_consultation(clinician, final=True)
    pdf = bytes(patient_pdf(consultation))
    assert qr_texts(pdf) == []
    text = " ".join(" ".join(p.extract_text().split()) for p in PdfReader(io.BytesIO(pdf)).pages)
    assert "has not set up the web address" in text
    assert "/a/" not in text and "/c/" not in text
    assert not CollaborateInvite.objects.exists()  # no link that could not be printed


def survey_path(consultation):
    pdf = bytes(patient_pdf(consultation))
    return local(qr_texts(pdf)[1])


def test_collaborate_answers_are_stored_once_and_a_second_use_is_refused(clinician):
    consultation = final_with_links(clinician)
    path = survey_path(consultation)
    anonymous = Client()
    done = anonymous.post(path, ANSWERS)
    assert done.status_code == 200
    html = done.content.decode()
    assert "Thank you" in html
    assert "7" not in html.split("<main", 1)[1].split("</main>")[0]  # no score shown back
    answers = CollaborateResponse.objects.get(consultation=consultation)
    assert (answers.understand, answers.listen, answers.include) == (7, 9, 8)
    assert not answers.top_box
    again = anonymous.post(path, {"understand": "0", "listen": "0", "include": "0"})
    assert again.status_code == 410
    assert "These questions have been answered" in again.content.decode()
    assert anonymous.get(path).status_code == 410
    answers.refresh_from_db()
    assert (answers.understand, answers.listen, answers.include) == (7, 9, 8)
    assert CollaborateResponse.objects.count() == 1
    # The record made before is unchanged: the answers are never printed on it.
    assert consultation.documents.count() == 2


def test_collaborate_expired_link_is_refused_kindly(clinician):
    consultation = final_with_links(clinician, days=2)
    path = survey_path(consultation)
    invite = CollaborateInvite.objects.get(consultation=consultation)
    assert invite.expires_at - consultation.finalized_at == datetime.timedelta(days=2)
    CollaborateInvite.objects.filter(pk=invite.pk).update(
        expires_at=timezone.now() - datetime.timedelta(seconds=1))
    for response in (Client().get(path), Client().post(path, ANSWERS)):
        assert response.status_code == 410
        assert "This link has expired" in response.content.decode()
    assert not CollaborateResponse.objects.exists()


def test_collaborate_unknown_token_is_refused(client):
    response = client.get("/c/not-a-real-token-at-all/")
    assert response.status_code == 404
    assert "This link does not work" in response.content.decode()
    assert client.post("/c/not-a-real-token-at-all/", ANSWERS).status_code == 404
    assert not CollaborateResponse.objects.exists()


def test_collaborate_page_holds_no_patient_data_and_sets_no_cookie(clinician):
    consultation = final_with_links(clinician)
    path = survey_path(consultation)
    anonymous = Client()
    response = anonymous.get(path)
    html = response.content.decode()
    for private in (consultation.patient_ref, consultation.record_id, clinician.username,
                    consultation.version.title, "Will it hurt?"):
        assert private not in html, private
    assert "Set-Cookie" not in response.headers and Session.objects.count() == 0
    assert "no-store" in response["Cache-Control"]
    assert response["Referrer-Policy"] == "no-referrer"
    # The published wording and scale, unchanged.
    assert "How much effort was made to listen to the things that matter most to you about " \
           "your health issues?" in html
    assert "How much effort was made to include what matters most to you in choosing what to " \
           "do next?" in html
    assert "No effort was made" in html and "Every effort was made" in html
    assert html.count('type="radio"') == 30


def test_collaborate_missing_answer_keeps_the_others_and_says_which(clinician):
    consultation = final_with_links(clinician)
    path = survey_path(consultation)
    response = Client().post(path, {"understand": "4", "include": "12"})
    assert response.status_code == 400
    html = response.content.decode()
    assert "Question 2: choose a number from 0 to 9." in html
    assert "Question 3: choose a number from 0 to 9." in html
    assert 'name="understand" value="4" checked' in html
    assert not CollaborateResponse.objects.exists()
    assert Client().post(path, ANSWERS).status_code == 200  # the link still works


def test_record_data_reading_url_follows_the_site_setting(clinician):
    consultation = make_recorded_consultation(clinician)
    assert record_data(consultation=consultation).reading_url == ""
    SiteSettings(public_base_url=BASE).save()
    data = record_data(consultation=consultation)
    assert data.reading_url == f"{BASE}/a/tractotomy/{consultation.version.number}/"
    assert qr_texts(render_pdf(data, "patient")) == [data.reading_url]


def test_shared_screen_offers_the_questions_once_the_record_is_final(clinician, clinician_client):
    consultation = make_recorded_consultation(clinician, final=True)
    record_url = f"/consultations/{consultation.pk}/record/"
    assert "Open the questions for the patient, on this screen" in (
        clinician_client.get(record_url).content.decode())
    opened = clinician_client.post(f"/consultations/{consultation.pk}/collaborate/")
    assert opened.status_code == 302 and opened["Location"].endswith("?screen=shared")
    page = clinician_client.get(opened["Location"])
    html = page.content.decode()
    assert "Your clinician has stepped away" in html
    assert consultation.patient_ref not in html and "Log out" not in html
    invite = CollaborateInvite.objects.get(consultation=consultation)
    assert invite.channel == CollaborateInvite.Channel.SHARED_SCREEN
    done = clinician_client.post(opened["Location"], ANSWERS)
    assert "You can now hand the screen back." in done.content.decode()
    after = clinician_client.get(record_url).content.decode()
    assert "The patient has answered the three CollaboRATE questions" in after
    assert "Open the questions for the patient" not in after
    section = after.split('id="collaborate-heading"', 1)[1].split("</section>", 1)[0]
    assert not any(f">{n}<" in section for n in "789")  # the answers are never shown back
    again = clinician_client.post(f"/consultations/{consultation.pk}/collaborate/")
    assert again["Location"] == record_url
    assert CollaborateInvite.objects.filter(consultation=consultation).count() == 1


def test_shared_screen_questions_are_not_offered_before_the_record_is_final(clinician, clinician_client):
    consultation = make_recorded_consultation(clinician)
    response = clinician_client.post(f"/consultations/{consultation.pk}/collaborate/")
    assert response["Location"] == f"/consultations/{consultation.pk}/record/"
    assert not CollaborateInvite.objects.exists()


def test_answering_through_one_link_closes_the_consultations_other_links(clinician, clinician_client):
    consultation = final_with_links(clinician)
    printed = survey_path(consultation)
    opened = clinician_client.post(f"/consultations/{consultation.pk}/collaborate/")
    assert Client().post(opened["Location"], ANSWERS).status_code == 200
    refused = Client().post(printed, {"understand": "1", "listen": "1", "include": "1"})
    assert refused.status_code == 410 and "These questions have been answered" in (
        refused.content.decode())
    answers = CollaborateResponse.objects.get(consultation=consultation)
    assert (answers.understand, answers.listen, answers.include) == (7, 9, 8)
