"""Forms of the MSME's own shop pages (products, capacity, closed days)."""

from datetime import date

from django import forms
from django.utils import formats
from django.utils.translation import gettext_lazy as _
from oscar.core.loading import get_model

from marketplace.catalogue.models import DietaryTag
from marketplace.catalogue.services import product_class_for
from marketplace.partner.services import closed_day_refusal

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


NEW_CLOSED_DATES = 3  # empty date pickers offered at once


class ScheduleForm(forms.Form):
    """Capacity, weekly closing days, and dated closures: the upcoming ones can be reopened,
    new ones picked with the phone's date picker."""

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
    reopen = forms.MultipleChoiceField(
        label=_("Open again on"), required=False, widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args, upcoming: list[date], today: date, **kwargs):
        super().__init__(*args, **kwargs)
        self.upcoming = sorted(upcoming)
        self.today = today
        self.fields["reopen"].choices = [
            (d.isoformat(), formats.date_format(d, "l, j F Y")) for d in self.upcoming
        ]
        for n in range(1, NEW_CLOSED_DATES + 1):
            self.fields[f"close_{n}"] = forms.DateField(
                label=_("Closed on"),
                required=False,
                input_formats=["%Y-%m-%d"],
                widget=forms.DateInput(
                    attrs={"type": "date", "class": "form-control", "min": today.isoformat()},
                    format="%Y-%m-%d",
                ),
            )

    def new_date_fields(self):
        return [self[f"close_{n}"] for n in range(1, NEW_CLOSED_DATES + 1)]

    def clean(self):
        data = super().clean()
        for n in range(1, NEW_CLOSED_DATES + 1):
            day = data.get(f"close_{n}")
            problem = day and closed_day_refusal(day=day, today=self.today)
            if problem:
                self.add_error(f"close_{n}", problem)
        return data

    @property
    def closed_days(self) -> list[date]:
        """The upcoming closed dates once saved: the kept ones and the new ones."""
        reopened = set(self.cleaned_data.get("reopen") or [])
        kept = {d for d in self.upcoming if d.isoformat() not in reopened}
        new = {self.cleaned_data.get(f"close_{n}") for n in range(1, NEW_CLOSED_DATES + 1)} - {None}
        return sorted(kept | new)
