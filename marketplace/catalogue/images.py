"""Product photos: thumbnails in the sizes pages use, made once with Pillow at upload.

Pages then link to a thumbnail by a name derived from the original: no lookup per
image, so a listing's query count does not grow with the number of products.

A deleted photo row (its product deleted, or the photo replaced) takes its files with it once
the transaction commits: the original, these thumbnails and any Oscar made (sorl's cache).
"""

from functools import partial
from io import BytesIO
from pathlib import PurePosixPath

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from oscar.core.loading import get_model
from oscar.core.thumbnails import get_thumbnailer
from PIL import Image, ImageOps

# name: (width, height) — cards in listings, the product page.
SIZES = {"card": (400, 300), "detail": (800, 600)}


def thumbnail_name(original_name: str, size: str) -> str:
    stem = PurePosixPath(original_name).with_suffix("")
    return f"thumbs/{size}/{stem}.jpg"


def thumbnails_make(*, original_name: str, storage=default_storage) -> list[str]:
    """Write every thumbnail size of a stored product photo; returns their names."""
    with storage.open(original_name, "rb") as fh:
        with Image.open(fh) as src:
            src = ImageOps.exif_transpose(src).convert("RGB")
            names = []
            for size, box in SIZES.items():
                thumb = ImageOps.fit(src, box, method=Image.Resampling.LANCZOS)
                buf = BytesIO()
                thumb.save(buf, "JPEG", quality=82, optimize=True, progressive=True)
                name = thumbnail_name(original_name, size)
                if storage.exists(name):
                    storage.delete(name)
                names.append(storage.save(name, ContentFile(buf.getvalue())))
    return names


def thumbnail_url(original_name: str, size: str, storage=default_storage) -> str:
    return storage.url(thumbnail_name(original_name, size))


def photo_file_names(original_name: str) -> list[str]:
    """The files of one product photo in the storage: the original and its thumbnails."""
    return [original_name] + [thumbnail_name(original_name, size) for size in SIZES]


def photo_files_delete(*, original_name: str, storage=default_storage) -> None:
    """Delete a photo's files, unless a photo row still uses the same original (demo
    products share their photos, and an ordered product keeps its own)."""
    ProductImage = get_model("catalogue", "ProductImage")
    if ProductImage.objects.filter(original=original_name).exists():
        return
    get_thumbnailer().delete_thumbnails(original_name)  # Oscar's own, made on its pages
    for name in photo_file_names(original_name):
        storage.delete(name)  # a missing file is no error


def photo_deleted(sender, instance, using=None, **kwargs) -> None:
    """post_delete of a ProductImage: its files go once the deletion is committed (a rolled
    back deletion keeps them)."""
    if instance.original.name:
        transaction.on_commit(partial(photo_files_delete, original_name=instance.original.name), using=using)
