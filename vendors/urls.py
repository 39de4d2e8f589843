from django.urls import path

from vendors import shop_views, views

app_name = "vendors"
urlpatterns = [
    path("umkm/daftar/", views.RegistrationStartView.as_view(), name="register"),
    path("umkm/daftar/<slug:step>/", views.RegistrationStepView.as_view(), name="register-step"),
    path("umkm/status/", views.StatusView.as_view(), name="status"),
    path("umkm/dokumen/<int:pk>/", views.DocumentDownloadView.as_view(), name="document-download"),
    path("umkm/u/<slug:slug>/", views.VendorPublicView.as_view(), name="vendor-detail"),
    path("umkm/produk/", shop_views.ShopProductListView.as_view(), name="shop-products"),
    path("umkm/produk/baru/", shop_views.ShopProductEditView.as_view(), name="shop-product-create"),
    path("umkm/produk/<int:pk>/ubah/", shop_views.ShopProductEditView.as_view(), name="shop-product-update"),
    path("umkm/produk/<int:pk>/jeda/", shop_views.ShopProductPauseView.as_view(), name="shop-product-pause"),
    path(
        "umkm/produk/<int:pk>/hapus/", shop_views.ShopProductDeleteView.as_view(), name="shop-product-delete"
    ),
    path("umkm/jadwal/", shop_views.ShopScheduleView.as_view(), name="shop-schedule"),
    path("verifikasi/", views.VerificationQueueView.as_view(), name="verification-queue"),
    path("verifikasi/<int:pk>/", views.VerificationReviewView.as_view(), name="verification-review"),
]
