"""gunicorn settings, read from the working directory (``gunicorn sdm.wsgi``).

The access log gives the path without its query string and without the Referer: the
list search carries the patient reference in the query (``/?q=...``), and no patient
reference may reach a log. Override on the command line only with a format that keeps
``%(U)s`` (path) instead of ``%(r)s`` (request line) and leaves out ``%(f)s`` (Referer).
"""

accesslog = "-"
access_log_format = '%(h)s %(l)s %(u)s %(t)s "%(m)s %(U)s %(H)s" %(s)s %(b)s %(M)sms "%(a)s"'

# A worker answering nothing for this long is restarted. Record PDFs are drawn at low
# CPU priority (RECORD_RENDER_NICENESS): on a busy server a long record's finalize may
# take well over gunicorn's default of 30 s, and must not be cut off.
timeout = 120
