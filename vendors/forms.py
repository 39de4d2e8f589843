"""Input shapes of the MSME pages; rules live in vendors.validators and vendors.services."""

from django import forms
from django.core.validators import MaxValueValidator, MinValueValidator
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from marketplace.common.bounds import check_year
from marketplace.common.money import format_rupiah
from marketplace.regions.models import Region
from marketplace.regions.selectors import kecamatan_list, kelurahan_list
from vendors import validators
from vendors.models import Vendor, VendorDecision, VendorDocument


class _StepForm(forms.ModelForm):
    """A step of the registration; fields may stay empty in a draft."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            field.required = False
            css = "form-check-input" if isinstance(field.widget, forms.CheckboxInput) else "form-control"
            field.widget.attrs.setdefault("class", css)


class BusinessForm(_StepForm):
    class Meta:
        model = Vendor
        fields = (
            "business_name",
            "legal_form",
            "sector",
            "description",
            "street_address",
            "kecamatan",
            "kelurahan",
            "phone",
        )
        widgets = {"description": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kecamatan"].queryset = kecamatan_list()
        self.fields["kelurahan"].queryset = kelurahan_list().select_related("parent")
        self.fields["kelurahan"].label_from_instance = lambda r: f"{r.name} ({r.parent.name})"
        self.fields["phone"].widget.attrs.update({"inputmode": "tel", "autocomplete": "tel"})
        self.fields["phone"].help_text = _("E.g. 0812 3456 7890")

    def clean_phone(self):
        value = self.cleaned_data["phone"]
        return validators.normalise_phone(value) if value else ""

    def clean(self):
        data = super().clean()
        kec, kel = data.get("kecamatan"), data.get("kelurahan")
        if kel and kec and kel.parent_id != kec.pk:
            self.add_error("kelurahan", _("This kelurahan is not in the chosen kecamatan."))
        if kel and not kec:
            data["kecamatan"] = Region.objects.get(pk=kel.parent_id)
        return data


class OwnerForm(_StepForm):
    # Room for the spaces, dots and dashes people type inside a NIK ("3374 0115 0890 0001"): a
    # maxlength of 16 would cut a 17-digit typo silently into another, valid-looking NIK.
    # The server drops the separators and refuses anything that is not 16 digits.
    nik = forms.CharField(
        label=Vendor._meta.get_field("nik").verbose_name,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off", "maxlength": 24}),
        help_text=_("16 digits, as on your KTP."),
    )

    class Meta:
        model = Vendor
        fields = ("owner_name", "nik")

    def clean_nik(self):
        return validators.clean_nik(self.cleaned_data["nik"])


class PermitsForm(_StepForm):
    class Meta:
        model = Vendor
        fields = (
            "nib",
            "iumk",
            "npwp",
            "pp55_number",
            "pp55_valid_until",
            "pirt_number",
            "halal_number",
            "kopimi_registered",
            "kopimi_number",
        )
        widgets = {
            "pp55_valid_until": forms.DateInput(
                attrs={"type": "date", "min": "2000-01-01", "max": "2100-12-31"}, format="%Y-%m-%d"
            )
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["nib"].widget.attrs.update({"inputmode": "numeric", "maxlength": 13})
        self.fields["nib"].help_text = _("13 digits, from OSS. Required.")
        self.fields["pirt_number"].help_text = _(
            "For food: at least 15 digits; the last two are the expiry year."
        )
        self.fields["halal_number"].help_text = _("Starts with ID.")

    def clean_nib(self):
        value = (self.cleaned_data["nib"] or "").strip()
        if not value:
            return None
        validators.validate_nib(value)
        return value

    def clean_npwp(self):
        value = (self.cleaned_data["npwp"] or "").strip()
        if value:
            validators.validate_npwp(value)
        return value

    def clean_pp55_valid_until(self):
        return check_year(self.cleaned_data["pp55_valid_until"])

    def clean_pirt_number(self):
        value = (self.cleaned_data["pirt_number"] or "").strip()
        if value:
            validators.validate_pirt(value)
        return value

    def clean_halal_number(self):
        value = (self.cleaned_data["halal_number"] or "").strip().upper()
        if value:
            validators.validate_halal(value)
        return value

    def clean(self):
        data = super().clean()
        if data.get("kopimi_registered") and not data.get("kopimi_number"):
            self.add_error("kopimi_number", _("Give the Gerai Kopimi registration number."))
        pp55_date_missing = not data.get("pp55_valid_until") and not self.has_error("pp55_valid_until")
        if data.get("pp55_number") and pp55_date_missing:
            self.add_error("pp55_valid_until", _("Give the validity date of the PP 55/2022 certificate."))
        return data


# Capital and annual sales: an MSME's are at most tens of billions of rupiah (PP 7/2021);
# Rp 1 quadrillion is beyond any, and far below what the database column holds.
CENSUS_MAX_IDR = 10**15


class CensusForm(_StepForm):
    class Meta:
        model = Vendor
        fields = (
            "capital_idr",
            "employees",
            "annual_sales_idr",
            "bank_name",
            "bank_account_number",
            "bank_account_holder",
        )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # The model's check constraints refuse negatives too, but name only the constraint; and
        # BigIntegerField would accept amounts up to 2^63. Each amount gets its own message.
        too_large = gettext("Enter an amount of at most %(max)s.") % {"max": format_rupiah(CENSUS_MAX_IDR)}
        negative = {
            "capital_idr": gettext("Capital cannot be negative."),
            "annual_sales_idr": gettext("Annual sales cannot be negative."),
        }
        for name, below_zero in negative.items():
            field = self.fields[name]
            field.min_value, field.max_value = 0, CENSUS_MAX_IDR
            field.validators = [
                MinValueValidator(0, message=below_zero),
                MaxValueValidator(CENSUS_MAX_IDR, message=too_large),
            ]
            field.widget.attrs.update({"inputmode": "numeric", "min": 0, "max": CENSUS_MAX_IDR})

    def clean_bank_account_number(self):
        value = (self.cleaned_data["bank_account_number"] or "").replace(" ", "").replace("-", "")
        if value and not value.isdigit():
            raise forms.ValidationError(_("The account number may contain digits only."))
        return value


class DocumentsForm(forms.Form):
    """One file field per document this registration needs."""

    def __init__(self, *args, kinds=(), present=(), **kwargs):
        super().__init__(*args, **kwargs)
        for kind in kinds:
            label = VendorDocument.Kind(kind).label
            self.fields[kind] = forms.FileField(
                label=label,
                required=False,
                help_text=_("Already uploaded: a new file replaces it.")
                if kind in present
                else _("JPEG, PNG or PDF, at most 5 MB."),
                widget=forms.ClearableFileInput(
                    attrs={"class": "form-control-file", "accept": "image/jpeg,image/png,application/pdf"}
                ),
            )


STEPS = (
    ("usaha", _("Business"), BusinessForm),
    ("pemilik", _("Owner"), OwnerForm),
    ("izin", _("Permits"), PermitsForm),
    ("sensus", _("Census and payout"), CensusForm),
    ("dokumen", _("Documents"), DocumentsForm),
    ("kirim", _("Review and submit"), None),
)
STEP_SLUGS = [s[0] for s in STEPS]


class DecisionForm(forms.Form):
    # The button-like labels of the verifier's decisions; which are offered is the services' call
    # (vendors.services.decisions_offered), so the form offers and accepts only those.
    LABELS = {
        VendorDecision.Action.APPROVE: _("Approve"),
        VendorDecision.Action.REQUEST_CHANGES: _("Ask for changes"),
        VendorDecision.Action.REJECT: _("Reject"),
        VendorDecision.Action.SUSPEND: _("Suspend"),
        VendorDecision.Action.REINSTATE: _("Reinstate"),
    }
    action = forms.ChoiceField(label=_("Decision"), choices=(), widget=forms.RadioSelect)
    reason = forms.CharField(
        label=_("Reason / note"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2, "class": "form-control"}),
    )

    def __init__(self, *args, offered=(), problem_items=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["action"].choices = [(a, self.LABELS[a]) for a in offered]
        self.problem_items = problem_items
        for key, label in problem_items:
            self.fields[f"problem_{key}"] = forms.CharField(
                label=label,
                required=False,
                max_length=500,
                widget=forms.TextInput(
                    attrs={
                        "class": "form-control form-control-sm",
                        "placeholder": _("What must change? (leave empty if fine)"),
                    }
                ),
            )

    def problems(self) -> list[dict]:
        return [
            {"field": key, "label": str(label), "reason": self.cleaned_data.get(f"problem_{key}", "").strip()}
            for key, label in self.problem_items
            if self.cleaned_data.get(f"problem_{key}", "").strip()
        ]


MIN_DAYS_MAX = 3650  # ten years: no registration waits longer


class QueueFilterForm(forms.Form):
    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[("", _("Waiting (submitted)"))]
        + [c for c in Vendor.Status.choices if c[0] != Vendor.Status.DRAFT],
    )
    kecamatan = forms.ModelChoiceField(label=_("Kecamatan"), required=False, queryset=kecamatan_list())
    sector = forms.ChoiceField(label=_("Sector"), required=False, choices=[("", "—")] + Vendor.Sector.choices)
    min_days = forms.IntegerField(
        label=_("Waiting at least (days)"), required=False, min_value=0, max_value=MIN_DAYS_MAX
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            field.widget.attrs.setdefault("class", "form-control form-control-sm")
