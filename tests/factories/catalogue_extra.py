"""Catalogue factories beyond the basics: products with the columns buyers filter on,
photos with their thumbnails and closed days."""

import factory
from django.core.files.base import ContentFile
from factory.django import DjangoModelFactory
from oscar.core.loading import get_model

from marketplace.catalogue.images import thumbnails_make

from .catalogue import ProductFactory
from .ceilings import PriceCeilingFactory  # noqa: F401 (used by tests through this module)
from .images import jpeg_bytes

ProductImage = get_model("catalogue", "ProductImage")
ClosedDay = get_model("partner", "ClosedDay")


class CateringProductFactory(ProductFactory):
    """A boxed meal as an MSME lists it: kind, unit, SSH kind, minimum order, lead time, halal.

    `CateringProductFactory(title="Nasi Kotak Ayam", price=25000, partner=p, kind="nasi_kotak")`.
    """

    kind = "nasi_kotak"
    sale_unit = "kotak"
    ceiling_kind = "makan"
    min_order_qty = 10
    lead_time_hours = 24
    is_halal = True
    dietary_tags = factory.LazyFunction(list)
    contents = "Nasi putih, ayam goreng, sayur, sambal, buah."


class PhotoFactory(DjangoModelFactory):
    """A product photo stored like an upload, with the thumbnails pages link to."""

    class Meta:
        model = ProductImage

    product = factory.SubFactory(CateringProductFactory)
    display_order = 0
    caption = ""

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        image = model_class(**kwargs)
        image.original.save(
            f"produk-{image.product_id}.jpg",
            ContentFile(jpeg_bytes(size=(640, 480), color="orange")),
            save=False,
        )
        image.save()
        thumbnails_make(original_name=image.original.name)
        return image


class ClosedDayFactory(DjangoModelFactory):
    """A date the MSME takes no deliveries."""

    class Meta:
        model = ClosedDay

    partner = factory.SubFactory("tests.factories.catalogue.PartnerFactory")
    note = "Hajatan keluarga"
