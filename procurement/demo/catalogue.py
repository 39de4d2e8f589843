"""The demo catalogue: what MSMEs sell, generated photos, and the city scale's products in bulk.

Product classes and categories are the ones the product pages use
(`marketplace.catalogue.services.product_class_for` and `category_for`, one per kind); demo
products are created through `services.product_create`, like an MSME's own, so they carry the
same columns, stock record and photo thumbnails. Only the city scale (`procurement.demo.city`)
bulk-inserts products, with the same values (`ProductRow.values`), sharing a small pool of photos.

Photos are drawn with Pillow (a coloured card with the product's name): nothing is
downloaded.
"""

import colorsys
import functools
import io
import textwrap
import zlib
from dataclasses import dataclass
from decimal import Decimal

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.utils.text import slugify
from oscar.core.loading import get_model
from PIL import Image, ImageDraw, ImageFont

from marketplace.catalogue import services
from marketplace.catalogue.images import SIZES, thumbnail_name, thumbnails_make
from marketplace.catalogue.models import ProductKind

Category = get_model("catalogue", "Category")
Product = get_model("catalogue", "Product")
ProductCategory = get_model("catalogue", "ProductCategory")
ProductClass = get_model("catalogue", "ProductClass")
ProductImage = get_model("catalogue", "ProductImage")
StockRecord = get_model("partner", "StockRecord")

PHOTO_SIZE = (600, 450)
# City-scale products share these files instead of each having its own photo.
PHOTO_POOL_FOLDER = "images/products/demo-pool"

MEAL, SNACK = "makan", "kudapan"  # price ceiling kinds (Standar Satuan Harga)


@dataclass(frozen=True)
class Kind:
    """How products of one kind are sold by default, and how their photos look."""

    key: str  # a ProductKind value
    label: str  # written on the photos
    sku_prefix: str
    sale_unit: str
    ceiling_kind: str
    min_order_qty: int
    lead_time_hours: int
    colour: tuple[int, int, int]  # base colour of the photos
    motif: str  # drawn behind the name: plate, glass, cone, batik, craft, gift


KINDS: dict[str, Kind] = {
    k.key: k
    for k in (
        Kind(ProductKind.BOXED_MEAL, "Nasi kotak", "NK", "kotak", MEAL, 20, 24, (214, 110, 30), "plate"),
        Kind(ProductKind.SNACK_BOX, "Snack box", "SB", "kotak", SNACK, 20, 24, (196, 62, 98), "plate"),
        Kind(ProductKind.BUFFET, "Prasmanan", "PR", "orang", MEAL, 30, 48, (40, 150, 84), "plate"),
        Kind(ProductKind.DRINK, "Minuman", "MN", "porsi", "", 20, 24, (24, 140, 172), "glass"),
        Kind(ProductKind.EVENT_PACKAGE, "Tumpeng / paket acara", "TP", "pcs", "", 1, 48, (196, 150, 20),
             "cone"),
        Kind(ProductKind.FASHION, "Fashion", "BT", "pcs", "", 1, 72, (52, 70, 150), "batik"),
        Kind(ProductKind.CRAFT, "Kriya", "KR", "pcs", "", 1, 72, (130, 82, 40), "craft"),
        Kind(ProductKind.SOUVENIR, "Oleh-oleh", "OL", "pcs", "", 1, 24, (128, 60, 150), "gift"),
    )
}  # fmt: skip


@dataclass(frozen=True)
class ProductTemplate:
    """A product MSMEs of a kind typically sell, with a realistic price range in whole rupiah.

    `unit`, `ceiling`, `min_qty` and `lead_hours` override the kind's defaults when set.
    """

    title: str
    min_idr: int
    max_idr: int
    contents: str
    unit: str | None = None
    ceiling: str | None = None
    min_qty: int | None = None
    lead_hours: int | None = None
    tags: tuple[str, ...] = ()


T = ProductTemplate
# Meal and snack prices stay within the demo price ceilings for meetings (Rp 50.000 / Rp 22.000),
# except the guests' buffet, which counts against the guests' ceiling.
PRODUCT_TEMPLATES: dict[str, tuple[ProductTemplate, ...]] = {
    "nasi_kotak": (
        T("Nasi Kotak Ayam Bakar", 30_000, 40_000,
          "Nasi putih, ayam bakar bumbu kecap, sayur urap, sambal, kerupuk dan buah potong."),
        T("Nasi Kotak Ayam Goreng Kremes", 28_000, 38_000,
          "Nasi putih, ayam goreng kremes, tempe bacem, lalapan, sambal bawang dan buah."),
        T("Nasi Kotak Rendang Sapi", 42_000, 50_000,
          "Nasi putih, rendang sapi, sayur nangka, telur balado, kerupuk dan pisang.", tags=("pedas",)),
        T("Nasi Kotak Bandeng Presto", 30_000, 42_000,
          "Nasi putih, bandeng presto goreng, sayur asem, sambal terasi, kerupuk dan buah."),
        T("Nasi Kotak Garang Asem", 32_000, 45_000,
          "Nasi putih, garang asem ayam khas Semarang, perkedel, kerupuk dan buah potong."),
        T("Nasi Kotak Ayam Rica-rica", 28_000, 38_000,
          "Nasi putih, ayam rica-rica, capcay, tahu goreng, sambal dan buah.", tags=("pedas",)),
        T("Nasi Kotak Ikan Bakar", 35_000, 48_000,
          "Nasi putih, ikan nila bakar, tumis kangkung, sambal dabu-dabu dan buah."),
        T("Nasi Kotak Semur Daging", 38_000, 48_000,
          "Nasi putih, semur daging sapi, sambal goreng kentang, kerupuk udang dan buah."),
        T("Nasi Kotak Hemat Telur Balado", 25_000, 28_000,
          "Nasi putih, telur balado, mi goreng, tempe orek, kerupuk dan air mineral gelas."),
    ),
    "kudapan": (
        T("Snack Box Risoles & Lemper", 12_000, 18_000, "Risoles ragout, lemper ayam dan air mineral gelas."),
        T("Snack Box Lumpia Semarang & Kue Lapis", 15_000, 22_000,
          "Lumpia rebung khas Semarang, kue lapis dan air mineral gelas."),
        T("Snack Box Pastel & Dadar Gulung", 12_000, 17_000,
          "Pastel isi sayur, dadar gulung unti kelapa dan air mineral gelas."),
        T("Snack Box Sosis Solo & Bolu Kukus", 13_000, 18_000,
          "Sosis solo, bolu kukus pandan dan air mineral gelas."),
        T("Snack Box Tahu Bakso & Wingko", 14_000, 20_000,
          "Tahu bakso, wingko babat potong dan air mineral gelas."),
        T("Snack Box Sehat Buah & Roti Gandum", 18_000, 22_000,
          "Potongan buah segar, roti gandum isi dan susu kedelai.", tags=("rendah_gula",)),
        T("Snack Box Kue Basah Tiga Macam", 12_000, 16_000,
          "Nagasari, klepon, kue mangkok dan air mineral gelas.", tags=("vegetarian",)),
        T("Snack Box Martabak Mini & Onde-onde", 13_000, 19_000,
          "Martabak telur mini, onde-onde wijen dan air mineral gelas."),
    ),
    "prasmanan": (
        T("Prasmanan Paket Rapat (per orang)", 42_000, 50_000,
          "Nasi, dua lauk, sayur, kerupuk, buah dan minuman; termasuk alat saji."),
        T("Prasmanan Menu Nusantara (per orang)", 45_000, 50_000,
          "Nasi, ayam, daging, sayur, sup, kerupuk, buah dan es buah.", min_qty=50),
        T("Prasmanan Jamuan Tamu (per orang)", 75_000, 95_000,
          "Menu jamuan dengan pondokan, tiga lauk, dessert dan pramusaji.", min_qty=50, lead_hours=72),
        T("Prasmanan Menu Semarangan (per orang)", 45_000, 50_000,
          "Nasi, garang asem, bandeng presto, tahu gimbal, lumpia dan es dawet."),
    ),
    "minuman": (
        T("Es Teh Manis (per gelas)", 5_000, 8_000, "Teh tubruk manis dengan es batu, gelas 350 ml."),
        T("Wedang Jahe Serai (per gelas)", 7_000, 12_000, "Jahe bakar, serai dan gula aren, hangat.",
          tags=("vegan",)),
        T("Paket Kopi & Teh Rapat (per orang)", 8_000, 12_000,
          "Kopi tubruk, teh, gula dan air panas dalam termos untuk rapat.", unit="orang"),
        T("Es Jeruk Peras (per gelas)", 8_000, 13_000, "Jeruk peras segar dengan es batu.", tags=("vegan",)),
        T("Wedang Uwuh (per gelas)", 8_000, 12_000, "Rempah secang, jahe, cengkeh dan kayu manis.",
          tags=("vegan",)),
        T("Air Mineral 600 ml (dus isi 24)", 45_000, 58_000,
          "Air mineral botol 600 ml, satu dus isi 24 botol.", unit="pcs", min_qty=1),
    ),
    "tumpeng": (
        T("Tumpeng Nasi Kuning (10 orang)", 350_000, 500_000,
          "Tumpeng nasi kuning dengan ayam goreng, urap, telur, perkedel, sambal goreng dan kerupuk."),
        T("Tumpeng Mini (per orang)", 30_000, 45_000,
          "Tumpeng kecil dalam kotak: nasi kuning, ayam, telur, urap dan sambal goreng.",
          unit="kotak", ceiling=MEAL, min_qty=20),
        T("Tumpeng Nasi Liwet Komplit (20 orang)", 700_000, 1_100_000,
          "Nasi liwet, ayam suwir, telur pindang, labu siam, areh dan lauk pelengkap."),
        T("Paket Syukuran Kantor (30 orang)", 1_200_000, 1_800_000,
          "Tumpeng besar, snack box dan minuman untuk 30 orang, termasuk hiasan.", lead_hours=72),
    ),
    "fashion": (
        T("Kemeja Batik Semarangan Motif Asem Arang", 175_000, 350_000,
          "Kemeja batik cap katun primisima, lengan pendek, ukuran S sampai XXL."),
        T("Kain Batik Tulis Motif Warak Ngendog", 350_000, 600_000,
          "Kain batik tulis 2 x 1,15 m, pewarna alam, motif warak ngendog khas Semarang."),
        T("Kemeja Batik Cap Motif Lawang Sewu", 150_000, 275_000,
          "Kemeja batik cap, lengan panjang, furing, ukuran S sampai XXL."),
        T("Blus Batik Motif Tugu Muda", 160_000, 300_000,
          "Blus batik katun untuk kerja, potongan modern, ukuran S sampai XL."),
        T("Batik Seragam Kantor (per potong)", 150_000, 250_000,
          "Seragam batik custom motif instansi, pengerjaan 3 minggu.", min_qty=20, lead_hours=504),
        T("Selendang Batik Motif Blekok Srondol", 150_000, 325_000,
          "Selendang batik tulis sutra, motif burung blekok khas Srondol."),
    ),
    "kriya": (
        T("Miniatur Warak Ngendog", 75_000, 250_000,
          "Miniatur kayu warak ngendog, maskot Dugderan Semarang, tinggi 20 cm."),
        T("Tas Anyaman Eceng Gondok", 85_000, 200_000,
          "Tas jinjing anyaman eceng gondok dari Rawa Pening, dengan furing kain."),
        T("Vandel Kayu Ukir Logo Instansi", 150_000, 400_000,
          "Vandel kayu jati ukir dengan logo instansi, untuk cendera mata tamu.", lead_hours=168),
        T("Gantungan Kunci Lawang Sewu (isi 50)", 150_000, 250_000,
          "Gantungan kunci akrilik motif Lawang Sewu, satu paket isi 50."),
        T("Plakat Akrilik Penghargaan", 125_000, 300_000,
          "Plakat akrilik 3 mm dengan cetak UV dan kotak beludru."),
        T("Tas Seminar Kain Blacu (per buah)", 15_000, 35_000,
          "Tas kain blacu dengan sablon logo acara.", min_qty=50, lead_hours=168),
        T("Goodie Bag Batik Perca", 25_000, 60_000,
          "Tas kecil dari kain perca batik Semarangan, jahitan tangan."),
    ),
    "oleh_oleh": (
        T("Bandeng Presto Duri Lunak (per ekor)", 35_000, 60_000,
          "Bandeng presto duri lunak, kemasan vakum, tahan 3 hari di suhu ruang."),
        T("Wingko Babat (isi 20)", 40_000, 70_000, "Wingko babat kelapa muda, satu kotak isi 20 buah."),
        T("Lumpia Semarang Goreng (isi 10)", 50_000, 90_000,
          "Lumpia rebung udang khas Semarang dengan saus dan acar, isi 10."),
        T("Moaci Wijen (isi 20)", 25_000, 45_000, "Moaci isi kacang bertabur wijen, kotak isi 20.",
          tags=("vegetarian",)),
        T("Roti Ganjel Rel (per bungkus)", 15_000, 30_000,
          "Roti ganjel rel kayu manis dan wijen, kue khas Dugderan."),
        T("Tahu Bakso Semarang (isi 10)", 30_000, 50_000,
          "Tahu bakso ayam-sapi, kemasan vakum, siap goreng."),
    ),
}  # fmt: skip
TEMPLATES_BY_TITLE: dict[str, tuple[str, ProductTemplate]] = {
    t.title: (kind, t) for kind, templates in PRODUCT_TEMPLATES.items() for t in templates
}


@dataclass(frozen=True)
class CatalogueRefs:
    """The product class and category of each kind, by kind key."""

    classes: dict[str, ProductClass]
    categories: dict[str, Category]


def catalogue_ensure() -> CatalogueRefs:
    """The product class and category of every kind, created when missing as the product pages do."""
    return CatalogueRefs(
        classes={key: services.product_class_for(key) for key in KINDS},
        # The category helper of the product pages, so demo and MSME-made products share categories.
        categories={key: services.category_for(key) for key in KINDS},
    )


def round_price(amount: int) -> int:
    """A price as a shop would print it: to Rp 500 below Rp 100.000, Rp 5.000 below 1 juta, else 50.000."""
    step = 500 if amount < 100_000 else 5_000 if amount < 1_000_000 else 50_000
    return max(step, round(amount / step) * step)


# --- Photos -----------------------------------------------------------------------


def _shade(rgb: tuple[int, int, int], *, hue: float = 0.0, light: float = 1.0) -> tuple[int, int, int]:
    h, lum, s = colorsys.rgb_to_hls(*(c / 255 for c in rgb))
    r, g, b = colorsys.hls_to_rgb((h + hue) % 1.0, min(1.0, max(0.0, lum * light)), s)
    return round(r * 255), round(g * 255), round(b * 255)


@functools.lru_cache
def font_load(size: int):
    """Pillow's built-in font at `size` (cached: loading it is the slow part of drawing)."""
    try:
        return ImageFont.load_default(size=size)
    except (OSError, TypeError):  # Pillow built without FreeType
        return ImageFont.load_default()


def _draw_motif(draw: ImageDraw.ImageDraw, motif: str, colour: tuple[int, int, int], seed: int) -> None:
    w, h = PHOTO_SIZE
    light = _shade(colour, light=1.35)
    pale = _shade(colour, light=1.7)
    if motif == "plate":
        cx, cy = w - 150 + seed % 40, h - 120
        draw.ellipse((cx - 190, cy - 190, cx + 190, cy + 190), fill=pale)
        draw.ellipse((cx - 140, cy - 140, cx + 140, cy + 140), fill=light)
    elif motif == "glass":
        for i, x in enumerate((90, 230, 370, 510)):
            top = 200 + (seed >> i) % 60
            draw.rounded_rectangle((x - 45, top, x + 45, h + 20), radius=12, fill=pale if i % 2 else light)
    elif motif == "cone":
        draw.polygon(((w // 2, 40), (w // 2 - 230, h - 20), (w // 2 + 230, h - 20)), fill=pale)
        draw.polygon(((w // 2, 110), (w // 2 - 160, h - 20), (w // 2 + 160, h - 20)), fill=light)
    elif motif == "batik":
        step = 60
        for row, y in enumerate(range(-step, h + step, step)):
            for x in range(-step + (row % 2) * step // 2, w + step, step):
                draw.ellipse((x - 18, y - 26, x + 18, y + 26), outline=pale, width=4)
                draw.ellipse((x - 5, y - 5, x + 5, y + 5), fill=light)
    elif motif == "craft":
        for i, y in enumerate(range(20, h, 34)):
            offset = (seed + i * 17) % 50
            draw.arc((-80 + offset, y - 40, w + 80 - offset, y + 40), 0, 180, fill=pale, width=5)
    elif motif == "gift":
        box = (w // 2 - 170, 120, w // 2 + 170, h - 30)
        draw.rectangle(box, fill=pale)
        draw.rectangle((w // 2 - 22, box[1], w // 2 + 22, box[3]), fill=light)
        draw.rectangle((box[0], 220, box[2], 262), fill=light)


def photo_render(*, title: str, kind: str) -> bytes:
    """A JPEG card for a product: its kind's colour and motif, and the title written on it."""
    spec = KINDS[kind]
    seed = zlib.crc32(title.encode())
    colour = _shade(spec.colour, hue=((seed % 21) - 10) / 400, light=0.9 + (seed >> 5) % 20 / 100)
    top, bottom = _shade(colour, light=1.15), _shade(colour, light=0.7)
    mask = Image.linear_gradient("L").resize(PHOTO_SIZE)  # a vertical gradient from top to bottom
    image = Image.composite(Image.new("RGB", PHOTO_SIZE, bottom), Image.new("RGB", PHOTO_SIZE, top), mask)
    _draw_motif(ImageDraw.Draw(image), spec.motif, colour, seed)

    w, h = PHOTO_SIZE
    lines = textwrap.wrap(title, width=22)[:4]
    size = 44 if len(lines) <= 2 else 36
    font, line_height = font_load(size), size + 10
    block = line_height * len(lines)
    y0 = (h - block) // 2 - 20
    overlay = Image.new("RGBA", PHOTO_SIZE, (0, 0, 0, 0))
    band = (30, y0 - 24, w - 30, y0 + block + 16)
    ImageDraw.Draw(overlay).rounded_rectangle(band, radius=18, fill=(0, 0, 0, 110))
    image = Image.alpha_composite(image.convert("RGBA"), overlay).convert("RGB")
    draw = ImageDraw.Draw(image)
    for i, line in enumerate(lines):
        x, y = (w - draw.textlength(line, font=font)) / 2, y0 + i * line_height
        draw.text((x + 2, y + 2), line, font=font, fill=(0, 0, 0))
        draw.text((x, y), line, font=font, fill=(255, 255, 255))
    draw.text((24, h - 36), f"{spec.label} · Gulo Asem", font=font_load(20), fill=(255, 255, 255))

    out = io.BytesIO()
    image.save(out, format="JPEG", quality=82)
    return out.getvalue()


def photo_pool_ensure() -> dict[str, str]:
    """Storage names of shared photos (with thumbnails), one per kind, showing the kind's name.

    Drawn once; a deleted file is drawn again on the next run.
    """
    pool: dict[str, str] = {}
    for key, kind in KINDS.items():
        name = f"{PHOTO_POOL_FOLDER}/{key}.jpg"
        if not default_storage.exists(name):
            name = default_storage.save(name, ContentFile(photo_render(title=kind.label, kind=key)))
        if not all(default_storage.exists(thumbnail_name(name, size)) for size in SIZES):
            thumbnails_make(original_name=name)
        pool[key] = name
    return pool


# --- Products ---------------------------------------------------------------------


@dataclass(frozen=True)
class ProductRow:
    """One product of one partner, made from a template. `code` and `partner_sku` are for bulk inserts."""

    template: ProductTemplate
    kind: str
    partner_id: int
    price_idr: int
    is_halal: bool = False
    code: str = ""
    partner_sku: str = ""

    def values(self) -> dict:
        """The product's columns, as the product form would fill them."""
        kind, t = KINDS[self.kind], self.template
        return {
            "title": t.title,
            "description": t.contents,
            "contents": t.contents,
            "kind": self.kind,
            "sale_unit": t.unit or kind.sale_unit,
            "ceiling_kind": kind.ceiling_kind if t.ceiling is None else t.ceiling,
            "min_order_qty": t.min_qty or kind.min_order_qty,
            "lead_time_hours": t.lead_hours or kind.lead_time_hours,
            "is_halal": self.is_halal,
            "dietary_tags": list(t.tags),
        }


def partner_products_ensure(*, partner, rows: list[ProductRow]) -> int:
    """Create, each with its own photo, the products this partner does not sell yet (by title).

    Returns how many were created.
    """
    existing = set(Product.objects.filter(stockrecords__partner=partner).values_list("title", flat=True))
    created = 0
    for row in rows:
        if row.template.title in existing:
            continue
        photo = photo_render(title=row.template.title, kind=row.kind)
        services.product_create(partner=partner, data=row.values(), price_idr=row.price_idr, photo=photo)
        created += 1
    return created


def products_bulk_create(*, refs: CatalogueRefs, rows: list[ProductRow], photo_pool: dict[str, str]) -> int:
    """Insert many new products at once (city scale), each with its stock record and category.

    The caller passes only rows whose code is not in the database yet. Photos are the shared
    files of `photo_pool` (by kind): deleting one such product's photo through Oscar would
    delete the shared file too, which the next run draws again.
    """
    products = [
        Product(
            code=row.code,
            slug=slugify(row.template.title)[:255],
            product_class=refs.classes[row.kind],
            structure=Product.STANDALONE,
            is_public=True,
            **row.values(),
        )
        for row in rows
    ]
    Product.objects.bulk_create(products)
    pairs = list(zip(products, rows, strict=True))
    StockRecord.objects.bulk_create(
        StockRecord(
            product_id=product.pk,
            partner_id=row.partner_id,
            partner_sku=row.partner_sku,
            price=Decimal(row.price_idr),
            price_currency="IDR",
            num_in_stock=None,
        )
        for product, row in pairs
    )
    ProductCategory.objects.bulk_create(
        ProductCategory(product_id=product.pk, category=refs.categories[row.kind]) for product, row in pairs
    )
    ProductImage.objects.bulk_create(
        ProductImage(
            product_id=product.pk,
            original=photo_pool[row.kind],
            caption=row.template.title,
            display_order=0,
        )
        for product, row in pairs
        if row.kind in photo_pool
    )
    # What the product service writes after its own inserts: category, kind, MSME in the search text.
    services.search_texts_write(product_ids=[product.pk for product in products])
    return len(products)
