"""Oscar's form partials (the shop's templates/oscar/partials/form.html and the dashboard's) give
every field a label tied to it: a text box, a choice list, a tick box and a choice of buttons."""

import re

import pytest
from django import forms
from django.template.loader import render_to_string
from django.test import RequestFactory

RADIOS = forms.RadioSelect
CONTROL = re.compile(r'<(?:input|select|textarea)\b(?![^>]*type="(?:hidden|submit)")[^>]*\bid="([^"]+)"')


class EveryKindForm(forms.Form):
    name = forms.CharField(label="Nama usaha")
    kecamatan = forms.ChoiceField(label="Kecamatan", choices=[("1", "Tembalang"), ("2", "Gayamsari")])
    halal = forms.BooleanField(label="Bersertifikat halal", required=False)
    unit = forms.ChoiceField(label="Satuan", choices=[("kotak", "Kotak"), ("porsi", "Porsi")], widget=RADIOS)
    note = forms.CharField(label="Catatan", widget=forms.Textarea, required=False)
    hidden = forms.CharField(widget=forms.HiddenInput, required=False)


def controls_and_labels(html):
    """The ids of the page's visible form controls, and what each label names (`for`, or the
    control it wraps)."""
    controls = CONTROL.findall(html)
    named = set(re.findall(r'<label\b[^>]*\bfor="([^"]+)"', html))
    for inner in re.findall(r"<label\b[^>]*>(.*?)</label>", html, re.S):
        named.update(re.findall(r'<input\b[^>]*\bid="([^"]+)"', inner))
    return controls, named


@pytest.mark.parametrize("template", ["oscar/partials/form.html", "oscar/dashboard/partials/form.html"])
@pytest.mark.parametrize("bound", [False, True])
def test_every_field_of_a_form_partial_has_its_label(template, bound):
    form = EveryKindForm(data={"name": ""} if bound else None)  # bound: with its error messages
    html = render_to_string(template, {"form": form}, request=RequestFactory().get("/"))

    controls, named = controls_and_labels(html)

    assert set(controls) >= {"id_name", "id_kecamatan", "id_halal", "id_unit_0", "id_unit_1", "id_note"}
    unlabelled = [control for control in controls if control not in named]
    assert not unlabelled, f"{template}: no label for {unlabelled}"
