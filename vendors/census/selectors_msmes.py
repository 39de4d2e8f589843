"""The census dashboard's MSME figures: the register counted by sector, region, size class, owner,
platform stage and month."""

from django.db.models import Count, Q
from django.db.models.functions import TruncMonth
from django.utils import timezone
from django.utils.translation import gettext as _

from marketplace.regions.models import Region
from vendors.census import periods
from vendors.census.models import (
    Gender,
    PlatformStatus,
    SizeClass,
)
from vendors.census.selectors_filter import CensusFilter, _records, _share
from vendors.census.selectors_rows import CountRow, GrowthRow, RegionRow, StageRow, _count_rows
from vendors.models import Vendor

DEFAULT_MONTHS = 24  # growth per month without a period: the last 24 months


# --- MSMEs ----------------------------------------------------------------------------------------


def by_sector(f: CensusFilter) -> list[CountRow]:
    """MSMEs per sector (every sector listed, "Not stated" when some have none). One query."""
    counts = dict(_records(f).values_list("sector").annotate(n=Count("pk")).order_by())
    return _count_rows(counts, [(s.value, str(s.label)) for s in Vendor.Sector])


def _region_counts(f: CensusFilter, field_name: str) -> dict:
    return dict(_records(f).values_list(field_name).annotate(n=Count("pk")).order_by())


def by_kecamatan(f: CensusFilter) -> list[RegionRow]:
    """MSMEs per kecamatan, every kecamatan of the city listed (with its code for the tile map),
    in code order; records without a kecamatan last. Two queries."""
    counts = _region_counts(f, "kecamatan_id")
    total = sum(counts.values())
    rows = [
        RegionRow(k.pk, k.code, k.name, k.code, counts.get(k.pk, 0), _share(counts.get(k.pk, 0), total))
        for k in Region.objects.filter(level=Region.Level.DISTRICT).order_by("code")
    ]
    if counts.get(None):
        rows.append(
            RegionRow(None, "", _("Unknown kecamatan"), "", counts[None], _share(counts[None], total))
        )
    return rows


def by_kelurahan(f: CensusFilter) -> list[RegionRow]:
    """MSMEs per kelurahan: those of the chosen kecamatan (all the city's without one), each with
    its kecamatan's code; records without a kelurahan last. Two queries."""
    counts = _region_counts(f, "kelurahan_id")
    total = sum(counts.values())
    kelurahan = Region.objects.filter(level=Region.Level.VILLAGE).select_related("parent").order_by("code")
    if f.kecamatan_id:
        kelurahan = kelurahan.filter(parent_id=f.kecamatan_id)
    rows = [
        RegionRow(
            k.pk,
            k.code,
            k.name,
            k.parent.code if k.parent_id else "",
            counts.get(k.pk, 0),
            _share(counts.get(k.pk, 0), total),
        )
        for k in kelurahan
    ]
    if counts.get(None):
        rows.append(
            RegionRow(None, "", _("Unknown kelurahan"), "", counts[None], _share(counts[None], total))
        )
    return rows


def by_size_class(f: CensusFilter) -> list[CountRow]:
    """MSMEs per size class (micro, small, medium, large, unknown), current classes. One query."""
    counts = dict(_records(f).values_list("size_class").annotate(n=Count("pk")).order_by())
    order = [SizeClass.MICRO, SizeClass.SMALL, SizeClass.MEDIUM, SizeClass.LARGE, SizeClass.UNKNOWN]
    return _count_rows(counts, [(c.value, str(c.label)) for c in order])


def by_gender(f: CensusFilter) -> list[CountRow]:
    """Owners per gender, read from the NIK ("Not stated" without a readable NIK). One query."""
    counts = dict(_records(f).values_list("owner_gender").annotate(n=Count("pk")).order_by())
    return _count_rows(counts, [(g.value, str(g.label)) for g in Gender])


def by_age_group(f: CensusFilter) -> list[CountRow]:
    """Owners per age group at the period's end (from the birth date in the NIK). One query."""
    on = f.as_of()
    aggregates = {}
    for key, low, high in periods.AGE_GROUPS:
        condition = Q(owner_birth_date__lte=periods.years_before(on, low))
        if high is not None:
            condition &= Q(owner_birth_date__gt=periods.years_before(on, high))
        if low == 0:  # a birth date after the period's end counts with the youngest
            condition = Q(owner_birth_date__gt=periods.years_before(on, high))
        aggregates[key] = Count("pk", filter=condition)
    aggregates[periods.AGE_UNKNOWN] = Count("pk", filter=Q(owner_birth_date__isnull=True))
    counts = _records(f).aggregate(**aggregates)
    labels = [(key, key) for key, _low, _high in periods.AGE_GROUPS]
    return _count_rows(counts, labels)


def by_platform_status(f: CensusFilter) -> list[StageRow]:
    """MSMEs per stage on the platform: not on it, registered, verified, selling, paid at least
    once; `reached` counts each stage with the ones beyond. One query."""
    counts = dict(_records(f).values_list("platform_status").annotate(n=Count("pk")).order_by())
    total = sum(counts.values())
    rows, reached = [], 0
    for status in reversed(PlatformStatus):
        reached += counts.get(status.value, 0)
        rows.append(StageRow(status.value, str(status.label), counts.get(status.value, 0), reached, 0.0))
    rows.reverse()
    return [StageRow(r.key, r.label, r.msmes, r.reached, _share(r.reached, total)) for r in rows]


def growth_by_month(f: CensusFilter) -> list[GrowthRow]:
    """New records per month (when each became known to the city) and the running total, over
    the period's months (without a period: the last 24). Two queries."""
    start, end = f.bounds()
    end = min(end, periods.month_end(timezone.localdate()))
    if start is None:
        start = periods.add_months(periods.month_start(end), -(DEFAULT_MONTHS - 1))
    qs = _records(CensusFilter(sector=f.sector, kecamatan_id=f.kecamatan_id)).filter(registered_on__lte=end)
    before = qs.filter(registered_on__lt=start).count()
    new = {
        (m.date() if hasattr(m, "date") else m): n
        for m, n in qs.filter(registered_on__gte=start)
        .annotate(m=TruncMonth("registered_on"))
        .values_list("m")
        .annotate(n=Count("pk"))
        .order_by()
    }
    rows, total = [], before
    for month in periods.months(start, end):
        total += new.get(month, 0)
        rows.append(GrowthRow(month, new.get(month, 0), total))
    return rows
