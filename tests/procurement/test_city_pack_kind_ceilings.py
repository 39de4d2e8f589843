"""Price ceilings the MSME cannot dodge: the ceiling kind follows from the product kind, as the
city pack says (product-kind-ceilings.csv); the MSME's form no longer offers it and warns when the
price is above the ceiling; the product page shows the ceiling amount."""

import csv
import shutil
from io import StringIO
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command
from django.urls import reverse
from oscar.core.loading import get_model

from marketplace.catalogue.models import KindCeiling, ProductKind
from procurement.ceilings.models import PriceCeiling
from tests.factories import VendorFactory
from tests.factories.catalogue_extra import CateringProductFactory
from tests.factories.ceilings import PriceCeilingFactory

pytestmark = pytest.mark.django_db

Product = get_model("catalogue", "Product")
FILE = "product-kind-ceilings.csv"


def load(*args) -> str:
    out = StringIO()
    call_command("load_city_pack", *args, stdout=out)
    return out.getvalue()


def pack_copy(tmp_path: Path, rows=None) -> Path:
    """The Semarang pack, with product-kind-ceilings.csv replaced by `rows` when given."""
    folder = tmp_path / "pack"
    shutil.copytree(settings.CITY_PACK_DIR, folder)
    if rows is not None:
        with (folder / FILE).open("w", newline="", encoding="utf-8") as fh:
            writer = csv.writer(fh)
            writer.writerow(("product_kind", "ceiling_kind", "note"))
            writer.writerows(rows)
    return folder


def semarang_rows():
    with (Path(settings.CITY_PACK_DIR) / FILE).open(encoding="utf-8") as fh:
        return [(r["product_kind"], r["ceiling_kind"], r["note"]) for r in csv.DictReader(fh)]


# --- The pack -------------------------------------------------------------------------------------


def test_semarang_pack_gives_each_product_kind_its_ceiling_kind():
    load()

    mapping = dict(KindCeiling.objects.values_list("kind", "ceiling_kind"))
    assert set(mapping) == set(ProductKind.values)
    assert mapping["nasi_kotak"] == "makan"
    assert mapping["prasmanan"] == "makan"
    assert mapping["kudapan"] == "kudapan"
    assert mapping["kriya"] == "" and mapping["fashion"] == ""


def test_loading_the_pack_moves_existing_products_to_their_kinds_ceiling():
    dodged = CateringProductFactory(title="Nasi Kotak Rendang", kind="nasi_kotak", ceiling_kind="")
    craft = CateringProductFactory(title="Tas Anyaman Eceng Gondok", kind="kriya", ceiling_kind="makan")

    output = load()

    dodged.refresh_from_db()
    craft.refresh_from_db()
    assert (dodged.ceiling_kind, craft.ceiling_kind) == ("makan", "")
    assert "Products' price ceiling kinds: 0 created, 2 updated" in output
    assert "Price ceilings of product kinds: 0 created, 0 updated, 8 unchanged." in load()


def test_a_pack_missing_a_product_kind_loads_nothing(tmp_path):
    rows = [r for r in semarang_rows() if r[0] != "prasmanan"]

    with pytest.raises(CommandError) as error:
        load(str(pack_copy(tmp_path, rows)))

    assert "product-kind-ceilings.csv: product kinds missing: prasmanan" in str(error.value)
    assert not KindCeiling.objects.exists() and not PriceCeiling.objects.exists()


@pytest.mark.parametrize(
    "ceiling_kind, why",
    [("makan_tamu", "without _tamu"), ("Makan Siang", "is not a ceiling kind")],
)
def test_a_bad_ceiling_kind_is_reported_at_its_line(tmp_path, ceiling_kind, why):
    rows = [(k, ceiling_kind if k == "nasi_kotak" else c, n) for k, c, n in semarang_rows()]

    with pytest.raises(CommandError) as error:
        load(str(pack_copy(tmp_path, rows)))

    assert "product-kind-ceilings.csv line 2, column ceiling_kind" in str(error.value)
    assert why in str(error.value)
    assert not KindCeiling.objects.exists()


def test_a_ceiling_kind_without_price_ceilings_loads_nothing(tmp_path):
    """A typo ("makaan") would free the kind of every ceiling."""
    rows = [(k, "makaan" if k == "nasi_kotak" else c, n) for k, c, n in semarang_rows()]
    product = CateringProductFactory(kind="nasi_kotak", ceiling_kind="makan")

    with pytest.raises(CommandError) as error:
        load(str(pack_copy(tmp_path, rows)))

    assert "'makaan' (for nasi_kotak) has no row in price-ceilings.csv" in str(error.value)
    assert not KindCeiling.objects.exists() and not PriceCeiling.objects.exists()
    product.refresh_from_db()
    assert product.ceiling_kind == "makan"


# --- The MSME's product form ----------------------------------------------------------------------


@pytest.fixture
def vendor():
    load()  # the pack's kinds and the demo ceilings: makan Rp 50.000, kudapan Rp 22.000
    return VendorFactory(approved=True, business_name="Dapur Bu Ratna")


def form_data(**overrides):
    return {
        "title": "Nasi Kotak Ayam Geprek",
        "kind": "nasi_kotak",
        "description": "Ayam geprek, nasi putih, lalapan.",
        "contents": "Nasi, ayam geprek, lalapan, sambal.",
        "sale_unit": "kotak",
        "min_order_qty": "20",
        "lead_time_hours": "24",
        "price_idr": "27500",
        **overrides,
    }


def test_product_form_no_longer_offers_the_ceiling_kind(vendor, client):
    client.force_login(vendor.owner)

    content = client.get(reverse("vendors:shop-product-create")).content.decode()

    assert 'name="kind"' in content
    assert 'name="ceiling_kind"' not in content


def test_a_product_takes_its_kinds_ceiling_whatever_the_form_sends(vendor, client):
    client.force_login(vendor.owner)

    client.post(reverse("vendors:shop-product-create"), form_data(ceiling_kind=""))

    product = Product.objects.get(title="Nasi Kotak Ayam Geprek")
    assert product.ceiling_kind == "makan"

    client.post(
        reverse("vendors:shop-product-update", args=[product.pk]),
        form_data(kind="kudapan", title="Snack Box Geprek", ceiling_kind="", price_idr="15000"),
    )
    product.refresh_from_db()
    assert (product.kind, product.ceiling_kind) == ("kudapan", "kudapan")


def test_product_form_warns_when_the_price_is_above_the_ceiling(vendor, client):
    product = CateringProductFactory(
        title="Nasi Kotak Wagyu", partner=vendor.partner, kind="nasi_kotak", price=95_000
    )
    client.force_login(vendor.owner)

    content = client.get(reverse("vendors:shop-product-update", args=[product.pk])).content.decode()

    assert "Pemesan tidak dapat memesan produk ini dengan harga ini: batas SSH Rp 50.000." in content
    assert 'id="ceiling-above"' in content and 'gulo-hidden" role="alert" id="ceiling-above"' not in content


def test_product_form_warns_again_when_a_refused_form_comes_back(vendor, client):
    client.force_login(vendor.owner)

    response = client.post(reverse("vendors:shop-product-create"), form_data(title="", price_idr="60000"))

    assert response.status_code == 400
    assert "batas SSH Rp 50.000" in response.content.decode().split('id="ceiling-above"')[1][:200]


def test_product_form_says_nothing_alarming_within_the_ceiling(vendor, client):
    product = CateringProductFactory(
        title="Nasi Kotak Hemat", partner=vendor.partner, kind="nasi_kotak", price=30_000
    )
    client.force_login(vendor.owner)

    content = client.get(reverse("vendors:shop-product-update", args=[product.pk])).content.decode()

    assert 'gulo-hidden" role="alert" id="ceiling-above"></div>' in content
    assert "Batas SSH" in content and "Rp 50.000 per satuan" in content


def test_product_form_says_a_craft_has_no_ceiling(vendor, client):
    product = CateringProductFactory(
        title="Tas Anyaman", partner=vendor.partner, kind="kriya", ceiling_kind="", price=150_000
    )
    client.force_login(vendor.owner)

    content = client.get(reverse("vendors:shop-product-update", args=[product.pk])).content.decode()

    assert "Jenis produk ini tidak memiliki batas harga SSH." in content
    assert 'gulo-hidden" role="alert" id="ceiling-above"></div>' in content


# --- The product page -----------------------------------------------------------------------------


def test_product_page_shows_the_ceiling_amount(client):
    PriceCeilingFactory(kind="makan", max_price_idr=50_000)
    product = CateringProductFactory(
        title="Nasi Kotak Ayam Bakar", kind="nasi_kotak", sale_unit="porsi", price=35_000
    )

    content = client.get(product.get_absolute_url()).content.decode()

    year = PriceCeiling.objects.get().fiscal_year
    assert f"Batas SSH {year}: Rp 50.000 per porsi" in content
    assert 'data-ceiling="within"' in content


def test_product_page_says_a_craft_has_no_ceiling(client):
    PriceCeilingFactory(kind="makan", max_price_idr=50_000)
    craft = CateringProductFactory(title="Tas Anyaman", kind="kriya", ceiling_kind="", price=150_000)

    content = client.get(craft.get_absolute_url()).content.decode()

    assert "Jenis produk ini tidak memiliki batas harga SSH." in content
    assert "data-ceiling=" not in content
