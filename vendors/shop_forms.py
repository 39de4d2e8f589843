"""Forms of the MSME's own shop pages (products, capacity, closed days)."""

from datetime import date

from django import forms
from django.utils.translation import gettext_lazy as _
from oscar.core.loading import get_model

from marketplace.catalogue.models import DietaryTag
from marketplace.catalogue.services import product_class_for

Product = get_model("catalogue", "Product")
WEEKDAYS = (
    ("0", _("Monday")),
    ("1", _("Tuesday")),
    ("2", _("Wednesday")),
    ("3", _("Thursday")),
    ("4", _("Friday")),
    ("5", _("Saturday")),
    ("6", _("Sunday")),
)


class ProductForm(forms.ModelForm):
    price_idr = forms.IntegerField(label=_("Price per unit (Rp)"), min_value=1, max_value=1_000_000_000)
    photo = forms.FileField(
        label=_("Photo"),
        required=False,
        help_text=_("JPEG or PNG, at most 5 MB."),
        widget=forms.ClearableFileInput(
            attrs={"accept": "image/jpeg,image/png", "class": "form-control-file"}
        ),
    )
    dietary_tags = forms.MultipleChoiceField(
        label=_("Dietary tags"),
        required=False,
        choices=DietaryTag.choices,
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = Product
        fields = (
            "title",
            "kind",
            "description",
            "contents",
            "sale_unit",
            "ceiling_kind",
            "min_order_qty",
            "lead_time_hours",
            "is_halal",
            "dietary_tags",
        )
        widgets = {
            "description": forms.Textarea(attrs={"rows": 3}),
            "contents": forms.Textarea(attrs={"rows": 2}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["title"].required = True
        self.fields["kind"].required = True
        for name, field in self.fields.items():
            if name in ("is_halal", "dietary_tags", "photo"):
                continue
            field.widget.attrs.setdefault("class", "form-control")
        self.fields["price_idr"].widget.attrs["inputmode"] = "numeric"

    def clean(self):
        data = super().clean()
        # Oscar's Product.clean() (run next, by the model validation) needs the class of this kind.
        if data.get("kind"):
            self.instance.product_class = product_class_for(data["kind"])
        return data


class ScheduleForm(forms.Form):
    daily_capacity = forms.IntegerField(
        label=_("Capacity (portions per day)"),
        required=False,
        min_value=1,
        max_value=100000,
        help_text=_("Leave empty for no limit."),
        widget=forms.NumberInput(attrs={"class": "form-control", "inputmode": "numeric"}),
    )
    closed_weekdays = forms.MultipleChoiceField(
        label=_("Closed every"), required=False, choices=WEEKDAYS, widget=forms.CheckboxSelectMultiple
    )
    closed_dates = forms.CharField(
        label=_("Closed on these dates"),
        required=False,
        help_text=_("One date per line, as YYYY-MM-DD (e.g. 2026-12-25)."),
        widget=forms.Textarea(attrs={"rows": 3, "class": "form-control"}),
    )

    def clean_closed_dates(self):
        dates = []
        for raw in self.cleaned_data["closed_dates"].replace(",", "\n").splitlines():
            raw = raw.strip()
            if not raw:
                continue
            try:
                dates.append(date.fromisoformat(raw))
            except ValueError:
                raise forms.ValidationError(
                    _("“%(value)s” is not a date like 2026-12-25."), params={"value": raw[:20]}
                ) from None
        return dates
