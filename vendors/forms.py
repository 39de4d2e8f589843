"""Input shapes of the MSME pages; rules live in vendors.validators and vendors.services."""

from django import forms
from django.core.validators import MaxLengthValidator, MaxValueValidator, MinValueValidator
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from marketplace.common.bounds import check_year
from marketplace.common.money import format_rupiah
from marketplace.regions.selectors import kecamatan_list, kelurahan_list
from vendors import selectors, services, uploads, validators
from vendors.models import Vendor, VendorDecision, VendorDocument

# Room for the spaces, dots and dashes people type inside the identity numbers ("3374 0115 0890
# 0001"): a maxlength of the digits alone would cut a typo silently into another, valid-looking
# number. The server drops the separators and refuses what is not a valid number, with its message.
IDENTITY_INPUT_ROOM = {"nik": 24, "nib": 20, "npwp": 24, "pirt_number": 40, "halal_number": 50}


class VendorRulesMixin:
    """For a ModelForm writing an MSME's fields (the registration steps, the admin): the identity
    numbers it holds cleaned to their normal form, and the rules between the fields checked, by
    the functions vendors.services.vendor_update applies, so each path gives the same message."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, room in IDENTITY_INPUT_ROOM.items():
            field = self.fields.get(name)
            if field is None:
                continue
            # The stored length (the model's max_length) is checked on the normal form.
            field.max_length = None
            field.validators = [v for v in field.validators if not isinstance(v, MaxLengthValidator)]
            field.widget.attrs["maxlength"] = room

    def clean(self):
        data = super().clean()
        numbers = {name: data[name] for name in services.IDENTITY_CLEANERS if name in data}
        try:
            data.update(services.identity_clean(numbers))
        except services.InvalidIdentity as exc:
            for name, message in exc.errors.items():
                self.add_error(name, message)
        values = selectors.profile_values(self.instance, data)
        for name, message in selectors.vendor_profile_problems(values, fields=self.fields).items():
            if not self.has_error(name):
                self.add_error(name if name in self.fields else None, message)
        return data


def add_service_errors(form, exc: services.VendorError) -> None:
    """Show a service's refusal on the form: on the fields it names, else above the form."""
    errors = getattr(exc, "errors", None) or {None: exc.message}
    for name, message in errors.items():
        form.add_error(name if name in form.fields else None, message)


class _StepForm(VendorRulesMixin, forms.ModelForm):
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


class OwnerForm(_StepForm):
    class Meta:
        model = Vendor
        fields = ("owner_name", "nik")
        widgets = {"nik": forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"})}
        help_texts = {"nik": _("16 digits, as on your KTP.")}


def _date_input():
    return forms.DateInput(
        attrs={"type": "date", "min": "2000-01-01", "max": "2100-12-31"}, format="%Y-%m-%d"
    )


class PermitsForm(_StepForm):
    class Meta:
        model = Vendor
        fields = (
            "nib",
            "iumk",
            "npwp",
            "pp55_number",
            "pp55_valid_from",
            "pp55_valid_until",
            "pbjt_collector",
            "pbjt_tax_number",
            "pirt_number",
            "halal_number",
            "kopimi_registered",
            "kopimi_number",
        )
        widgets = {"pp55_valid_from": _date_input(), "pp55_valid_until": _date_input()}
        labels = {"pbjt_collector": _("Registered as a PBJT collector")}
        help_texts = {
            "nib": _("13 digits, from OSS. Required."),
            "pp55_number": _("If you hold one, give its validity dates; upload it with the documents."),
            "pbjt_tax_number": _("Required when you are registered as a PBJT collector."),
            "pirt_number": _("For food: at least 15 digits; the last two are the expiry year."),
            "halal_number": _("Starts with ID."),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["nib"].widget.attrs["inputmode"] = "numeric"

    def clean_pp55_valid_from(self):
        return check_year(self.cleaned_data["pp55_valid_from"])

    def clean_pp55_valid_until(self):
        return check_year(self.cleaned_data["pp55_valid_until"])


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


def document_hint(kind: str) -> str:
    """The formats and size a document field accepts: the same formats the upload's refusal
    names (`selectors.document_formats`, `uploads.formats_label`)."""
    return gettext("Accepted formats: %(formats)s, at most %(megabytes)s MB.") % {
        "formats": uploads.formats_label(selectors.document_formats(kind)),
        "megabytes": uploads.max_megabytes(),
    }


class DocumentsForm(forms.Form):
    """One file field per document this registration needs."""

    def __init__(self, *args, kinds=(), present=(), optional=(), **kwargs):
        super().__init__(*args, **kwargs)
        for kind in kinds:
            label = VendorDocument.Kind(kind).label
            hint = [document_hint(kind)]
            if kind in present:
                hint.insert(0, gettext("Already uploaded: a new file replaces it."))
            elif kind in optional:
                hint.insert(0, gettext("Optional."))
            elif kind == VendorDocument.Kind.DOMICILE:
                hint.insert(
                    0,
                    gettext(
                        "Needed because your KTP was issued outside the city: a domicile letter "
                        "(surat keterangan domisili) from your kelurahan."
                    ),
                )
            self.fields[kind] = forms.FileField(
                label=label,
                required=False,
                help_text=" ".join(hint),
                widget=forms.ClearableFileInput(
                    attrs={
                        "class": "form-control-file",
                        "accept": uploads.accept_attribute(selectors.document_formats(kind)),
                    }
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
# The section of a verifier's "ask for changes" (VerificationReviewView.problem_items) → its step;
# a document's problem ("doc_<kind>") is the documents step's.
PROBLEM_STEPS = {"business": "usaha", "owner": "pemilik", "permits": "izin", "census": "sensus"}


def step_fields() -> list[tuple[str, object]]:
    """Each step's slug with its fields, for `selectors.registration_steps`."""
    return [
        (
            slug,
            selectors.DOCUMENTS_STEP
            if form is DocumentsForm
            else (tuple(form._meta.fields) if form is not None else None),
        )
        for slug, _label, form in STEPS
    ]


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
