"""One-line fields (patient reference, others present, language) hold no line break
or control character: refused with a clear message by the form, and by the services
and the model for any other way in."""

import io

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.urls import reverse

from aids.consultations import consultation_start
from aids.models import Consultation
from walkthrough_support import visible_text

pytestmark = pytest.mark.django_db


@pytest.fixture
def bundled():
    call_command("load_aid", publish_demo=True, stdout=io.StringIO())


@pytest.mark.parametrize("field, value", [
    ("start-present_other", "Ward nurse\nand\n\n\nmore"),
    ("start-language", "English\tGreek"),
    ("start-patient_ref", "CLINIC\x0b7"),
])
def test_single_line_fields_refuse_line_breaks_and_control_characters_and_keep_the_form(
        clinician_client, bundled, field, value):
    data = {"start-patient_ref": "LINE-1", "start-language": "English", "start-present_other": ""}
    data[field] = value

    response = clinician_client.post(reverse("consultation_new"), data)

    assert response.status_code == 200
    html = response.content.decode()
    assert "Keep this on one line: it has a line break or another control character." in visible_text(html)
    assert field == "start-patient_ref" or 'value="LINE-1"' in html  # the rest of the form is kept
    assert not Consultation.objects.exists()


def test_single_line_fields_are_refused_by_the_services_too(clinician, bundled):
    from aids.consultations import StepChanges, step_save

    consultation = consultation_start(clinician=clinician, patient_ref="LINE-2")
    with pytest.raises(ValidationError, match="Keep this on one line"):
        step_save(consultation=consultation, user=clinician, step="start", revision=1,
                  changes=StepChanges(fields={"present_other": "a\n" * 149}))
    with pytest.raises(ValidationError, match="Keep this on one line"):
        consultation_start(clinician=clinician, patient_ref="LINE-3", language="English\u2028Greek")
    consultation.refresh_from_db()
    assert consultation.present_other == ""
