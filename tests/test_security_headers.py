import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db

PAGES = ["/accounts/login/", "/healthz", "/", "/accounts/password/", "/admin/"]


@pytest.mark.parametrize("path", PAGES)
def test_every_page_sends_the_security_headers(clinician_client, path):
    response = clinician_client.get(path)

    csp = response["Content-Security-Policy"]
    assert "default-src 'self'" in csp
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp
    assert "frame-ancestors 'none'" in csp
    assert response["X-Frame-Options"] == "DENY"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Content-Type-Options"] == "nosniff"


def test_base_template_has_no_inline_script_or_style(client):
    page = client.get(reverse("login")).content.decode()

    assert "<script>" not in page and "<style" not in page and "style=" not in page
    assert '<html lang="en-gb" dir="ltr">' in page
    assert 'href="#main"' in page and 'id="main"' in page
    assert "does not recommend any treatment" in page
