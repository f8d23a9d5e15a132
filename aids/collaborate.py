"""CollaboRATE: three questions the patient answers alone about the visit.

CollaboRATE (Elwyn G, Barr PJ, Grande SW, Thompson R, Walsh T, Ozanne EM. Developing
CollaboRATE: a fast and frugal patient-reported measure of shared decision making in
clinical encounters. Patient Educ Couns 2013;93(1):102-107, doi:10.1016/j.pec.2013.05.009;
the 0-9 scale and its scoring: Barr PJ et al., J Med Internet Res 2014;16(1):e2,
doi:10.2196/jmir.3085) is licensed CC BY-NC-ND 3.0: its words and scale are used
exactly as published, never changed. Its authors advise answering in private, within
24-48 hours of the visit, because answers given in front of the clinician run high:
so the patient copy carries a one-time link (``invite_issue``), and answers are
stored (``response_submit``) apart from the record and never shown back as a grade.
"""

import hashlib
import secrets
from datetime import timedelta

from django.db import IntegrityError, transaction
from django.utils import timezone

from aids.models import CollaborateInvite, CollaborateResponse, SiteSettings
from aids.public_links import collaborate_url

CITATION = ("Elwyn G, Barr PJ, Grande SW, Thompson R, Walsh T, Ozanne EM. Developing "
            "CollaboRATE: a fast and frugal patient-reported measure of shared decision making "
            "in clinical encounters. Patient Educ Couns 2013;93(1):102-107.")
LICENCE = "CollaboRATE is licensed under CC BY-NC-ND 3.0 and is used here unchanged."

# The published patient version, unchanged (the licence allows no changes).
OPENING = "Thinking about the appointment you have just had"
ITEMS = [
    ("understand", "How much effort was made to help you understand your health issues?"),
    ("listen", "How much effort was made to listen to the things that matter most to you "
               "about your health issues?"),
    ("include", "How much effort was made to include what matters most to you in choosing "
                "what to do next?"),
]
ITEM_KEYS = [key for key, _text in ITEMS]
SCALE = list(range(10))
SCALE_ANCHORS = {0: "No effort was made", 9: "Every effort was made"}
TOP_BOX = 9

TOKEN_BYTES = 16  # 22 characters in the URL: short enough for a small QR code


class InviteRefused(Exception):
    """The link cannot be used; ``reason`` is "unknown", "used" or "expired"."""

    def __init__(self, reason):
        super().__init__(reason)
        self.reason = reason


def token_new():
    return secrets.token_urlsafe(TOKEN_BYTES)


def token_hash(token):
    return hashlib.sha256(token.encode("utf-8", "replace")).hexdigest()


def invite_store(*, consultation, token, channel=CollaborateInvite.Channel.PATIENT_COPY,
                 expires_at=None):
    """Keep the hash of ``token`` (never the token) for ``consultation``; it works once and
    expires at ``expires_at`` (default: the site setting's days from now). Call inside the
    caller's transaction."""
    if expires_at is None:
        expires_at = timezone.now() + timedelta(days=SiteSettings.current().collaborate_link_days)
    return CollaborateInvite.objects.create(
        consultation=consultation, token_hash=token_hash(token), channel=channel,
        expires_at=expires_at)


def collaborate_link(now):
    """(token, (url, expires)) for a patient copy made at ``now``, or (None, None) when the
    site has no public address (a link that cannot be printed is never issued)."""
    site = SiteSettings.current()
    token = token_new()
    url = collaborate_url(token, site)
    if not url:
        return None, None
    return token, (url, now + timedelta(days=site.collaborate_link_days))


def invite_issue(*, consultation, channel=CollaborateInvite.Channel.SHARED_SCREEN):
    """A new token (returned; only its hash is kept) for the consultation's CollaboRATE page."""
    token = token_new()
    invite_store(consultation=consultation, token=token, channel=channel)
    return token


def collaborate_answered(consultation):
    """True once the patient has answered (never which answers: they are not shown back)."""
    return CollaborateResponse.objects.filter(consultation_id=consultation.pk).exists()


def invite_open(token, *, now=None):
    """The invite ``token`` names, if it may still be answered; else ``InviteRefused``."""
    now = now or timezone.now()
    invite = CollaborateInvite.objects.filter(token_hash=token_hash(token or "")).first()
    if invite is None:
        raise InviteRefused("unknown")
    if invite.used_at is not None or CollaborateResponse.objects.filter(
            consultation_id=invite.consultation_id).exists():
        raise InviteRefused("used")
    if invite.expires_at <= now:
        raise InviteRefused("expired")
    return invite


def response_submit(*, token, answers, now=None):
    """Store the three answers (``{key: 0..9}``) through the link ``token``; the link then
    works no more. ``InviteRefused`` when it is unknown, used or expired; ``ValueError``
    when an answer is missing or out of the scale."""
    now = now or timezone.now()
    clean = {}
    for key in ITEM_KEYS:
        value = answers.get(key)
        if value not in SCALE:
            raise ValueError(key)
        clean[key] = value
    with transaction.atomic():
        invite = invite_open(token, now=now)
        claimed = CollaborateInvite.objects.filter(pk=invite.pk, used_at__isnull=True).update(
            used_at=now)
        if not claimed:  # another tab or device used it a moment ago
            raise InviteRefused("used")
        try:
            with transaction.atomic():
                return CollaborateResponse.objects.create(
                    consultation_id=invite.consultation_id, invite=invite, **clean)
        except IntegrityError:  # answered through another link of the same consultation
            raise InviteRefused("used") from None
