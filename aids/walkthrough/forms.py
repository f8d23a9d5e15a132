"""The walkthrough's forms (crispy, Bootstrap 5).

Every text field is bounded by the model's own limit, but the browser is never
told (no ``maxlength`` attribute): a browser silently cuts pasted text at that
length, and nothing typed may be lost silently. The server says plainly how
long the text is and keeps it in the form. No ``required`` attribute either, so
Back and the step list always submit and save what can be saved.

Forms are rendered inside one ``<form>`` per page (``form_tag = False``): each
item of a topic has its own small form, all posted together.
"""

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Field, Layout
from django import forms
from django.utils import timezone
from django.utils.translation import gettext, gettext_lazy as _

from aids.consultations import validate_patient_ref
from aids.frozen import frozen_rows
from aids.limits import QUESTION_ROWS_MAX
from aids.models import (
    NOT_SURE_SITE, Addendum, Consultation, ItemRecord, PatientQuestion, UnderstandingAnswer,
)
from aids.models.consultation import validate_single_line
from aids.vocabulary import RATING_CHOICES, SURE_ITEMS

TOO_LONG = _(
    "This is %(show_value)d characters long; the limit is %(limit_value)d. "
    "Shorten it and save again: your text is kept here."
)
YES_NO = [("yes", _("Yes")), ("no", _("No"))]


def limit(model, name):
    """The model field's max_length: forms and models share one limit."""
    return model._meta.get_field(name).max_length


def text_field(model, name, *, label, rows=3, required=False, help_text="", textarea=True):
    return forms.CharField(
        label=label, max_length=limit(model, name), required=required, help_text=help_text,
        strip=False, widget=forms.Textarea(attrs={"rows": rows}) if textarea else forms.TextInput,
    )


class BoundedForm(forms.Form):
    use_required_attribute = False
    # Labels used when two versions of a step are shown side by side.
    item_label = ""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for f in self.fields.values():
            f.widget.attrs.pop("maxlength", None)
            f.error_messages["max_length"] = TOO_LONG
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True

    def conflict_label(self, name):
        label = self.fields[name].label
        return f"{self.item_label}: {label}" if self.item_label else str(label)


class StartForm(BoundedForm):
    patient_ref = forms.CharField(
        label=_("Patient reference"), max_length=limit(Consultation, "patient_ref"),
        validators=[validate_single_line],
        help_text=_("A pseudonymous reference, such as a clinic code. Do not type the patient's "
        "name, email address or NHS number."),
        error_messages={"required": _("Enter a patient reference (a pseudonymous one, not a name).")},
    )
    present = forms.MultipleChoiceField(
        label=_("Who is present"), choices=Consultation.Present.choices,
        widget=forms.CheckboxSelectMultiple, required=False,
    )
    present_other = forms.CharField(
        label=_("Others present (optional)"), max_length=limit(Consultation, "present_other"),
        validators=[validate_single_line],
        required=False, help_text=_("Roles rather than names, for example \"ward nurse\"."),
    )
    language = forms.CharField(
        label=_("Language of the discussion"), max_length=limit(Consultation, "language"),
        validators=[validate_single_line],
        initial="English",
    )
    pain_sites = forms.MultipleChoiceField(
        label=_("Where is the pain?"), widget=forms.CheckboxSelectMultiple, required=False,
        help_text=_("Tick every place that applies, or \"Not sure yet\". The parts of the aid "
        "about that form of the operation are shown first; nothing is hidden."),
    )
    cancer_pain = forms.ChoiceField(
        label=_("Is the pain caused by cancer?"), choices=Consultation.CancerPain.choices,
        widget=forms.RadioSelect, required=False,
        help_text=_("Most of what is known comes from people with cancer pain."),
    )

    aid = forms.CharField(widget=forms.HiddenInput, required=False, max_length=60)

    FIRST_VISIT = "new"

    def __init__(self, *args, version=None, earlier=(), starting=False, **kwargs):
        super().__init__(*args, **kwargs)
        if not starting:  # the start step of a started consultation: the aid is pinned
            del self.fields["aid"]
        self.fields["patient_ref"].widget.attrs["autocomplete"] = "off"
        # Earlier finalized consultations with this reference: is this visit a follow-up?
        self.earlier = list(earlier)
        if self.earlier:
            self.fields["follow_up_of"] = forms.ChoiceField(
                label="Is this a follow-up visit?", widget=forms.RadioSelect,
                choices=[(str(c.pk), follow_up_label(c)) for c in self.earlier]
                + [(self.FIRST_VISIT, "No: start without the earlier visits")],
                help_text="This patient reference has a finalized record. A follow-up shows "
                "where the patient stood last time and carries their open questions over.",
                error_messages={"required": "This patient reference has a finalized record: "
                                "say whether this visit follows it up."},
            )
        sites = [(f.key, f.pain_site) for f in frozen_rows(version, "operation_forms")] if version else []
        self.fields["pain_sites"].choices = sites + [(NOT_SURE_SITE, gettext("Not sure yet"))]
        if not sites:  # an aid with no forms of the operation: nothing to ask
            del self.fields["pain_sites"]
        self.helper.layout = Layout(
            *(["aid"] if starting else []), "patient_ref", *(["follow_up_of"] if self.earlier else []),
            "present", "present_other", "language",
            *(["pain_sites"] if sites else []), Field("cancer_pain", wrapper_class="radios-inline"),
        )

    def clean_patient_ref(self):
        return validate_patient_ref(self.cleaned_data["patient_ref"])

    def clean(self):
        cleaned = super().clean()
        # A follow-up chosen on an earlier page, then the reference changed (or never one
        # this clinician may open): said plainly, never silently started as a first visit.
        posted = self.data.get(self.add_prefix("follow_up_of")) if self.is_bound else None
        if "aid" in self.fields and "follow_up_of" not in self.fields and posted and posted != self.FIRST_VISIT:
            raise forms.ValidationError(
                "The earlier visit chosen is not a finalized record with this patient reference "
                "that you may open. Check the reference; nothing has been started.")
        return cleaned

    def values(self):
        names = ("patient_ref", "present", "present_other", "language", "pain_sites", "cancer_pain")
        return {k: self.cleaned_data[k] for k in names if k in self.fields}

    def start_values(self):
        """``values`` and the decision and earlier visit chosen: ``consultation_start``'s arguments."""
        values = self.values()
        values["aid_slug"] = self.cleaned_data.get("aid") or None
        chosen = self.cleaned_data.get("follow_up_of")
        if chosen and chosen != self.FIRST_VISIT:
            values["follow_up_of"] = int(chosen)
        return values


def follow_up_label(consultation):
    """An earlier visit as offered on the start page: date, decision and version, record id."""
    when = timezone.localtime(consultation.finalized_at or consultation.created_at)
    return (f"Yes, a follow-up of the visit on {when:%d %B %Y} ({consultation.version.title}, "
            f"version {consultation.version.number}; record {consultation.record_id})")


class SureForm(BoundedForm):
    """The four SURE questions, worded exactly as the validated instrument."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for key, _letter, text in SURE_ITEMS:
            self.fields[key] = forms.ChoiceField(
                label=text, choices=YES_NO, required=False, widget=forms.RadioSelect
            )
        self.helper.layout = Layout(*(Field(key, wrapper_class="radios-inline") for key, _l, _t in SURE_ITEMS))

    def values(self):
        return {k: v for k, v in self.cleaned_data.items() if v in ("yes", "no")}


class ItemForm(BoundedForm):
    """The clinician's record of one benefit, risk, criterion or option.

    In patient view the clinician's fields are left out altogether (and so are
    left unchanged when the page is saved), not merely hidden.
    """

    def __init__(self, *args, kind, title, patient_view=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.kind = kind
        self.item_label = title
        note_label = (
            gettext("What was said") if kind == ItemRecord.Kind.CRITERION
            else gettext("The patient's reaction or notes (optional)")
        )
        if kind == ItemRecord.Kind.OPTION:
            self.fields["selected"] = forms.BooleanField(
                label=title, required=False,
                widget=forms.CheckboxInput(attrs={"class": "form-check-input"}))
        if not patient_view:
            self.fields["discussed"] = forms.BooleanField(
                label=_("Discussed"), required=False,
                widget=forms.CheckboxInput(attrs={"class": "form-check-input"}))
            self.fields["note"] = text_field(ItemRecord, "note", label=note_label, rows=1)
            self.fields["note"].widget.attrs["class"] = "form-control"
        for f in self.fields.values():
            f.widget.attrs.pop("maxlength", None)
            f.error_messages["max_length"] = TOO_LONG

    def conflict_label(self, name):
        if name == "selected":
            return gettext("%(item)s: the patient wants to look at it") % {"item": self.item_label}
        return super().conflict_label(name)

    def values(self):
        return dict(self.cleaned_data)


class ValueForm(BoundedForm):
    def __init__(self, *args, statement, **kwargs):
        super().__init__(*args, **kwargs)
        self.item_label = ""
        self.fields["rating"] = forms.ChoiceField(
            label=statement.text, choices=RATING_CHOICES, required=False, widget=forms.RadioSelect
        )
        self.helper.layout = Layout(Field("rating", wrapper_class="radios-inline radios-scale"))

    def values(self):
        value = self.cleaned_data.get("rating") or ""
        if value == "not_sure":
            return None, True
        return (int(value) if value else None), False


class OwnWordsForm(BoundedForm):
    values_own_words = text_field(
        Consultation, "values_own_words", rows=4,
        label=_("In the patient's own words: what matters most to them (optional)"),
    )


class QuestionForm(BoundedForm):
    id = forms.IntegerField(required=False, widget=forms.HiddenInput)
    question = text_field(PatientQuestion, "question", label=_("Question"), rows=2)
    answer = text_field(PatientQuestion, "answer", label=_("Answer given"), rows=3)
    status = forms.ChoiceField(
        label=_("Is the question answered?"), choices=PatientQuestion.Status.choices,
        widget=forms.RadioSelect, required=False, initial=PatientQuestion.Status.OPEN,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        number = int(self.prefix.rsplit("-", 1)[-1]) + 1 if self.prefix else 1
        self.item_label = gettext("Question %(number)s") % {"number": number}
        self.fields["question"].label = self.item_label
        self.fields["answer"].label = gettext("Answer given to question %(number)s") % {"number": number}
        self.fields["status"].label = gettext("Is question %(number)s answered?") % {"number": number}
        for name in ("question", "answer"):  # rendered directly (walkthrough/layers/note.html)
            self.fields[name].widget.attrs["class"] = "form-control"
        self.helper.layout = Layout("id", "question", "answer", Field("status", wrapper_class="radios-inline"))

    def clean(self):
        data = super().clean()
        if (data.get("answer") or "").strip() and not (data.get("question") or "").strip():
            self.add_error("question", gettext("Type the question too, or clear the answer to remove this row."))
        return data

    def conflict_label(self, name):
        return str(self.fields[name].label)

    def row_is_blank(self):
        return not any(str(self[n].value() or "").strip() for n in ("question", "answer"))


QuestionFormSet = forms.formset_factory(QuestionForm, extra=1, max_num=QUESTION_ROWS_MAX, validate_max=True)


class UnderstandingForm(BoundedForm):
    def __init__(self, *args, question, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["answer"] = forms.ChoiceField(
            label=question.statement, choices=UnderstandingAnswer.Answer.choices,
            required=False, widget=forms.RadioSelect,
        )
        self.helper.layout = Layout(Field("answer", wrapper_class="radios-inline"))


class NextStepsForm(BoundedForm):
    positions = forms.MultipleChoiceField(
        label=_("Where the patient stands now (tick all that apply)"),
        choices=Consultation.Position.choices, widget=forms.CheckboxSelectMultiple, required=False,
    )
    position_words = text_field(Consultation, "position_words", rows=3,
                                label=_("Where the patient stands, in their own words"))
    preference_words = text_field(
        Consultation, "preference_words", rows=3,
        label=_("The preference stated, in the patient's own words"),
        help_text=_("Needed only when the patient has stated a preference."),
    )
    next_steps = text_field(Consultation, "next_steps", rows=3, label=_("Agreed next steps"))
    follow_up_on = forms.DateField(
        label=_("Follow-up date (optional)"), required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper.layout = Layout(
            "positions", "position_words", "preference_words", "next_steps", Field("follow_up_on")
        )

    def clean(self):
        data = super().clean()
        if Consultation.Position.PREFERENCE in (data.get("positions") or ()) and not (
            data.get("preference_words") or ""
        ).strip():
            self.add_error(
                "preference_words",
                gettext("The patient has stated a preference: write it in their own words."),
            )
        return data

    def values(self):
        return dict(self.cleaned_data)


class TopicsForm(BoundedForm):
    """Which topics the patient skips. The order comes from the cards' hidden field."""

    order = forms.CharField(required=False, widget=forms.HiddenInput, max_length=200)

    def __init__(self, *args, topics=(), **kwargs):
        super().__init__(*args, **kwargs)
        for step in topics:
            self.fields[f"skip_{step.key}"] = forms.BooleanField(
                label=gettext("Skip %(topic)s") % {"topic": step.title.lower()}, required=False
            )
            self.fields[f"skip_{step.key}"].topic_title = step.title


class AddendumForm(BoundedForm):
    text = text_field(Addendum, "text", label=_("Addendum"), rows=5, required=True,
                      help_text=_("Dated and added below the record; the record itself does not change."))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper.form_tag = False


class SearchForm(BoundedForm):
    q = forms.CharField(label=_("Search by patient reference"), required=False,
                        max_length=limit(Consultation, "patient_ref"))


class ReasonForm(BoundedForm):
    """Why a records auditor opens another clinician's record (kept in the audit trail)."""

    reason = forms.CharField(
        label=_("Why are you opening this record?"), max_length=150,
        validators=[validate_single_line],
        help_text=_("For example a complaint, an incident or a subject access request, with its "
        "reference. It is kept in the record's audit trail with every view and download."),
        error_messages={"required": _("Give the reason for opening this record.")},
    )

    def clean_reason(self):
        reason = " ".join(self.cleaned_data["reason"].split())
        if len(reason) < 3:
            raise forms.ValidationError(gettext("Give the reason for opening this record."))
        return reason
