"""The census register export (personal data masked unless asked) and the dashboard tables as rows."""

from collections.abc import Iterable, Iterator
from dataclasses import asdict, fields, is_dataclass

from django.db.models import IntegerField, OuterRef, Subquery, Sum, Value
from django.db.models.functions import Coalesce
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from vendors.census import periods
from vendors.census.models import (
    CensusRecord,
    Gender,
    PlatformSales,
    PlatformStatus,
    SizeClass,
)
from vendors.census.selectors_filter import CensusFilter, _records
from vendors.models import Vendor
from vendors.validators import mask_nik

MASK = "•"


# --- Exports --------------------------------------------------------------------------------------


def _mask_phone(phone: str) -> str:
    if not phone:
        return ""
    return phone[:4] + MASK * max(len(phone) - 7, 3) + phone[-3:]


def _mask_name(name: str) -> str:
    """Initials only: "Sri Wahyuni" -> "S. W."."""
    return " ".join(f"{part[0]}." for part in name.split() if part)


def _mask_address(address: str) -> str:
    return MASK * 8 if address else ""


EXPORT_COLUMNS = (
    ("id", "ID"),
    ("nik", "NIK"),
    ("nib", "NIB"),
    ("business_name", gettext_noop("Business name")),
    ("owner_name", gettext_noop("Owner")),
    ("owner_gender", gettext_noop("Gender")),
    ("owner_birth_date", gettext_noop("Birth date")),
    ("age_group", gettext_noop("Age group")),
    ("phone", gettext_noop("Phone")),
    ("address", gettext_noop("Address")),
    ("sector", gettext_noop("Sector")),
    ("kecamatan", gettext_noop("Kecamatan")),
    ("kelurahan", gettext_noop("Kelurahan")),
    ("capital_idr", gettext_noop("Capital (Rp)")),
    ("annual_sales_idr", gettext_noop("Self-reported annual sales (Rp)")),
    ("employees", gettext_noop("Employees")),
    ("size_class", gettext_noop("Size class")),
    ("platform_status", gettext_noop("Platform status")),
    ("sales_idr", gettext_noop("Platform sales in the period (Rp)")),
    ("source", gettext_noop("Source")),
    ("source_reference", gettext_noop("Reference in the source")),
    ("registered_on", gettext_noop("Known to the city since")),
)


EXPORT_FIELDS = (
    "pk",
    "nik",
    "nib",
    "business_name",
    "owner_name",
    "owner_gender",
    "owner_birth_date",
    "phone",
    "address",
    "sector",
    "kecamatan__name",
    "kelurahan__name",
    "capital_idr",
    "annual_sales_idr",
    "employees",
    "size_class",
    "platform_status",
    "period_sales",
    "source",
    "source_reference",
    "registered_on",
)


def _labels(choices) -> dict[str, str]:
    return {key: str(label) for key, label in choices}


def census_export_count(f: CensusFilter) -> int:
    """How many rows `census_export_rows(f, …)` yields after its header (for the ExportLog)."""
    return _records(f).count()


def census_export_rows(f: CensusFilter, *, with_personal_data: bool) -> Iterator[list]:
    """The register for the filter, one list per MSME after a header row (translated), streamed
    from the database in chunks (flat memory at 20,000 rows). Without `with_personal_data` the
    NIK (`3374••••••••0001`), phone, address, owner's name (initials) and birth date are masked.
    Feed it to `exports.export_csv` or `exports.export_xlsx`."""
    yield [_(label) for _key, label in EXPORT_COLUMNS]
    start, end = f.bounds()
    on = f.as_of()
    sales = PlatformSales.objects.filter(record=OuterRef("pk"), month__lte=end)
    if start:
        sales = sales.filter(month__gte=start)
    sales = sales.order_by().values("record").annotate(s=Sum("amount_idr")).values("s")
    # Plain value rows (no model instances) with the two region names joined in.
    qs = (
        _records(f)
        .annotate(period_sales=Coalesce(Subquery(sales, output_field=IntegerField()), Value(0)))
        .order_by("pk")
        .values_list(*EXPORT_FIELDS)
    )
    # Labels translated once per export, not once per row (a quarter of the CPU at 20,000 rows).
    sources = _labels(CensusRecord.Source.choices)
    classes = _labels(SizeClass.choices)
    statuses = _labels(PlatformStatus.choices)
    genders = _labels(Gender.choices)
    sectors = _labels(Vendor.Sector.choices)
    not_stated = _("Not stated")
    personal = with_personal_data
    for (
        pk,
        nik,
        nib,
        business_name,
        owner_name,
        owner_gender,
        owner_birth_date,
        phone,
        address,
        sector,
        kecamatan,
        kelurahan,
        capital_idr,
        annual_sales_idr,
        employees,
        size_class,
        platform_status,
        period_sales,
        source,
        source_reference,
        registered_on,
    ) in qs.iterator(chunk_size=2000):
        yield [
            pk,
            (nik or "") if personal else mask_nik(nik),
            nib or "",
            business_name,
            owner_name if personal else _mask_name(owner_name),
            genders.get(owner_gender, ""),
            owner_birth_date if personal else None,
            periods.age_group(owner_birth_date, on=on),
            phone if personal else _mask_phone(phone),
            address if personal else _mask_address(address),
            sectors.get(sector, not_stated) if sector else "",
            kecamatan or "",
            kelurahan or "",
            capital_idr,
            annual_sales_idr,
            employees,
            classes.get(size_class, ""),
            statuses.get(platform_status, ""),
            period_sales,
            sources.get(source, ""),
            source_reference,
            registered_on,
        ]


TABLE_HEADINGS = {
    "key": gettext_noop("Code"),
    "label": gettext_noop("Name"),
    "msmes": gettext_noop("MSMEs"),
    "reached": gettext_noop("Reached"),
    "share": gettext_noop("Share"),
    "code": gettext_noop("Code"),
    "kecamatan_code": gettext_noop("Kecamatan code"),
    "amount_idr": gettext_noop("Amount (Rp)"),
    "orders": gettext_noop("Orders"),
    "month": gettext_noop("Month"),
    "new": gettext_noop("New"),
    "total": gettext_noop("Total"),
    "rank": gettext_noop("Rank"),
    "business_name": gettext_noop("Business name"),
    "sector": gettext_noop("Sector"),
    "kecamatan": gettext_noop("Kecamatan"),
    "top_share": gettext_noop("Share of the top 10%"),
    "gini": gettext_noop("Gini coefficient"),
    "from_label": gettext_noop("From"),
    "to_label": gettext_noop("To"),
    "count": gettext_noop("MSMEs"),
    "up": gettext_noop("Up"),
    "row": gettext_noop("Row"),
    "col": gettext_noop("Column"),
    "value": gettext_noop("Value"),
}
TABLE_SKIPPED = {"region_id", "record_id", "from_key", "to_key"}


def census_table_rows(rows: Iterable) -> Iterator[list]:
    """A dashboard table (a list of the row dataclasses above) as a header and value lists, for
    `exports.export_csv` / `export_xlsx`. Shares are given in percent with one decimal."""
    rows = list(rows)
    if not rows or not is_dataclass(rows[0]):
        yield [_("No figures for this choice.")]
        return
    names = [f.name for f in fields(rows[0]) if f.name not in TABLE_SKIPPED]
    yield [_(TABLE_HEADINGS.get(name, name)) for name in names]
    for row in rows:
        values = asdict(row)
        out = []
        for name in names:
            value = values[name]
            if name in ("share", "top_share"):
                value = round(value * 100, 1)
            elif name == "gini":
                value = round(value, 3)
            elif isinstance(value, bool):
                value = _("yes") if value else _("no")
            out.append(value)
        yield out
