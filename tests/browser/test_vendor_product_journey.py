"""An approved MSME adds a product with a photo from a phone, then finds it through search."""

import re

import pytest
from oscar.core.loading import get_model
from playwright.sync_api import expect

from marketplace.catalogue.models import KindCeiling
from tests.factories import PASSWORD, VendorFactory
from tests.factories.catalogue_extra import PriceCeilingFactory, jpeg_bytes

Product = get_model("catalogue", "Product")
pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

PHONE_WIDTH = 375


def assert_no_horizontal_scroll(page):
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE_WIDTH, f"{page.url} is {width} px wide on a {PHONE_WIDTH} px screen"


def test_vendor_adds_a_product_with_a_photo_on_a_phone_and_finds_it(
    phone_page, live_server, settings, tmp_path
):
    settings.STAFF_MFA_REQUIRED = False
    vendor = VendorFactory(approved=True, business_name="Katering Bu Ani")
    KindCeiling.objects.create(kind="nasi_kotak", ceiling_kind="makan")  # as the city pack says
    PriceCeilingFactory(kind="makan", max_price_idr=50_000)
    photo = tmp_path / "nasi-kotak-geprek.jpg"
    photo.write_bytes(jpeg_bytes(size=(1200, 900), color="saddlebrown"))
    page = phone_page

    page.goto("/accounts/login/?next=/umkm/produk/baru/")
    page.fill("input[name=login]", vendor.owner.email)
    page.fill("input[name=password]", PASSWORD)
    page.locator("form:has(input[name=password]) [type=submit]").first.click()

    expect(page).to_have_url(re.compile(r"/umkm/produk/baru/$"))
    expect(page.locator("#product-form")).to_be_visible()
    assert_no_horizontal_scroll(page)

    page.fill("#id_title", "Nasi Kotak Ayam Geprek Bu Ani")
    page.select_option("#id_kind", "nasi_kotak")
    page.fill("#id_description", "Ayam geprek sambal bawang, nasi putih, lalapan.")
    page.fill("#id_contents", "Nasi, ayam geprek, lalapan, sambal, air mineral.")
    page.select_option("#id_sale_unit", "kotak")
    expect(page.locator("#id_ceiling_kind")).to_have_count(0)  # the kind decides the SSH ceiling
    page.fill("#id_min_order_qty", "20")
    page.fill("#id_lead_time_hours", "24")
    page.check("#id_is_halal")
    page.fill("#id_price_idr", "60000")  # above the meal ceiling: said as it is typed
    expect(page.locator("#ceiling-above")).to_be_visible()
    expect(page.locator("#ceiling-above")).to_contain_text("batas SSH Rp 50.000")
    page.fill("#id_price_idr", "27500")
    expect(page.locator("#ceiling-above")).to_be_hidden()
    expect(page.locator("#ceiling-info")).to_contain_text("Rp 50.000")
    page.set_input_files("#id_photo", str(photo))
    page.click("#save-product")

    expect(page).to_have_url(re.compile(r"/umkm/produk/$"))
    expect(page.locator("#shop-products")).to_contain_text("Nasi Kotak Ayam Geprek Bu Ani")
    assert Product.objects.get(title="Nasi Kotak Ayam Geprek Bu Ani").ceiling_kind == "makan"

    page.goto("/catalogue/")
    assert_no_horizontal_scroll(page)
    page.fill("#listing-form input[name=q]", "geprek")
    page.press("#listing-form input[name=q]", "Enter")

    expect(page).to_have_url(re.compile(r"/catalogue/\?.*q=geprek"))
    card = page.locator("#product-list li", has_text="Nasi Kotak Ayam Geprek Bu Ani")
    expect(card).to_have_count(1)
    expect(card).to_contain_text("Rp 27.500")
    expect(card.locator("img")).to_have_attribute("src", re.compile(r"/thumbs/card/.+\.jpg$"))
    expect(card.locator("img")).to_have_attribute("loading", "lazy")
    assert_no_horizontal_scroll(page)


@pytest.mark.parametrize(
    "path",
    [
        "/umkm/status/",
        "/umkm/produk/",
        "/umkm/produk/{product}/ubah/",
        "/umkm/produk/{product}/hapus/",
        "/umkm/jadwal/",
        "/umkm/pesanan/",
        "/umkm/u/{slug}/",
    ],
)
def test_every_page_of_the_msme_fits_a_phone(phone_page, settings, path):
    from tests.factories import ProductFactory

    settings.STAFF_MFA_REQUIRED = False
    vendor = VendorFactory(approved=True, business_name="Katering Bu Ani Sejahtera Abadi Selalu")
    vendor.partner.users.add(vendor.owner)
    product = ProductFactory(
        partner=vendor.partner,
        title="Nasi Kotak Ayam Bakar Madu Spesial Paket Rapat Dinas Lengkap",
        price=1_250_000,
    )
    page = phone_page
    page.goto("/accounts/login/")
    page.fill("input[name=login]", vendor.owner.email)
    page.fill("input[name=password]", PASSWORD)
    page.locator("form:has(input[name=password]) [type=submit]").first.click()
    expect(page.locator("a[href='/accounts/logout/']").first).to_be_attached()

    response = page.goto(path.format(product=product.pk, slug=vendor.slug))

    assert response.status == 200
    assert_no_horizontal_scroll(page)
