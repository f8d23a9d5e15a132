"""The rows of the consultation list, written directly: a page lists up to 20, and
as a template loop each row (two sentences with a date, a link, a status) cost more
than the rest of the page, so the list of 20 cost twice the list of one."""

from django import template
from django.template.defaultfilters import date as date_filter
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.translation import gettext

from aids.walkthrough.rows import plain_escape

register = template.Library()


@register.simple_tag
def consultation_items(consultations, user):
    """One ``<li>`` per consultation: a link to go on with it (or to its record, when it
    is final or a team member's), its record number, who (for a team member's), when
    it started, its status and the content version."""
    team = plain_escape(gettext("(your team)"))
    rows = []
    for c in consultations:
        others = c.clinician_id != user.pk
        href = reverse("consultation_record" if c.is_final or others else "consultation_resume", args=[c.pk])
        who = ""
        if others:
            name = c.clinician.get_full_name() or c.clinician.get_username()
            who = f" &middot; {plain_escape(name)} {team}"
        when = plain_escape(date_filter(timezone.localtime(c.created_at), "j M Y, H:i"))
        started = gettext("started %(when)s") % {"when": when}
        version = gettext("version %(number)s") % {"number": plain_escape(c.version.number)}
        rows.append(
            f'\n  <li class="consultation-item">\n    <a href="{plain_escape(href)}">\n'
            f'      <span class="ref">{plain_escape(c.patient_ref)}</span>\n    </a>\n'
            f'    <span class="meta">{plain_escape(c.record_id)}{who} &middot; {started} &middot; '
            f"{plain_escape(c.get_status_display())} &middot; {version}</span>\n  </li>")
    return mark_safe("".join(rows))
