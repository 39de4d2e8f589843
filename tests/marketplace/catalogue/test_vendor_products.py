"""An MSME manages its own products only: MSME B never sees or changes MSME A's."""

from decimal import Decimal

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from oscar.core.loading import get_model

from marketplace.catalogue import services
from marketplace.catalogue.images import thumbnail_name
from tests.factories import VendorFactory
from tests.factories.catalogue_extra import CateringProductFactory, jpeg_bytes

pytestmark = pytest.mark.django_db

Product = get_model("catalogue", "Product")


@pytest.fixture
def product_a(vendor_a):
    return CateringProductFactory(title="Nasi Kotak Ayam Bakar Bu Ani", partner=vendor_a.partner, price=25000)


@pytest.fixture
def product_b(vendor_b):
    return CateringProductFactory(title="Snack Box Risoles Pak Budi", partner=vendor_b.partner, price=15000)


# An MSME's own list: session, user, roles, vendor, the count, a page of products with their photos
# and prices, plus the layout's permissions, menu, notifications and basket (created, with its
# savepoints, on the first visit); the same whatever the number of products.
SHOP_LIST_MAX_QUERIES = 23


def product_form_data(**overrides):
    data = {
        "title": "Nasi Kotak Ayam Geprek",
        "kind": "nasi_kotak",
        "description": "Ayam geprek sambal bawang, nasi putih, lalapan.",
        "contents": "Nasi, ayam geprek, lalapan, sambal.",
        "sale_unit": "kotak",
        "ceiling_kind": "makan",
        "min_order_qty": "20",
        "lead_time_hours": "24",
        "is_halal": "on",
        "price_idr": "27500",
    }
    data.update(overrides)
    return data


# --- MSME B against MSME A's product ---------------------------------------------------------


@pytest.mark.parametrize(
    "method, url_name",
    [
        ("get", "vendors:shop-product-update"),
        ("post", "vendors:shop-product-update"),
        ("post", "vendors:shop-product-pause"),
        ("get", "vendors:shop-product-delete"),
        ("post", "vendors:shop-product-delete"),
    ],
)
def test_other_msme_gets_404_on_a_product_page(client_b, product_a, method, url_name):
    url = reverse(url_name, args=[product_a.pk])
    data = product_form_data(title="Dibajak") if url_name.endswith("update") else {"paused": "1"}

    response = getattr(client_b, method)(url, data) if method == "post" else client_b.get(url)

    assert response.status_code == 404


def test_other_msme_changes_nothing_on_a_product(client_b, product_a):
    client_b.post(
        reverse("vendors:shop-product-update", args=[product_a.pk]),
        product_form_data(title="Dibajak", price_idr="1"),
    )
    client_b.post(reverse("vendors:shop-product-pause", args=[product_a.pk]), {"paused": "1"})
    client_b.post(reverse("vendors:shop-product-delete", args=[product_a.pk]))

    product_a.refresh_from_db()
    assert product_a.title == "Nasi Kotak Ayam Bakar Bu Ani"
    assert product_a.is_public is True
    assert product_a.stockrecords.get().price == Decimal("25000")


def test_shop_list_shows_only_the_msmes_own_products(client_a, client_b, product_a, product_b):
    html_b = client_b.get(reverse("vendors:shop-products")).content.decode()
    html_a = client_a.get(reverse("vendors:shop-products")).content.decode()

    assert "Snack Box Risoles Pak Budi" in html_b
    assert "Nasi Kotak Ayam Bakar Bu Ani" not in html_b
    assert f'data-product="{product_a.pk}"' not in html_b
    assert "Nasi Kotak Ayam Bakar Bu Ani" in html_a
    assert "Snack Box Risoles Pak Budi" not in html_a


def test_paused_products_of_another_msme_stay_out_of_the_shop_list(client_b, product_a, product_b):
    services.product_pause(partner=product_a.stockrecords.get().partner, product=product_a, paused=True)

    html_b = client_b.get(reverse("vendors:shop-products")).content.decode()

    assert "Nasi Kotak Ayam Bakar Bu Ani" not in html_b


@pytest.mark.parametrize(
    "service, kwargs",
    [
        (services.product_update, {"data": {"title": "Dibajak"}, "price_idr": 1}),
        (services.product_pause, {"paused": True}),
        (services.product_delete, {}),
    ],
    ids=["update", "pause", "delete"],
)
def test_services_refuse_another_msmes_product(vendor_b, product_a, service, kwargs):
    with pytest.raises(services.NotYourProduct):
        service(partner=vendor_b.partner, product=product_a, **kwargs)

    product_a.refresh_from_db()
    assert product_a.title == "Nasi Kotak Ayam Bakar Bu Ani"
    assert product_a.is_public is True


# --- Who may open the shop pages at all ------------------------------------------------------


@pytest.mark.parametrize(
    "url_name, with_pk",
    [
        ("vendors:shop-products", False),
        ("vendors:shop-product-create", False),
        ("vendors:shop-product-update", True),
        ("vendors:shop-product-delete", True),
        ("vendors:shop-schedule", False),
    ],
)
def test_anonymous_visitor_is_sent_to_login(client, product_a, url_name, with_pk):
    url = reverse(url_name, args=[product_a.pk] if with_pk else [])

    response = client.get(url)

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


def test_anonymous_pause_is_sent_to_login_and_changes_nothing(client, product_a):
    response = client.post(reverse("vendors:shop-product-pause", args=[product_a.pk]), {"paused": "1"})

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))
    product_a.refresh_from_db()
    assert product_a.is_public is True


def test_msme_not_yet_approved_cannot_list_products(client):
    draft = VendorFactory()  # registered, not verified: no Oscar partner yet
    client.force_login(draft.owner)

    response = client.get(reverse("vendors:shop-product-create"))

    assert response.status_code == 302
    assert response["Location"] == reverse("vendors:status")


# --- The owner's own work --------------------------------------------------------------------


def test_msme_adds_a_product_with_a_photo(client_a, vendor_a):
    photo = SimpleUploadedFile("geprek.jpg", jpeg_bytes(), content_type="image/jpeg")

    response = client_a.post(reverse("vendors:shop-product-create"), {**product_form_data(), "photo": photo})

    assert response.status_code == 302
    product = Product.objects.get(title="Nasi Kotak Ayam Geprek")
    record = product.stockrecords.get()
    assert record.partner == vendor_a.partner
    assert record.price == Decimal("27500")
    assert (product.kind, product.min_order_qty, product.is_halal) == ("nasi_kotak", 20, True)
    original = product.images.get().original.name
    assert default_storage.exists(thumbnail_name(original, "card"))
    assert default_storage.exists(thumbnail_name(original, "detail"))
    assert "Nasi Kotak Ayam Geprek" in client_a.get("/catalogue/").content.decode()


def test_msme_edits_its_own_product(client_a, product_a):
    response = client_a.post(
        reverse("vendors:shop-product-update", args=[product_a.pk]),
        product_form_data(title="Nasi Kotak Ayam Bakar Madu", price_idr="30000"),
    )

    assert response.status_code == 302
    product_a.refresh_from_db()
    assert product_a.title == "Nasi Kotak Ayam Bakar Madu"
    assert product_a.stockrecords.get().price == Decimal("30000")


def test_msme_pauses_and_resumes_its_own_product(client_a, client, product_a):
    url = reverse("vendors:shop-product-pause", args=[product_a.pk])

    client_a.post(url, {"paused": "1"})
    product_a.refresh_from_db()
    assert product_a.is_public is False
    assert "Nasi Kotak Ayam Bakar Bu Ani" not in client.get("/catalogue/").content.decode()

    client_a.post(url, {"paused": "0"})
    product_a.refresh_from_db()
    assert product_a.is_public is True
    assert "Nasi Kotak Ayam Bakar Bu Ani" in client.get("/catalogue/").content.decode()


def test_msme_deletes_its_own_product(client_a, product_a):
    response = client_a.post(reverse("vendors:shop-product-delete", args=[product_a.pk]))

    assert response.status_code == 302
    assert not Product.objects.filter(pk=product_a.pk).exists()


def test_msme_deletes_an_ordered_product_the_order_keeps_it(client):
    from tests.marketplace.catalogue.conftest import logged_in
    from tests.procurement.ordering.world import build_world, place

    w = build_world()
    uo = place(w)
    owner = logged_in(w.vendor.owner)
    snack = w.snack

    response = owner.post(reverse("vendors:shop-product-delete", args=[snack.pk]))

    assert response.status_code == 302
    line = uo.order.lines.get()
    assert (line.product_id, line.title) == (snack.pk, snack.title)  # the history stays whole
    shop = owner.get(reverse("vendors:shop-products")).content.decode()
    assert reverse("vendors:shop-product-update", args=[snack.pk]) not in shop  # gone, not "paused"
    assert w.meal.title in shop
    assert owner.get(reverse("vendors:shop-product-update", args=[snack.pk])).status_code == 404
    assert snack.title not in client.get("/catalogue/").content.decode()
    assert owner.get(f"/pesanan/{uo.pk}/").status_code == 200  # the MSME still sees its order


def test_bad_product_form_changes_nothing(client_a, product_a):
    response = client_a.post(
        reverse("vendors:shop-product-update", args=[product_a.pk]),
        product_form_data(title="Harga Nol", price_idr="0"),
    )

    assert response.status_code == 400
    product_a.refresh_from_db()
    assert product_a.title == "Nasi Kotak Ayam Bakar Bu Ani"


# --- Phone ------------------------------------------------------------------------------------


@pytest.mark.parametrize("with_product", [False, True], ids=["new", "edit"])
def test_product_form_page_is_made_for_phones(client_a, product_a, with_product):
    url = (
        reverse("vendors:shop-product-update", args=[product_a.pk])
        if with_product
        else reverse("vendors:shop-product-create")
    )

    response = client_a.get(url)

    assert response.status_code == 200
    html = response.content.decode()
    assert '<meta name="viewport" content="width=device-width' in html
    assert 'id="product-form"' in html
    assert 'accept="image/jpeg,image/png"' in html


BAD_PHOTOS = {
    "pdf_named_jpg": ("menu.jpg", "image/jpeg", lambda: b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF"),
    "html_named_png": ("foto.png", "image/png", lambda: b"<html><script>alert(1)</script></html>"),
    "truncated_jpeg": ("foto.jpg", "image/jpeg", lambda: jpeg_bytes(size=(400, 300))[:500]),
    "oversize": ("besar.jpg", "image/jpeg", lambda: jpeg_bytes() + b"\0" * (5 * 1024 * 1024)),
}


@pytest.mark.parametrize("case", BAD_PHOTOS)
def test_bad_photo_for_a_new_product_gets_a_message_and_creates_nothing(client_a, vendor_a, case):
    name, content_type, content = BAD_PHOTOS[case]
    before = Product.objects.count()

    response = client_a.post(
        reverse("vendors:shop-product-create"),
        {**product_form_data(), "photo": SimpleUploadedFile(name, content(), content_type=content_type)},
    )

    assert response.status_code == 400
    errors = response.context["form"].errors["photo"]
    assert errors and str(errors[0]) in response.content.decode().replace("&#x27;", "'").replace(
        "&quot;", '"'
    )
    assert Product.objects.count() == before


def test_bad_photo_on_edit_keeps_the_product_and_its_photo(client_a, product_a):
    client_a.post(
        reverse("vendors:shop-product-update", args=[product_a.pk]),
        {
            **product_form_data(),
            "photo": SimpleUploadedFile("ok.jpg", jpeg_bytes(), content_type="image/jpeg"),
        },
    )
    product_a.refresh_from_db()
    photo = product_a.images.get().original.name

    response = client_a.post(
        reverse("vendors:shop-product-update", args=[product_a.pk]),
        {
            **product_form_data(title="Judul Baru"),
            "photo": SimpleUploadedFile("x.jpg", b"<html>bukan foto</html>", content_type="image/jpeg"),
        },
    )

    assert response.status_code == 400
    product_a.refresh_from_db()
    assert product_a.title == "Nasi Kotak Ayam Geprek"
    assert [i.original.name for i in product_a.images.all()] == [photo]


def test_shop_list_pages_through_many_products_in_fixed_queries(
    client_a, vendor_a, monkeypatch, django_assert_max_num_queries
):
    from vendors.shop_views import ShopProductListView

    monkeypatch.setattr(ShopProductListView, "paginate_by", 3)
    titles = [f"Kue Basah Nomor {n}" for n in range(1, 8)]
    for title in titles:
        CateringProductFactory(title=title, partner=vendor_a.partner)

    seen = []
    for number in (1, 2, 3):
        with django_assert_max_num_queries(SHOP_LIST_MAX_QUERIES):
            html = client_a.get(reverse("vendors:shop-products"), {"page": number}).content.decode()
        seen += [t for t in titles if f"<strong>{t}</strong>" in html]
    assert sorted(seen) == sorted(titles)
    assert "<strong>7</strong> produk." in html
    assert "Halaman 3 dari 3" in html
