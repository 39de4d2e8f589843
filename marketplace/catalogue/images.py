"""Product photos: thumbnails in the sizes pages use, made once with Pillow at upload.

Pages then link to a thumbnail by a name derived from the original: no lookup per
image, so a listing's query count does not grow with the number of products.
"""

from io import BytesIO
from pathlib import PurePosixPath

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
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
