"""Layout of a realistic record: no section heading is left alone at a page foot."""

import io

import pytest
from pypdf import PdfReader
from reportlab.lib.units import mm

from aids.readmodel import record_data
from aids.record.demo import demo_clinician, demo_consultation, demo_version
from aids.record.pdf import CLINICAL_LABELS, PATIENT_LABELS, render_pdf

pytestmark = pytest.mark.django_db


def last_body_line_of_each_page(pdf):
    lines = []
    for page in PdfReader(io.BytesIO(pdf)).pages:
        parts = []

        def visit(text, cm, tm, font_dict, font_size):
            y = (tm[5] * cm[3]) + cm[5]
            if 22 * mm <= y <= 297 * mm - 24 * mm and text.strip():
                parts.append((y, text.strip()))

        page.extract_text(visitor_text=visit)
        lines.append(min(parts)[1] if parts else "")
    return lines


@pytest.mark.parametrize("copy,labels", [("clinical", CLINICAL_LABELS), ("patient", PATIENT_LABELS)])
def test_no_page_ends_with_a_section_heading(copy, labels):
    consultation = demo_consultation(version=demo_version(), clinician=demo_clinician())
    pdf = render_pdf(record_data(consultation=consultation, revision=1), copy)

    endings = last_body_line_of_each_page(pdf)

    headings = set(labels.values())
    assert len(endings) > (10 if copy == "clinical" else 5)
    assert [line for line in endings if line in headings] == []
