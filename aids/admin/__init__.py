"""The content admin: aids, versions and every part of a version.

Registered here: ``Aid`` and ``AidVersion`` (``aids.admin.versions``). A version's
page is its overview; its parts are edited as inlines (``aids.admin.inlines``) on
a page per kind of part (``aids.admin.parts``, ``aids.admin.editor``).
"""

from aids.admin import reports, site, translations, versions  # noqa: F401  (registers the model admins)
