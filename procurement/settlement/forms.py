"""Forms of the settlement pages: the payables filter, a transfer with its proof, reasons, a refund.

They check what a person can type (bounds, required reasons, a proof that is really a JPG, PNG
or PDF); whether the step is allowed, and whether the amount is right, is the services' call.
"""

from django import forms
from django.utils.translation import gettext_lazy as _

from marketplace.common.bounds import check_year
from procurement.budgets.services import PAGU_MAX_IDR
from vendors.uploads import ALL_KINDS, sanitise_upload

TEXT = {"class": "form-control"}


def _amount_field(label, **kwargs) -> forms.IntegerField:
    return forms.IntegerField(
        label=label,
        min_value=1,
        max_value=PAGU_MAX_IDR,  # nothing a budget can pay is larger
        widget=forms.NumberInput(attrs={**TEXT, "inputmode": "numeric", "min": 1, "step": 1}),
        **kwargs,
    )


class PayablesFilterForm(forms.Form):
    """Filters of the Bendahara's payables: only values of their own unpaid invoices are valid."""

    unit = forms.TypedChoiceField(label=_("Unit"), required=False, coerce=int, empty_value=None)
    partner = forms.TypedChoiceField(label=_("MSME"), required=False, coerce=int, empty_value=None)
    budget_line = forms.TypedChoiceField(label=_("Budget line"), required=False, coerce=int, empty_value=None)
    overdue = forms.BooleanField(label=_("Overdue only"), required=False)

    def __init__(self, *args, units=(), partners=(), lines=(), **kwargs):
        super().__init__(*args, **kwargs)
        every = [("", _("All"))]
        self.fields["unit"].choices = every + [(pk, name) for pk, name in units]
        self.fields["partner"].choices = every + [(pk, name) for pk, name in partners]
        self.fields["budget_line"].choices = every + [(pk, name) for pk, name in lines]
        if len(units) < 2:  # one unit: nothing to choose
            self.fields["unit"].widget = forms.HiddenInput()
        for name in ("unit", "partner", "budget_line"):
            self.fields[name].widget.attrs.setdefault("class", "form-control form-control-sm")
        self.fields["overdue"].widget.attrs["class"] = "form-check-input"


class TransferForm(forms.Form):
    """The Bendahara's record of a bank transfer of the net amount, with the bank's proof."""

    transfer_date = forms.DateField(
        label=_("Transfer date"), widget=forms.DateInput(attrs={**TEXT, "type": "date"}, format="%Y-%m-%d")
    )
    amount_idr = _amount_field(_("Amount transferred (Rp)"))
    bank_name = forms.CharField(label=_("Bank"), max_length=60, widget=forms.TextInput(attrs=TEXT))
    reference = forms.CharField(
        label=_("Transfer reference"),
        max_length=80,
        help_text=_("The number on the bank's receipt or the SP2D."),
        widget=forms.TextInput(attrs=TEXT),
    )
    proof = forms.FileField(
        label=_("Transfer proof (JPG, PNG or PDF)"),
        widget=forms.ClearableFileInput(
            attrs={
                "class": "form-control-file",
                "accept": ".jpg,.jpeg,.png,.pdf,image/jpeg,image/png,application/pdf",
            }
        ),
    )

    def clean_transfer_date(self):
        return check_year(self.cleaned_data["transfer_date"])

    def clean_proof(self):
        """The file as stored: checked by its content (vendors.uploads), re-encoded if a photo."""
        return sanitise_upload(self.cleaned_data["proof"], allowed=ALL_KINDS)  # UploadRejected: a field error


class ReasonForm(forms.Form):
    """A dispute or a correction: the reason is required."""

    reason = forms.CharField(
        label=_("Reason"), max_length=1000, widget=forms.Textarea(attrs={**TEXT, "rows": 2})
    )

    def __init__(self, *args, label=None, **kwargs):
        super().__init__(*args, **kwargs)
        if label:
            self.fields["reason"].label = label


class RefundForm(forms.Form):
    """An Admin's refund of (part of) a card payment."""

    amount_idr = _amount_field(_("Amount to refund (Rp)"))
    reason = forms.CharField(
        label=_("Reason for the refund"), max_length=1000, widget=forms.Textarea(attrs={**TEXT, "rows": 2})
    )


class CardReturnForm(forms.Form):
    """Stripe's return address: `?session_id=cs_…`."""

    session_id = forms.CharField(max_length=255)
