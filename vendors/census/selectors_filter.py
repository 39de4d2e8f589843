"""The census dashboard's filter (`CensusFilter`) and the querysets every selector starts from."""

from dataclasses import dataclass
from datetime import date

from django.utils import timezone

from vendors.census import periods
from vendors.census.models import (
    CensusRecord,
    PlatformSales,
)
from vendors.models import Vendor

# --- The filter ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class CensusFilter:
    """What the dashboard shows: a period, a sector, a kecamatan (all optional).

    The period: `month_from`..`month_to` (any day of each month; either may be left out), else
    the whole `year`, else everything up to today. `sector`: a vendors.Vendor.Sector value.
    `kecamatan_id`: a marketplace.regions Region id."""

    year: int | None = None
    month_from: date | None = None
    month_to: date | None = None
    sector: str = ""
    kecamatan_id: int | None = None

    def bounds(self, today: date | None = None) -> tuple[date | None, date]:
        """(first day, or None for "from the beginning"; last day) of the period."""
        today = today or timezone.localdate()
        start = periods.month_start(self.month_from) if self.month_from else None
        if start is None and self.year:
            start = date(self.year, 1, 1)
        if self.month_to:
            end = periods.month_end(self.month_to)
        elif self.year:
            end = date(self.year, 12, 31)
        else:
            end = periods.month_end(today)
        return start, end

    def as_of(self, today: date | None = None) -> date:
        """The day the register is counted on: the period's end, or today if that is later."""
        today = today or timezone.localdate()
        return min(self.bounds(today)[1], today)

    def params(self) -> dict:
        """The filter as URL parameters (and as stored in an ExportLog), empty values left out."""
        out = {}
        if self.year:
            out["year"] = str(self.year)
        if self.month_from:
            out["month_from"] = self.month_from.strftime("%Y-%m")
        if self.month_to:
            out["month_to"] = self.month_to.strftime("%Y-%m")
        if self.sector:
            out["sector"] = self.sector
        if self.kecamatan_id:
            out["kecamatan"] = str(self.kecamatan_id)
        return out


def census_filter_from(params) -> CensusFilter:
    """A CensusFilter from URL parameters (`CensusFilter.params` gives them back): `year` (2026),
    `month_from`/`month_to` ("2026-03", or a month number 1–12 within `year`), `sector`,
    `kecamatan` (a Region id). A value that cannot be read is left out, never an error."""

    def get(name):
        value = params.get(name)
        return str(value).strip() if value not in (None, "") else ""

    year = int(get("year")) if get("year").isdigit() and 2000 <= int(get("year")) <= 2100 else None

    def month(name):
        text = get(name)
        if text.isdigit() and year and 1 <= int(text) <= 12:
            return date(year, int(text), 1)
        try:
            day = date.fromisoformat(text + "-01" if len(text) == 7 else text)
        except ValueError:
            return None
        return periods.month_start(day) if 2000 <= day.year <= 2100 else None

    month_from, month_to = month("month_from"), month("month_to")
    if month_from and month_to and month_from > month_to:
        month_from, month_to = month_to, month_from
    sector = get("sector") if get("sector") in Vendor.Sector.values else ""
    kecamatan = get("kecamatan")
    kecamatan_id = int(kecamatan) if kecamatan.isdigit() and 0 < int(kecamatan) < 2**63 else None
    return CensusFilter(year, month_from, month_to, sector, kecamatan_id)


def _records(f: CensusFilter, today=None):
    qs = CensusRecord.objects.filter(registered_on__lte=f.as_of(today))
    if f.sector:
        qs = qs.filter(sector=f.sector)
    if f.kecamatan_id:
        qs = qs.filter(kecamatan_id=f.kecamatan_id)
    return qs


def _sales(f: CensusFilter, today=None):
    start, end = f.bounds(today)
    qs = PlatformSales.objects.filter(month__lte=end)
    if start:
        qs = qs.filter(month__gte=start)
    if f.sector:
        qs = qs.filter(record__sector=f.sector)
    if f.kecamatan_id:
        qs = qs.filter(record__kecamatan_id=f.kecamatan_id)
    return qs


def _share(part: int, whole: int) -> float:
    return part / whole if whole else 0.0
