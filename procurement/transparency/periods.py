"""The periods of the public figures (a year, or a month of it, in the city's time) and the paid
invoices they count (see procurement.transparency.selectors for what "spent" means)."""

from dataclasses import dataclass
from datetime import date, datetime

from django.db.models import (
    F,
    FilteredRelation,
    Q,
    QuerySet,
    Value,
)
from django.db.models.functions import Coalesce
from django.utils import timezone

from procurement.settlement.models import Invoice, Payment
from procurement.transparency.caching import _cached
from vendors.census.models import PlatformSales

# --- Periods -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Period:
    """A calendar year, or one month of it, in the city's time."""

    year: int
    month: int | None = None

    def bounds(self) -> tuple[datetime, datetime]:
        if self.month:
            start = datetime(self.year, self.month, 1)
            end = datetime(self.year + self.month // 12, self.month % 12 + 1, 1)
        else:
            start, end = datetime(self.year, 1, 1), datetime(self.year + 1, 1, 1)
        tz = timezone.get_default_timezone()
        return timezone.make_aware(start, tz), timezone.make_aware(end, tz)

    def months(self) -> tuple[date, date]:
        """The first day of the period's first month, and of the month after it ends."""
        start, end = self.bounds()
        return start.date(), end.date()

    @property
    def key(self) -> str:
        return f"{self.year}-{self.month:02d}" if self.month else str(self.year)


YEAR_MIN, YEAR_MAX = 2000, 2100  # a year outside these is no period of the platform


def valid_period(year, month=None) -> Period | None:
    """The period asked for, or None when the year or month is not one."""
    try:
        year = int(year)
        month = int(month) if month not in (None, "") else None
    except (TypeError, ValueError):
        return None
    if not YEAR_MIN <= year <= YEAR_MAX or (month is not None and not 1 <= month <= 12):
        return None
    return Period(year, month)


def current_year() -> int:
    return timezone.localdate().year


def years_available() -> list[int]:
    """Years with paid orders, newest first (always the current year)."""

    def compute():
        years = {d.year for d in PlatformSales.objects.filter(paid_orders__gt=0).dates("month", "year")}
        return sorted(years | {current_year()}, reverse=True)

    return _cached("years", compute=compute)


# --- Paid invoices -------------------------------------------------------------------------------


def paid_invoices(period: Period | None = None) -> QuerySet[Invoice]:
    """Paid invoices (of `period`), with `succeeded`: their one succeeded payment."""
    qs = Invoice.objects.filter(status=Invoice.Status.PAID)
    if period is not None:
        start, end = period.bounds()
        qs = qs.filter(paid_at__gte=start, paid_at__lt=end)
    return qs.annotate(
        succeeded=FilteredRelation("payments", condition=Q(payments__status=Payment.Status.SUCCEEDED))
    )


def spent():
    """The amount spent on a paid invoice: its total less a partial refund (for `paid_invoices`)."""
    return F("total_idr") - Coalesce(F("succeeded__refunded_idr"), Value(0))
