"""Download the order letter and the BAST as PDF; let anyone check a printed one by its QR code.

The downloads are for the people who see the order (its unit, its MSME). The check page is
public and shows only the document's figures and the public bodies it names.
"""

from django.contrib.auth.mixins import LoginRequiredMixin
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.urls import path
from django.utils import timezone
from django.utils.cache import patch_cache_control
from django.views import View

from marketplace.common.links import absolute_url
from procurement.ordering import documents
from procurement.ordering.models import DocumentSeal, Receipt
from procurement.ordering.views import visible_order


def _verify_url(request, seal: DocumentSeal) -> str:
    """The printed QR code points at the site's own address (SITE_URL), whatever Host asked."""
    return absolute_url("ordering:document-verify", seal.code)


def _pdf_response(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    patch_cache_control(response, private=True, no_store=True)
    return response


class OrderLetterDownloadView(LoginRequiredMixin, View):
    """The surat pesanan, once the order has gone to the MSME."""

    def get(self, request, pk):
        unit_order = visible_order(request, pk)
        if not documents.order_letter_available(unit_order):
            raise Http404("The order letter exists once the order has gone to the MSME.")
        seal = documents.seal_issue(unit_order=unit_order, kind=DocumentSeal.Kind.ORDER_LETTER)
        pdf = documents.order_letter_pdf(
            unit_order=unit_order, seal=seal, verify_url=_verify_url(request, seal)
        )
        return _pdf_response(pdf, f"surat-pesanan-{unit_order.order.number}.pdf")


class BastDownloadView(LoginRequiredMixin, View):
    """The BAST, once the officer has signed the receipt."""

    def get(self, request, pk):
        unit_order = visible_order(request, pk)
        receipt = Receipt.objects.filter(unit_order=unit_order).first()
        if receipt is None:
            raise Http404("The BAST exists once the receipt is signed.")
        receipt.unit_order = unit_order
        seal = documents.seal_issue(unit_order=unit_order, kind=DocumentSeal.Kind.BAST)
        pdf = documents.bast_pdf(receipt=receipt, seal=seal, verify_url=_verify_url(request, seal))
        return _pdf_response(pdf, f"bast-{unit_order.order.number}.pdf")


class DocumentVerifyView(View):
    """Public: what the document with this code says, or a clear 'unknown code' page (404)."""

    template_name = "ordering/document_verify.html"

    def get(self, request, code):
        seal = documents.seal_by_code(code)
        if seal is None:
            response = render(request, self.template_name, {"seal": None}, status=404)
        else:
            uo = seal.unit_order
            response = render(
                request,
                self.template_name,
                {
                    "seal": seal,
                    "unit_name": uo.unit.name,
                    "partner_name": uo.partner.name,
                    "order_status": uo.get_status_display(),
                    "terbilang": documents.terbilang(seal.amount_idr),
                    "checked_at": timezone.now(),
                },
            )
        response["X-Robots-Tag"] = "noindex"
        return response


# Included by procurement/ordering/urls.py into the "ordering" namespace.
urlpatterns = [
    path("pesanan/<int:pk>/surat-pesanan.pdf", OrderLetterDownloadView.as_view(), name="order-letter-pdf"),
    path("pesanan/<int:pk>/bast.pdf", BastDownloadView.as_view(), name="order-bast-pdf"),
    path("verifikasi-dokumen/<slug:code>/", DocumentVerifyView.as_view(), name="document-verify"),
]
