"""The content admin: aids, versions and every part of a version.

Registered here: ``Aid`` and ``AidVersion`` (``aids.admin.versions``); parts are
edited as inlines of their version (``aids.admin.inlines``).
"""

from aids.admin import site, versions  # noqa: F401  (registers the model admins)
