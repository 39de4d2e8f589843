"""The shop: Oscar partners (one per MSME), product classes, categories, products and prices."""

from decimal import Decimal

import factory
from factory.django import DjangoModelFactory
from oscar.core.loading import get_model

Partner = get_model("partner", "Partner")
StockRecord = get_model("partner", "StockRecord")
ProductClass = get_model("catalogue", "ProductClass")
Category = get_model("catalogue", "Category")
Product = get_model("catalogue", "Product")
ProductImage = get_model("catalogue", "ProductImage")

PRODUCT_TITLES = (
    "Nasi Kotak Ayam Bakar",
    "Snack Box Lumpia Semarang",
    "Tahu Gimbal Porsi Rapat",
    "Bandeng Presto Paket Jamuan",
    "Wingko Babat Kotak Isi 10",
    "Nasi Liwet Komplit",
    "Kue Moci Gemini",
    "Soto Bangkong Porsi",
)


class PartnerFactory(DjangoModelFactory):
    """Oscar's seller record of an MSME; `is_active=False` hides its products at once."""

    class Meta:
        model = Partner

    name = factory.Sequence(lambda n: f"Dapur Bu Sri {n}")
    is_active = True


class ProductClassFactory(DjangoModelFactory):
    """Catering is made to order: delivered, but no stock is tracked."""

    class Meta:
        model = ProductClass
        django_get_or_create = ("name",)

    name = "Katering"
    requires_shipping = True
    track_stock = False


class CategoryFactory(DjangoModelFactory):
    """A category, added to the tree through treebeard (`parent=` for a child)."""

    class Meta:
        model = Category

    name = factory.Iterator(("Nasi Kotak", "Snack Box", "Prasmanan", "Oleh-oleh Khas Semarang"))
    is_public = True

    @classmethod
    def _create(cls, model_class, *args, parent=None, **kwargs):
        if parent is not None:
            return model_class.objects.add_child(parent, create_kwargs=kwargs)
        return model_class.objects.add_root(create_kwargs=kwargs)


class ProductFactory(DjangoModelFactory):
    """A public standalone product sold by one partner at a whole-rupiah price.

    `ProductFactory(price=25000, partner=p, categories=[c])`; `stockrecord=None`
    leaves it without a seller.
    """

    class Meta:
        model = Product
        skip_postgeneration_save = True

    class Params:
        price = Decimal("35000")
        partner = factory.SubFactory(PartnerFactory)

    structure = Product.STANDALONE
    title = factory.Iterator(PRODUCT_TITLES)
    description = "Dimasak pagi hari oleh UMKM Kota Semarang, diantar ke kantor Anda."
    is_public = True
    product_class = factory.SubFactory(ProductClassFactory)
    upc = factory.Sequence(lambda n: f"GA{n:08d}")
    # What partner_sales_refresh keeps copied from the selling MSME (the Pemerataan sort).
    vendor_sales_90d_idr = factory.LazyAttribute(lambda o: o.partner.sales_90d_idr if o.partner else 0)

    stockrecord = factory.RelatedFactory(
        "tests.factories.catalogue.StockRecordFactory",
        factory_related_name="product",
        partner=factory.SelfAttribute("..partner"),
        price=factory.SelfAttribute("..price"),
    )

    @factory.post_generation
    def categories(obj, create, extracted, **kwargs):
        if create and extracted:
            for category in extracted:
                obj.categories.add(category)


class StockRecordFactory(DjangoModelFactory):
    """The partner's offer of a product: price in whole rupiah (IDR)."""

    class Meta:
        model = StockRecord

    product = factory.SubFactory(ProductFactory, stockrecord=None)
    partner = factory.SubFactory(PartnerFactory)
    partner_sku = factory.Sequence(lambda n: f"SKU-{n:05d}")
    price_currency = "IDR"
    price = factory.LazyFunction(lambda: Decimal("35000"))
    num_in_stock = None

    @classmethod
    def _adjust_kwargs(cls, **kwargs):
        kwargs["price"] = Decimal(kwargs["price"]).quantize(Decimal("1"))
        return kwargs


class ProductImageFactory(DjangoModelFactory):
    class Meta:
        model = ProductImage

    product = factory.SubFactory(ProductFactory)
    original = factory.django.ImageField(width=400, height=300, color="orange", filename="nasi-kotak.jpg")
    caption = factory.LazyAttribute(lambda o: o.product.title)
    display_order = 0
