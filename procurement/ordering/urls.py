from django.urls import include, path

from procurement.ordering import views

app_name = "ordering"
urlpatterns = [
    path("pesanan/", views.UnitOrderListView.as_view(), name="order-list"),
    path("pesanan/<int:pk>/", views.OrderDetailView.as_view(), name="order-detail"),
    path("pesanan/<int:pk>/terima/", views.OrderReceiveView.as_view(), name="order-receive"),
    path("pesanan/<int:pk>/pesan-lagi/", views.OrderReorderView.as_view(), name="order-reorder"),
    path("pesanan/<int:pk>/<slug:action>/", views.OrderActionView.as_view(), name="order-action"),
    path("umkm/pesanan/", views.VendorOrderListView.as_view(), name="vendor-orders"),
    path("", include("procurement.ordering.document_views")),  # PDFs and their public check
]
