"""Who changed which part of a version, and what: the parts' django-simple-history
records, gathered for the version's history page."""

from aids.admin.inlines import PART_INLINES

MAX_ROWS = 300

# The field that names a part in the list (its own __str__ may query).
_NAME_FIELD = {
    "reference": "title", "section": "heading", "benefit": "title", "risk": "title",
    "criterion": "statement", "option": "name", "gridquestion": "text",
    "gridanswer": "text", "valuestatement": "text", "understandingquestion": "statement",
    "contributor": "name",
}
_NOT_COMPARED = {"id", "history_id", "history_date", "history_change_reason",
                 "history_type", "history_user", "history_user_id", "history_relation"}


def part_history(version):
    """Newest first: dicts with date, user, action, kind, name and changed fields.

    One query per part model; changed fields are worked out by comparing each
    record with the previous record of the same part.
    """
    entries = []
    for inline in PART_INLINES:
        model = inline.model
        history_model = model.history.model
        fields = [
            f.attname for f in history_model._meta.concrete_fields
            if f.attname not in _NOT_COMPARED
        ]
        records = list(
            history_model.objects.filter(version_id=version.pk)
            .select_related("history_user")
            .order_by("id", "history_date", "history_id")
        )
        previous = {}
        verbose = str(inline.verbose_name or model._meta.verbose_name)
        name_field = _NAME_FIELD.get(model._meta.model_name, "pk")
        for record in records:
            before = previous.get(record.id)
            changed = []
            if before is not None and record.history_type == "~":
                changed = [
                    history_model._meta.get_field(f).verbose_name
                    if not f.endswith("_id") else f[:-3]
                    for f in fields if getattr(before, f) != getattr(record, f)
                ]
            previous[record.id] = record
            entries.append({
                "date": record.history_date,
                "user": record.history_user,
                "action": record.get_history_type_display(),
                "kind": verbose,
                "name": str(getattr(record, name_field, "") or ""),
                "changed": changed,
            })
    entries.sort(key=lambda e: e["date"], reverse=True)
    return entries[:MAX_ROWS], len(entries)
