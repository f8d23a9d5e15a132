"""What changed between two versions, item by item, as a word diff (difflib).

Both versions are read as their interchange documents (``export_version``), so
the comparison covers exactly what an export carries. Items are matched by key
where they have one (references, options, grid questions, forms), grid answers
by their option and question, others by their title (or heading, statement,
text); what is left unmatched is added or removed.
"""

import difflib
import re
from dataclasses import dataclass, field

from aids.interchange import export_version
from aids.interchange_format import PARTS, VERSION_FIELDS

_TOKEN = re.compile(r"\s*\S+|\s+$")  # a word with the space before it
_IDENTITY = ("key", "title", "heading", "statement", "name", "text")
_PART_LABELS = {
    "contributors": "Authors and reviewers", "references": "References",
    "operation_forms": "Forms of the operation", "sections": "About sections",
    "benefits": "Benefits", "risks": "Risks", "criteria": "Last-resort criteria",
    "options": "Options", "grid_questions": "Grid questions", "grid_answers": "Grid answers",
    "value_statements": "What matters to you", "understanding_questions": "Understanding questions",
}
_NOT_SHOWN = {"warnings_justification"}


@dataclass
class FieldDiff:
    name: str
    old: list  # [(kind, text)], kind "same" or "del"
    new: list  # [(kind, text)], kind "same" or "ins"


@dataclass
class ItemDiff:
    label: str
    status: str  # "added", "removed" or "changed"
    fields: list = field(default_factory=list)


@dataclass
class PartDiff:
    name: str
    label: str
    items: list


@dataclass
class VersionDiff:
    base: object  # the version compared against (None: nothing to compare)
    parts: list  # [PartDiff] with changes only

    @property
    def changed(self):
        return sum(len(p.items) for p in self.parts)

    def counts(self):
        """{interchange part name: items changed}."""
        return {p.name: len(p.items) for p in self.parts}


def word_diff(old, new):
    """(old segments, new segments): unchanged runs "same", removed "del", added "ins"."""
    a, b = _TOKEN.findall(old or ""), _TOKEN.findall(new or "")
    old_out, new_out = [], []
    # Words are compared without the space before them: a diff of the words.
    matcher = difflib.SequenceMatcher(None, [t.strip() for t in a], [t.strip() for t in b], autojunk=False)
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op == "equal":
            old_out.append(("same", "".join(a[i1:i2])))
            new_out.append(("same", "".join(b[j1:j2])))
            continue
        if i2 > i1:
            old_out.append(("del", "".join(a[i1:i2])))
        if j2 > j1:
            new_out.append(("ins", "".join(b[j1:j2])))
    return _merged(old_out), _merged(new_out)


def _merged(segments):
    out = []
    for kind, text in segments:
        if out and out[-1][0] == kind:
            out[-1] = (kind, out[-1][1] + text)
        else:
            out.append((kind, text))
    return out


def _text(value):
    if value is None:
        return ""
    if isinstance(value, list):
        return ", ".join(str(v) for v in value)
    return str(value)


def _identity(name, item):
    if name == "grid_answers":
        return f"{item.get('option')} / {item.get('question')}"
    for key in _IDENTITY:
        if item.get(key):
            return str(item[key])
    return ""


def _label(name, item):
    if name == "grid_answers":
        return f"{item.get('option')} / {item.get('question')}"
    text = " ".join(_identity(name, item).split())
    return text if len(text) <= 80 else text[:79] + "…"


def _fields(old, new, names):
    out = []
    for name in names:
        a, b = _text(old.get(name)), _text(new.get(name))
        if a != b:
            old_segments, new_segments = word_diff(a, b)
            out.append(FieldDiff(name.replace("_", " "), old_segments, new_segments))
    return out


def _part(name, fields, old_items, new_items):
    names = [*fields, *(["references"] if any("references" in i for i in old_items + new_items) else []),
             *(["forms"] if any("forms" in i for i in old_items + new_items) else [])]
    a = [_identity(name, i) for i in old_items]
    b = [_identity(name, i) for i in new_items]
    items = []
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if op == "equal":
            pairs = zip(old_items[i1:i2], new_items[j1:j2])
            for old, new in pairs:
                changes = _fields(old, new, names)
                if changes:
                    items.append(ItemDiff(_label(name, new), "changed", changes))
            continue
        olds, news = old_items[i1:i2], new_items[j1:j2]
        # A replaced item (its title changed too) is shown as one change.
        for old, new in zip(olds, news):
            items.append(ItemDiff(_label(name, new), "changed", _fields(old, new, names)))
        for old in olds[len(news):]:
            items.append(ItemDiff(_label(name, old), "removed", _fields(old, {}, names)))
        for new in news[len(olds):]:
            items.append(ItemDiff(_label(name, new), "added", _fields({}, new, names)))
    return items


def version_diff(draft, base):
    """The changes from ``base`` (e.g. the published version) to ``draft``."""
    if base is None:
        return VersionDiff(None, [])
    old, new = export_version(base)["version"], export_version(draft)["version"]
    parts = []
    own = _fields(old, new, [f for f in VERSION_FIELDS if f not in _NOT_SHOWN])
    if own:
        parts.append(PartDiff("version", "The version's own text", [ItemDiff("This version", "changed", own)]))
    for name, _model, fields, _cites in PARTS:
        items = _part(name, fields, old.get(name, []), new.get(name, []))
        if items:
            parts.append(PartDiff(name, _PART_LABELS.get(name, name), items))
    return VersionDiff(base, parts)


def base_version(version):
    """What a draft is compared with: the aid's published version, else what it was based on."""
    published = version.aid.current_version()
    if published is not None and published.pk != version.pk:
        return published
    if version.based_on_id and version.based_on_id != version.pk:
        return version.based_on
    return None
