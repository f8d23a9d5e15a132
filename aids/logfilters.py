"""Keep patient references out of server logs.

The list search puts the patient reference in the URL (``GET /?q=...``, so that a
search can be bookmarked within the session and paged). ``RedactQueryStrings``, on
every handler of ``settings.LOGGING`` (the runserver access log ``django.server``
included), removes query strings from each log line. gunicorn's access log is set in
``gunicorn.conf.py`` to log the path without its query string and without the Referer.
"""

import logging
import re

QUERY = re.compile(r"\?[^\s\"'<>]+")
REMOVED = "?[query removed]"


def redact(text):
    return QUERY.sub(REMOVED, text)


class RedactQueryStrings(logging.Filter):
    def filter(self, record):
        try:
            message = record.getMessage()
        except Exception:  # noqa: BLE001 - a malformed record is logged as it is
            return True
        cleaned = redact(message)
        if cleaned != message:
            record.msg, record.args = cleaned, ()
        return True
