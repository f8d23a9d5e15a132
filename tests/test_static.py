"""Bootstrap comes from npm and is served by the app (WhiteNoise), never a CDN."""

import re

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


def unmasked(html):
    """The page without its CSRF token (masked afresh in each response)."""
    return re.sub(rb'name="csrfmiddlewaretoken" value="[^"]+"', b"", html)


def test_html_pages_are_brotli_compressed_for_browsers_that_take_it(clinician_client):
    import brotli

    plain = clinician_client.get("/").content
    sizes = set()
    for encoding in ("gzip, deflate, br, zstd", "br;q=1.0, gzip;q=0.8", "BR"):
        packed = clinician_client.get("/", headers={"accept-encoding": encoding})
        assert packed["Content-Encoding"] == "br" and "Accept-Encoding" in packed["Vary"]
        assert int(packed["Content-Length"]) == len(packed.content) < len(plain) / 2
        page = brotli.decompress(packed.content)
        # The page, then a comment of random length (BREACH): nothing else changed.
        body, end, padding = page.partition(b"</html>")
        assert unmasked(body + end) == unmasked(plain.rstrip()) and re.fullmatch(rb"\s*<!--\w*-->", padding)
        sizes.add(len(page))
    for _ in range(10):
        sizes.add(len(brotli.decompress(clinician_client.get("/", headers={"accept-encoding": "br"}).content)))
    assert len(sizes) > 3  # the padding varies from response to response


@pytest.mark.parametrize("encoding", ["gzip, br;q=0", "gzip, deflate", "gzip, brx"])
def test_without_brotli_pages_are_gzipped(clinician_client, encoding):
    packed = clinician_client.get("/", headers={"accept-encoding": encoding})
    assert packed["Content-Encoding"] == "gzip"


def test_json_replies_are_never_padded(clinician_client):
    from aids.compression import CompressionMiddleware
    from django.http import JsonResponse
    from django.test import RequestFactory

    request = RequestFactory().get("/", headers={"accept-encoding": "br, gzip"})
    reply = CompressionMiddleware(lambda r: JsonResponse({"saved": True, "text": "x" * 500}))(request)
    assert reply["Content-Encoding"] == "gzip"
