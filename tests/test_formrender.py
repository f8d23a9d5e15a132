"""The site's form renderer writes exactly what Django's widget templates write."""

import datetime

import pytest
from django import forms
from django.forms.renderers import DjangoTemplates
from django.utils.safestring import mark_safe

from aids.formrender import WidgetRenderer

AWKWARD = ["", "plain", 'quote " and <b>tag</b> & amp', "line\nbreak\r\nend", "ünïcødé ✓ עברית",
           "   spaces   ", mark_safe("<i>safe</i>"), 0, 17, 3.5]


class Everything(forms.Form):
    text = forms.CharField(required=False, help_text="Help <here>",
                           widget=forms.TextInput(attrs={"class": "form-control", "data-x": 'a"b'}))
    number = forms.IntegerField(required=False)
    email = forms.EmailField(required=False)
    hidden = forms.CharField(required=False, widget=forms.HiddenInput)
    date = forms.DateField(required=False, widget=forms.DateInput(attrs={"type": "date"}))
    password = forms.CharField(required=False, widget=forms.PasswordInput(render_value=True))
    tick = forms.BooleanField(required=False, widget=forms.CheckboxInput(attrs={"class": "form-check-input"}))
    note = forms.CharField(required=False, max_length=5,
                           widget=forms.Textarea(attrs={"rows": 1, "class": "form-control", "disabled": True}))


def _rendered(form):
    return {name: str(form[name]) for name in form.fields}


@pytest.mark.parametrize("value", AWKWARD, ids=repr)
def test_every_fast_widget_writes_what_djangos_templates_write(value):
    data = {name: value for name in Everything.base_fields}
    data["tick"] = "on" if value else ""
    data["date"] = "2026-12-02" if value else ""
    for bound in (False, True):
        args = (data,) if bound else ()
        kwargs = {} if bound else {"initial": {**data, "date": datetime.date(2026, 12, 2)}}
        mine = Everything(*args, renderer=WidgetRenderer(), **kwargs)
        djangos = Everything(*args, renderer=DjangoTemplates(), **kwargs)
        if bound:
            mine.is_valid(), djangos.is_valid()  # errors add aria-invalid and describedby
        assert _rendered(mine) == _rendered(djangos)


def test_other_widgets_are_left_to_django():
    class Choices(forms.Form):
        pick = forms.ChoiceField(choices=[("a", "A <1>"), ("b", "B")], widget=forms.RadioSelect)
        many = forms.MultipleChoiceField(choices=[("a", "A")], widget=forms.CheckboxSelectMultiple)
        menu = forms.ChoiceField(choices=[("a", "A")])

    mine, djangos = Choices(renderer=WidgetRenderer()), Choices(renderer=DjangoTemplates())

    assert _rendered(mine) == _rendered(djangos) and 'type="radio"' in _rendered(mine)["pick"]


def test_the_site_uses_it(settings):
    from django.forms.renderers import get_default_renderer

    assert settings.FORM_RENDERER == "aids.formrender.WidgetRenderer"
    assert isinstance(get_default_renderer(), WidgetRenderer)
