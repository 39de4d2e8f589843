"""Personal documents (KTP photos, selfies, certificates) made safe before they are stored.

``sanitise_upload`` decides what a file is from its content, never from its name or the browser's
content type, and accepts JPEG, PNG and PDF only. Images are decoded in full, turned upright and
re-encoded without any metadata (EXIF, GPS, XMP, comments, ICC profile), so the stored picture
says nothing about where or with what it was taken. PDFs must open without a password and have
pages; they are stored byte for byte. ``store_private`` then writes the bytes to the private
storage under a random name.

Usage in a form and a service::

    document = sanitise_upload(self.cleaned_data["ktp"], allowed={"jpg", "png"})  # clean_ktp
    name = store_private(content=document.content, extension=document.extension, folder="ktp")
"""

import uuid
import warnings
from collections.abc import Collection
from dataclasses import dataclass
from io import BytesIO

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import storages
from django.utils.text import get_valid_filename
from django.utils.translation import gettext_lazy as _
from PIL import Image, ImageOps
from pypdf import PdfReader

__all__ = [
    "ALL_KINDS",
    "IMAGE_KINDS",
    "SanitisedFile",
    "UploadRejected",
    "accept_attribute",
    "formats_label",
    "max_megabytes",
    "sanitise_upload",
    "store_private",
]

DEFAULT_MAX_BYTES = 5 * 1024 * 1024
DEFAULT_MAX_PIXELS = 40_000_000
JPEG_QUALITY = 88

IMAGE_KINDS = frozenset({"jpg", "png"})
ALL_KINDS = frozenset({"jpg", "png", "pdf"})

CONTENT_TYPES = {"jpg": "image/jpeg", "png": "image/png", "pdf": "application/pdf"}
_PIL_FORMATS = {"jpg": "JPEG", "png": "PNG"}
# Modes PNG stores as they are; anything else is converted to RGBA.
_PNG_MODES = frozenset({"1", "L", "LA", "I", "I;16", "P", "RGB", "RGBA"})

_KIND_LABELS = {"jpg": "JPG", "png": "PNG", "pdf": "PDF"}


class UploadRejected(ValidationError):
    """The file cannot be accepted; the message says why, in words the uploader understands."""


@dataclass(frozen=True)
class SanitisedFile:
    """A document ready to store: clean bytes and what they are."""

    content: bytes
    extension: str  # "jpg", "png" or "pdf"
    content_type: str  # "image/jpeg", "image/png" or "application/pdf"

    @property
    def size(self) -> int:
        return len(self.content)


def _max_bytes() -> int:
    return getattr(settings, "DOCUMENT_MAX_BYTES", DEFAULT_MAX_BYTES)


def _max_pixels() -> int:
    return getattr(settings, "DOCUMENT_MAX_PIXELS", DEFAULT_MAX_PIXELS)


def formats_label(allowed: Collection[str]) -> str:
    """The accepted formats as people read them ("JPG, PNG, PDF"): in the refusals below and in
    the upload fields' hints, so both always name the same formats."""
    return ", ".join(_KIND_LABELS[kind] for kind in ("jpg", "png", "pdf") if kind in allowed)


_allowed_label = formats_label


def accept_attribute(allowed: Collection[str]) -> str:
    """The file input's `accept` for the formats: the phone offers only those files."""
    return ",".join(CONTENT_TYPES[kind] for kind in ("jpg", "png", "pdf") if kind in allowed)


def max_megabytes() -> str:
    """The size limit in MB, as the refusal of a too large file says it ("5")."""
    return f"{_max_bytes() / (1024 * 1024):g}"


def _read_bounded(uploaded_file, limit: int) -> bytes:
    """At most limit + 1 bytes of the file, from its start: enough to tell it is too large."""
    if hasattr(uploaded_file, "seek"):
        uploaded_file.seek(0)
    chunks, total = [], 0
    while total <= limit:
        chunk = uploaded_file.read(min(64 * 1024, limit + 1 - total))
        if not chunk:
            break
        chunks.append(chunk)
        total += len(chunk)
    return b"".join(chunks)


def _sniff(data: bytes) -> str | None:
    """The kind of file the content is, from its first bytes (its "magic number")."""
    if data.startswith(b"\xff\xd8\xff"):
        return "jpg"
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if data.startswith(b"%PDF-"):
        return "pdf"
    return None


def _too_large_image() -> UploadRejected:
    return UploadRejected(
        _("The image is too large (more than %(megapixels)d megapixels). Send a smaller photo."),
        code="upload_image_too_large",
        params={"megapixels": _max_pixels() // 1_000_000},
    )


def _check_pixels(image: Image.Image) -> None:
    width, height = image.size
    if width * height > _max_pixels():
        raise _too_large_image()


def _sanitise_image(data: bytes, kind: str) -> bytes:
    """Decode the whole image, turn it upright, re-encode it without metadata."""
    formats = [_PIL_FORMATS[kind]]
    try:
        with warnings.catch_warnings():
            # Pillow warns (then errors) on images over its own pixel limit: treat both as a bomb.
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(BytesIO(data), formats=formats) as image:
                _check_pixels(image)  # from the header, before any pixel is decoded
                image.verify()
            # verify() leaves the image unusable: open again and decode every pixel. A truncated
            # file fails here, as long as ImageFile.LOAD_TRUNCATED_IMAGES stays False.
            with Image.open(BytesIO(data), formats=formats) as image:
                _check_pixels(image)
                image.load()
                upright = ImageOps.exif_transpose(image)
                return _encode(upright, kind)
    except UploadRejected:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise _too_large_image()
    except Exception:
        # Decoders of untrusted data fail in many ways (OSError, SyntaxError, struct.error, …).
        raise UploadRejected(
            _("The image is damaged or incomplete. Take or scan it again and upload the new file."),
            code="upload_image_damaged",
        )


def _encode(image: Image.Image, kind: str) -> bytes:
    """The image's pixels only: no EXIF, GPS, XMP, comment or ICC profile is carried over."""
    transparency = image.info.get("transparency") if kind == "png" else None
    if kind == "jpg":
        image = image.convert("RGB")
    elif image.mode not in _PNG_MODES:
        image = image.convert("RGBA")
        transparency = None
    else:
        image = image.copy()
    # Pillow's encoders copy some of these from .info (JPEG comment, PNG ICC profile): drop them all.
    image.info.clear()
    out = BytesIO()
    if kind == "jpg":
        image.save(out, format="JPEG", quality=JPEG_QUALITY, optimize=True)
    else:
        extra = {"transparency": transparency} if transparency is not None else {}
        image.save(out, format="PNG", optimize=True, **extra)
    return out.getvalue()


def _check_pdf(data: bytes) -> None:
    """The PDF opens without a password and has at least one page."""
    try:
        reader = PdfReader(BytesIO(data), strict=False)
        encrypted = reader.is_encrypted
        if not encrypted:
            pages = sum(1 for _page in reader.pages)  # walks the whole page tree
    except Exception:
        raise UploadRejected(
            _("The PDF is damaged and cannot be opened. Save or scan it again and upload the new file."),
            code="upload_pdf_damaged",
        )
    if encrypted:
        raise UploadRejected(
            _("The PDF is protected with a password. Upload a copy without a password."),
            code="upload_pdf_encrypted",
        )
    if pages == 0:
        raise UploadRejected(_("The PDF has no pages."), code="upload_pdf_empty")


def sanitise_upload(uploaded_file, *, allowed: Collection[str] = ALL_KINDS) -> SanitisedFile:
    """Check an uploaded document and return clean bytes to store, or raise UploadRejected.

    ``allowed`` is a subset of {"jpg", "png", "pdf"}: pass ``IMAGE_KINDS`` where only a photo
    will do (a selfie, a KTP photo). The file's name and declared content type are ignored.
    """
    unknown = set(allowed) - ALL_KINDS
    if unknown or not allowed:
        raise ValueError(f"allowed must be a non-empty subset of {sorted(ALL_KINDS)}, not {allowed!r}")

    limit = _max_bytes()
    too_large = UploadRejected(
        _("The file is too large: at most %(megabytes)s MB."),
        code="upload_too_large",
        params={"megabytes": max_megabytes()},
    )
    if (getattr(uploaded_file, "size", None) or 0) > limit:
        raise too_large
    data = _read_bounded(uploaded_file, limit)  # the declared size is not trusted either
    if len(data) > limit:
        raise too_large
    if not data:
        raise UploadRejected(_("The file is empty."), code="upload_empty")

    kind = _sniff(data)
    if kind is None:
        raise UploadRejected(
            _(
                "This kind of file is not accepted. Upload a photo or a scan in one of these "
                "formats: %(allowed)s."
            ),
            code="upload_type_unknown",
            params={"allowed": _allowed_label(allowed)},
        )
    if kind not in allowed:
        raise UploadRejected(
            _("This file is a %(kind)s; only these formats are accepted here: %(allowed)s."),
            code="upload_type_not_allowed",
            params={"kind": _KIND_LABELS[kind], "allowed": _allowed_label(allowed)},
        )

    if kind == "pdf":
        _check_pdf(data)
        content = data
    else:
        content = _sanitise_image(data, kind)
    return SanitisedFile(content=content, extension=kind, content_type=CONTENT_TYPES[kind])


def store_private(*, content: bytes, extension: str, folder: str) -> str:
    """Save the bytes in the private storage under a random name; return the stored name."""
    if extension not in ALL_KINDS:
        raise ValueError(f"extension must be one of {sorted(ALL_KINDS)}, not {extension!r}")
    parts = [part for part in folder.strip("/").split("/") if part]
    if not parts or any(part in {".", ".."} or get_valid_filename(part) != part for part in parts):
        raise ValueError(f"folder must be a plain relative path, not {folder!r}")
    name = f"{'/'.join(parts)}/{uuid.uuid4().hex}.{extension}"
    return storages["private"].save(name, ContentFile(content))
