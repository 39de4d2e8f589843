"""Deleted products leave no public files: the photo, its page thumbnails and the thumbnails
Oscar made go from the storage once the deletion commits. An ordered product keeps its photos
(its orders show them), and a file another product still uses stays."""

from pathlib import Path

import pytest
from django.core.files.storage import default_storage
from django.db import transaction
from oscar.core.loading import get_model
from oscar.core.thumbnails import get_thumbnailer

from marketplace.catalogue import services
from marketplace.catalogue.images import photo_file_names
from tests.factories import VendorFactory
from tests.factories.catalogue_extra import CateringProductFactory, PhotoFactory, jpeg_bytes
from tests.procurement.ordering.world import build_world, place

Product = get_model("catalogue", "Product")
ProductImage = get_model("catalogue", "ProductImage")

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    """A MEDIA_ROOT of this test's own, so every file in it is this test's."""
    settings.MEDIA_ROOT = str(tmp_path)
    return tmp_path


def files(root: Path) -> set[str]:
    return {p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file()}


def product_with_photo(partner):
    product = CateringProductFactory(partner=partner)
    photo = PhotoFactory(product=product)
    get_thumbnailer().generate_thumbnail(photo.original, size="100x100")  # as Oscar's basket page does
    return product, photo.original.name


@pytest.fixture
def vendor(db):
    return VendorFactory(approved=True, business_name="Katering Bu Ani")


def test_deleting_an_unordered_product_removes_its_photo_and_every_thumbnail(
    vendor, media, django_capture_on_commit_callbacks
):
    product, original = product_with_photo(vendor.partner)
    stored = files(media)
    assert set(photo_file_names(original)) <= stored
    assert any(name.startswith("cache/") for name in stored)  # Oscar's (sorl) thumbnail too

    pk = product.pk
    with django_capture_on_commit_callbacks(execute=False) as after_commit:
        services.product_delete(partner=vendor.partner, product=product)
    assert not Product.objects.filter(pk=pk).exists()
    assert files(media) == stored  # nothing is deleted before the deletion commits
    for callback in after_commit:
        callback()

    assert files(media) == set()


def test_a_rolled_back_deletion_keeps_the_files(vendor, media, django_capture_on_commit_callbacks):
    product, _original = product_with_photo(vendor.partner)
    pk, stored = product.pk, files(media)

    with django_capture_on_commit_callbacks(execute=True):
        with pytest.raises(RuntimeError), transaction.atomic():
            services.product_delete(partner=vendor.partner, product=product)
            raise RuntimeError("the request failed after the delete")

    assert Product.objects.filter(pk=pk).exists()
    assert files(media) == stored


def test_deleting_an_ordered_product_keeps_its_files(media, django_capture_on_commit_callbacks):
    w = build_world()
    PhotoFactory(product=w.snack)
    place(w)  # 10 snack boxes
    stored = files(media)
    assert stored

    with django_capture_on_commit_callbacks(execute=True):
        services.product_delete(partner=w.partner, product=w.snack)

    assert Product.objects.filter(pk=w.snack.pk).exists()
    assert files(media) == stored


def test_a_file_another_product_still_uses_stays(vendor, media, django_capture_on_commit_callbacks):
    product, original = product_with_photo(vendor.partner)
    twin = CateringProductFactory(partner=vendor.partner)
    ProductImage.objects.create(product=twin, original=original, display_order=0)  # as demo photos are shared

    with django_capture_on_commit_callbacks(execute=True):
        services.product_delete(partner=vendor.partner, product=product)

    assert set(photo_file_names(original)) <= files(media)


def test_a_replaced_photo_takes_its_files_with_it(vendor, media, django_capture_on_commit_callbacks):
    product, old = product_with_photo(vendor.partner)

    with django_capture_on_commit_callbacks(execute=True):
        services.product_update(
            partner=vendor.partner,
            product=product,
            data={},
            price_idr=25_000,
            photo=jpeg_bytes(color="green"),
        )

    new = product.images.get().original.name
    assert new != old
    left = files(media)
    assert set(photo_file_names(new)) <= left
    assert not set(photo_file_names(old)) & left
    assert not any(name.startswith("cache/") for name in left)
    assert default_storage.exists(new)
