"""Forms of the content admin: the version form (with IPDAS reviewer ticks) and publishing."""

from django import forms

from aids.ipdas import ipdas_checklist, tick_of
from aids.models import AidVersion
from aids.models.content import TEXT_LIMIT
from aids.publishing import justification_problem


class PartPageForm(forms.ModelForm):
    """A part page's form for the version itself: no fields (the page edits its
    inlines); saving it only records who changed the version, in its history."""

    class Meta:
        model = AidVersion
        fields = ()


class AidVersionForm(forms.ModelForm):
    """The version's own fields, plus the reviewer's IPDAS ticks as checkboxes.

    Only criteria the content cannot show (``derived`` False in the checklist) are
    offered; ticks for the others are kept as stored. The checklist is computed
    once here and reused by the change page.
    """

    ipdas_ticked = forms.MultipleChoiceField(
        required=False, widget=forms.CheckboxSelectMultiple, label="Met (reviewer's tick)"
    )

    class Meta:
        model = AidVersion
        exclude = ("ipdas_ticks",)
        widgets = {"decision": forms.Textarea(attrs={"rows": 2, "cols": 80})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.ipdas_items = []
        self.tickable_keys = set()
        field = self.fields["ipdas_ticked"]
        version = self.instance
        if version.pk:
            self.ipdas_items = ipdas_checklist(version)
            self.tickable_keys = {i.key for i in self.ipdas_items if not i.derived}
            # Every key is a valid choice (what is derived can change between the
            # page being shown and posted); only the tickable ones are rendered.
            field.choices = [(i.key, i.label) for i in self.ipdas_items]
            ticks = version.ipdas_ticks or {}
            field.initial = [key for key in self.tickable_keys if tick_of(ticks, key)[0]]

    def ipdas_rows(self):
        """(item, checkbox or None) per IPDAS criterion, for the change page."""
        boxes = {}
        if "ipdas_ticked" in self.fields:
            boxes = {w.data["value"]: w for w in self["ipdas_ticked"].subwidgets}
        return [(item, boxes.get(item.key) if not item.derived else None) for item in self.ipdas_items]

    def save(self, commit=True):
        version = super().save(commit=False)
        if self.tickable_keys and "ipdas_ticked" in self.cleaned_data:
            ticks = dict(version.ipdas_ticks or {})
            ticked = set(self.cleaned_data["ipdas_ticked"])
            for key in self.tickable_keys:
                # A tick may carry the reviewer's evidence ({"met", "evidence"}): keep it.
                _met, evidence = tick_of(ticks, key)
                met = key in ticked
                if evidence:
                    ticks[key] = {"met": met, "evidence": evidence}
                elif met:
                    ticks[key] = True
                else:
                    ticks.pop(key, None)
            version.ipdas_ticks = ticks
        if commit:
            version.save()
            self.save_m2m()
        return version


class PublishForm(forms.Form):
    change_note = forms.CharField(
        label="Change note",
        widget=forms.Textarea(attrs={"rows": 4, "cols": 80}),
        max_length=TEXT_LIMIT,
        help_text="What changed in this version and why. Stored with the version.",
        error_messages={"required": "Write a change note: say what changed in this version."},
    )
    justification = forms.CharField(
        label="Why it may be published over the warnings",
        widget=forms.Textarea(attrs={"rows": 4, "cols": 80}),
        max_length=TEXT_LIMIT,
        required=False,
        help_text="Required while warnings remain: at least a sentence saying why each may stand. "
        "Stored with the version and printed in every record made from it.",
    )

    def __init__(self, *args, report, **kwargs):
        self.report = report
        super().__init__(*args, **kwargs)

    def clean_change_note(self):
        note = self.cleaned_data["change_note"].strip()
        if not note:
            raise forms.ValidationError("Write a change note: say what changed in this version.")
        return note

    def clean(self):
        cleaned = super().clean()
        warnings = len(self.report.warnings) if self.report else 0
        justification = (cleaned.get("justification") or "").strip()
        if warnings and not justification:
            self.add_error(
                "justification",
                f"{warnings} warning{'s' if warnings != 1 else ''} remain: "
                "say why this version may be published with them.",
            )
        elif warnings and (problem := justification_problem(justification)):
            self.add_error("justification", problem)
        return cleaned
