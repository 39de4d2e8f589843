"""MSME documents in private storage, and registrations complete enough to submit.

`VendorDocumentFactory(vendor=v, kind=VendorDocument.Kind.NIB)` stores a small real file
(JPEG, or PDF for `pdf=True`) in the private storage, as an upload through the page would.
`CompleteVendorFactory()` is a draft with every required field and document: the owner can
submit it at once; `CompleteVendorFactory(submitted=True)` is already waiting in the queue.
"""

from io import BytesIO

import factory
from django.utils import timezone
from factory.django import DjangoModelFactory
from pypdf import PdfWriter

from vendors import selectors
from vendors.models import Vendor, VendorDocument
from vendors.uploads import store_private

from .images import jpeg_bytes, png_bytes  # noqa: F401 (used by tests through this module)
from .regions import KelurahanFactory
from .vendors import VendorFactory


def pdf_bytes() -> bytes:
    """A one-page PDF, as a scanned certificate would be."""
    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    out = BytesIO()
    writer.write(out)
    return out.getvalue()


class VendorDocumentFactory(DjangoModelFactory):
    """A document of an MSME, its bytes saved in the private storage under a random name."""

    class Meta:
        model = VendorDocument

    class Params:
        pdf = False

    vendor = factory.SubFactory(VendorFactory)
    kind = VendorDocument.Kind.KTP
    content_type = factory.LazyAttribute(lambda o: "application/pdf" if o.pdf else "image/jpeg")
    uploaded_by = factory.SelfAttribute("vendor.owner")

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        content = pdf_bytes() if kwargs["content_type"] == "application/pdf" else jpeg_bytes()
        extension = "pdf" if kwargs["content_type"] == "application/pdf" else "jpg"
        kwargs.setdefault(
            "file_name",
            store_private(content=content, extension=extension, folder=f"vendors/{kwargs['vendor'].pk}"),
        )
        kwargs.setdefault("size", len(content))
        return super()._create(model_class, *args, **kwargs)


class CompleteVendorFactory(VendorFactory):
    """A registration with every required field and document (domicile only when the NIK asks)."""

    class Meta:
        skip_postgeneration_save = True

    class Params:
        submitted = factory.Trait(
            status=Vendor.Status.SUBMITTED,
            submitted_at=factory.LazyFunction(timezone.now),
        )

    kelurahan = factory.SubFactory(KelurahanFactory)
    kecamatan = factory.SelfAttribute("kelurahan.parent")
    phone = factory.Sequence(lambda n: f"+62812{n % 10000000:07d}1")
    bank_name = "Bank Jateng"
    bank_account_number = factory.Sequence(lambda n: f"20{n:08d}")
    bank_account_holder = factory.SelfAttribute("owner_name")

    @factory.post_generation
    def documents(obj, create, extracted, **kwargs):
        """Every document `required_documents` asks for; pass `documents=[kinds]` to choose."""
        if not create:
            return
        kinds = selectors.required_documents(obj) if extracted is None else extracted
        for kind in kinds:
            VendorDocumentFactory(vendor=obj, kind=kind)
