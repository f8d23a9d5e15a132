"""Pages compressed with brotli where the browser takes it, gzip otherwise.

gzip looks back at most 32 KB, so a long page whose rows repeat further apart than
that (a risks step of an aid ten times the bundled one: 340 KB of HTML) still came
to 35 KB; brotli, looking back megabytes, makes it 11 KB, in the same CPU time at
quality 5. Every browser a hospital runs takes brotli (over HTTPS, and Chromium on
a loopback address).

Against BREACH (reading a secret from the length of compressed pages), Django's
``GZipMiddleware`` adds up to 100 random bytes to each gzip header; brotli has no such
header, so the same length of random letters goes in a comment after the page's end
(``</html>``), where browsers keep it out of the document's content. Pages also send
``no-store`` and Django masks the CSRF token afresh in each response.

Anything else (JSON replies, PDFs, streamed responses, a browser without brotli) is
left to ``GZipMiddleware``.
"""

import secrets

import brotli
from django.middleware.gzip import GZipMiddleware
from django.utils.cache import patch_vary_headers

BROTLI_QUALITY = 5
MAX_RANDOM_BYTES = 100


def accepts_brotli(request):
    """``br`` named in Accept-Encoding and not refused with ``q=0``."""
    for part in request.META.get("HTTP_ACCEPT_ENCODING", "").split(","):
        coding, _sep, params = part.strip().partition(";")
        if coding.strip().lower() != "br":
            continue
        quality = params.strip().lower()
        if quality.startswith("q="):
            try:
                return float(quality[2:]) > 0
            except ValueError:
                return False
        return True
    return False


def random_padding():
    length = secrets.randbelow(MAX_RANDOM_BYTES + 1)
    letters = secrets.token_urlsafe(MAX_RANDOM_BYTES).replace("-", "_")[:length]
    return f"\n<!--{letters}-->".encode()


class CompressionMiddleware(GZipMiddleware):
    def process_response(self, request, response):
        if (response.streaming or len(response.content) < 200 or response.has_header("Content-Encoding")
                or not response.get("Content-Type", "").startswith("text/html")
                or not accepts_brotli(request)):
            return super().process_response(request, response)
        patch_vary_headers(response, ("Accept-Encoding",))
        compressed = brotli.compress(response.content + random_padding(), quality=BROTLI_QUALITY,
                                     mode=brotli.MODE_TEXT)
        if len(compressed) >= len(response.content):
            return response
        response.content = compressed
        response.headers["Content-Length"] = str(len(compressed))
        etag = response.get("ETag")
        if etag and etag.startswith('"'):
            response.headers["ETag"] = "W/" + etag
        response.headers["Content-Encoding"] = "br"
        return response
