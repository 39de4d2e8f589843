"""What the API answers, field by field (read only; the OpenAPI schema is made from these)."""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from procurement.transparency.opendata import iso
from procurement.transparency.public import public_name, public_text, vendor_public_id


class Ratio(serializers.FloatField):
    """A share or coefficient between 0 and 1, to four decimals."""

    def to_representation(self, value):
        return None if value is None else round(float(value), 4)


class YearSummarySerializer(serializers.Serializer):
    year = serializers.IntegerField()
    spent_idr = serializers.IntegerField(source="total_idr")
    orders = serializers.IntegerField()
    msmes = serializers.IntegerField(help_text="Different MSMEs paid")
    micro_share = Ratio(allow_null=True, help_text="0..1, PP 7/2021 size class")
    top10_share = Ratio(source="top_share", allow_null=True)
    gini = Ratio(allow_null=True)


class ShareSerializer(serializers.Serializer):
    key = serializers.CharField()
    label = serializers.CharField()
    spent_idr = serializers.IntegerField(source="amount_idr")
    orders = serializers.IntegerField()
    msmes = serializers.IntegerField()
    share = Ratio(help_text="Share of the period's spending, 0..1")


class TimingSerializer(serializers.Serializer):
    paid = serializers.IntegerField(help_text="Invoices paid")
    median_days = serializers.FloatField(allow_null=True, help_text="Median days from the BAST to payment")
    within_target_share = Ratio(source="within_share", allow_null=True)


class RaporRowSerializer(serializers.Serializer):
    rank = serializers.IntegerField(allow_null=True)
    unit_code = serializers.CharField(source="code")
    unit_name = serializers.CharField(source="name")
    year = TimingSerializer()
    last_year = TimingSerializer()
    quarters = TimingSerializer(many=True)
    overdue_unpaid = serializers.IntegerField()
    mark = serializers.ChoiceField(choices=["green", "yellow", "red", "none"])
    mark_label = serializers.CharField()
    trend = serializers.ChoiceField(choices=["better", "worse", "same", "new"])
    trend_label = serializers.CharField()


@extend_schema_field(OpenApiTypes.DATETIME)
class DateTimeText(serializers.Field):
    """A datetime as ISO 8601 in the city's time (+07:00), as in the CSV and OCDS files."""

    def to_representation(self, value):
        return iso(value) or None


class PaidOrderSerializer(serializers.Serializer):
    ocid = serializers.CharField()
    order_number = serializers.CharField()
    unit_code = serializers.CharField()
    unit_name = serializers.CharField()
    vendor_id = serializers.CharField()
    vendor_name = serializers.CharField()
    sector = serializers.CharField()
    kecamatan_code = serializers.CharField()
    kecamatan = serializers.CharField()
    subtotal_idr = serializers.IntegerField()
    pbjt_idr = serializers.IntegerField()
    total_idr = serializers.IntegerField()
    refunded_idr = serializers.IntegerField()
    spent_idr = serializers.IntegerField()
    ordered_at = DateTimeText()
    delivery_at = DateTimeText()
    received_at = DateTimeText()
    paid_at = DateTimeText()
    days_to_pay = serializers.IntegerField(allow_null=True)


@extend_schema_field(OpenApiTypes.OBJECT)
class ReleaseSerializer(serializers.Serializer):
    """An OCDS 1.1 release (see the release schema: standard.open-contracting.org)."""

    def to_representation(self, instance):
        return instance


class ProductSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    title = serializers.SerializerMethodField()
    url = serializers.SerializerMethodField()
    price_idr = serializers.SerializerMethodField()
    kind = serializers.CharField()
    is_halal = serializers.BooleanField()
    min_order_qty = serializers.IntegerField()
    lead_time_hours = serializers.IntegerField()
    vendor_id = serializers.SerializerMethodField()
    vendor_name = serializers.SerializerMethodField()
    kecamatan = serializers.SerializerMethodField()

    def _record(self, product):
        records = list(product.stockrecords.all())
        return records[0] if records else None

    def get_title(self, product) -> str:
        return public_text(product.title)

    def get_url(self, product) -> str:
        return product.get_absolute_url()

    def get_price_idr(self, product) -> int | None:
        record = self._record(product)
        return int(record.price) if record and record.price is not None else None

    def get_vendor_id(self, product) -> str | None:
        record = self._record(product)
        return vendor_public_id(record.partner_id) if record else None

    def get_vendor_name(self, product) -> str | None:
        record = self._record(product)
        return public_name(record.partner.name) if record else None

    def get_kecamatan(self, product) -> str | None:
        record = self._record(product)
        kecamatan = record.partner.kecamatan if record else None
        return kecamatan.name if kecamatan else None


class OrderLineSerializer(serializers.Serializer):
    title = serializers.CharField()
    quantity = serializers.IntegerField()
    unit_price_idr = serializers.SerializerMethodField()
    line_total_idr = serializers.SerializerMethodField()

    def get_unit_price_idr(self, line) -> int:
        return int(line.unit_price_incl_tax)

    def get_line_total_idr(self, line) -> int:
        return int(line.line_price_incl_tax)


class OwnOrderSerializer(serializers.Serializer):
    """An order as its unit's officer, PPK or Bendahara (or its MSME) sees it."""

    number = serializers.CharField(source="order.number")
    status = serializers.CharField()
    status_label = serializers.CharField(source="get_status_display")
    unit_code = serializers.CharField(source="unit.code")
    unit_name = serializers.CharField(source="unit.name")
    vendor_id = serializers.SerializerMethodField()
    vendor_name = serializers.CharField(source="partner.name")
    event = serializers.CharField(source="event.name")
    venue = serializers.CharField(source="event.venue")
    delivery_at = DateTimeText()
    portions = serializers.IntegerField()
    total_idr = serializers.IntegerField()
    payable_idr = serializers.IntegerField(allow_null=True)
    created_at = DateTimeText()
    lines = OrderLineSerializer(source="order.lines.all", many=True)

    def get_vendor_id(self, uo) -> str:
        return vendor_public_id(uo.partner_id)
