"""Stale content is never shown as current: on screen and in the record."""

import datetime

import pytest

from walkthrough_support import published_aid, start_consultation, step_url, visible_text

pytestmark = pytest.mark.django_db


def test_steps_say_when_the_pinned_content_is_past_its_review_date(clinician_client):
    published_aid(next_review_due="2020-01-31")
    consultation = start_consultation(clinician_client)

    text = visible_text(clinician_client.get(step_url(consultation, "benefits")).content.decode())

    assert "Content past its review date: this version was due for review on 31 January 2020." in text


def test_steps_say_nothing_when_the_review_is_not_due(clinician_client):
    due = (datetime.date.today() + datetime.timedelta(days=300)).isoformat()
    published_aid(next_review_due=due)
    consultation = start_consultation(clinician_client)

    text = visible_text(clinician_client.get(step_url(consultation, "benefits")).content.decode())

    assert "past its review date" not in text
