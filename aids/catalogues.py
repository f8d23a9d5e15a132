"""The message catalogues' fallback chains, without the links that translate nothing.

For each language Django chains the catalogues of Django and of every installed app.
For British English (the site's language) each of them adds an ``en`` catalogue that
holds nothing but its header, five in all, and every word looked up that is not in the
first catalogue walks all five: a page in English looks up every word it shows, so a
step page walked them some forty times, the review some four hundred. A catalogue
without messages answers nothing, so dropping it from the chain changes no
translation (tests/test_i18n.py compares every word of every catalogue).
"""

import gettext as gettext_module

from django.conf import settings
from django.utils.translation import trans_real


def trim_fallbacks(translation):
    """Unlink from ``translation``'s chain every catalogue that translates nothing."""
    node = translation
    while node is not None:
        following = node._fallback
        while following is not None and _translates_nothing(following):
            following = following._fallback
        node._fallback = following
        node = following
    return translation


def _translates_nothing(catalogue):
    return (type(catalogue) is gettext_module.GNUTranslations
            and all(key == "" for key in catalogue._catalog))  # "" is the header


def trim_site_languages():
    """Trim the catalogues of the site's language and of every language it offers."""
    for code in {settings.LANGUAGE_CODE, *(code for code, _name in settings.LANGUAGES)}:
        trim_fallbacks(trans_real.translation(code))
