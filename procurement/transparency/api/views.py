"""The API (Django REST Framework; docs at /api/docs/, schema at /api/schema/, docs/open-data.md).

Public (anyone, throttled): spending figures, the rapor, a unit's paid orders, OCDS releases,
the catalogue. For a logged-in person (session or token): the orders of the units they act for,
the orders to the MSME they sell for. Every list is paginated; every error is JSON
(procurement.transparency.api.errors). Views parse, call the selectors, serialize.
"""

import dataclasses

from django.utils.cache import add_never_cache_headers, patch_cache_control
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from oscar.core.loading import get_model
from rest_framework import exceptions, serializers
from rest_framework.generics import GenericAPIView, ListAPIView, RetrieveAPIView
from rest_framework.permissions import AllowAny, BasePermission, IsAuthenticated

from marketplace.catalogue.selectors import SORTS, ListingFilters, product_search
from procurement.ordering.lifecycle import OrderStatus
from procurement.ordering.selectors import unit_orders_for, vendor_orders_for
from procurement.transparency import ocds, selectors
from procurement.transparency.api import serializers as s
from procurement.units.models import Membership
from vendors.census import selectors as census

Partner = get_model("partner", "Partner")
Region = get_model("regions", "Region")


class ApiMixin:
    """Answers to a logged-in person are theirs alone: never kept by a shared cache."""

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            response.headers.pop("Cache-Control", None)
            add_never_cache_headers(response)
            patch_cache_control(response, private=True, no_store=True)
        return response


class PublicList(ApiMixin, ListAPIView):
    permission_classes = [AllowAny]


def _period(year, month=None) -> selectors.Period:
    period = selectors.valid_period(year, month)
    if period is None:
        raise exceptions.NotFound(_("There are no figures for this period."))
    return period


# --- Spending -----------------------------------------------------------------------------------


@extend_schema(summary="Spending per year", tags=["spending"])
class YearsView(PublicList):
    """Each year with paid orders: spent, orders, MSMEs paid, the share to micro businesses, concentration."""

    serializer_class = s.YearSummarySerializer

    def get_queryset(self):
        return selectors.year_summaries()


DIMENSIONS = ("month", "unit", "sector", "kecamatan", "size")


@extend_schema(
    summary="Spending of a year by month, unit, sector, kecamatan or size class",
    tags=["spending"],
    parameters=[
        OpenApiParameter("dimension", str, OpenApiParameter.PATH, enum=list(DIMENSIONS)),
        OpenApiParameter("month", int, description="1–12: that month only (not for dimension=month)"),
    ],
)
class SpendingView(PublicList):
    serializer_class = s.ShareSerializer

    def get_queryset(self):
        dimension = self.kwargs["dimension"]
        if dimension not in DIMENSIONS:
            raise exceptions.NotFound(_("Spending is counted by month, unit, sector, kecamatan or size."))
        month = self.request.query_params.get("month") if dimension != "month" else None
        if month and selectors.valid_period(self.kwargs["year"], month) is None:
            raise exceptions.ValidationError({"month": [_("A month is 1 to 12.")]})
        return list(selectors.figures(_period(self.kwargs["year"], month)).dimensions[dimension])


# --- Rapor ----------------------------------------------------------------------------------------


@extend_schema(summary="Rapor: every government unit ranked by how fast it pays", tags=["rapor"])
class RaporView(PublicList):
    """Median days from the BAST to payment, the share paid within the target, the mark and the trend."""

    serializer_class = s.RaporRowSerializer

    def get_queryset(self):
        return list(selectors.rapor(_period(self.kwargs["year"]).year).rows)


@extend_schema(summary="A government unit's paid orders (public)", tags=["rapor"])
class UnitPaidOrdersView(PublicList):
    serializer_class = s.PaidOrderSerializer

    def get_queryset(self):
        unit = selectors.unit_public(self.kwargs["code"])
        if unit is None:
            raise exceptions.NotFound(_("No government unit has this code."))
        return selectors.unit_paid_order_values(unit)

    def list(self, request, *args, **kwargs):
        page = self.paginate_queryset(self.get_queryset())
        rows = [selectors.paid_order(r) for r in page]
        return self.get_paginated_response(self.get_serializer(rows, many=True).data)


# --- OCDS -----------------------------------------------------------------------------------------


@extend_schema(
    summary="OCDS 1.1 releases of the orders paid in a year (or one month)",
    tags=["ocds"],
    parameters=[OpenApiParameter("month", int, description="1–12: that month only")],
)
class OcdsReleasesView(PublicList):
    """The releases of the release packages at /ocds/…/, a page at a time."""

    serializer_class = s.ReleaseSerializer

    def get_queryset(self):
        month = self.request.query_params.get("month")
        if month and selectors.valid_period(self.kwargs["year"], month) is None:
            raise exceptions.ValidationError({"month": [_("A month is 1 to 12.")]})
        return selectors.ocds_invoices(_period(self.kwargs["year"], month))

    def list(self, request, *args, **kwargs):
        page = self.paginate_queryset(self.get_queryset())
        return self.get_paginated_response([ocds.release(i) for i in selectors.ocds_details(list(page))])


# --- Catalogue --------------------------------------------------------------------------------------


class CatalogueQuery(serializers.Serializer):
    q = serializers.CharField(required=False, allow_blank=True, max_length=200)
    kind = serializers.CharField(required=False, allow_blank=True, max_length=40)
    kecamatan = serializers.CharField(required=False, max_length=20, help_text="Kecamatan code")
    halal = serializers.BooleanField(required=False)
    price_min = serializers.IntegerField(required=False, min_value=0, max_value=10**12)
    price_max = serializers.IntegerField(required=False, min_value=0, max_value=10**12)
    quantity = serializers.IntegerField(required=False, min_value=1, max_value=10**6)
    sort = serializers.ChoiceField(choices=[x for x in SORTS if x != "pemerataan"], required=False)


@extend_schema(summary="Search the catalogue", tags=["catalogue"], parameters=[CatalogueQuery])
class CatalogueView(PublicList):
    """Public products of selling MSMEs, as on /catalogue/ (newest first, or by relevance when searching)."""

    serializer_class = s.ProductSerializer

    def get_queryset(self):
        query = CatalogueQuery(data=self.request.query_params)
        query.is_valid(raise_exception=True)
        q = query.validated_data
        kecamatan_id = None
        if q.get("kecamatan"):
            kecamatan_id = (
                Region.objects.filter(code=q["kecamatan"], level="kecamatan")
                .values_list("pk", flat=True)
                .first()
            )
            if kecamatan_id is None:
                raise exceptions.ValidationError({"kecamatan": [_("No kecamatan has this code.")]})
        text = q.get("q", "")
        return product_search(
            ListingFilters(
                query=text,
                kind=q.get("kind", ""),
                kecamatan_id=kecamatan_id,
                halal_only=q.get("halal", False),
                price_min=q.get("price_min"),
                price_max=q.get("price_max"),
                quantity=q.get("quantity"),
                sort=q.get("sort") or ("relevance" if text else "newest"),
            )
        ).prefetch_related("stockrecords__partner__kecamatan")


# --- The person's own orders ---------------------------------------------------------------------


class ActsForAUnit(BasePermission):
    message = _("Only officers of a government unit (Pemesan, PPK, Bendahara) have orders here.")

    def has_permission(self, request, view):
        user = request.user
        return (
            bool(user and user.is_authenticated)
            and Membership.objects.filter(user=user, is_active=True).exists()
        )


class SellsForAnMsme(BasePermission):
    message = _("Only the users of an MSME have incoming orders here.")

    def has_permission(self, request, view):
        user = request.user
        return bool(user and user.is_authenticated) and Partner.objects.filter(users=user).exists()


class OwnOrders(ApiMixin, GenericAPIView):
    serializer_class = s.OwnOrderSerializer
    lookup_field = "order__number"
    lookup_url_kwarg = "number"

    def orders(self):
        raise NotImplementedError

    def get_queryset(self):
        qs = self.orders().prefetch_related("order__lines").order_by("-created_at", "-pk")
        status = self.request.query_params.get("status")
        if status:
            if status not in OrderStatus.values:
                raise exceptions.ValidationError({"status": [_("Not an order status.")]})
            qs = qs.filter(status=status)
        return qs


STATUS_PARAM = OpenApiParameter("status", str, enum=list(OrderStatus.values))


@extend_schema(
    summary="The orders of the units I act for",
    tags=["my orders"],
    parameters=[STATUS_PARAM, OpenApiParameter("unit", str, description="Only this unit (its code)")],
)
class MyOrdersView(OwnOrders, ListAPIView):
    permission_classes = [IsAuthenticated, ActsForAUnit]

    def orders(self):
        qs = unit_orders_for(self.request.user)
        code = self.request.query_params.get("unit")
        if code:
            acts_for = Membership.objects.filter(user=self.request.user, is_active=True, unit__code=code)
            if not acts_for.exists():
                raise exceptions.PermissionDenied(_("You do not act for this government unit."))
            qs = qs.filter(unit__code=code)
        return qs


@extend_schema(summary="One order of a unit I act for", tags=["my orders"])
class MyOrderView(OwnOrders, RetrieveAPIView):
    permission_classes = [IsAuthenticated, ActsForAUnit]

    def orders(self):
        return unit_orders_for(self.request.user)


@extend_schema(summary="The orders to the MSME I sell for", tags=["my orders"], parameters=[STATUS_PARAM])
class IncomingOrdersView(OwnOrders, ListAPIView):
    permission_classes = [IsAuthenticated, SellsForAnMsme]

    def orders(self):
        return vendor_orders_for(self.request.user)


@extend_schema(summary="One order to the MSME I sell for", tags=["my orders"])
class IncomingOrderView(OwnOrders, RetrieveAPIView):
    permission_classes = [IsAuthenticated, SellsForAnMsme]

    def orders(self):
        return vendor_orders_for(self.request.user)


# --- The analyst's census (vendors.census; masked as on the dashboard) ------------------------------


class CensusTableRowSerializer(serializers.Serializer):
    """A row of a census table: its key and label and its figures (the fields depend on the table)."""


class CensusRegisterRowSerializer(serializers.Serializer):
    """An MSME of the census register, masked: id, masked NIK, NIB, business name, sector, kecamatan…"""


class ReadsMsmeStatistics(BasePermission):
    message = _("Only the trade office's analysts (Analis) read the MSME census.")

    def has_permission(self, request, view):
        user = request.user
        return bool(user and user.is_authenticated) and user.has_perm("accounts.view_msme_statistics")


def _census_tables() -> dict:
    return {
        "sector": census.by_sector,
        "kecamatan": census.by_kecamatan,
        "kelurahan": census.by_kelurahan,
        "size-class": census.by_size_class,
        "gender": census.by_gender,
        "age-group": census.by_age_group,
        "platform-status": census.by_platform_status,
        "growth": census.growth_by_month,
        "spending-unit": census.spending_by_unit,
        "spending-sector": census.spending_by_sector,
        "spending-kecamatan": census.spending_by_kecamatan,
        "spending-month": census.spending_by_month,
        "top": census.top_msmes,
    }


def _plain(value):
    """A row of the census selectors as JSON-ready data (dates as ISO text)."""
    if dataclasses.is_dataclass(value):
        return {k: _plain(v) for k, v in dataclasses.asdict(value).items()}
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    if hasattr(value, "isoformat"):
        return value.isoformat()
    if isinstance(value, int | float | str | bool) or value is None:
        return value
    return str(value)


@extend_schema(
    summary="A table of the MSME census (Analis)",
    tags=["census"],
    parameters=[
        OpenApiParameter("year", int, description="The year (2000-2100)"),
        OpenApiParameter("month_from", str, description="First month, e.g. 2026-03"),
        OpenApiParameter("month_to", str, description="Last month, e.g. 2026-06"),
        OpenApiParameter("sector", str, description="kuliner, fashion, kriya, jasa, lainnya"),
        OpenApiParameter("kecamatan", int, description="A kecamatan's id"),
    ],
)
class CensusTableView(ApiMixin, ListAPIView):
    """One table of the analyst's dashboard (figures only, no personal data), with its filters."""

    permission_classes = [IsAuthenticated, ReadsMsmeStatistics]
    serializer_class = CensusTableRowSerializer  # rows are the census selectors' plain data

    def get_queryset(self):
        table = _census_tables().get(self.kwargs["table"])
        if table is None:
            raise exceptions.NotFound(
                _("Unknown census table. Choose one of: %(tables)s.")
                % {"tables": ", ".join(_census_tables())}
            )
        return [_plain(row) for row in table(census.census_filter_from(self.request.query_params))]

    def list(self, request, *args, **kwargs):
        page = self.paginate_queryset(self.get_queryset())
        return self.get_paginated_response(page)


@extend_schema(summary="The MSME register, masked (Analis)", tags=["census"])
class CensusRegisterView(ApiMixin, ListAPIView):
    """The census register, one MSME a row, with NIK, phone, address and owner masked as in the
    dashboard's masked export; personal data never leaves through the API."""

    permission_classes = [IsAuthenticated, ReadsMsmeStatistics]
    serializer_class = CensusRegisterRowSerializer

    def get_queryset(self):
        rows = census.census_export_rows(
            census.census_filter_from(self.request.query_params), with_personal_data=False
        )
        next(rows)  # the header row: the keys below name the columns
        keys = [key for key, _label in census.EXPORT_COLUMNS]
        return [_plain(dict(zip(keys, row, strict=False))) for row in rows]

    def list(self, request, *args, **kwargs):
        page = self.paginate_queryset(self.get_queryset())
        return self.get_paginated_response(page)
