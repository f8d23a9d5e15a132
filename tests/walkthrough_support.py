"""Helpers for the walkthrough tests: published aids of any size, and posting steps.

``published_aid`` imports a document through the interchange (as the factories do)
and then publishes it directly, without the quality gates, so tests can build
aids far larger than real content (for the query-count tests).
"""

import re

from django.db.models import Max
from django.urls import reverse
from django.utils import timezone

from aids.models import AidVersion, Consultation
from factories import make_draft

SURE_TEXTS = [
    "Do you feel SURE about the best choice for you?",
    "Do you know the benefits and risks of each option?",
    "Are you clear about which benefits and risks matter most to you?",
    "Do you have enough support and advice to make a choice?",
]


def publish_directly(draft):
    """Publish ``draft`` as its aid's next version, skipping the quality gates."""
    from aids.publishing import version_digest

    now = timezone.now()
    for previous in AidVersion.objects.filter(aid=draft.aid, status=AidVersion.Status.PUBLISHED):
        previous.status = AidVersion.Status.RETIRED
        previous.retired_at = now
        previous.save(update_fields=["status", "retired_at"])
    highest = AidVersion.objects.filter(aid=draft.aid).aggregate(n=Max("number"))["n"] or 0
    draft.status = AidVersion.Status.PUBLISHED
    draft.number = highest + 1
    draft.published_at = now
    draft.digest = version_digest(draft)
    draft._publishing = True
    draft.save()
    del draft._publishing
    return draft


def _outcome(title, numerator, **extra):
    return {
        "title": title, "description": f"{title}: about {numerator} in 100 people.",
        "numerator": numerator, "denominator": 100, "unknown_reason": "",
        "time_frame": "In the first year", "certainty": "low", "certainty_note": "",
        "references": ["R1"], **extra,
    }


def big_overrides(n):
    """Version keys for an aid with ``n`` of every kind of item."""
    options = [{"key": f"opt-{i}", "name": f"Option {i}", "summary": f"Summary {i}."} for i in range(n)]
    questions = [{"key": f"q-{i}", "text": f"Grid question {i}?"} for i in range(n)]
    return {
        "sections": [{"heading": f"Section {i}", "body": f"Body {i}."} for i in range(n)],
        "benefits": [_outcome(f"Benefit {i}", i % 100) for i in range(n)],
        "risks": [_outcome(f"Risk {i}", i % 100, severity="minor", lasting="no") for i in range(n)],
        "criteria": [{"statement": f"Criterion {i}.", "explanation": f"About {i}."} for i in range(n)],
        "options": options,
        "grid_questions": questions,
        "grid_answers": [
            {"option": o["key"], "question": q["key"], "text": f"{o['name']} / {q['text']}", "references": ["R1"]}
            for o in options for q in questions
        ],
        "value_statements": [{"text": f"Value {i}."} for i in range(n)],
        "understanding_questions": [
            {"statement": f"Statement {i}.", "correct_answer": "true", "explanation": f"Because {i}."}
            for i in range(n)
        ],
    }


def published_aid(aid_slug="tractotomy", **overrides):
    return publish_directly(make_draft(aid_slug, **overrides))


def start_consultation(client, patient_ref="Clinic-A 17", **extra):
    """Start a consultation through the start page; return it."""
    data = {"start-patient_ref": patient_ref, "start-language": "English", "start-present": ["patient"]}
    data.update(extra)
    response = client.post(reverse("consultation_new"), data)
    assert response.status_code == 302, response.content.decode()[:2000]
    return Consultation.objects.latest("pk")


def step_url(consultation, key):
    return reverse("consultation_step", args=[consultation.pk, key])


def revision(consultation, key):
    consultation.refresh_from_db()
    return str((consultation.step_revisions or {}).get(key, 0))


def form_data(response):
    """The values a browser would post for the step form on ``response``'s page
    (text inputs, textareas, checked boxes and radios, hidden inputs)."""
    html = response.content.decode()
    form = re.search(r'<form id="step-form".*?</form>', html, re.S).group(0)
    data = {}
    for tag in re.finditer(r"<input\b[^>]*>", form):
        attrs = dict(re.findall(r'(\w[\w-]*)="([^"]*)"', tag.group(0)))
        name, kind = attrs.get("name"), attrs.get("type", "text")
        if not name or kind in ("submit", "button"):
            continue
        if kind in ("checkbox", "radio"):
            if re.search(r"\schecked\b", tag.group(0)):
                data.setdefault(name, []).append(attrs.get("value", "on"))
            continue
        data.setdefault(name, []).append(_unescape(attrs.get("value", "")))
    for m in re.finditer(r'<textarea\b[^>]*name="([^"]+)"[^>]*>(.*?)</textarea>', form, re.S):
        text = m.group(2)
        if text.startswith("\n"):
            text = text[1:]
        data.setdefault(m.group(1), []).append(_unescape(text))
    return data


def _unescape(text):
    import html

    return html.unescape(text)


def visible_text(html):
    """The text a person reads on a page (tags, scripts and styles removed)."""
    import html as html_lib

    html = re.sub(r"<(script|style)\b.*?</\1>", " ", html, flags=re.S)
    html = re.sub(r"<[^>]+>", " ", html)
    return re.sub(r"\s+", " ", html_lib.unescape(html)).strip()


def post_step(client, consultation, key, changes=None, nav="next", **extra):
    """GET the step, take what the browser would post, apply ``changes``, POST it."""
    page = client.get(step_url(consultation, key))
    assert page.status_code == 200, page.content.decode()[:2000]
    data = form_data(page)
    for name, value in (changes or {}).items():
        if value is None:
            data.pop(name, None)
        else:
            data[name] = value if isinstance(value, list) else [value]
    data["nav"] = [nav]
    data.update({k: [v] for k, v in extra.items()})
    return client.post(step_url(consultation, key), data)


def pdf_texts(consultation):
    """{variant: text} of the newest stored PDFs of ``consultation`` (parsed with pypdf),
    whitespace made single spaces."""
    import io

    from pypdf import PdfReader

    latest = {}
    for doc in consultation.documents.order_by("revision"):
        latest[doc.variant] = doc
    return {variant: re.sub(r"\s+", " ", " ".join(
        p.extract_text() or "" for p in PdfReader(io.BytesIO(bytes(doc.pdf))).pages))
        for variant, doc in latest.items()}
