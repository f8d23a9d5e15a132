"""The layered walkthrough: one line per item first, details one activation away;
the items for the pain site recorded first and the others under their own heading
(relevance, never eligibility); "Mark all as discussed"; likelihoods that happen to
everyone; several answers for where the patient stands."""

import io
import re

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.urls import reverse
from pypdf import PdfReader

from aids.consultations import consultation_start, record_finalize
from aids.models import Aid, Consultation, ItemRecord, Likelihood, RecordDocument, Risk
from aids.vocabulary import STEPS
from aids.wording import find_directive_wording
from test_neutrality import page_text
from test_walkthrough_flow import post_page
from walkthrough_support import step_url, visible_text

pytestmark = pytest.mark.django_db

OTHER_FORMS = "About the other forms of the operation"


@pytest.fixture
def bundled():
    call_command("load_aid", publish_demo=True, stdout=io.StringIO())
    return Aid.objects.get(slug="tractotomy").current_version()


def start(client, *sites, cancer="yes"):
    response = client.post(reverse("consultation_new"), {
        "start-patient_ref": "LAYER-1", "start-language": "English", "start-present": ["patient"],
        "start-pain_sites": list(sites), "start-cancer_pain": cancer,
    })
    assert response.status_code == 302, response.content.decode()[:2000]
    return Consultation.objects.latest("pk")


def groups(html):
    """(titles listed first, titles under "about the other forms")."""
    first, _, other = html.partition(OTHER_FORMS)
    titles = lambda part: re.findall(r'<span class="layer-title">([^<]*)</span>', part)  # noqa: E731
    return titles(first), titles(other)


def test_layers_start_records_pain_sites_and_cancer_pain(clinician_client, bundled):
    consultation = start(clinician_client, "trigeminal", "not_sure", cancer="not_sure")

    assert consultation.pain_sites == ["trigeminal", "not_sure"]
    assert consultation.cancer_pain == "not_sure"
    text = visible_text(clinician_client.get(step_url(consultation, "start")).content.decode())
    assert "Where is the pain?" in text and "The face" in text and "Not sure yet" in text


def test_layers_an_unknown_pain_site_is_refused_with_a_message_and_keeps_the_form(clinician_client, bundled):
    response = clinician_client.post(reverse("consultation_new"), {
        "start-patient_ref": "LAYER-2", "start-language": "English", "start-pain_sites": ["elbow"],
    })

    assert response.status_code == 200
    text = visible_text(response.content.decode())
    assert "Select a valid choice. elbow is not one of the available choices." in text
    assert 'value="LAYER-2"' in response.content.decode()
    assert not Consultation.objects.exists()


def test_layers_face_pain_shows_face_items_first_and_the_rest_under_a_plain_heading(clinician_client, bundled):
    consultation = start(clinician_client, "trigeminal")
    face = bundled.operation_forms.get(key="trigeminal")
    risks = list(bundled.risks.prefetch_related("forms"))
    expected_first = [r.title for r in risks if r.applies_to({face.pk})]
    expected_other = [r.title for r in risks if not r.applies_to({face.pk})]

    first, other = groups(clinician_client.get(step_url(consultation, "risks")).content.decode())

    assert first == expected_first
    assert other == expected_other
    assert "Unsteadiness after trigeminal tractotomy-nucleotomy" in first
    assert "Eye-movement problems after mesencephalotomy" in other  # reachable, not hidden
    assert len(first) + len(other) == len(risks) == 14


def test_layers_arm_pain_shows_mesencephalotomy_items_first(clinician_client, bundled):
    consultation = start(clinician_client, "mesencephalotomy")

    first, other = groups(clinician_client.get(step_url(consultation, "benefits")).content.decode())

    assert first[:3] == ["Good pain relief after mesencephalotomy",
                         "No pain after mesencephalotomy (one large study)",
                         "Good or excellent result after mesencephalotomy (recent study)"]
    assert "No pain after trigeminal tractotomy-nucleotomy for face pain" in other


def test_layers_without_a_pain_site_every_item_is_in_one_list(clinician_client, bundled):
    consultation = start(clinician_client, "not_sure")

    html = clinician_client.get(step_url(consultation, "risks")).content.decode()

    assert OTHER_FORMS not in html
    assert len(groups(html)[0]) == 14


def test_layers_each_line_has_likelihood_certainty_and_its_details_one_activation_away(clinician_client, bundled):
    consultation = start(clinician_client, "trigeminal")

    html = clinician_client.get(step_url(consultation, "risks")).content.decode()

    line = re.search(r'<summary class="layer-line">\s*<span class="layer-title">Bleeding in the brain</span>'
                     r'(.*?)</summary>(.*?)</details>', html, re.S)
    assert line, "the risk has a summary line inside a disclosure"
    summary_text, detail = visible_text(line.group(1)), line.group(2)
    assert summary_text == "About 2 in 100 people · Life-threatening, sometimes lasting · evidence very low"
    assert "About 2 in 100 people: 2 filled, 98 outlined" in detail  # the icon array, in the details only
    assert "Sources:" in detail
    assert html.count('class="icon-array"') <= len(bundled.risks.all())


def test_layers_everyone_and_nearly_everyone_are_shown_as_such_not_as_not_known(clinician_client, bundled):
    consultation = start(clinician_client)

    html = clinician_client.get(step_url(consultation, "risks")).content.decode()

    undone = re.search(r"It cannot be undone</span>(.*?)</summary>", html, re.S).group(1)
    feeling = re.search(r"Loss of pain and temperature feeling in the relieved area</span>(.*?)</summary>",
                        html, re.S).group(1)
    assert "Everyone who has the operation" in visible_text(undone)
    assert "Nearly everyone who has the operation" in visible_text(feeling)
    assert "Not known" not in visible_text(undone) + visible_text(feeling)


def test_layers_likelihood_kind_rules():
    assert Risk(likelihood=Likelihood.EVERYONE).frequency_text() == "Everyone who has the operation"
    assert Risk(likelihood=Likelihood.FIGURE, numerator=3, denominator=100).frequency_text() == \
        "About 3 in 100 people"
    with pytest.raises(ValidationError, match="clear the figure"):
        Risk(likelihood=Likelihood.NEARLY_EVERYONE, numerator=90, denominator=100).clean()
    with pytest.raises(ValidationError, match="say why it is not known"):
        Risk(likelihood=Likelihood.UNKNOWN).clean()
    with pytest.raises(ValidationError, match="Give the figure"):
        Risk(likelihood=Likelihood.FIGURE).clean()
    Risk(likelihood=Likelihood.EVERYONE).clean()  # no figure, no reason needed


def test_layers_mark_all_as_discussed_ticks_every_item_and_each_can_be_unticked(clinician_client, bundled):
    consultation = start(clinician_client, "trigeminal")
    risks = list(bundled.risks.all())

    response = post_page(clinician_client, consultation, "risks", nav="stay", mark_all="risks")

    assert response.status_code == 302
    discussed = ItemRecord.objects.filter(consultation=consultation, kind="risk", discussed=True)
    assert discussed.count() == len(risks) == 14
    post_page(clinician_client, consultation, "risks", {f"risks-{risks[0].pk}-discussed": None}, nav="stay")
    assert not ItemRecord.objects.get(consultation=consultation, kind="risk", item_id=risks[0].pk).discussed
    assert ItemRecord.objects.filter(consultation=consultation, kind="risk", discussed=True).count() == 13


def test_layers_mark_all_is_not_offered_in_patient_view(clinician_client, bundled):
    consultation = start(clinician_client)
    clinician_client.get(step_url(consultation, "start") + "?view=patient")

    html = clinician_client.get(step_url(consultation, "risks")).content.decode()

    assert "Mark all as discussed" not in html
    assert 'name="risks-' not in html  # no clinician ticks or notes at all


def test_layers_where_the_patient_stands_takes_several_answers(clinician_client, bundled):
    consultation = start(clinician_client)

    post_page(clinician_client, consultation, "next", {"next-positions": ["more_time", "talk_family"]})

    consultation.refresh_from_db()
    assert consultation.positions == ["more_time", "talk_family"]
    review = visible_text(clinician_client.get(step_url(consultation, "review")).content.decode())
    assert "Wants more time; Wants to talk to family" in review


def test_layers_about_step_shows_one_line_per_section_with_the_text_behind_it(clinician_client, bundled):
    consultation = start(clinician_client)

    html = clinician_client.get(step_url(consultation, "about")).content.decode()

    sections = list(bundled.sections.all())
    assert html.count('<summary class="layer-line">') == len(sections)
    first = sections[0]
    assert f'<span class="layer-summary">{first.summary}</span>' in html
    assert "the lesion is made on the same side as the pain" in html  # the whole text, in its details


def test_layers_the_record_states_the_pain_site_and_where_each_item_was_shown(clinician_client, clinician, bundled):
    consultation = start(clinician_client, "trigeminal")
    record_finalize(consultation=consultation, user=clinician)

    for variant in ("clinical", "patient"):
        document = RecordDocument.objects.get(consultation=consultation, variant=variant)
        text = re.sub(r"\s+", " ", " ".join(
            p.extract_text() for p in PdfReader(io.BytesIO(bytes(document.pdf))).pages))
        assert "Where the pain is The face" in text
        if variant == "patient":
            continue
        assert "Cancer pain Yes, the pain is caused by cancer" in text
        assert ("Items that apply to the pain site recorded were shown first; the others under "
                "\u201cAbout the other forms of the operation\u201d. Nothing was hidden.") in text
        assert "shown first" in text and "shown under the other forms" in text
    page = visible_text(clinician_client.get(reverse("consultation_record", args=[consultation.pk])).content.decode())
    assert "Where the pain is The face" in page


@pytest.mark.parametrize("sites", [["trigeminal"], ["mesencephalotomy"], ["cordotomy"], ["not_sure"]])
def test_layers_tailored_pages_never_recommend_or_judge_eligibility(clinician_client, bundled, sites):
    consultation = start(clinician_client, *sites)

    for key in STEPS:
        html = clinician_client.get(step_url(consultation, key)).content.decode()
        text = page_text(html)
        assert not find_directive_wording(text), key
        for word in ("eligible", "suitable", "candidate", "recommended for you"):
            assert word not in text.lower(), (key, word)


def test_layers_consultation_start_refuses_a_pain_site_the_version_does_not_have(clinician, bundled):
    with pytest.raises(ValidationError, match="Choose where the pain is from the list."):
        consultation_start(clinician=clinician, patient_ref="LAYER-9", pain_sites=["elbow"])


def test_layers_options_join_the_grid_in_the_order_they_were_ticked(clinician_client, bundled):
    consultation = start(clinician_client)
    options = {o.key: o for o in bundled.options.all()}
    first, second = options["no-procedure"], options["cordotomy"]

    post_page(clinician_client, consultation, "alternatives", {
        f"alternatives-{first.pk}-selected": "on", f"alternatives-{second.pk}-selected": "on",
        "picked": f"{first.pk},{second.pk}"}, nav="stay")

    consultation.refresh_from_db()
    assert consultation.options_order == [first.pk, second.pk]  # not the order they are listed in
    html = clinician_client.get(step_url(consultation, "alternatives")).content.decode()
    columns = re.findall(r'<th[^>]*class="[^"]*sdm-grid-option[^"]*"[^>]*>\s*([^<]+?)\s*<', html)
    assert columns[:2] == [first.name, second.name]

