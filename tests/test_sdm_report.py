"""The shared decision-making report in the admin (aids/reports.py, aids/admin/reports.py):
its figures on a seeded dataset, its CSV, its permission and no patient reference."""

import csv
import datetime
import io

import pytest
from django.utils import timezone

from aids.consultations import consultation_start
from aids.models import Consultation, SiteSettings
from aids.publishing import version_new_draft, version_publish
from aids.reports import sdm_report
from factories import make_approver, make_final_consultation, make_published, make_user

pytestmark = pytest.mark.django_db
URL = "/admin/aids/sdmreport/"
ALL_YES = {"sure": "yes", "understand": "yes", "risks_benefits": "yes", "encouragement": "yes"}


@pytest.fixture
def dataset(clinician):
    """Four finalized consultations (three on version 1, one on version 2) and one in progress."""
    SiteSettings(public_base_url="https://sdm.hospital.example").save()
    v1 = make_published()
    a = make_final_consultation(clinician, discussed=["benefits", "risks"], skipped=["criteria"],
                                sure_before=ALL_YES, sure_after=ALL_YES, collaborate=(9, 9, 9))
    b = make_final_consultation(clinician, discussed=["benefits"],
                                skipped=["alternatives", "criteria"],
                                sure_before={**ALL_YES, "sure": "no"}, sure_after=ALL_YES,
                                collaborate=(9, 9, 8))
    c = make_final_consultation(clinician, sure_after=ALL_YES)
    in_progress = consultation_start(clinician=clinician, patient_ref="P-OPEN")
    Consultation.objects.filter(pk=in_progress.pk).update(skipped_topics=["benefits"])
    v2 = version_publish(version=version_new_draft(version=v1, user=make_approver()),
                         user=make_approver(), change_note="Second version.")
    e = make_final_consultation(clinician, discussed=["benefits", "risks", "criteria", "alternatives"],
                                sure_before={"sure": "yes", "understand": "yes",
                                             "risks_benefits": "no"},
                                collaborate=(9, 9, 9))
    return {"v1": v1, "v2": v2, "final": [a, b, c, e], "open": in_progress}


def test_report_figures_on_the_seeded_dataset(dataset):
    report = sdm_report()
    title = dataset["v1"].aid.title
    assert report.total == 4
    assert report.versions == [(title, 1, 3), (title, 2, 1)]
    assert report.topics == [
        ("Benefits", 0, 1, 1),
        ("Risks", 0, 2, 2),
        ("When it is considered", 2, 1, 3),
        ("Alternatives", 1, 2, 3),
    ]
    assert [(before, after) for _q, before, after in report.sure] == [(2, 3), (3, 3), (2, 3), (2, 3)]
    before, after = report.sure_all_yes
    assert (before.count, before.of) == (1, 2)
    assert (after.count, after.of) == (3, 3)
    assert str(report.response_rate) == "3 of 4 (75%)"
    assert str(report.top_box_share) == "2 of 3 (67%)"


def test_report_counts_in_a_fixed_number_of_queries(dataset, django_assert_num_queries):
    with django_assert_num_queries(4):
        sdm_report()


def test_report_period_leaves_out_consultations_finalized_outside_it(dataset):
    day = timezone.localdate(dataset["final"][0].finalized_at)
    assert sdm_report(end=day - datetime.timedelta(days=1)).total == 0
    assert sdm_report(start=day, end=day).total == 4


def lead():
    return make_user("lead", perms=["aids.view_sdm_report"], is_staff=True)


def test_report_page_shows_the_figures_and_no_patient_reference(dataset, client):
    client.force_login(lead())
    response = client.get(URL)
    assert response.status_code == 200
    html = response.content.decode()
    assert "3 of 4 (75%)" in html and "2 of 3 (67%)" in html
    assert "<td>3 of 4</td>" in html  # criteria not discussed in 3 of the 4
    for c in [*dataset["final"], dataset["open"]]:
        assert c.patient_ref not in html and c.record_id not in html
    assert "dr_" not in html.split('id="content-main"', 1)[1]  # no clinician named


def test_report_csv_has_the_same_figures_and_no_patient_reference(dataset, client):
    client.force_login(lead())
    response = client.get(URL + "?format=csv")
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    text = response.content.decode()
    rows = {(r["section"], r["item"], r["figure"]): (r["count"], r["of"])
            for r in csv.DictReader(io.StringIO(text))}
    title = dataset["v1"].aid.title
    assert rows[("consultations per aid version", f"{title}, version 1", "finalized")] == ("3", "4")
    assert rows[("topics not discussed", "Alternatives", "not discussed (both)")] == ("3", "4")
    assert rows[("SURE", "all four yes", "before")] == ("1", "2")
    assert rows[("CollaboRATE", "response rate", "answered of offered")] == ("3", "4")
    assert rows[("CollaboRATE", "top-box share", "9 on all three items")] == ("2", "3")
    for c in [*dataset["final"], dataset["open"]]:
        assert c.patient_ref not in text and c.record_id not in text


def test_report_needs_its_permission(dataset, client):
    staff = make_user("editor", is_staff=True)
    client.force_login(staff)
    assert client.get(URL).status_code == 403
    assert client.get(URL + "?format=csv").status_code == 403
    assert "Shared decision-making report" not in client.get("/admin/").content.decode()
    client.force_login(lead())
    assert "Shared decision-making report" in client.get("/admin/").content.decode()


def test_report_period_in_the_wrong_order_is_refused_with_a_message(dataset, client):
    client.force_login(lead())
    response = client.get(URL + "?start=2026-12-31&end=2026-01-01&format=csv")
    assert response["Content-Type"].startswith("text/html")
    html = response.content.decode()
    assert "The first date is after the second: swap them." in html
    assert 'value="2026-12-31"' in html  # what was typed stays in the form


def test_report_csv_cannot_start_a_formula():
    from aids.reports import Report, report_csv

    report = Report(start=None, end=None, total=1, versions=[("=HYPERLINK(1)", 1, 1)])
    assert "'=HYPERLINK(1)" in report_csv(report)


def test_clinical_leads_in_the_content_approvers_group_read_the_report(dataset, client):
    from django.contrib.auth.models import Group

    lead_user = make_user("clinical_lead_2", is_staff=True)
    lead_user.groups.add(Group.objects.get(name="Content approvers"))  # as migration 0021 grants
    client.force_login(lead_user)

    assert client.get(URL).status_code == 200
    editor = make_user("content_editor_2", is_staff=True)
    editor.groups.add(Group.objects.get(name="Content editors"))
    client.force_login(editor)
    assert client.get(URL).status_code == 403
