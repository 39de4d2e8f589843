"""Image bytes for uploads: a real JPEG or PNG, as a phone would send it."""

from io import BytesIO

from PIL import Image


def jpeg_bytes(
    *, size=(48, 32), color=(200, 120, 40), exif: Image.Exif | None = None, quality: int = 88
) -> bytes:
    """A JPEG photo of `size` pixels in one `color` (a name or RGB), optionally carrying `exif`."""
    out = BytesIO()
    options = {"exif": exif} if exif is not None else {}
    Image.new("RGB", size, color).save(out, format="JPEG", quality=quality, **options)
    return out.getvalue()


def png_bytes(*, size=(48, 32), color=(40, 120, 200)) -> bytes:
    out = BytesIO()
    Image.new("RGB", size, color).save(out, format="PNG")
    return out.getvalue()
