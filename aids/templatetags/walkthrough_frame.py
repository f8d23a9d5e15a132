"""The frame of every consultation page, written directly: the consultation bar (who,
which record, which content, the view and language switches) and the step navigation
(progress and the list of steps, twice: collapsed on small screens, at the side on
large ones).

They are on every step, the review, the finalize page and the record, and were two
included templates costing about 1 ms a page, as much as the whole bare page; written
here they cost a tenth of that. Every value from the database or from a user goes
through ``plain_escape`` (Django's ``escape`` without its check for lazy text); the words
are the catalogue's, looked up as the templates did.
"""

from django import template
from django.conf import settings
from django.template.defaultfilters import date as date_filter
from django.urls import reverse
from django.utils.safestring import mark_safe
from django.utils.translation import get_language, gettext

from aids.vocabulary import STEPS
from aids.walkthrough.rows import plain_escape

register = template.Library()


_KEY = "step-key-here"  # a slug no step has, to put each step's key in its place
_TITLES = {}  # language -> {step key: the neutral title, escaped}


@register.simple_tag(takes_context=True)
def consultation_bar(context, form_id="", language_switch=False, demo_in_bar=False):
    """``form_id``: the switches are buttons that post that form (nothing typed is
    lost); without it they are links, and the language switch posts a form of its own."""
    return consultation_bar_html(
        consultation=context["consultation"], version=context["version"],
        patient_view=bool(context.get("patient_view")), path=context["request"].path,
        form_id=form_id, language_switch=language_switch, demo_in_bar=demo_in_bar,
        csrf_token=context.get("csrf_token"),
    )


def consultation_bar_html(*, consultation, version, patient_view, path, form_id="",
                          language_switch=False, demo_in_bar=False, csrf_token=None):
    content = gettext("%(title)s, version %(number)s") % {
        "title": plain_escape(version.title), "number": plain_escape(version.number)}
    # Words are looked up outside f-strings: xgettext (makemessages) reads no f-string.
    reference, record, shown = gettext("Patient reference"), gettext("Record"), gettext("Content")
    parts = [
        '<div class="consultation-bar">\n  <p class="consultation-id mb-0">\n'
        f'    <span class="label">{plain_escape(reference)}</span> '
        f"<strong>{plain_escape(consultation.patient_ref)}</strong>\n"
        '    <span class="sep" aria-hidden="true">&middot;</span>\n'
        f'    <span class="label">{plain_escape(record)}</span> {plain_escape(consultation.record_id)}\n'
        '    <span class="sep" aria-hidden="true">&middot;</span>\n'
        f'    <span class="label">{plain_escape(shown)}</span> {content}\n'
        '  </p>\n  <div class="view-switch">\n    ',
    ]
    target, words = ("clinician", gettext("Switch to clinician view")) if patient_view else (
        "patient", gettext("Switch to patient view"))
    if form_id:
        parts.append(f'<button type="submit" form="{plain_escape(form_id)}" name="nav" value="view:{target}" '
                     f'class="btn btn-outline-dark">{plain_escape(words)}</button>')
    else:
        parts.append(f'<a class="btn btn-outline-dark" href="{plain_escape(path)}?view={target}">'
                     f"{plain_escape(words)}</a>")
    # Pages with the list of steps say it there, where it adds no line to the page.
    if demo_in_bar and version.unreviewed_demo:
        demo = plain_escape(gettext("Demo content, not yet clinically reviewed"))
        parts.append(f'\n    <strong class="demo-label">{demo}</strong>')
    if language_switch and patient_view and not consultation.is_final:
        parts.append(_language_switch(consultation, path, form_id, csrf_token))
    parts.append("\n  </div>")
    if version.review_overdue():
        due = plain_escape(date_filter(version.next_review_due, "j F Y"))
        overdue = gettext(
            "<strong>Content past its review date:</strong> this version was due for review on "
            "%(due)s. The figures may not be up to date; the record will say so.") % {"due": due}
        parts.append(f'\n  <p class="review-overdue alert alert-warning mt-2 mb-0 py-2" role="note">'
                     f"{overdue}</p>")
    if patient_view:
        parts.append('\n  <p class="view-note mb-0">' + plain_escape(gettext(
            "Patient view: larger text; the clinician's notes, ticks and account controls are "
            "left out.")) + "</p>")
    parts.append("\n</div>")
    return mark_safe("".join(parts))


def _language_switch(consultation, path, form_id, csrf_token):
    """The language of the patient's view (issue 16), in that view only. On a step
    page each button posts the step's form, so nothing typed is lost."""
    chosen = consultation.language_code or settings.LANGUAGES[0][0]
    buttons = []
    for code, name in settings.LANGUAGES:
        code = plain_escape(code)
        target = (f'form="{plain_escape(form_id)}" name="nav" value="language:{code}"' if form_id
                  else f'form="language-form" name="language" value="{code}"')
        pressed = code == chosen
        buttons.append(
            f'\n      <button type="submit" {target} class="btn btn-sm '
            f'{"btn-dark" if pressed else "btn-outline-dark"}" lang="{code}" dir="auto" '
            f'aria-pressed="{"true" if pressed else "false"}">{plain_escape(str(name))}</button>')
    form = ""
    if not form_id:
        action = reverse("consultation_language", args=[consultation.pk])
        form = (f'\n      <form id="language-form" method="post" action="{plain_escape(action)}" class="d-none">'
                f'<input type="hidden" name="csrfmiddlewaretoken" value="{plain_escape(csrf_token or "")}">'
                f'<input type="hidden" name="next" value="{plain_escape(path)}"></form>')
    label = plain_escape(gettext("Patient's language"))
    return (
        '\n    <div class="language-switch" role="group" aria-labelledby="language-switch-label">\n'
        f'      <span class="label" id="language-switch-label">{label}</span>'
        + "".join(buttons) + form + "\n    </div>")


@register.simple_tag(takes_context=True)
def step_nav(context, form_id=""):
    """Progress and the list of steps; ``form_id`` as for ``consultation_bar``."""
    return step_nav_html(nav=context.get("nav") or (), number=context.get("number"),
                         total=context.get("total"), version=context["version"],
                         consultation=context["consultation"], form_id=form_id)


def step_nav_html(*, nav, number, total, version, consultation, form_id=""):
    steps = step_list_html(nav, form_id, consultation)
    demo = ('\n  <p class="demo-label demo-note"><strong>'
            + plain_escape(gettext("Demo content, not yet clinically reviewed")) + "</strong></p>"
            if version.unreviewed_demo else "")
    label, all_steps, jump, heading = (plain_escape(w) for w in (
        gettext("Steps of the consultation"), gettext("All steps"), gettext("(jump to a step)"),
        gettext("Steps")))
    return mark_safe(
        f'<nav class="step-nav" aria-label="{label}">\n'
        f'  <progress class="step-progress" max="{plain_escape(total)}" value="{plain_escape(number or 0)}" '
        f'aria-hidden="true"></progress>{demo}\n'
        '  <details class="step-list-toggle d-lg-none">\n'
        f'    <summary>{all_steps} <span class="visually-hidden">'
        f'{jump}</span></summary>\n    {steps}\n  </details>\n'
        '  <div class="d-none d-lg-block">\n'
        f'    <h2 class="step-list-heading">{heading}</h2>\n    {steps}\n  </div>\n'
        "</nav>")


def step_list_html(nav, form_id, consultation):
    """The list of steps. Each entry is the current step, a button that posts the
    step's form and goes on (``form_id``: nothing typed is lost), or a link."""
    this_step, skipped_tag = plain_escape(gettext("(this step)")), ""
    # Every link is the same URL but for the step's key: reversed once, not per step.
    href = plain_escape(reverse("consultation_step", args=[consultation.pk, _KEY])) if not form_id else ""
    titles = _TITLES.setdefault(get_language(), {})
    entries = []
    for entry in nav:
        step = entry["step"]
        if step.title is STEPS[step.key].title:  # the neutral title: looked up once per language
            title = titles.get(step.key)
            if title is None:
                title = titles[step.key] = plain_escape(str(step.title))
        else:  # the version's own words
            title = plain_escape(str(step.title))
        classes = "step-entry" + (" is-current" if entry["current"] else "") + (
            " is-skipped" if entry["skipped"] else "")
        number = plain_escape(entry["number"]) if entry["number"] else "&ndash;"
        if entry["current"]:
            link = (f'<span class="step-entry-link" aria-current="step">{title}'
                    f'<span class="visually-hidden"> {this_step}</span></span>')
        elif form_id:
            link = (f'<button type="submit" form="{plain_escape(form_id)}" name="nav" '
                    f'value="goto:{plain_escape(step.key)}" class="step-entry-link">{title}</button>')
        else:
            link = f'<a class="step-entry-link" href="{href.replace(_KEY, plain_escape(step.key))}">{title}</a>'
        if entry["skipped"] and not skipped_tag:
            skipped_tag = '<span class="step-entry-tag">' + plain_escape(gettext("skipped")) + "</span>"
        tag = skipped_tag if entry["skipped"] else ""
        entries.append(
            f'\n  <li class="{classes}">\n    <span class="step-entry-number" aria-hidden="true">'
            f"{number}</span>\n    {link}\n    {tag}\n  </li>")
    return mark_safe('<ol class="step-list">' + "".join(entries) + "\n</ol>")


@register.simple_tag(takes_context=True)
def step_heading(context):
    """A step page's heading (its number among the steps taken, and its title) and,
    for a topic the patient chose to skip, the note that says so."""
    number = context.get("number") or "-"
    counted = gettext("Step %(number)s of %(total)s") % {
        "number": plain_escape(number), "total": plain_escape(context.get("total"))}
    html = (f'<h1 class="step-title" tabindex="-1" data-focus-start><span class="step-number">'
            f'{counted}</span> {plain_escape(str(context["step"].title))}</h1>')
    if context.get("is_skipped"):
        skipped = plain_escape(gettext(
            'The patient chose to skip this topic. It is listed on the record as not discussed. '
            'To include it, change the choice on the "Choose topics" page.'))
        html += f'\n    <div class="alert alert-info">{skipped}</div>'
    return mark_safe(html)


@register.simple_tag(takes_context=True)
def step_actions(context):
    """Back, Save and Next at the foot of a step's form (Save where it has fields), and
    the background save's status line."""
    from aids.templatetags.walkthrough_fields import once_per_language

    previous, following = context.get("previous"), context.get("following")
    has_forms = context["page"].has_forms
    buttons = []
    if previous:
        back = plain_escape(gettext("Back"))
        buttons.append(f'<button type="submit" name="nav" value="back" class="btn btn-outline-primary btn-lg">'
                       f'{back}<span class="visually-hidden">: {plain_escape(str(previous.title))}</span></button>')
    if has_forms:
        save = plain_escape(gettext("Save"))
        buttons.append('<button type="submit" name="nav" value="stay" class="btn btn-outline-secondary btn-lg">'
                       f"{save}</button>")
    if following:
        onward = gettext("Next: %(title)s") % {"title": plain_escape(str(following.title))}
        buttons.append(f'<button type="submit" name="nav" value="next" class="btn btn-primary btn-lg">{onward}</button>')
    status = once_per_language("walkthrough/partials/autosave_status.html") if has_forms else ""
    return mark_safe('<div class="step-actions">\n        ' + "\n        ".join(buttons)
                     + f"\n      </div>\n      {status}")
