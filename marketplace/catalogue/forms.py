from django import forms
from django.utils.translation import gettext_lazy as _

from marketplace.catalogue.models import ProductKind
from marketplace.common.bounds import check_year
from marketplace.regions.selectors import kecamatan_list

PRICE_FILTER_MAX_IDR = 10**12  # no catering costs more; above it a filter means nothing

SORT_CHOICES = (
    ("pemerataan", _("Pemerataan (MSMEs with fewer sales first)")),
    ("relevance", _("Relevance")),
    ("price_asc", _("Price: low to high")),
    ("price_desc", _("Price: high to low")),
    ("newest", _("Newest")),
)


class ListingForm(forms.Form):
    """What a buyer can narrow the catalogue by. Every field is optional."""

    q = forms.CharField(label=_("Search"), required=False, max_length=100)
    kind = forms.ChoiceField(
        label=_("Kind"), required=False, choices=[("", _("All kinds"))] + ProductKind.choices
    )
    kecamatan = forms.ModelChoiceField(
        label=_("Kecamatan of the MSME"),
        required=False,
        queryset=kecamatan_list(),
        empty_label=_("All kecamatan"),
    )
    price_min = forms.IntegerField(
        label=_("Price from (Rp)"), required=False, min_value=0, max_value=PRICE_FILTER_MAX_IDR
    )
    price_max = forms.IntegerField(
        label=_("Price up to (Rp)"), required=False, min_value=0, max_value=PRICE_FILTER_MAX_IDR
    )
    halal = forms.BooleanField(label=_("Halal only"), required=False)
    quantity = forms.IntegerField(
        label=_("I need (portions/pieces)"),
        required=False,
        min_value=1,
        max_value=100000,
        help_text=_("Hides products whose minimum order is higher."),
    )
    available_on = forms.DateField(
        label=_("Delivery date"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    sort = forms.ChoiceField(label=_("Sort"), required=False, choices=SORT_CHOICES)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, field in self.fields.items():
            if name == "halal":
                field.widget.attrs["class"] = "form-check-input"
            else:
                field.widget.attrs["class"] = "form-control form-control-sm"
        self.fields["price_min"].widget.attrs["inputmode"] = "numeric"
        self.fields["price_max"].widget.attrs["inputmode"] = "numeric"

    def clean_available_on(self):
        return check_year(self.cleaned_data["available_on"])

    def clean(self):
        data = super().clean()
        lo, hi = data.get("price_min"), data.get("price_max")
        if lo is not None and hi is not None and lo > hi:
            self.add_error("price_max", _("The upper price must not be below the lower price."))
            data.pop("price_min", None)  # an upside-down range is ignored whole
        return data
