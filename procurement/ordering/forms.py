from django import forms
from django.utils.translation import gettext_lazy as _

from marketplace.common.bounds import check_year
from marketplace.common.filters import IdField
from procurement.ordering.models import OrderStatus


class ReasonForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2, "class": "form-control"}),
    )


class ReceiptForm(forms.Form):
    """The BAST: quantity received per line (at most what was ordered), notes and a rating."""

    notes = forms.CharField(
        label=_("Notes"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2, "class": "form-control"}),
    )
    rating = forms.TypedChoiceField(
        label=_("Rate the MSME"),
        required=False,
        coerce=int,
        empty_value=None,
        choices=[("", "—")] + [(i, "★" * i) for i in range(5, 0, -1)],
        widget=forms.Select(attrs={"class": "form-control"}),
    )
    comment = forms.CharField(
        label=_("Comment"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2, "class": "form-control"}),
    )

    def __init__(self, *args, lines=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.lines = list(lines)
        quantities = {}
        for line in self.lines:
            quantities[f"qty_{line.pk}"] = forms.IntegerField(
                label=_("%(product)s (ordered %(quantity)s)")
                % {"product": line.title, "quantity": line.quantity},
                min_value=0,
                max_value=line.quantity,
                initial=line.quantity,
                widget=forms.NumberInput(attrs={"class": "form-control", "inputmode": "numeric"}),
            )
        # What arrived comes first, then the notes about it, the rating last.
        self.fields = {**quantities, **self.fields}

    def quantity_fields(self):
        return [self[name] for name in self.fields if name.startswith("qty_")]

    def other_fields(self):
        return [self[name] for name in self.fields if not name.startswith("qty_")]

    def quantities(self) -> dict[int, int]:
        return {line.pk: self.cleaned_data[f"qty_{line.pk}"] for line in self.lines}


class OrderFilterForm(forms.Form):
    status = forms.ChoiceField(
        label=_("Status"), required=False, choices=[("", _("All"))] + OrderStatus.choices
    )
    event = forms.CharField(label=_("Event"), required=False, max_length=100)
    month = forms.DateField(
        label=_("Month"),
        required=False,
        input_formats=["%Y-%m"],
        widget=forms.DateInput(attrs={"type": "month"}, format="%Y-%m"),
    )
    budget_line = IdField(label=_("Budget line"), required=False, widget=forms.HiddenInput)
    partner = IdField(label=_("MSME"), required=False, widget=forms.HiddenInput)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            field.widget.attrs.setdefault("class", "form-control form-control-sm")

    def clean_month(self):
        return check_year(self.cleaned_data["month"])


class VendorOrderFilterForm(forms.Form):
    """The MSME's incoming orders: open ones or all; and the day of the production list."""

    show = forms.ChoiceField(
        required=False, choices=[("open", _("Open")), ("all", _("All"))], label=_("Show")
    )
    day = forms.DateField(label=_("Day"), required=False)

    def clean_day(self):
        return check_year(self.cleaned_data["day"])
