from django.urls import path

from procurement.settlement import views

app_name = "settlement"
urlpatterns = [
    path("bayar/", views.PayablesView.as_view(), name="payables"),
    path("bayar/tagihan/<int:pk>/", views.InvoiceDetailView.as_view(), name="invoice-detail"),
    path("bayar/tagihan/<int:pk>/tagihan.pdf", views.InvoicePdfView.as_view(), name="invoice-pdf"),
    path("bayar/tagihan/<int:pk>/transfer/", views.TransferRecordView.as_view(), name="transfer-record"),
    path("bayar/tagihan/<int:pk>/kartu/", views.CardStartView.as_view(), name="card-start"),
    path("bayar/tagihan/<int:pk>/kartu/kembali/", views.CardReturnView.as_view(), name="card-return"),
    path(
        "bayar/pembayaran/<int:pk>/konfirmasi/", views.TransferConfirmView.as_view(), name="transfer-confirm"
    ),
    path("bayar/pembayaran/<int:pk>/sanggah/", views.TransferDisputeView.as_view(), name="transfer-dispute"),
    path("bayar/pembayaran/<int:pk>/koreksi/", views.TransferVoidView.as_view(), name="transfer-void"),
    path("bayar/pembayaran/<int:pk>/bukti/", views.TransferProofView.as_view(), name="transfer-proof"),
    path("bayar/pembayaran/<int:pk>/refund/", views.CardRefundView.as_view(), name="card-refund"),
    path("umkm/pembayaran/", views.VendorPaymentsView.as_view(), name="vendor-payments"),
    path("stripe/webhook/", views.StripeWebhookView.as_view(), name="stripe-webhook"),
]
