"""The draft editor's parts: one admin page per kind of part, and where each
quality finding is to be fixed.

A version is edited part by part (``PARTS``): its overview (the version's own
fields, the parts with their counts and findings, what changed) is the change
page, and each part has a page of its own (``aidversion/<pk>/part/<key>/``),
the option grid one page per option. Sections, benefits and risks, the longest
parts, list their items in a short table on the part page (heading or title, and
how likely), each item edited in full on a page of its own (``part/<key>/<item pk>/``). ``finding_links`` turns each quality
finding's location (human words, from ``aids.quality``) into the address of the
field it is about: the part page and the field's id as an anchor.
"""

from dataclasses import dataclass

from django.urls import reverse

from aids.admin.inlines import (
    BenefitInline,
    BenefitListInline,
    ContributorInline,
    CriterionInline,
    GridAnswerInline,
    GridQuestionInline,
    OperationFormInline,
    OptionInline,
    ReferenceInline,
    RiskInline,
    RiskListInline,
    SectionInline,
    SectionListInline,
    UnderstandingQuestionInline,
    ValueStatementInline,
)
from aids.quality import _loc, grid_cells, load_content, version_word_locations

# A part page's budget of form controls (inputs, selects, text areas, buttons),
# checked by tests/test_admin_editor.py with the bundled aid.
FORM_CONTROL_BUDGET = 400


@dataclass(frozen=True)
class Part:
    key: str
    label: str
    inlines: tuple
    relations: tuple  # the version's related names counted on the overview
    # Interchange names whose changes show under this part (see aids.admin.diff).
    diff_names: tuple = ()
    help: str = ""
    # When set, the part page lists the items (``inlines``, a short table) and each
    # item is edited in full on a page of its own with these inlines.
    item_inlines: tuple = ()

    @property
    def item_model(self):
        return self.item_inlines[0].model if self.item_inlines else None


ITEM_HELP = (
    "Each {item} in short: its order, title and how likely. Its description, severity, "
    "forms, time frame, evidence and references are on its own page: follow "
    '"Edit in full". A new {item} is added here first, then written in full there.'
)

SECTION_HELP = (
    "Each section in short: its order, heading and summary. Its text, forms and "
    'references are on its own page: follow "Edit in full". A new section is added '
    "here first, then written in full there."
)

PARTS = (
    Part("forms", "Forms of the operation", (OperationFormInline,), ("operation_forms",),
         ("operation_forms",), "Each form and the pain it is for: items say which forms they apply to."),
    Part("sections", "About sections", (SectionListInline,), ("sections",), ("sections",),
         SECTION_HELP, item_inlines=(SectionInline,)),
    Part("benefits", "Benefits", (BenefitListInline,), ("benefits",), ("benefits",),
         ITEM_HELP.format(item="benefit"), item_inlines=(BenefitInline,)),
    Part("risks", "Risks", (RiskListInline,), ("risks",), ("risks",),
         ITEM_HELP.format(item="risk"), item_inlines=(RiskInline,)),
    Part("criteria", "Last-resort criteria", (CriterionInline,), ("criteria",), ("criteria",)),
    Part("options", "Options and grid questions", (OptionInline, GridQuestionInline),
         ("options", "grid_questions"), ("options", "grid_questions", "grid_answers"),
         "The grid's answers are edited one option at a time: follow the option's link below."),
    Part("values", "What matters to you", (ValueStatementInline,), ("value_statements",),
         ("value_statements",)),
    Part("understanding", "Understanding questions", (UnderstandingQuestionInline,),
         ("understanding_questions",), ("understanding_questions",)),
    Part("references", "References", (ReferenceInline,), ("references",), ("references",)),
    Part("contributors", "Authors and reviewers", (ContributorInline,), ("contributors",),
         ("contributors",), "Publishing needs at least one reviewer named here."),
)
PART_BY_KEY = {p.key: p for p in PARTS}
GRID = Part("grid", "Option grid answers", (GridAnswerInline,), ("grid_answers",))
VERSION = "version"  # the overview page: the version's own fields


def part_url(version, key, option=None, item=None):
    if key == VERSION:
        return reverse("admin:aids_aidversion_change", args=[version.pk])
    if key == GRID.key:
        return reverse("admin:aids_aidversion_grid", args=[version.pk, option])
    if item is not None:
        return reverse("admin:aids_aidversion_item", args=[version.pk, key, item])
    return reverse("admin:aids_aidversion_part", args=[version.pk, key])


@dataclass(frozen=True)
class Anchor:
    part: str  # a Part key, VERSION or "grid"
    element_id: str = ""  # the field's id on that page ("" for the page itself)
    option: int | None = None  # the option of a grid page
    item: int | None = None  # the benefit or risk of an item page


# The overview's own fields, by the location the quality report gives them.
_VERSION_FIELDS = {
    "The decision": "decision", "Who this aid is for": "audience", "Introduction": "intro",
    "What we don't know": "unknowns", "Review dates": "next_review_due",
}
_ABOUT_FIELDS = {
    "missing-funding": "funding_statement", "missing-conflicts": "conflicts_statement",
    "missing-update-policy": "update_policy",
}
# The field a finding about a whole outcome points at.
_OUTCOME_CODE_FIELD = {"figure-without-reference": "references", "missing-figure-reason": "unknown_reason"}
_OUTCOME_SUFFIX = {
    "title": "title", "description": "description", "time frame": "time_frame",
    "note on certainty": "certainty_note", "why the figure is not known": "unknown_reason",
}


def _item_field(prefix, name):
    # An item page shows one row of its part's formset: row 0.
    return f"{prefix}-0" if name == "references" else f"id_{prefix}-0-{name}"


def _row_field(prefix, index, name):
    # Reference choices are a filter widget that renames the select: aim at the row.
    if name == "references":
        return f"{prefix}-{index}"
    return f"id_{prefix}-{index}-{name}"


def anchors(content):
    """{(location, code or ""): Anchor} for every location the quality report uses.

    Built by walking the content in the report's own order with its own location
    words (``aids.quality``), so the n-th risk of the report is row n-1 of the risks
    page (both are ordered by ``order``, then ``pk``).
    """
    out = {}

    def put(location, anchor, code=""):
        out[(location, code)] = anchor

    for location, name in {**_VERSION_FIELDS, **version_word_locations()}.items():
        put(location, Anchor(VERSION, f"id_{name}"))
    for code, name in _ABOUT_FIELDS.items():
        put("About this aid", Anchor(VERSION, f"id_{name}"), code)
    put("Benefits and risks", Anchor("risks"))

    for i, s in enumerate(content.sections):
        loc = _loc("Section", i + 1, s.heading)
        put(f"{loc}, heading", Anchor("sections", _item_field("sections", "heading"), item=s.pk))
        put(f"{loc}, summary", Anchor("sections", _item_field("sections", "summary"), item=s.pk))
        put(f"{loc}, text", Anchor("sections", _item_field("sections", "body"), item=s.pk))
        put(loc, Anchor("sections", "sections-0", item=s.pk))
        # A figure without a source: the section's references chooser.
        for part in ("summary", "text"):
            put(f"{loc}, {part}", Anchor("sections", _item_field("sections", "references"), item=s.pk),
                "figure-without-reference")
    for kind, prefix, items in (("Benefit", "benefits", content.benefits), ("Risk", "risks", content.risks)):
        for i, o in enumerate(items):
            loc = _loc(kind, i + 1, o.title)
            put(loc, Anchor(prefix, f"{prefix}-0", item=o.pk))
            for code, name in _OUTCOME_CODE_FIELD.items():
                put(loc, Anchor(prefix, _item_field(prefix, name), item=o.pk), code)
            for suffix, name in _OUTCOME_SUFFIX.items():
                put(f"{loc}, {suffix}", Anchor(prefix, _item_field(prefix, name), item=o.pk))
    for i, c in enumerate(content.criteria):
        loc = _loc("Criterion", i + 1, c.statement)
        put(f"{loc}, statement", Anchor("criteria", f"id_criteria-{i}-statement"))
        put(f"{loc}, explanation", Anchor("criteria", f"id_criteria-{i}-explanation"))
    for i, o in enumerate(content.options):
        loc = _loc("Option", i + 1, o.name)
        put(f"{loc}, name", Anchor("options", f"id_options-{i}-name"))
        put(f"{loc}, summary", Anchor("options", f"id_options-{i}-summary"))
    for i, q in enumerate(content.questions):
        put(_loc("Grid question", i + 1, q.text), Anchor("options", f"id_grid_questions-{i}-text"))
    row = {}  # each option's grid page lists its answers in question order
    cells = [(o, q) for o in content.options for q in content.questions]  # grid_cells' order
    for (location, answer), (option, _question) in zip(grid_cells(content), cells):
        if answer is None:  # not written yet: its place is that option's grid page
            put(location, Anchor("grid", "grid_answers-group", option.pk))
            continue
        index = row.get(option.pk, 0)
        row[option.pk] = index + 1
        put(location, Anchor("grid", f"id_grid_answers-{index}-text", option.pk))
        put(location, Anchor("grid", f"grid_answers-{index}", option.pk), "figure-without-reference")
    for i, v in enumerate(content.values):
        put(_loc("Value statement", i + 1, v.text), Anchor("values", f"id_value_statements-{i}-text"))
    for i, u in enumerate(content.understanding):
        loc = _loc("Understanding question", i + 1, u.statement)
        put(f"{loc}, statement", Anchor("understanding", f"id_understanding_questions-{i}-statement"))
        put(f"{loc}, explanation", Anchor("understanding", f"id_understanding_questions-{i}-explanation"))
    return out


def anchor_for(table, finding):
    return table.get((finding.location, finding.code)) or table.get((finding.location, ""))


def anchor_url(version, anchor):
    url = part_url(version, anchor.part, anchor.option, anchor.item)
    return f"{url}#{anchor.element_id}" if anchor.element_id else url


def finding_links(version, report, content=None):
    """{finding: address of the field it is about} (findings without a place are left out)."""
    table = anchors(content or load_content(version))
    links = {}
    for finding in report.findings:
        anchor = anchor_for(table, finding)
        if anchor is not None:
            links[finding] = anchor_url(version, anchor)
    return links


def findings_by_part(version, report, content=None):
    """{part key: (errors, warnings)}: how many findings each part page has to fix."""
    table = anchors(content or load_content(version))
    counts = {}
    for finding in report.findings:
        anchor = anchor_for(table, finding)
        key = anchor.part if anchor else VERSION
        key = "options" if key == "grid" else key
        errors, warnings = counts.get(key, (0, 0))
        if finding.level == "error":
            errors += 1
        else:
            warnings += 1
        counts[key] = (errors, warnings)
    return counts
