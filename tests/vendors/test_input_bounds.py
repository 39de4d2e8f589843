"""MSME pages answer out-of-range input with a message, never a 500, and change nothing:
capital and sales (negative, beyond any MSME), the PP 55 certificate date (0001-01-01,
9999-12-31), the verification queue's "waiting at least" filter and page numbers."""

from datetime import date, timedelta
from html import unescape

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.factories import ProductFactory, VendorFactory
from tests.factories.vendor_documents import CompleteVendorFactory
from vendors.forms import CENSUS_MAX_IDR
from vendors.models import Vendor

pytestmark = pytest.mark.django_db

HUGE = ["1000000000000000000", str(2**63), str(10**30)]
BAD_PAGES = ["1000000000000000000", "abc", "-1", "0", "1e9"]


def text(response) -> str:
    return unescape(response.content.decode())


def census(vendor, **changes):
    data = {
        "capital_idr": vendor.capital_idr,
        "employees": vendor.employees,
        "annual_sales_idr": vendor.annual_sales_idr,
    }
    return {**data, **changes}


# --- Capital and sales ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("field", "message"),
    [
        ("capital_idr", "Modal tidak boleh negatif."),
        ("annual_sales_idr", "Omzet tahunan tidak boleh negatif."),
    ],
)
def test_negative_capital_or_sales_gets_a_field_message_not_the_constraint_name(login, field, message):
    vendor = VendorFactory()

    response = login(vendor.owner).post("/umkm/daftar/sensus/", census(vendor, **{field: "-5"}))

    assert response.status_code == 400
    assert response.context["form"].errors[field] == [message]
    assert message in text(response)
    assert "vendor_capital_not_negative" not in text(response)
    assert "vendor_sales_not_negative" not in text(response)
    vendor.refresh_from_db()
    assert (vendor.capital_idr, vendor.annual_sales_idr) == (25_000_000, 180_000_000)


@pytest.mark.parametrize("amount", HUGE + [str(CENSUS_MAX_IDR + 1)])
@pytest.mark.parametrize("field", ["capital_idr", "annual_sales_idr"])
def test_absurdly_large_capital_or_sales_gets_a_field_message(login, field, amount):
    vendor = VendorFactory()

    response = login(vendor.owner).post("/umkm/daftar/sensus/", census(vendor, **{field: amount}))

    assert response.status_code == 400
    message = "Masukkan jumlah paling banyak Rp 1.000.000.000.000.000."
    assert response.context["form"].errors[field] == [message]
    assert message in text(response)
    vendor.refresh_from_db()
    assert (vendor.capital_idr, vendor.annual_sales_idr) == (25_000_000, 180_000_000)


def test_capital_at_the_bound_is_saved(login):
    vendor = VendorFactory()

    response = login(vendor.owner).post(
        "/umkm/daftar/sensus/", census(vendor, capital_idr=str(CENSUS_MAX_IDR), save_draft="1")
    )

    assert response.status_code == 302
    vendor.refresh_from_db()
    assert vendor.capital_idr == CENSUS_MAX_IDR


# --- PP 55 certificate ----------------------------------------------------------------------


@pytest.mark.parametrize("valid_until", ["0001-01-01", "9999-12-31", "1899-12-31", "2101-01-01"])
def test_pp55_date_out_of_range_gets_a_field_message_and_is_not_saved(login, valid_until):
    vendor = VendorFactory(pp55_number="PP55-001", pp55_valid_until=date(2027, 12, 31))

    response = login(vendor.owner).post(
        "/umkm/daftar/izin/", {"nib": vendor.nib, "pp55_number": "PP55-001", "pp55_valid_until": valid_until}
    )

    assert response.status_code == 400
    message = "Pilih tanggal antara tahun 2000 dan 2100."
    assert response.context["form"].errors["pp55_valid_until"] == [message]
    assert message in text(response)
    vendor.refresh_from_db()
    assert vendor.pp55_valid_until == date(2027, 12, 31)


def test_pp55_date_in_range_is_saved(login):
    vendor = VendorFactory()

    response = login(vendor.owner).post(
        "/umkm/daftar/izin/",
        {"nib": vendor.nib, "pp55_number": "PP55-001", "pp55_valid_until": "2027-06-30", "save_draft": "1"},
    )

    assert response.status_code == 302
    vendor.refresh_from_db()
    assert vendor.pp55_valid_until == date(2027, 6, 30)


# --- Verification queue ---------------------------------------------------------------------


@pytest.mark.parametrize("min_days", ["1000000", str(10**12), str(2**63), "-1", "banyak"])
def test_queue_ignores_an_impossible_waiting_filter_with_a_message(login, verifier, min_days):
    waiting = CompleteVendorFactory(
        submitted=True, submitted_at=timezone.now() - timedelta(days=3), documents=[]
    )

    response = login(verifier).get(reverse("vendors:verification-queue"), {"min_days": min_days})

    assert response.status_code == 200
    assert list(response.context["vendors"]) == [waiting]  # the filter is left out, the rest applies
    assert "Filter “Menunggu minimal (hari)” diabaikan" in text(response)
    waiting.refresh_from_db()
    assert waiting.status == Vendor.Status.SUBMITTED


def test_queue_keeps_a_good_filter_beside_a_bad_one(login, verifier):
    food = CompleteVendorFactory(submitted=True, documents=[], sector=Vendor.Sector.FOOD)
    CompleteVendorFactory(submitted=True, documents=[], sector=Vendor.Sector.CRAFT)

    response = login(verifier).get(
        reverse("vendors:verification-queue"), {"min_days": str(10**12), "sector": Vendor.Sector.FOOD}
    )

    assert list(response.context["vendors"]) == [food]


@pytest.mark.parametrize("page", BAD_PAGES)
def test_queue_with_a_bad_page_number_is_a_page_not_found_in_indonesian(login, verifier, page):
    CompleteVendorFactory(submitted=True, documents=[])

    response = login(verifier).get(reverse("vendors:verification-queue"), {"page": page})

    assert response.status_code == 404
    assert "Halaman tidak ditemukan" in text(response)


# --- The MSME's public page and product list ------------------------------------------------


@pytest.mark.parametrize("page", BAD_PAGES)
def test_public_page_with_a_bad_page_number_shows_the_products(client, page):
    vendor = VendorFactory(approved=True, business_name="Dapur Bandeng Juwana")
    ProductFactory(partner=vendor.partner, title="Bandeng Presto Juwana Asli")

    response = client.get(reverse("vendors:vendor-detail", args=[vendor.slug]), {"page": page})

    assert response.status_code == 200
    assert "Bandeng Presto Juwana Asli" in text(response)


@pytest.mark.parametrize("page", BAD_PAGES)
def test_own_product_list_with_a_bad_page_number_shows_the_products(login, page):
    vendor = VendorFactory(approved=True)
    vendor.partner.users.add(vendor.owner)
    ProductFactory(partner=vendor.partner, title="Bandeng Presto Juwana Asli")

    response = login(vendor.owner).get(reverse("vendors:shop-products"), {"page": page})

    assert response.status_code == 200
    assert "Bandeng Presto Juwana Asli" in text(response)
