"""Helpers for the browser tests (Playwright driving Debian's Chromium)."""

import os
from pathlib import Path

from axe_playwright_python.sync_playwright import Axe

ARTIFACTS = Path(__file__).resolve().parent.parent / "test-artifacts"
SCREENS = {"phone": (390, 844), "tablet": (820, 1180), "desktop": (1366, 768)}

_axe = Axe()


def axe_violations(page):
    """All axe-core violations on the page (every impact level), as readable lines."""
    results = _axe.run(page)
    return [
        f"{v['id']} ({v.get('impact')}): {v['help']} -> "
        + "; ".join(n["target"][0] if isinstance(n["target"][0], str) else str(n["target"]) for n in v["nodes"][:5])
        for v in results.response["violations"]
    ]


def screenshot(page, name):
    """A full-page screenshot in test-artifacts/screenshots/ (PNG), or, when
    SCREENS_DIR is set (``scripts/screens``), in that folder as a small JPEG."""
    target = os.environ.get("SCREENS_DIR")
    folder = Path(target) if target else ARTIFACTS / "screenshots"
    folder.mkdir(parents=True, exist_ok=True)
    if target:
        path = folder / f"{name}.jpg"
        page.screenshot(path=str(path), full_page=True, type="jpeg", quality=55)
    else:
        path = folder / f"{name}.png"
        page.screenshot(path=str(path), full_page=True)
    return path


def log_in(page, live_server, username, password):
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_load_state()


def open_all_details(page):
    """Open every disclosure on the page: each item's details layer."""
    return page.evaluate("() => { const all = document.querySelectorAll('details');"
                         " all.forEach(d => { d.open = true; }); return all.length; }")


def has_horizontal_scroll(page):
    return page.evaluate("document.documentElement.scrollWidth > document.documentElement.clientWidth + 1")


os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


PASSWORD = "a-long-test-password"


def load_real_aid():
    """The bundled tractotomy aid, published as version 1: what patients really see."""
    import io

    from django.core.management import call_command

    call_command("load_aid", publish_demo=True, stdout=io.StringIO())


def new_page(browser, live_server, size="desktop", username="dr_amal", **context_options):
    """A fresh context at one of SCREENS (or a (width, height) pair), logged in."""
    width, height = SCREENS[size] if isinstance(size, str) else size
    context = browser.new_context(viewport={"width": width, "height": height}, **context_options)
    page = context.new_page()
    if username:
        log_in(page, live_server, username, PASSWORD)
    return context, page


# The element that has focus, described, and whether its focus can be seen: an
# outline or a box-shadow, on screen.
FOCUS_JS = r"""async () => {
  const el = document.activeElement;
  if (!el || el === document.body) return {key: 'body', tag: 'body', label: '', group: '', name: '', visible: false};
  const cs = getComputedStyle(el);
  const outline = cs.outlineStyle !== 'none' && parseFloat(cs.outlineWidth) > 0;
  const shadow = cs.boxShadow && cs.boxShadow !== 'none';
  // Bootstrap scrolls smoothly: give the scroll that brings focus into view time to end.
  const isOnScreen = () => {
    const r = el.getBoundingClientRect();
    return r.bottom > 0 && r.top < innerHeight && r.right > 0 && r.left < innerWidth;
  };
  for (let i = 0; i < 60 && !isOnScreen(); i++) await new Promise(requestAnimationFrame);
  const onScreen = isOnScreen();
  const name = (el.getAttribute('aria-label') || el.innerText || el.value || '').trim().slice(0, 60);
  const key = el.type === 'radio' ? 'radio:' + el.name
    : el.id ? '#' + el.id : el.tagName.toLowerCase() + ':' + (el.name || '') + ':' + (el.value || '') + ':' + name;
  const text = (t) => (t || '').replace(/\s+/g, ' ').trim();
  const label = text(el.labels && el.labels.length ? el.labels[0].innerText : el.getAttribute('aria-label') || el.innerText);
  const fieldset = el.closest('fieldset');
  const legend = fieldset && fieldset.querySelector('legend');
  return {key, tag: el.tagName.toLowerCase(), type: el.type || '', name, label, group: text(legend && legend.innerText),
          checked: !!el.checked, value: el.value === undefined ? '' : String(el.value),
          visible: (outline || shadow) && onScreen};
}"""

# Every control a keyboard user must be able to reach inside ``root``, keyed as FOCUS_JS keys them.
CONTROLS_JS = """(root) => {
  const sel = 'a[href], button, input, select, textarea, summary, [tabindex]';
  const keys = new Set();
  for (const el of document.querySelector(root).querySelectorAll(sel)) {
    if (el.disabled || el.type === 'hidden' || el.getAttribute('tabindex') === '-1') continue;
    if (!el.getClientRects().length || getComputedStyle(el).visibility === 'hidden') continue;
    // What a closed <details> holds is reached once its summary is opened.
    const closed = el.closest('details:not([open])');
    if (closed && !(el.tagName === 'SUMMARY' && el.parentElement === closed)) continue;
    const name = (el.getAttribute('aria-label') || el.innerText || el.value || '').trim().slice(0, 60);
    keys.add(el.type === 'radio' ? 'radio:' + el.name
      : el.id ? '#' + el.id : el.tagName.toLowerCase() + ':' + (el.name || '') + ':' + (el.value || '') + ':' + name);
  }
  return [...keys];
}"""


def focused(page):
    return page.evaluate(FOCUS_JS)


def controls(page, root="main"):
    return set(page.evaluate(CONTROLS_JS, root))


# Text cut off: an element that hides its overflow while its content is larger.
CLIPPED_JS = """() => {
  const out = [];
  for (const el of document.querySelectorAll('body *')) {
    if (el.matches('.visually-hidden, .visually-hidden *, input, textarea, select, svg *, script, style')) continue;
    const cs = getComputedStyle(el);
    if (cs.display === 'none') continue;
    const hidesX = ['hidden', 'clip'].includes(cs.overflowX), hidesY = ['hidden', 'clip'].includes(cs.overflowY);
    if ((hidesX && el.scrollWidth > el.clientWidth + 1) || (hidesY && el.scrollHeight > el.clientHeight + 1)
        || (cs.textOverflow === 'ellipsis' && el.scrollWidth > el.clientWidth + 1)) {
      out.push(el.tagName.toLowerCase() + (el.id ? '#' + el.id : '') + '.' + [...el.classList].join('.')
               + ': ' + (el.innerText || '').trim().slice(0, 40));
    }
  }
  return out;
}"""


def clipped_elements(page):
    return page.evaluate(CLIPPED_JS)


# Buttons, links and form controls in main smaller than ``size`` CSS px (WCAG 2.5.8),
# leaving out links inside a sentence (the "inline" exception). A checkbox or radio
# counts with its label, which is part of what can be pressed.
SMALL_TARGETS_JS = """(size) => {
  const out = [];
  for (const el of document.querySelectorAll('main a[href], main button, main input, main select, main textarea, main summary')) {
    if (el.type === 'hidden' || !el.getClientRects().length || el.closest('.visually-hidden')) continue;
    const closed = el.closest('details:not([open])');  // not a target until its summary opens it
    if (closed && !(el.tagName === 'SUMMARY' && el.parentElement === closed)) continue;
    if (el.tagName === 'A' && el.closest('p, li, dd, td, th') && !el.matches('.btn, .step-entry-link')) {
      const text = el.closest('p, li, dd, td, th').innerText.trim();
      if (text !== el.innerText.trim()) continue;  // a link within a sentence
    }
    let r = el.getBoundingClientRect();
    let w = r.width, h = r.height;
    if (['checkbox', 'radio'].includes(el.type) && el.labels && el.labels.length) {
      const l = el.labels[0].getBoundingClientRect();
      w = Math.max(r.right, l.right) - Math.min(r.left, l.left);
      h = Math.max(r.bottom, l.bottom) - Math.min(r.top, l.top);
    }
    if (w < size - 0.5 || h < size - 0.5) {
      out.push(el.tagName.toLowerCase() + (el.id ? '#' + el.id : '') + ' "' +
               (el.innerText || el.value || '').trim().slice(0, 30) + '" ' + Math.round(w) + 'x' + Math.round(h));
    }
  }
  return out;
}"""


def small_targets(page, size=24):
    return page.evaluate(SMALL_TARGETS_JS, size)


def pdf_text(data):
    """The text of a PDF (bytes), whitespace made single spaces."""
    import io
    import re

    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(data))
    return re.sub(r"\s+", " ", " ".join(p.extract_text() or "" for p in reader.pages))


def filled_consultation(clinician, patient_ref="Clinic-D 8"):
    """A consultation of the bundled aid part way through, as a real one looks:
    risks first, criteria skipped, notes, ratings, questions (one still open),
    SURE before and after, next steps. Written through the services."""
    from aids.consultations import StepChanges, consultation_start, step_save, topic_order_set
    from aids.vocabulary import SURE_KEYS
    from aids.models import Consultation, ItemRecord

    c = consultation_start(clinician=clinician, patient_ref=patient_ref, present=["patient", "family"],
                           present_other="Ward nurse", pain_sites=["trigeminal"], cancer_pain="yes")
    v = c.version

    def save(step, **changes):
        revision = int((c.step_revisions or {}).get(step, 0))
        step_save(consultation=c, user=clinician, step=step, revision=revision, changes=StepChanges(**changes))

    save("decision", fields={"sure_before": dict(zip(SURE_KEYS, ["no", "yes", "no", "yes"]))})
    topic_order_set(consultation=c, user=clinician, order=["risks", "benefits", "criteria", "alternatives"],
                    skipped=["criteria"], revision=int((c.step_revisions or {}).get("topics", 0)))
    risks, benefits, options = list(v.risks.all()), list(v.benefits.all()), list(v.options.all())
    save("risks", items=[
        (ItemRecord.Kind.RISK, risks[0].pk, {"discussed": True, "note": "Worried about not noticing burns."}),
        (ItemRecord.Kind.RISK, risks[1].pk, {"discussed": True, "note": ""}),
    ])
    save("benefits", items=[(ItemRecord.Kind.BENEFIT, benefits[0].pk,
                             {"discussed": True, "note": "Hopes to sleep through the night."})])
    save("alternatives", items=[
        (ItemRecord.Kind.OPTION, options[0].pk, {"selected": True, "discussed": True, "note": ""}),
        (ItemRecord.Kind.OPTION, options[1].pk, {"selected": True, "discussed": True,
                                                 "note": "Had heard of cordotomy from a friend."}),
    ])
    statements = list(v.value_statements.all())
    save("values", ratings=[(statements[0].pk, 4, False), (statements[1].pk, None, True)],
         fields={"values_own_words": "Being at home with the grandchildren matters most."})
    understanding = list(v.understanding_questions.all())
    save("questions", understanding=[(understanding[0].pk, "true")],
         fields={"sure_after": {k: "yes" for k in SURE_KEYS}},
         questions=[{"id": None, "question": "Would I still feel it if I cut my hand?",
                     "answer": "Not in the area that gets relief.", "status": "answered"},
                    {"id": None, "question": "How long would I be in hospital?", "answer": "", "status": "open"}])
    save("next", fields={"positions": [Consultation.Position.FAMILY],
                         "position_words": "Wants to talk it over with her daughter.",
                         "next_steps": "Pain team review in 2 weeks."})
    c.refresh_from_db()
    return c


# Form controls whose border is under 3:1 against what is behind them (WCAG 1.4.11),
# which axe does not check.
FAINT_CONTROLS_JS = """() => {
  const rgb = (c) => (c.match(/[\\d.]+/g) || []).map(Number);
  const lum = ([r, g, b]) => {
    const f = (v) => { v /= 255; return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4; };
    return 0.2126 * f(r) + 0.7152 * f(g) + 0.0722 * f(b);
  };
  const behind = (el) => {
    for (let e = el.parentElement; e; e = e.parentElement) {
      const c = rgb(getComputedStyle(e).backgroundColor);
      if (c.length === 3 || (c.length === 4 && c[3] > 0.5)) return c.slice(0, 3);
    }
    return [255, 255, 255];
  };
  const out = [];
  for (const el of document.querySelectorAll('main input:not([type=hidden]), main textarea, main select')) {
    if (!el.getClientRects().length) continue;
    const cs = getComputedStyle(el);
    if (parseFloat(cs.borderTopWidth) === 0) continue;
    const a = lum(rgb(cs.borderTopColor)), b = lum(behind(el));
    const ratio = (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05);
    if (ratio < 3) out.push((el.id || el.name) + ' ' + ratio.toFixed(2));
  }
  return out;
}"""


def faint_controls(page):
    return page.evaluate(FAINT_CONTROLS_JS)
