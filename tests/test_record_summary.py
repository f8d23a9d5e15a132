"""Issue 11, order and length: page 1 of the clinical copy is the one-minute summary;
every note typed is in it; the patient copy says who to contact; references print as
citations; the content shown is an appendix apart from what was recorded; and the
realistic record keeps its page budgets."""

import io

import pytest
from django.urls import reverse
from pypdf import PdfReader

from aids.models import ItemRecord, Reference, SiteSettings, StaffProfile
from aids.readmodel import record_data
from aids.record.demo import demo_clinician, demo_consultation, demo_version
from aids.record.pdf import render_pdf
from test_record_pdf import make_consultation, mark_final, pages, render, squash_lines

pytestmark = pytest.mark.django_db

CLINICAL_BUDGET = 4  # pages before the appendix
PATIENT_BUDGET = 8


def page_texts(pdf):
    return [squash_lines(p.extract_text()) for p in PdfReader(io.BytesIO(pdf)).pages]


def test_page_one_is_the_summary_a_colleague_reads_in_a_minute(clinician):
    c = make_consultation(clinician, pain_sites=["mesencephalotomy"], cancer_pain="yes",
                          skipped_topics=["benefits"])
    first = squash_lines(pages(render(c))[0])
    v = c.version
    for fact in [
        "This document records a discussion. It does not recommend any treatment.",
        c.patient_ref, "Amal Rahman",  # who
        f"Version {v.number} - digest {v.short_digest}",  # the pinned content
        "Where the pain is", "Yes, the pain is caused by cancer",  # the pain site recorded
        "Wants more time", "POSWORDS Not yet.", "PREFWORDS none yet",  # where they stand, own words
        "NEXTSTEPS See the pain team.", "Follow-up date: 12 January 2027",
        "Questions still open: 1 (question 2)", "2. QTWO How long in hospital?",
        "Benefits: skipped - none of these was discussed",  # topics discussed and not
        "Risks: every item marked discussed",
        "Before: SURE score 2 of 4 - some decisional conflict may be present",
        "After: SURE score 4 of 4",
        "Clinician's signature", "Date",
    ]:
        assert fact in first, fact
    # Nothing of the details or of the content shown is on page 1.
    assert "What was discussed" not in first and "Appendix" not in first
    assert v.decision not in first


def test_page_one_quotes_long_words_in_part_and_says_where_the_rest_is(clinician):
    long_words = "I keep thinking about it. " * 60
    c = make_consultation(clinician, position_words=long_words, next_steps="Step. " * 200)
    texts = pages(render(c))
    first = squash_lines(texts[0])
    assert "Continues in full under \u201cWhere the patient stands\u201d" in first
    assert "Continues in full under \u201cNext steps\u201d" in first
    rest = squash_lines("\n".join(texts[1:]))
    assert squash_lines(long_words).strip() in rest  # nothing lost


def test_every_note_typed_is_in_the_clinical_copy(clinician):
    c = make_consultation(clinician, skipped_topics=["criteria"], final=False)
    v = c.version
    unticked_risk, unseen_option = v.risks.first(), v.options.last()
    ItemRecord.objects.filter(consultation=c, kind="risk", item_id=unticked_risk.pk).update(
        discussed=False, note="NOTE on an item not ticked")
    ItemRecord.objects.filter(consultation=c, kind="option", item_id=unseen_option.pk).update(
        discussed=False, selected=False, note="NOTE on an option not looked at")
    mark_final(c)
    clinical = squash_lines("\n".join(pages(render(c))))
    notes = [r.note for r in ItemRecord.objects.filter(consultation=c)]
    assert "NOTE on an item not ticked" in notes and len(notes) == 10
    assert [n for n in notes if n not in clinical] == []
    # ...and each note sits with its item, marked as not discussed.
    at = clinical.index("NOTE on an item not ticked")
    assert unticked_risk.title in clinical[at - 400:at] and "Not discussed" in clinical[at - 400:at]
    patient = "\n".join(pages(render(c, "patient")))
    assert "NOTE" not in patient  # the clinician's notes are the clinical copy's only


def test_clinician_name_role_and_registration_come_from_the_account(clinician):
    StaffProfile.objects.create(user=clinician, role="Consultant in pain medicine",
                                registration="GMC 7654321")
    c = make_consultation(clinician)
    first = squash_lines(pages(render(c))[0])
    assert "Amal Rahman, Consultant in pain medicine, GMC 7654321" in first
    patient_first = squash_lines(pages(render(c, "patient"))[0])
    assert "Amal Rahman, Consultant in pain medicine" in patient_first


def test_without_a_role_the_record_prints_the_name_only(clinician):
    first = squash_lines(pages(render(make_consultation(clinician)))[0])
    assert "Name and role Amal Rahman" in first


def test_patient_copy_gives_the_teams_contact_details_and_what_to_do_later(clinician):
    c = make_consultation(clinician)
    empty = squash_lines(pages(render(c, "patient"))[0])
    assert "If you have questions later" in empty
    assert "Contact details (to be written in by your clinician)" in empty

    SiteSettings(team_name="Pain management team, Example Hospital",
                 contact_details="Telephone 01234 567890 (Monday to Friday, 9 to 5)",
                 questions_later="Call us, or ask your GP.").save()
    first = squash_lines(pages(render(c, "patient"))[0])
    for text in ("Pain management team, Example Hospital", "Telephone 01234 567890",
                 "Call us, or ask your GP."):
        assert text in first
    assert "to be written in" not in first
    assert "Telephone 01234" not in "\n".join(pages(render(c)))  # the patient's copy only


def test_site_settings_are_one_row_the_administrator_edits_in_the_admin(admin_client):
    changelist = reverse("admin:aids_sitesettings_changelist")
    response = admin_client.get(changelist)
    assert response.status_code == 302 and response["Location"].endswith("/add/")
    response = admin_client.post(reverse("admin:aids_sitesettings_add"), {
        "team_name": "Pain team", "contact_details": "Call 123", "questions_later": "",
        "public_base_url": "", "collaborate_link_days": "7"})
    assert response.status_code == 302
    assert SiteSettings.current().contact_details == "Call 123"
    response = admin_client.get(changelist)
    assert response["Location"].endswith(reverse("admin:aids_sitesettings_change", args=[1]))
    assert admin_client.get(reverse("admin:aids_sitesettings_add")).status_code == 403
    bad = admin_client.post(reverse("admin:aids_sitesettings_change", args=[1]), {
        "team_name": "Pain\nteam", "contact_details": "Call 123", "questions_later": "",
        "public_base_url": "", "collaborate_link_days": "7"})
    assert bad.status_code == 200 and "Keep this on one line" in bad.content.decode()
    assert "Pain\nteam" in bad.content.decode()  # what was typed is kept in the form


def test_staff_profile_is_edited_on_the_user_in_the_admin(admin_client, clinician):
    page = admin_client.get(reverse("admin:auth_user_change", args=[clinician.pk]))
    assert page.status_code == 200 and "Role on records" in page.content.decode()


def test_reference_lines_are_citations_without_editorial_notes(clinician):
    from factories import make_published

    refs = [{"key": "R1", "authors": "Lee A, Patel S", "title": "Pain relief after tractotomy",
             "source": "Pain Journal", "year": 2021, "doi": "10.1000/example.1", "url": "",
             "note": "Details partly confirmed (journal)"},
            {"key": "R2", "authors": "Jones B", "title": "Side effects of spinal pain surgery",
             "source": "Spine Review", "year": 2019, "doi": "", "url": "https://example.org/r2",
             "note": "Authors not confirmed"}]
    c = make_consultation(clinician, make_published(references=refs))
    ref = Reference.objects.get(version=c.version, key="R1")
    for copy in ("clinical", "patient"):
        text = squash_lines("\n".join(pages(render(c, copy))))
        assert "partly confirmed" not in text and "not confirmed" not in text
        assert squash_lines(f"{ref.key} {ref.citation()}") in text
        assert "Lee A, Patel S. Pain relief after tractotomy. Pain Journal. 2021. doi:10.1000/example.1" in text


def test_bundled_references_print_no_editorial_words():
    version = demo_version()
    for ref in version.references.all():
        citation = ref.citation().lower()
        for word in ("partly confirmed", "probably", "could not"):
            assert word not in citation, (ref.key, citation)


def test_the_appendix_is_content_shown_identified_by_version_and_digest(clinician):
    c = make_consultation(clinician)
    texts = page_texts(render(c))
    start = next(i for i, t in enumerate(texts) if "Appendix: content shown" in t)
    appendix = " ".join(texts[start:])
    v = c.version
    assert f"content version {v.number} (digest {v.digest})" in appendix
    assert "It is not part of what was recorded" in appendix
    assert squash_lines(v.decision) in appendix
    # Nothing recorded is mixed into it: no notes, no ticks, no patient's words.
    for recorded in ("NOTE-", "OWNWORDS", "POSWORDS", "QONE", "Discussed"):
        before, _, after = appendix.partition("About this content and this record")
        assert recorded not in before, recorded


@pytest.mark.parametrize("links", [False, True], ids=["no-public-address", "with-both-qr-codes"])
def test_the_realistic_record_keeps_its_page_budgets(links):
    if links:  # the reading-at-home and CollaboRATE links and their QR codes fit the budget too
        SiteSettings(public_base_url="https://sdm.hospital.example").save()
    consultation = demo_consultation(version=demo_version(), clinician=demo_clinician())
    data = record_data(consultation=consultation, revision=1)
    if links:
        data.collaborate_url = "https://sdm.hospital.example/c/" + "x" * 22 + "/"
    clinical = page_texts(render_pdf(data, "clinical"))
    patient = page_texts(render_pdf(data, "patient"))
    before_appendix = next(i for i, t in enumerate(clinical) if "Appendix: content shown" in t)
    assert before_appendix <= CLINICAL_BUDGET, before_appendix
    assert len(patient) <= PATIENT_BUDGET, len(patient)
    # The budget is not met by leaving things out: every note is there.
    notes = [r.note for r in consultation.item_records.all() if r.note]
    assert notes and all(squash_lines(n) in " ".join(clinical[:before_appendix]) for n in notes)


def test_page_one_cuts_many_short_lines_too(clinician):
    c = make_consultation(clinician, next_steps="x\n" * 400, position_words="y\n" * 50)
    texts = pages(render(c))
    first = squash_lines(texts[0])
    assert "Continues in full under \u201cNext steps\u201d" in first
    assert "Continues in full under \u201cWhere the patient stands\u201d" in first
    assert "".join(texts).count("x") >= 400


def test_the_appendix_cites_the_sources_of_each_section_shown():
    consultation = demo_consultation(version=demo_version(), clinician=demo_clinician())
    version = consultation.version
    cited = [(s, list(s.references.all())) for s in version.sections.all() if s.references.exists()]
    assert cited  # the bundled aid's sections cite their figures
    texts = page_texts(render_pdf(record_data(consultation=consultation, revision=1), "clinical"))
    appendix = " ".join(texts[next(i for i, t in enumerate(texts) if "Appendix: content shown" in t):])
    refs_at = appendix.index("References")
    for section, refs in cited:
        at = appendix.index(section.heading)
        assert f"Sources: {', '.join(r.key for r in refs)}" in appendix[at:refs_at]
        for ref in refs:
            assert f"{ref.key} {squash_lines(ref.citation())}" in appendix[refs_at:]
