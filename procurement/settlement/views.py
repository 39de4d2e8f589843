"""Settlement pages (being built): payables, invoices, transfer and card payment, the webhook."""

from django.http import Http404
from django.views import View


class _NotYet(View):
    def dispatch(self, request, *args, **kwargs):
        raise Http404()


PayablesView = InvoiceDetailView = InvoicePdfView = TransferRecordView = CardStartView = _NotYet
CardReturnView = TransferConfirmView = TransferDisputeView = TransferVoidView = TransferProofView = _NotYet
CardRefundView = VendorPaymentsView = StripeWebhookView = _NotYet
