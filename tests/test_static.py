"""Bootstrap comes from npm and is served by the app (WhiteNoise), never a CDN."""

import pytest
from django.core.management import call_command
from django.templatetags.static import static
from django.test import Client, override_settings

pytestmark = pytest.mark.django_db


def test_bootstrap_css_is_served_with_debug_off_after_collectstatic(tmp_path, settings):
    production_storage = {
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
        "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
    }
    with override_settings(
        DEBUG=False, STATIC_ROOT=tmp_path, STORAGES=production_storage,
        WHITENOISE_USE_FINDERS=False, WHITENOISE_AUTOREFRESH=False,
    ):
        call_command("collectstatic", interactive=False, verbosity=0)
        url = static("vendor/bootstrap/css/bootstrap.min.css")
        response = Client().get(url)

        assert url != "/static/vendor/bootstrap/css/bootstrap.min.css"  # hashed name
        assert response.status_code == 200
        body = b"".join(response.streaming_content)
        assert b"Bootstrap" in body[:200] and b"v5." in body[:200]
        assert "max-age" in response["Cache-Control"]
        # Brotli and gzip copies are written and served to browsers that accept them.
        assert list(tmp_path.rglob("bootstrap.min.*.css.br")) and list(tmp_path.rglob("bootstrap.min.*.css.gz"))
        br = Client().get(url, headers={"accept-encoding": "gzip, deflate, br"})
        assert br["Content-Encoding"] == "br"
        assert int(br["Content-Length"]) < len(body) / 4


def test_pages_link_only_local_assets(client):
    page = client.get("/accounts/login/").content.decode()

    assert "/static/vendor/bootstrap/css/bootstrap.min.css" in page
    assert "https://" not in page and "//cdn" not in page


def test_html_pages_are_compressed(clinician_client):
    plain = clinician_client.get("/")
    packed = clinician_client.get("/", headers={"accept-encoding": "gzip"})
    assert plain.status_code == packed.status_code == 200
    assert "Content-Encoding" not in plain
    assert packed["Content-Encoding"] == "gzip"
    assert len(packed.content) < len(plain.content) / 2
