from django.urls import path

from vendors import views

app_name = "vendors"
urlpatterns = [
    path("umkm/daftar/", views.RegistrationStartView.as_view(), name="register"),
    path("umkm/daftar/<slug:step>/", views.RegistrationStepView.as_view(), name="register-step"),
    path("umkm/status/", views.StatusView.as_view(), name="status"),
    path("umkm/dokumen/<int:pk>/", views.DocumentDownloadView.as_view(), name="document-download"),
    path("umkm/u/<slug:slug>/", views.VendorPublicView.as_view(), name="vendor-detail"),
    path("verifikasi/", views.VerificationQueueView.as_view(), name="verification-queue"),
    path("verifikasi/<int:pk>/", views.VerificationReviewView.as_view(), name="verification-review"),
]
