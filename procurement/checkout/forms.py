from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from marketplace.common.money import format_rupiah
from procurement.budgets.models import BudgetLine
from vendors.validators import normalise_phone


def delivery_field(**kwargs) -> forms.DateTimeField:
    return forms.DateTimeField(
        label=_("Date and time of delivery"),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"],
        **kwargs,
    )


def future_delivery(value):
    if value is not None and value <= timezone.now():
        raise forms.ValidationError(_("The delivery time must be in the future."))
    return value


class DeliveryChoiceForm(forms.Form):
    """The basket page's delivery moment (empty: forget it)."""

    delivery_at = delivery_field(required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["delivery_at"].widget.attrs["class"] = "form-control"

    def clean_delivery_at(self):
        return future_delivery(self.cleaned_data["delivery_at"])


class EventCheckoutForm(forms.Form):
    name = forms.CharField(label=_("Name of the meeting or activity"), max_length=200)
    starts_at = delivery_field()
    venue = forms.CharField(label=_("Venue (delivery address)"), max_length=255)
    participants = forms.IntegerField(label=_("Participants"), min_value=1, max_value=100000)
    contact_name = forms.CharField(label=_("Contact person"), max_length=120)
    contact_phone = forms.CharField(label=_("Contact phone"), max_length=20)
    budget_line = forms.ModelChoiceField(label=_("Budget line"), queryset=BudgetLine.objects.none())

    def __init__(self, *args, budget_lines=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["budget_line"].queryset = (
            budget_lines if budget_lines is not None else BudgetLine.objects.none()
        )
        self.fields["budget_line"].label_from_instance = lambda line: (
            f"{line.unit.short_name} · {line.sub_activity_name} · {line.account.code} "
            f"({_('available')} {format_rupiah(line.available_idr)})"
        )
        for field in self.fields.values():
            field.widget.attrs.setdefault("class", "form-control")
        self.fields["contact_phone"].widget.attrs["inputmode"] = "tel"

    def clean_starts_at(self):
        return future_delivery(self.cleaned_data["starts_at"])

    def clean_contact_phone(self):
        return normalise_phone(self.cleaned_data["contact_phone"])
