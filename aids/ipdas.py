"""The IPDAS minimum-standards self-check for a content version.

The 6 qualifying and 6 general certification criteria of Joseph-Williams et al.
2014 [I1], each met or not: derived from the content where the content can show
it, otherwise taken from the reviewer's ticks (``version.ipdas_ticks``).

A tick is ``true``/``false``, or ``{"met": true, "evidence": "..."}``: the
reviewer's evidence for the criterion (where in the aid it is met). Evidence is
shown with every criterion it is given for, derived ones included; it never
overrides what the content shows.
"""

import re
from dataclasses import dataclass

from django.utils import timezone

from aids.quality import detail_balance, grid_cells, load_content, mentions_figure, outcomes

IPDAS_SOURCE = (
    "Joseph-Williams N, Newcombe R, Politi M, et al. Toward minimum standards for "
    "certifying patient decision aids: a modified Delphi consensus process. "
    "Med Decis Making 2014;34(6):699-710. doi:10.1177/0272989X13501721 [I1]"
)


@dataclass(frozen=True)
class IpdasItem:
    key: str
    group: str  # "qualifying" or "certification"
    label: str
    met: bool
    derived: bool  # True: worked out from the content; False: the reviewer's tick
    detail: str
    evidence: str = ""  # the reviewer's evidence for it, from ``ipdas_ticks``


def tick_of(ticks, key):
    """(met, evidence) of one reviewer's tick: ``true``/``false`` or {"met", "evidence"}."""
    value = (ticks or {}).get(key, False)
    if isinstance(value, dict):
        return bool(value.get("met", False)), str(value.get("evidence", "") or "").strip()
    return bool(value), ""


_NO_PROCEDURE = re.compile(
    r"\bno[\s_-]+(?:new\s+)?(?:procedure|operation|surgery|treatment|intervention)\b"
    r"|\bcurrent[\s_-]+care\b|\bnothing[\s_-]+new\b|\bdo(?:ing)?[\s_-]+nothing\b|\bwatchful\b",
    re.I,
)
_LIVING_WITH = re.compile(
    r"\brecover|\bdaily\s+life\b|\bday[\s-]to[\s-]day\b|\beveryday\b|\bliving\s+with\b|\blife\s+after\b",
    re.I,
)


def _tick(v, key, met_detail, unmet_detail):
    met, _evidence = tick_of(v.ipdas_ticks, key)
    return met, False, met_detail if met else unmet_detail


def _ipdas_figures_referenced(c):
    outcomes_ok = all(o.references.all() for _, o in outcomes(c) if o.has_figure)
    answers_ok = all(
        a.references.all() for _, a in grid_cells(c) if a is not None and mentions_figure(a.text)
    )
    return outcomes_ok and answers_ok


def ipdas_checklist(version, *, on_publish=False):
    """The 6 qualifying and 6 general certification IPDAS criteria [I1].

    Each ``IpdasItem`` says whether it is met and whether that was derived from
    the content (``derived=True``) or taken from ``version.ipdas_ticks``.
    ``on_publish=True`` describes a draft as it will be once published (the
    publish screen): publishing gives it its publication date.
    """
    c = load_content(version)
    v = c.version
    items = []

    def add(key, group, label, met, derived, detail):
        _met, evidence = tick_of(v.ipdas_ticks, key)
        items.append(IpdasItem(key, group, label, bool(met), derived, detail, evidence))

    q, cert = "qualifying", "certification"
    describes = bool(
        (v.audience or "").strip() or (v.intro or "").strip()
        or any(s.body.strip() for s in c.sections)
    )
    add("condition", q, "Describes the health condition or problem", describes, True,
        "Audience, introduction or sections describe it." if describes
        else "Add who the aid is for, an introduction or an about section.")
    add("decision", q, "Explicitly states the decision to be considered",
        (v.decision or "").strip(), True,
        "The decision is stated in one sentence." if (v.decision or "").strip()
        else "State the decision in one sentence.")
    no_procedure = [o.name for o in c.options if _NO_PROCEDURE.search(f"{o.key} {o.name}")]
    options_met = len(c.options) >= 2 and bool(no_procedure)
    if options_met:
        options_detail = f'{len(c.options)} options, including "{no_procedure[0]}".'
    else:
        options_detail = (f"{len(c.options)} options; at least 2 are needed, "
                          "one of them no procedure (keeping current care).")
    add("options", q, "Describes the options available, including doing nothing new",
        options_met, True, options_detail)
    add("benefits", q, "Describes the positive features (benefits) of each option",
        c.benefits, True, f"{len(c.benefits)} benefits.")
    add("harms", q, "Describes the negative features (harms, side effects) of each option",
        c.risks, True, f"{len(c.risks)} risks.")

    living_questions = [
        qn for qn in c.questions if qn.key == "recovery" or _LIVING_WITH.search(qn.text)
    ]
    lacking = [
        o.name for o in c.options
        if not any((a := c.answers.get((o.pk, qn.pk))) and a.text.strip() for qn in living_questions)
    ]
    if c.options and living_questions and not lacking:
        living = (True, True, "Every option answers a grid question about recovery or daily life.")
    else:
        why = (f"No grid answer about recovery or daily life for: {', '.join(lacking)}."
               if living_questions else "No grid question about recovery or daily life.")
        living = _tick(v, "living-with-outcomes", f"Ticked by the reviewer. {why}",
                       f"{why} A reviewer can tick it if sections describe it.")
    add("living-with-outcomes", q, "Describes what it is like to live with each outcome", *living)

    balance = detail_balance(c)
    equal = c.risks and not balance
    add("equal-detail", cert, "Shows benefits and harms with equal detail", equal, True,
        "Risks are described in as much detail as benefits." if equal
        else f"Less detail for risks: {balance}." if balance else "No risks described.")
    referenced = _ipdas_figures_referenced(c)
    cited = referenced and bool(c.reference_keys)
    add("citations", cert, "Cites the evidence for the figures", cited, True,
        f"{len(c.reference_keys)} references; every figure cites one." if cited
        else "No references listed." if not c.reference_keys
        else "Some figures cite no reference.")
    if v.published_at:
        published = (True, True, f"Published on {timezone.localdate(v.published_at).isoformat()}.")
    elif on_publish:
        published = (True, True, "Publishing sets the publication date to today.")
    else:
        published = _tick(v, "publication-date", "Ticked by the reviewer (draft).",
                          "A draft: the date is set when it is published.")
    add("publication-date", cert, "Gives the production or publication date", *published)
    policy = (v.update_policy or "").strip()
    add("update-policy", cert, "States an update policy", policy, True,
        "Update policy stated." if policy else "Add the update policy.")
    uncertain = [o for _, o in outcomes(c) if o.has_figure and not o.certainty]
    unknowns = (v.unknowns or "").strip()
    add("uncertainty", cert, "Describes the uncertainty around the figures",
        not uncertain and unknowns, True,
        "Every figure says how sure the evidence is; what we don't know is described."
        if not uncertain and unknowns
        else "Add what we don't know." if not uncertain
        else "Some figures do not say how sure the evidence is.")
    funded = (v.funding_statement or "").strip() and (v.conflicts_statement or "").strip()
    add("funding", cert, "States the funding and conflicts of interest", funded, True,
        "Funding and conflicts of interest stated." if funded
        else "Add the funding and the conflicts of interest statements.")
    return items
