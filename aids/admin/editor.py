"""The part pages of the version admin: each kind of part of a version on a page
of its own (the admin's change view with only that part's inlines, so its
permissions, messages and history stay the admin's), and the overview's table
of parts. Mixed into ``AidVersionAdmin``; the parts are ``aids.admin.parts``."""

from django.http import Http404
from django.shortcuts import get_object_or_404

from aids.admin.parts import GRID, PART_BY_KEY, PARTS, VERSION, findings_by_part, part_url
from aids.models import Option


class PartPagesMixin:
    def _parts_nav(self, version, content, report, request, diff=None):
        """The overview's table of parts: count, findings and changes of each, with its page."""
        counts = findings_by_part(version, report, content)
        sizes = {
            "operation_forms": version.operation_forms.count(), "sections": len(content.sections),
            "benefits": len(content.benefits), "risks": len(content.risks),
            "criteria": len(content.criteria), "options": len(content.options),
            "grid_questions": len(content.questions), "value_statements": len(content.values),
            "understanding_questions": len(content.understanding),
            "references": len(content.reference_keys), "contributors": version.contributors.count(),
            "grid_answers": len(content.answers),
        }
        changed = diff.counts() if diff is not None else {}
        rows = []
        for part in PARTS:
            errors, warnings = counts.get(part.key, (0, 0))
            count = ", ".join(f"{sizes[r]} {r.replace('_', ' ')}" for r in part.relations)
            if part.key == "options":
                count += f", {len(content.answers)} grid answers"
            rows.append({
                "part": part, "url": part_url(version, part.key), "count": count,
                "errors": errors, "warnings": warnings,
                "changed": sum(changed.get(name, 0) for name in part.diff_names),
                "current": getattr(request, "aids_part", None) is part,
            })
        errors, warnings = counts.get(VERSION, (0, 0))
        return {"rows": rows, "version_errors": errors, "version_warnings": warnings,
                "version_changed": changed.get("version", 0), "compared": diff is not None}

    def part_view(self, request, pk, key):
        """One kind of part of a version, on a page of its own (the admin's change view
        with only that part's inlines: its permissions, messages and history)."""
        part = PART_BY_KEY.get(key)
        if part is None:
            raise Http404(f"No part {key!r}.")
        request.aids_part = part
        return self.changeform_view(request, str(pk))

    def item_view(self, request, pk, key, item):
        """One benefit or risk in full, on a page of its own."""
        part = PART_BY_KEY.get(key)
        if part is None or not part.item_inlines:
            raise Http404(f"No items of their own in part {key!r}.")
        version = self._version_or_404(request, pk)
        request.aids_item = get_object_or_404(part.item_model, pk=item, version=version)
        request.aids_part = part
        return self.changeform_view(request, str(pk))

    def grid_view(self, request, pk, option):
        """The option grid's answers for one option."""
        version = self._version_or_404(request, pk)
        request.aids_grid_option = get_object_or_404(Option, pk=option, version=version)
        request.aids_part = GRID
        return self.changeform_view(request, str(pk))
