"""Input shapes of the census pages: the dashboard's filters, the register upload, snapshots.

Every value comes from the address bar or a form, so each field has bounds; the dashboard's
filters go through `marketplace.common.filters.valid_filters` (a bad one is ignored with a word).
"""

from django import forms
from django.template.defaultfilters import filesizeformat
from django.utils import timezone
from django.utils.dates import MONTHS
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from marketplace.common.bounds import FIRST_YEAR
from vendors.census import importer
from vendors.census.models import CensusRecord, CensusSnapshot
from vendors.models import Vendor

IMPORT_MAX_BYTES = 10 * 1024 * 1024  # about 60,000 rows of CSV; 20,000 rows is under 4 MB
IMPORT_EXTENSIONS = (".csv", ".xlsx")
XLSX_MAGIC = b"PK\x03\x04"  # an XLSX file is a zip archive
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
YEARS_BACK = 6  # the year filter offers this year and the years before it

YEAR = pgettext_lazy("census period", "Year")
MONTH_CHOICES = [(number, name) for number, name in MONTHS.items()]
QUARTER_CHOICES = [(q, f"Q{q}") for q in (1, 2, 3, 4)]


def year_choices(today=None) -> list[tuple[int, str]]:
    this_year = (today or timezone.localdate()).year
    return [(y, str(y)) for y in range(this_year, max(FIRST_YEAR, this_year - YEARS_BACK) - 1, -1)]


def last_closed_quarter(today) -> tuple[str, int, int]:
    """("quarter", year, quarter) of the last quarter that ended before `today`."""
    quarter = (today.month - 1) // 3  # the current quarter's number minus one
    return ("quarter", today.year, quarter) if quarter else ("quarter", today.year - 1, 4)


def _small(form):
    for field in form.fields.values():
        field.widget.attrs.setdefault("class", "form-control form-control-sm")


class CensusFilterForm(forms.Form):
    """The dashboard's filters: a period (year, months from–to), a sector and a kecamatan."""

    year = forms.TypedChoiceField(label=YEAR, required=False, coerce=int, empty_value=None)
    month_from = forms.TypedChoiceField(label=_("From month"), required=False, coerce=int, empty_value=None)
    month_to = forms.TypedChoiceField(label=_("To month"), required=False, coerce=int, empty_value=None)
    sector = forms.ChoiceField(
        label=_("Sector"), required=False, choices=[("", _("All sectors"))] + Vendor.Sector.choices
    )
    kecamatan = forms.TypedChoiceField(label=_("Kecamatan"), required=False, coerce=int, empty_value=None)

    def __init__(self, *args, kecamatan_choices=(), today=None, **kwargs):
        super().__init__(*args, **kwargs)
        # Each may be left at "all": a GET form sends every select, so each has an empty choice.
        self.fields["year"].choices = [("", _("All years"))] + year_choices(today)
        for name in ("month_from", "month_to"):
            self.fields[name].choices = [("", _("All months"))] + MONTH_CHOICES
        self.fields["kecamatan"].choices = [("", _("All kecamatan"))] + list(kecamatan_choices)
        _small(self)

    def clean(self):
        data = super().clean()
        start, end = data.get("month_from"), data.get("month_to")
        if start and end and start > end:
            self.add_error("month_to", _("The last month comes before the first one."))
        return data


class CensusImportForm(forms.Form):
    """A register of MSMEs as CSV (UTF-8) or XLSX, at most IMPORT_MAX_BYTES."""

    file = forms.FileField(
        label=_("CSV or XLSX file"),
        help_text=_("A CSV (UTF-8) or XLSX file, at most %(limit)s, with the columns described below.")
        % {"limit": filesizeformat(IMPORT_MAX_BYTES)},
        widget=forms.ClearableFileInput(
            attrs={
                "accept": f".csv,.xlsx,text/csv,{XLSX_TYPE}",
                "class": "form-control-file",
            }
        ),
    )

    source = forms.ChoiceField(
        label=_("Register"),
        help_text=_("Where the rows come from, unless a row says so in its own “source” column."),
        choices=[
            (value, label) for value, label in CensusRecord.Source.choices if value in importer.IMPORT_SOURCES
        ],
        initial=CensusRecord.Source.KOPIMI,
        widget=forms.Select(attrs={"class": "form-control"}),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        name = upload.name.lower()
        if not name.endswith(IMPORT_EXTENSIONS):
            raise forms.ValidationError(
                _("“%(name)s” is neither a CSV nor an XLSX file: save the sheet as CSV (UTF-8) or XLSX."),
                params={"name": upload.name},
                code="wrong_type",
            )
        if upload.size > IMPORT_MAX_BYTES:
            raise forms.ValidationError(
                _("The file is %(size)s; the limit is %(limit)s. Split it into several files."),
                params={"size": filesizeformat(upload.size), "limit": filesizeformat(IMPORT_MAX_BYTES)},
                code="too_large",
            )
        upload.seek(0)
        head = upload.read(4)
        upload.seek(0)
        if not head.strip():
            raise forms.ValidationError(_("The file is empty."), code="empty")
        if name.endswith(".xlsx") and head != XLSX_MAGIC:
            raise forms.ValidationError(
                _("“%(name)s” is not an XLSX workbook (is it a CSV renamed to .xlsx?)."),
                params={"name": upload.name},
                code="not_xlsx",
            )
        if name.endswith(".csv") and head == XLSX_MAGIC:
            raise forms.ValidationError(
                _("This is not a text CSV file (is it a spreadsheet renamed to .csv?)."), code="binary"
            )
        return upload


class SnapshotFreezeForm(forms.Form):
    """Which closed period to freeze: a quarter of a year, or the whole year."""

    period_kind = forms.ChoiceField(
        label=_("Period"),
        choices=CensusSnapshot.PeriodKind.choices,
        initial=CensusSnapshot.PeriodKind.QUARTER,
    )
    year = forms.TypedChoiceField(label=YEAR, coerce=int)
    quarter = forms.TypedChoiceField(
        label=CensusSnapshot.PeriodKind.QUARTER.label,
        required=False,
        coerce=int,
        empty_value=None,
        choices=[("", "—")] + QUARTER_CHOICES,
    )

    def __init__(self, *args, today=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["year"].choices = year_choices(today)
        _small(self)

    def clean(self):
        data = super().clean()
        if data.get("period_kind") == "quarter" and not data.get("quarter"):
            self.add_error("quarter", _("Choose the quarter to freeze."))
        if data.get("period_kind") == "year":
            data["quarter"] = None
        return data


class SnapshotCompareForm(forms.Form):
    """Two frozen snapshots to compare (the earlier one first), or a snapshot with now (`b` empty)."""

    a = forms.TypedChoiceField(label=_("Snapshot"), coerce=int)
    b = forms.TypedChoiceField(label=_("Compared with"), coerce=int, required=False, empty_value=None)

    def __init__(self, *args, snapshot_choices=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["a"].choices = list(snapshot_choices)
        self.fields["b"].choices = [("", _("The census now"))] + list(snapshot_choices)
        _small(self)

    def clean(self):
        data = super().clean()
        if data.get("a") and data.get("a") == data.get("b"):
            self.add_error("b", _("Choose two different snapshots, or compare with the census now."))
        return data


class CensusExportForm(forms.Form):
    """Which table to export (the register or a dashboard table) and in which format."""

    table = forms.ChoiceField()
    format = forms.ChoiceField(choices=[("csv", "CSV"), ("xlsx", "XLSX")])

    def __init__(self, *args, tables=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["table"].choices = [(name, name) for name in tables]
