"""Each MSME's platform sales of the last 90 days (computed by procurement, stored by the shop),
copied onto its products for Pemerataan."""

from datetime import timedelta
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone
from oscar.core.loading import get_model

from marketplace.catalogue.selectors import ListingFilters, product_search
from procurement.ordering.services import vendor_sales_refresh as partner_sales_refresh
from tests.factories import PartnerFactory
from tests.factories.catalogue_extra import CateringProductFactory

pytestmark = pytest.mark.django_db

Order = get_model("order", "Order")
Line = get_model("order", "Line")
Product = get_model("catalogue", "Product")


def sale(partner, amount: int, *, days_ago: int = 1, status: str = "completed") -> None:
    """An order line of `amount` rupiah sold by `partner`, placed `days_ago` days ago."""
    placed = timezone.now() - timedelta(days=days_ago)
    order = Order.objects.create(
        number=f"T{Order.objects.count() + 1:06d}",
        currency="IDR",
        total_incl_tax=Decimal(amount),
        total_excl_tax=Decimal(amount),
        status=status,
        date_placed=placed,
    )
    Line.objects.create(
        order=order,
        partner=partner,
        partner_name=partner.name,
        partner_sku="SKU",
        title="Nasi Kotak",
        quantity=1,
        num_allocated=0,
        line_price_incl_tax=Decimal(amount),
        line_price_excl_tax=Decimal(amount),
        line_price_before_discounts_incl_tax=Decimal(amount),
        line_price_before_discounts_excl_tax=Decimal(amount),
    )


def pemerataan() -> list[str]:
    return [p.title for p in product_search(ListingFilters(sort="pemerataan"))]


def test_refresh_counts_recent_sales_and_reorders_pemerataan():
    busy, quiet = PartnerFactory(name="Laris"), PartnerFactory(name="Sepi")
    CateringProductFactory(title="Produk Laris", partner=busy)
    CateringProductFactory(title="Produk Sepi", partner=quiet)  # newer: first while both are at 0
    assert pemerataan() == ["Produk Sepi", "Produk Laris"]

    sale(quiet, 3_000_000)
    sale(busy, 250_000)

    assert partner_sales_refresh() == 2
    quiet.refresh_from_db()
    assert quiet.sales_90d_idr == 3_000_000
    assert Product.objects.get(title="Produk Sepi").vendor_sales_90d_idr == 3_000_000
    assert Product.objects.get(title="Produk Laris").vendor_sales_90d_idr == 250_000
    assert pemerataan() == ["Produk Laris", "Produk Sepi"]


def test_refresh_ignores_old_and_failed_orders():
    partner = PartnerFactory()
    product = CateringProductFactory(partner=partner)
    sale(partner, 1_000_000, days_ago=91)
    for status in ("declined", "cancelled", "expired"):
        sale(partner, 500_000, status=status)
    sale(partner, 75_000, days_ago=89)

    partner_sales_refresh(partner_ids=[partner.pk])

    product.refresh_from_db()
    assert product.vendor_sales_90d_idr == 75_000


def test_refresh_of_one_partner_leaves_the_others_alone():
    mine, other = PartnerFactory(), PartnerFactory(sales_90d_idr=9_000)
    CateringProductFactory(partner=mine)
    theirs = CateringProductFactory(partner=other)
    sale(mine, 40_000)

    assert partner_sales_refresh(partner_ids=[mine.pk]) == 1

    theirs.refresh_from_db()
    other.refresh_from_db()
    assert (other.sales_90d_idr, theirs.vendor_sales_90d_idr) == (9_000, 9_000)


def test_sales_drop_out_of_the_window_with_the_daily_command():
    partner = PartnerFactory()
    product = CateringProductFactory(partner=partner)
    sale(partner, 600_000, days_ago=30)
    partner_sales_refresh()
    Order.objects.update(date_placed=timezone.now() - timedelta(days=95))  # time passes

    out = StringIO()
    call_command("partner_sales_refresh", stdout=out)

    product.refresh_from_db()
    assert product.vendor_sales_90d_idr == 0
    assert "1 MSME(s) changed." in out.getvalue()


def test_a_new_product_starts_with_its_msme_sales():
    from marketplace.catalogue import services

    partner = PartnerFactory(sales_90d_idr=1_234_000)
    product = services.product_create(
        partner=partner, data={"title": "Kue Lumpur", "kind": "kudapan"}, price_idr=5000
    )

    assert product.vendor_sales_90d_idr == 1_234_000


def test_full_refresh_mends_a_product_whose_copy_drifted():
    partner = PartnerFactory(sales_90d_idr=0)
    product = CateringProductFactory(partner=partner)
    untouched = CateringProductFactory(partner=PartnerFactory())
    Product.objects.filter(pk=product.pk).update(vendor_sales_90d_idr=777)  # e.g. added outside services

    assert partner_sales_refresh() == 0  # no MSME's sales changed…

    product.refresh_from_db()
    assert product.vendor_sales_90d_idr == 0  # …yet the product's copy is right again
    untouched.refresh_from_db()
    assert untouched.vendor_sales_90d_idr == 0
