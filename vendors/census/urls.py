"""The census pages of the trade office's analysts, under /statistik/."""

from django.urls import path

from vendors.census import views

app_name = "census"

urlpatterns = [
    path("statistik/", views.CensusDashboardView.as_view(), name="dashboard"),
    path("statistik/ekspor/", views.CensusExportView.as_view(), name="export"),
    path("statistik/impor/", views.CensusImportView.as_view(), name="import"),
    path("statistik/impor/laporan/", views.CensusImportReportView.as_view(), name="import-report"),
    path("statistik/snapshot/", views.SnapshotListView.as_view(), name="snapshot-list"),
    path("statistik/snapshot/bekukan/", views.SnapshotFreezeView.as_view(), name="snapshot-freeze"),
    path("statistik/snapshot/banding/", views.SnapshotCompareView.as_view(), name="snapshot-compare"),
]
