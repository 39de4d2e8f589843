"""Personal documents are checked from their content and cleaned before they reach private storage."""

import os
import re
import struct
import zlib
from io import BytesIO
from pathlib import Path

import pytest
from django.core.files.storage import storages
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import ExifTags, Image, ImageCms
from pypdf import PdfWriter

from vendors.uploads import (
    ALL_KINDS,
    IMAGE_KINDS,
    UploadRejected,
    sanitise_upload,
    store_private,
)

# --- Files to upload -----------------------------------------------------------------------------


def noise_image(size=(64, 48), mode="RGB") -> Image.Image:
    width, height = size
    return Image.frombytes(mode, size, os.urandom(width * height * len(mode)))


def jpeg_bytes(image=None, **save_options) -> bytes:
    out = BytesIO()
    (image or noise_image()).save(out, format="JPEG", **save_options)
    return out.getvalue()


def png_bytes(image=None, **save_options) -> bytes:
    out = BytesIO()
    (image or noise_image(mode="RGBA")).save(out, format="PNG", **save_options)
    return out.getvalue()


def png_declaring(width: int, height: int) -> bytes:
    """A tiny PNG whose header claims width × height pixels (a decompression bomb's shape)."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)  # 1-bit greyscale
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b"\x00" * 64))
        + chunk(b"IEND", b"")
    )


def pdf_bytes(*, pages=1, user_password=None, owner_password=None) -> bytes:
    writer = PdfWriter()
    for _page in range(pages):
        writer.add_blank_page(width=595, height=842)
    if user_password is not None or owner_password is not None:
        writer.encrypt(user_password=user_password or "", owner_password=owner_password)
    out = BytesIO()
    writer.write(out)
    return out.getvalue()


def jpeg_with_location() -> bytes:
    """A phone photo: camera make, sideways orientation, GPS position, XMP, comment, ICC profile."""
    exif = Image.Exif()
    exif[ExifTags.Base.Make] = "Camera"
    exif[ExifTags.Base.Orientation] = 6  # rotate 90° clockwise to view
    gps = exif.get_ifd(ExifTags.IFD.GPSInfo)
    gps[ExifTags.GPS.GPSLatitudeRef] = "S"
    gps[ExifTags.GPS.GPSLatitude] = (6.0, 59.0, 30.0)
    gps[ExifTags.GPS.GPSLongitudeRef] = "E"
    gps[ExifTags.GPS.GPSLongitude] = (110.0, 25.0, 10.0)
    icc = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
    return jpeg_bytes(
        noise_image((64, 32)),
        exif=exif,
        comment=b"Jl. Pemuda 148",
        xmp=b"<x:xmpmeta>Semarang</x:xmpmeta>",
        icc_profile=icc,
    )


def upload(name: str, content: bytes, content_type: str = "application/octet-stream"):
    return SimpleUploadedFile(name, content, content_type=content_type)


# --- Private storage in a folder of its own ------------------------------------------------------


@pytest.fixture
def private_root(settings, tmp_path) -> Path:
    """Private storage in tmp_path; the `settings` fixture resets the cached storage backends."""
    root = tmp_path / "private"
    root.mkdir()
    settings.PRIVATE_MEDIA_ROOT = root
    settings.STORAGES = {
        **settings.STORAGES,
        "private": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(root), "base_url": None},
        },
    }
    assert Path(storages["private"].location) == root
    return root


def stored_files(root: Path) -> list[Path]:
    return [path for path in root.rglob("*") if path.is_file()]


def receive(uploaded_file, *, allowed=ALL_KINDS, folder="documents"):
    """What a registration form and its service do: check the file, then store it."""
    document = sanitise_upload(uploaded_file, allowed=allowed)
    name = store_private(content=document.content, extension=document.extension, folder=folder)
    return document, name


def assert_refused(private_root, uploaded_file, code, *, allowed=ALL_KINDS):
    with pytest.raises(UploadRejected) as excinfo:
        receive(uploaded_file, allowed=allowed)
    assert excinfo.value.code == code
    assert excinfo.value.messages  # a message for the form
    assert stored_files(private_root) == []
    return excinfo.value


# --- Refused -------------------------------------------------------------------------------------


def test_pdf_named_jpg_refused_where_only_images_allowed(private_root):
    error = assert_refused(
        private_root,
        upload("ktp.jpg", pdf_bytes(), "image/jpeg"),
        "upload_type_not_allowed",
        allowed=IMAGE_KINDS,
    )
    assert error.params == {"kind": "PDF", "allowed": "JPG, PNG"}


def test_html_named_png_refused(private_root):
    html = b"<!DOCTYPE html><html><script>alert(document.cookie)</script></html>"
    assert_refused(private_root, upload("ktp.png", html, "image/png"), "upload_type_unknown")


def test_gif_refused(private_root):
    out = BytesIO()
    noise_image(mode="L").save(out, format="GIF")
    assert_refused(private_root, upload("ktp.gif", out.getvalue(), "image/gif"), "upload_type_unknown")


def test_zip_named_pdf_refused(private_root):
    zipped = b"PK\x03\x04" + b"\x00" * 100
    assert_refused(private_root, upload("nib.pdf", zipped, "application/pdf"), "upload_type_unknown")


def test_pdf_signature_not_at_start_refused(private_root):
    assert_refused(private_root, upload("nib.pdf", b"\n" + pdf_bytes()), "upload_type_unknown")


def test_empty_file_refused(private_root):
    assert_refused(private_root, upload("ktp.jpg", b""), "upload_empty")


def test_file_over_5_mb_refused(private_root):
    content = b"%PDF-1.4\n" + b"0" * (5 * 1024 * 1024 + 1 - 9)
    assert len(content) == 5 * 1024 * 1024 + 1
    error = assert_refused(private_root, upload("nib.pdf", content), "upload_too_large")
    assert error.params == {"megabytes": "5"}


def test_size_limit_follows_setting(private_root, settings):
    content = pdf_bytes()
    settings.DOCUMENT_MAX_BYTES = len(content) - 1
    assert_refused(private_root, upload("nib.pdf", content), "upload_too_large")
    settings.DOCUMENT_MAX_BYTES = len(content)
    receive(upload("nib.pdf", content))
    assert len(stored_files(private_root)) == 1


@pytest.mark.parametrize(
    ("width", "height"),
    [
        (20_000, 20_000),  # over twice Pillow's own limit: DecompressionBombError
        (10_000, 10_000),  # over Pillow's limit: its warning is turned into an error
        (8_000, 6_000),  # under Pillow's limit, over the 40-megapixel one
    ],
)
def test_decompression_bomb_refused(private_root, width, height):
    bomb = png_declaring(width, height)
    assert len(bomb) < 200
    assert_refused(private_root, upload("ktp.png", bomb, "image/png"), "upload_image_too_large")


def test_pixel_limit_follows_setting(private_root, settings):
    settings.DOCUMENT_MAX_PIXELS = 64 * 48 - 1
    assert_refused(private_root, upload("ktp.jpg", jpeg_bytes()), "upload_image_too_large")


def test_truncated_jpeg_refused(private_root):
    whole = jpeg_bytes(noise_image((256, 256)))
    assert_refused(private_root, upload("ktp.jpg", whole[: len(whole) // 2]), "upload_image_damaged")


def test_truncated_png_refused(private_root):
    whole = png_bytes(noise_image((128, 128)))
    assert_refused(private_root, upload("ktp.png", whole[: len(whole) // 2]), "upload_image_damaged")


def test_jpeg_signature_with_garbage_refused(private_root):
    assert_refused(
        private_root, upload("ktp.jpg", b"\xff\xd8\xff\xe0" + os.urandom(2000)), "upload_image_damaged"
    )


@pytest.mark.parametrize(
    "passwords",
    [{"user_password": "rahasia"}, {"user_password": "", "owner_password": "pemilik"}],
    ids=["password-to-open", "owner-password-only"],
)
def test_encrypted_pdf_refused(private_root, passwords):
    assert_refused(private_root, upload("nib.pdf", pdf_bytes(**passwords)), "upload_pdf_encrypted")


def test_malformed_pdf_refused(private_root):
    assert_refused(private_root, upload("nib.pdf", b"%PDF-1.4 garbage"), "upload_pdf_damaged")


def test_pdf_cut_in_half_refused(private_root):
    whole = pdf_bytes(pages=3)
    assert_refused(private_root, upload("nib.pdf", whole[: len(whole) // 2]), "upload_pdf_damaged")


def test_pdf_without_pages_refused(private_root):
    assert_refused(private_root, upload("nib.pdf", pdf_bytes(pages=0)), "upload_pdf_empty")


# --- Accepted ------------------------------------------------------------------------------------


def test_jpeg_stored_without_any_metadata(private_root):
    original = jpeg_with_location()
    before = Image.open(BytesIO(original))
    assert before.getexif().get_ifd(ExifTags.IFD.GPSInfo)  # the test photo does carry a position
    assert {"exif", "xmp", "comment", "icc_profile"} <= before.info.keys()

    document, name = receive(upload("ktp.jpg", original, "image/jpeg"), allowed=IMAGE_KINDS)

    stored = (private_root / name).read_bytes()
    assert stored == document.content
    after = Image.open(BytesIO(stored))
    assert after.format == "JPEG"
    assert not after.getexif()
    assert not {"exif", "xmp", "comment", "icc_profile"} & after.info.keys()
    for leak in (b"Exif", b"Camera", b"Pemuda", b"Semarang", b"xmpmeta"):
        assert leak not in stored


def test_jpeg_turned_upright_from_exif_orientation(private_root):
    document, _name = receive(upload("ktp.jpg", jpeg_with_location()))
    assert Image.open(BytesIO(document.content)).size == (32, 64)


def test_jpeg_reencoded_as_rgb(private_root):
    document, _name = receive(upload("ktp.jpg", jpeg_bytes(noise_image(mode="CMYK"))))
    assert Image.open(BytesIO(document.content)).mode == "RGB"
    assert (document.extension, document.content_type) == ("jpg", "image/jpeg")


def test_png_stays_png(private_root):
    document, name = receive(upload("usaha.png", png_bytes(), "image/png"))
    assert (document.extension, document.content_type) == ("png", "image/png")
    assert name.endswith(".png")
    stored = Image.open(private_root / name)
    assert (stored.format, stored.mode, stored.size) == ("PNG", "RGBA", (64, 48))


def test_png_pixels_unchanged(private_root):
    original = noise_image(mode="RGBA")
    document, _name = receive(upload("usaha.png", png_bytes(original)))
    assert Image.open(BytesIO(document.content)).tobytes() == original.tobytes()


def test_png_text_and_icc_dropped(private_root):
    from PIL.PngImagePlugin import PngInfo

    info = PngInfo()
    info.add_text("Location", "Semarang")
    icc = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
    document, _name = receive(upload("usaha.png", png_bytes(pnginfo=info, icc_profile=icc)))
    after = Image.open(BytesIO(document.content))
    assert not {"Location", "icc_profile"} & after.info.keys()
    assert b"Semarang" not in document.content


def test_type_from_content_not_name_or_declared_type(private_root):
    document, name = receive(upload("ktp.pdf", png_bytes(), "application/pdf"))
    assert document.extension == "png"
    assert name.endswith(".png")


def test_pdf_named_jpg_handled_as_pdf_where_allowed(private_root):
    document, name = receive(upload("nib.jpg", pdf_bytes(), "image/jpeg"))
    assert (document.extension, document.content_type) == ("pdf", "application/pdf")
    assert name.endswith(".pdf")


def test_pdf_stored_byte_identical(private_root):
    original = pdf_bytes(pages=2)
    document, name = receive(upload("nib.pdf", original, "application/pdf"), folder="vendors/7/nib")
    assert document.content == original
    assert (private_root / name).read_bytes() == original
    assert stored_files(private_root) == [private_root / name]


def test_file_read_from_its_start(private_root):
    uploaded = upload("nib.pdf", pdf_bytes())
    uploaded.read(10)
    document, _name = receive(uploaded)
    assert document.content.startswith(b"%PDF-")


# --- Storing -------------------------------------------------------------------------------------


def test_stored_under_folder_with_random_name(private_root):
    content = pdf_bytes()
    first = store_private(content=content, extension="pdf", folder="vendors/7/ktp")
    second = store_private(content=content, extension="pdf", folder="vendors/7/ktp")
    assert first != second
    for name in (first, second):
        assert re.fullmatch(r"vendors/7/ktp/[0-9a-f]{32}\.pdf", name)
        assert (private_root / name).read_bytes() == content


@pytest.mark.parametrize("folder", ["", "/", "../outside", "vendors/../../x", "vendors/<script>"])
def test_store_refuses_unsafe_folder(private_root, folder):
    with pytest.raises(ValueError):
        store_private(content=b"%PDF-", extension="pdf", folder=folder)
    assert stored_files(private_root) == []


@pytest.mark.parametrize("extension", ["html", "svg", "", "pdf/../x"])
def test_store_refuses_other_extensions(private_root, extension):
    with pytest.raises(ValueError):
        store_private(content=b"x", extension=extension, folder="documents")
    assert stored_files(private_root) == []


def test_allowed_must_name_known_kinds():
    with pytest.raises(ValueError):
        sanitise_upload(upload("a.gif", b"GIF89a"), allowed={"gif"})


def test_truncated_images_not_tolerated_by_any_installed_app():
    from PIL import ImageFile

    assert ImageFile.LOAD_TRUNCATED_IMAGES is False  # a truncated file would then load as grey
