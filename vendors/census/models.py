"""The census register, its aggregates and its frozen snapshots.

Domain words kept in Indonesian, as the trade office uses them:
- sensus UMKM: the register of every MSME known to the city, on the platform or not.
- Gerai Kopimi: the city's micro-business register; IUMK: the older micro-business licence.
- naik kelas: an MSME moving up a size class (micro → small → medium).

Personal data (NIK, owner's name, phone, home address, birth date) is held here for the
analyst with the `accounts.view_personal_data` permission only: pages and exports mask it
otherwise (`vendors.validators.mask_nik`), and it is never written to a log.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from vendors.census.sizeclass import SizeClass
from vendors.models import Vendor

__all__ = [
    "CensusRecord",
    "CensusSnapshot",
    "CensusSnapshotRow",
    "ExportLog",
    "KecamatanTile",
    "PlatformSales",
    "SizeClass",
    "SizeClassChange",
    "WriteOnceError",
]


class WriteOnceError(ValueError):
    """A frozen snapshot (or one of its rows) was about to be changed or deleted."""


class Gender(models.TextChoices):
    # The KTP's letters, as on vendors.Vendor: L (laki-laki), P (perempuan).
    MALE = "L", _("Male")
    FEMALE = "P", _("Female")


class PlatformStatus(models.TextChoices):
    """How far an MSME of the census has come on the platform (each stage includes the ones before)."""

    NONE = "none", _("Not on the platform")
    REGISTERED = "registered", _("Registered")
    VERIFIED = "verified", _("Verified")
    SELLING = "selling", _("Selling")
    PAID = "paid", _("Paid at least once")


PLATFORM_RANK = {s: i for i, s in enumerate(PlatformStatus.values)}


class CensusRecord(models.Model):
    """One MSME known to the city: from the platform, Gerai Kopimi, the IUMK list or elsewhere."""

    class Source(models.TextChoices):
        PLATFORM = "platform", _("Gulo Asem platform")
        KOPIMI = "kopimi", _("Gerai Kopimi")
        IUMK = "iumk", _("IUMK list")
        OTHER = "other", _("Other register")

    nik = models.CharField(_("NIK"), max_length=16, unique=True, null=True, blank=True)
    nib = models.CharField(_("NIB"), max_length=13, unique=True, null=True, blank=True)
    business_name = models.CharField(_("business name"), max_length=120)
    owner_name = models.CharField(_("owner's name"), max_length=120, blank=True)
    # Read from the NIK (vendors.validators.parse_nik), never typed.
    owner_gender = models.CharField(_("owner's gender"), max_length=1, choices=Gender.choices, blank=True)
    owner_birth_date = models.DateField(_("owner's birth date"), null=True, blank=True)
    phone = models.CharField(_("phone"), max_length=20, blank=True)
    address = models.CharField(_("address"), max_length=255, blank=True)
    sector = models.CharField(_("sector"), max_length=20, choices=Vendor.Sector.choices, blank=True)
    kecamatan = models.ForeignKey(
        "regions.Region",
        verbose_name=_("kecamatan"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        limit_choices_to={"level": "kecamatan"},
    )
    kelurahan = models.ForeignKey(
        "regions.Region",
        verbose_name=_("kelurahan"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        limit_choices_to={"level": "kelurahan"},
    )
    capital_idr = models.BigIntegerField(
        _("capital excluding land and buildings (Rp)"), null=True, blank=True
    )
    annual_sales_idr = models.BigIntegerField(_("self-reported annual sales (Rp)"), null=True, blank=True)
    employees = models.PositiveIntegerField(_("employees"), null=True, blank=True)
    source = models.CharField(_("source"), max_length=10, choices=Source.choices)
    source_reference = models.CharField(_("reference in the source"), max_length=60, blank=True)
    vendor = models.OneToOneField(
        "vendors.Vendor",
        verbose_name=_("MSME on the platform"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="census_record",
    )
    registered_on = models.DateField(_("known to the city since"), db_index=True)

    # Kept by vendors.census.services, from the figures above and the platform's sales.
    size_class = models.CharField(
        _("size class"), max_length=10, choices=SizeClass.choices, default=SizeClass.UNKNOWN, db_index=True
    )
    platform_status = models.CharField(
        _("platform status"), max_length=12, choices=PlatformStatus.choices, default=PlatformStatus.NONE
    )
    first_paid_month = models.DateField(_("first month paid on the platform"), null=True, blank=True)

    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        ordering = ("business_name", "pk")
        verbose_name = _("census record")
        verbose_name_plural = _("census records")
        # updated_at: the public figures' cache key reads its latest value (a census import or a
        # profile sync that moves an MSME to another sector, kecamatan or class renews them).
        indexes = [models.Index(fields=["sector", "kecamatan"]), models.Index(fields=["updated_at"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(capital_idr__gte=0) | Q(capital_idr__isnull=True),
                name="census_capital_not_negative",
            ),
            models.CheckConstraint(
                condition=Q(annual_sales_idr__gte=0) | Q(annual_sales_idr__isnull=True),
                name="census_sales_not_negative",
            ),
        ]

    def __str__(self):
        return self.business_name


class PlatformSales(models.Model):
    """What one unit paid one MSME in one month on the platform. Kept by
    `services.census_sales_record`; `census_recompute` checks every figure.

    Two pairs of figures, dated differently because they answer different questions:

    - `amount_idr` / `orders`, the census's (the MSME's sales): invoice subtotals, before taxes,
      in the month paid (a transfer's date, a card payment's day); a refund is taken off in the
      month refunded, so a closed month, and a frozen snapshot, never moves.
    - `spent_idr` / `paid_orders`, the public spending figure (procurement.transparency): what the
      city paid, the invoice totals with PBJT (the PPh withheld included), in the month the
      payment completed (the invoice's `paid_at`); a refund is taken off that same month, so the
      month adds up with its orders in the open data (one row per order, spent = total less
      refunds). `paid_orders` counts the orders paid that month not refunded in full.
    """

    record = models.ForeignKey(CensusRecord, on_delete=models.PROTECT, related_name="platform_sales")
    month = models.DateField(_("month (its first day)"))
    unit_code = models.CharField(_("unit code"), max_length=40)
    unit_name = models.CharField(_("unit"), max_length=255)
    amount_idr = models.BigIntegerField(_("amount (Rp)"), default=0)
    orders = models.IntegerField(_("orders"), default=0)
    spent_idr = models.BigIntegerField(_("spent by the unit, taxes included (Rp)"), default=0)
    paid_orders = models.IntegerField(_("orders paid"), default=0)

    class Meta:
        ordering = ("month", "record", "unit_code")
        verbose_name = _("platform sales")
        verbose_name_plural = _("platform sales")
        indexes = [
            models.Index(fields=["month", "record"]),
            # The public figures (procurement.transparency) group a period's rows by MSME, month
            # and unit: every column they read is in the index (index-only scans).
            models.Index(
                fields=["month", "record", "unit_code", "paid_orders", "spent_idr"],
                name="platformsales_month_cover",
            ),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["record", "month", "unit_code"], name="platformsales_one_per_month"
            ),
        ]

    def __str__(self):
        return f"{self.record_id} {self.month:%Y-%m} {self.unit_code}: {self.amount_idr}"


class SizeClassChange(models.Model):
    """A record's size class changed (the first classification comes from "unknown")."""

    class Cause(models.TextChoices):
        IMPORT = "import", _("Register import")
        PLATFORM = "platform", _("Platform profile")
        SALES = "sales", _("Platform sales")
        RECOMPUTE = "recompute", _("Recomputation")
        REFRESH = "refresh", _("12-month window moved")

    record = models.ForeignKey(CensusRecord, on_delete=models.CASCADE, related_name="class_changes")
    from_class = models.CharField(_("from"), max_length=10, choices=SizeClass.choices)
    to_class = models.CharField(_("to"), max_length=10, choices=SizeClass.choices)
    changed_on = models.DateField(_("changed on"), db_index=True)
    cause = models.CharField(_("cause"), max_length=10, choices=Cause.choices)
    created_at = models.DateTimeField(_("recorded"), auto_now_add=True)

    class Meta:
        ordering = ("changed_on", "pk")
        verbose_name = _("size class change")
        verbose_name_plural = _("size class changes")
        indexes = [models.Index(fields=["record", "changed_on"])]

    def __str__(self):
        return f"{self.record_id}: {self.from_class} → {self.to_class} ({self.changed_on})"


class _WriteOnce(models.Model):
    """Saved once; `save()` of an existing row and `delete()` refuse (like budgets' LedgerEntry)."""

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise WriteOnceError("A frozen census snapshot never changes")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise WriteOnceError("A frozen census snapshot never changes")


class CensusSnapshot(_WriteOnce):
    """The census frozen for a quarter or a year: its rows never change afterwards."""

    class PeriodKind(models.TextChoices):
        QUARTER = "quarter", pgettext_lazy("census period", "Quarter")
        YEAR = "year", pgettext_lazy("census period", "Year")

    period_kind = models.CharField(_("period"), max_length=8, choices=PeriodKind.choices)
    year = models.PositiveIntegerField(_("year"))
    quarter = models.PositiveSmallIntegerField(_("quarter"), null=True, blank=True)
    period_start = models.DateField(_("period start"))
    period_end = models.DateField(_("period end"))
    frozen_at = models.DateTimeField(_("frozen"))
    # Empty: frozen automatically after the period closed (manage.py census_snapshot_close).
    frozen_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("frozen by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    records = models.PositiveIntegerField(_("MSMEs"), default=0)
    sales_idr = models.BigIntegerField(_("platform sales in the period (Rp)"), default=0)

    class Meta:
        ordering = ("-period_start", "period_kind")
        verbose_name = _("census snapshot")
        verbose_name_plural = _("census snapshots")
        constraints = [
            models.UniqueConstraint(
                fields=["period_kind", "period_start"], name="censussnapshot_one_per_period"
            ),
        ]

    def __str__(self):
        if self.period_kind == self.PeriodKind.QUARTER:
            return f"Q{self.quarter} {self.year}"
        return str(self.year)


class CensusSnapshotRow(_WriteOnce):
    """One MSME's figures as frozen in a snapshot."""

    snapshot = models.ForeignKey(CensusSnapshot, on_delete=models.PROTECT, related_name="rows")
    record = models.ForeignKey(CensusRecord, on_delete=models.PROTECT, related_name="+")
    sector = models.CharField(_("sector"), max_length=20, choices=Vendor.Sector.choices, blank=True)
    kecamatan = models.ForeignKey(
        "regions.Region", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    kelurahan = models.ForeignKey(
        "regions.Region", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    owner_gender = models.CharField(_("owner's gender"), max_length=1, choices=Gender.choices, blank=True)
    age_group = models.CharField(_("age group"), max_length=8, blank=True)
    size_class = models.CharField(_("size class"), max_length=10, choices=SizeClass.choices)
    platform_status = models.CharField(_("platform status"), max_length=12, choices=PlatformStatus.choices)
    source = models.CharField(_("source"), max_length=10, choices=CensusRecord.Source.choices)
    registered_on = models.DateField(_("known to the city since"))
    capital_idr = models.BigIntegerField(_("capital (Rp)"), null=True, blank=True)
    annual_sales_idr = models.BigIntegerField(
        _("annual sales used for the class (Rp)"), null=True, blank=True
    )
    employees = models.PositiveIntegerField(_("employees"), null=True, blank=True)
    sales_idr = models.BigIntegerField(_("platform sales in the period (Rp)"), default=0)
    orders = models.IntegerField(_("orders in the period"), default=0)

    class Meta:
        ordering = ("snapshot", "record")
        verbose_name = _("census snapshot row")
        verbose_name_plural = _("census snapshot rows")
        constraints = [
            models.UniqueConstraint(fields=["snapshot", "record"], name="censussnapshotrow_one_per_record"),
        ]

    def __str__(self):
        return f"{self.snapshot_id}/{self.record_id}"


class ExportLog(models.Model):
    """Every export of the census: who, when, what (table and filter), with personal data or not."""

    class Format(models.TextChoices):
        CSV = "csv", "CSV"
        XLSX = "xlsx", "XLSX"

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("when"), auto_now_add=True, db_index=True)
    what = models.CharField(_("what"), max_length=60)
    filter = models.JSONField(_("filter"), default=dict, blank=True)
    with_personal_data = models.BooleanField(_("with personal data"), default=False)
    row_count = models.PositiveIntegerField(_("rows"), default=0)
    file_format = models.CharField(_("format"), max_length=4, choices=Format.choices)

    class Meta:
        ordering = ("-created_at", "-pk")
        verbose_name = _("census export")
        verbose_name_plural = _("census exports")

    def __str__(self):
        return f"{self.user} — {self.what} — {self.created_at:%Y-%m-%d %H:%M}"


class KecamatanTile(models.Model):
    """Where a kecamatan's tile lies on the census tile map (city pack `kecamatan-tiles.csv`)."""

    region_code = models.CharField(_("kecamatan code"), max_length=20, unique=True)
    # Never empty once loaded; nullable so that the pack loader, which reports a code it does not
    # know and then undoes the whole pack, gets to its report instead of a NOT NULL error.
    region = models.OneToOneField(
        "regions.Region",
        verbose_name=_("kecamatan"),
        null=True,
        on_delete=models.CASCADE,
        related_name="census_tile",
    )
    row = models.PositiveSmallIntegerField(_("row"))
    col = models.PositiveSmallIntegerField(_("column"))

    class Meta:
        ordering = ("row", "col")
        verbose_name = _("kecamatan tile")
        verbose_name_plural = _("kecamatan tiles")

    def __str__(self):
        return f"{self.region_code} ({self.row}, {self.col})"
