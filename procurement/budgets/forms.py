"""Input shapes for the budget pages: the year filter, the DPA upload and a new pagu."""

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from marketplace.common.money import format_rupiah
from procurement.budgets.services import PAGU_MAX_IDR

IMPORT_MAX_BYTES = 2 * 1024 * 1024


class LineFilterForm(forms.Form):
    """Which fiscal year (and, for Admin, which unit) the list shows."""

    year = forms.TypedChoiceField(label=_("Fiscal year"), required=False, coerce=int, empty_value=None)
    unit = forms.TypedChoiceField(label=_("Unit"), required=False, coerce=int, empty_value=None)

    def __init__(self, *args, years=(), units=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["year"].choices = [("", _("All years"))] + [(y, str(y)) for y in years]
        self.fields["unit"].choices = [("", _("All units"))] + [(pk, name) for pk, name in units]
        for field in self.fields.values():
            field.widget.attrs["class"] = "form-control form-control-sm"


class BudgetImportForm(forms.Form):
    """A UTF-8 CSV of DPA lines, at most 2 MB; `text()` gives its content."""

    file = forms.FileField(
        label=_("CSV file"),
        help_text=_("UTF-8 CSV, at most 2 MB, with the columns described below."),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,text/csv", "class": "form-control-file"}),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if not upload.name.lower().endswith(".csv"):
            raise ValidationError(
                _("“%(name)s” is not a CSV file: save the sheet as CSV (UTF-8) and upload that."),
                params={"name": upload.name},
                code="not_csv",
            )
        if upload.size > IMPORT_MAX_BYTES:
            raise ValidationError(
                _("The file is %(size)s; the limit is %(limit)s. Split it into several files."),
                params={"size": filesizeformat(upload.size), "limit": filesizeformat(IMPORT_MAX_BYTES)},
                code="too_large",
            )
        raw = upload.read()
        if not raw.strip():
            raise ValidationError(_("The file is empty."), code="empty")
        if b"\x00" in raw:
            raise ValidationError(
                _("This is not a text CSV file (is it a spreadsheet renamed to .csv?)."), code="binary"
            )
        try:
            self.cleaned_text = raw.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise ValidationError(
                _(
                    "The file is not UTF-8 (unreadable byte at position %(position)s). "
                    "In the spreadsheet choose “Save as: CSV UTF-8”."
                ),
                params={"position": exc.start},
                code="not_utf8",
            ) from None
        return upload

    def text(self) -> str:
        return self.cleaned_text


class RupiahField(forms.IntegerField):
    """Whole rupiah; accepts what people type: `50000000`, `50.000.000`, `Rp 50.000.000`."""

    def to_python(self, value):
        if isinstance(value, str):
            value = value.strip()
            if value.lower().startswith("rp"):
                value = value[2:]
            value = value.replace(".", "").replace(" ", "").replace("\u00a0", "")
        return super().to_python(value)


class PaguForm(forms.Form):
    pagu_idr = RupiahField(
        label=_("New pagu (Rp)"),
        min_value=0,
        max_value=PAGU_MAX_IDR,
        widget=forms.TextInput(
            attrs={"inputmode": "numeric", "class": "form-control", "autocomplete": "off"}
        ),
        error_messages={"invalid": _("Enter a whole number of rupiah, e.g. 150.000.000.")},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        message = gettext("The pagu must be between Rp 0 and %(max)s.") % {"max": format_rupiah(PAGU_MAX_IDR)}
        self.fields["pagu_idr"].validators = [
            MinValueValidator(0, message=message),
            MaxValueValidator(PAGU_MAX_IDR, message=message),
        ]
