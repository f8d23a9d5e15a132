"""The PDF discussion record.

``storage.record_render`` builds both copies of the next revision (no lock held) and
``storage.record_store`` keeps their bytes; ``views.record_download`` returns those
bytes unchanged. The rendering is
split by concern: ``data`` (what the record says), ``sections`` (story builders),
``pdf`` (renderer and page furniture), ``text`` (the one escaping helper),
``styles``, ``fonts`` and ``graphics`` (vector icon arrays).
"""
