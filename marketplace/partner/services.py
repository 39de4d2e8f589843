"""Writes for partners (the Oscar side of an MSME)."""

from datetime import date, timedelta

from django.db import transaction
from django.db.models import BigIntegerField, Case, ExpressionWrapper, F, OuterRef, Subquery, Value, When
from django.utils import timezone
from django.utils.translation import gettext as _
from oscar.core.loading import get_model

from marketplace.common.domain import DomainError

Partner = get_model("partner", "Partner")
ClosedDay = get_model("partner", "ClosedDay")
Product = get_model("catalogue", "Product")
StockRecord = get_model("partner", "StockRecord")


# Pemerataan puts the MSMEs with the fewest sales first. One rated poorly is not promoted: this is
# added to the figure its products sort on, so they come after every promoted product.
NOT_PROMOTED_IDR = 10**15


def pemerataan_figure(*, sales_idr: int, low_rated: bool) -> int:
    """The figure a product sorts on under Pemerataan (`Product.vendor_sales_90d_idr`)."""
    return int(sales_idr) + (NOT_PROMOTED_IDR if low_rated else 0)


@transaction.atomic
def partner_sales_store(*, sales: dict[int, int], partner_ids=None, low_rated=None) -> int:
    """Store each partner's platform sales of the last 90 days (sorts "Pemerataan"), as computed
    by procurement (which knows what an order is worth); partners missing from `sales` sold 0.
    `low_rated`: the ids of those rated poorly (not promoted); None leaves the flags as they are.

    `partner_ids` None: every partner. Returns the number of partners updated."""
    partners = Partner.objects.all() if partner_ids is None else Partner.objects.filter(pk__in=partner_ids)
    changed = []
    for partner in partners.only("pk", "sales_90d_idr", "low_rated"):
        value = int(sales.get(partner.pk) or 0)
        flag = partner.low_rated if low_rated is None else partner.pk in low_rated
        if (partner.sales_90d_idr, partner.low_rated) != (value, flag):
            partner.sales_90d_idr, partner.low_rated = value, flag
            changed.append(partner)
    Partner.objects.bulk_update(changed, ["sales_90d_idr", "low_rated"], batch_size=1000)
    # A full refresh also mends products whose copy drifted (e.g. a stock record added by
    # staff in Oscar's dashboard for an MSME that already had sales).
    products_sales_copy(partner_ids=None if partner_ids is None else [p.pk for p in changed])
    return len(changed)


def products_sales_copy(*, partner_ids=None) -> int:
    """Copy partners' Pemerataan figure (90-day sales, `pemerataan_figure`) onto their products
    (the sort's column), for these partners or (None) every partner; only products whose copy
    differs are written.

    Returns the number of products updated."""
    products = Product.objects.filter(stockrecords__isnull=False)
    if partner_ids is not None:
        partner_ids = list(partner_ids)
        if not partner_ids:
            return 0
        products = products.filter(stockrecords__partner_id__in=partner_ids)
    figure = ExpressionWrapper(
        F("partner__sales_90d_idr")
        + Case(When(partner__low_rated=True, then=Value(NOT_PROMOTED_IDR)), default=Value(0)),
        output_field=BigIntegerField(),
    )
    sales = (
        StockRecord.objects.filter(product=OuterRef("pk")).order_by("pk").annotate(f=figure).values("f")[:1]
    )
    stale = products.annotate(current=Subquery(sales)).exclude(vendor_sales_90d_idr=F("current"))
    return Product.objects.filter(pk__in=stale.values("pk")).update(vendor_sales_90d_idr=Subquery(sales))


# How far ahead an MSME may set a closed date.
CLOSED_DAY_HORIZON_DAYS = 366


class ScheduleRefused(DomainError):
    """A closed date that cannot be set; the message is for the MSME."""


def closed_day_refusal(*, day: date, today: date) -> str | None:
    """Why `day` cannot be added as a closed date, or None when it can."""
    if day < today:
        return _("This date has passed.")
    if day > today + timedelta(days=CLOSED_DAY_HORIZON_DAYS):
        return _("Choose a date within a year from today.")
    return None


@transaction.atomic
def partner_schedule_update(
    *, partner, daily_capacity: int | None, closed_weekdays: list[int], closed_days: list[date]
) -> None:
    """Set capacity per day, weekly closing days and dated closures: `closed_days` replaces the
    upcoming ones (past ones stay as history). Raises ScheduleRefused, changing nothing, for a
    new date in the past or more than a year ahead."""
    today = timezone.localdate()
    existing = set(partner.closed_days.values_list("date", flat=True))
    new = sorted(set(closed_days) - existing)
    for day in new:
        problem = closed_day_refusal(day=day, today=today)
        if problem:
            raise ScheduleRefused(problem)
    partner.daily_capacity = daily_capacity
    partner.closed_weekdays = "".join(str(d) for d in sorted(set(closed_weekdays)))
    partner.save(update_fields=["daily_capacity", "closed_weekdays"])
    partner.closed_days.filter(date__gte=today).exclude(date__in=closed_days).delete()
    ClosedDay.objects.bulk_create([ClosedDay(partner=partner, date=d) for d in new])


def partner_is_open(*, partner, day: date) -> bool:
    """Whether the MSME takes deliveries on `day`."""
    if str(day.weekday()) in partner.closed_weekdays:
        return False
    return not partner.closed_days.filter(date=day).exists()
