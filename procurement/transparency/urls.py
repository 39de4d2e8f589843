from django.urls import path, register_converter

from procurement.transparency import views
from procurement.transparency.api import ocds_views


class MonthConverter:
    """A month in a stable URL: two digits, 01 to 12."""

    regex = "0[1-9]|1[0-2]"

    def to_python(self, value):
        return int(value)

    def to_url(self, value):
        return f"{int(value):02d}"


register_converter(MonthConverter, "month2")

app_name = "transparency"
urlpatterns = [
    path("transparansi/", views.TransparencyView.as_view(), name="index"),
    path("transparansi/rapor/", views.RaporView.as_view(), name="rapor"),
    path("transparansi/opd/<str:code>/", views.UnitView.as_view(), name="unit"),
    path("transparansi/data/", views.OpenDataView.as_view(), name="open-data"),
    path("transparansi/data/ringkasan.csv", views.CsvView.as_view(kind="summary"), name="csv-summary"),
    path("transparansi/data/pesanan-<int:year>.csv", views.CsvView.as_view(kind="orders"), name="csv-orders"),
    path(
        "transparansi/data/agregat-<int:year>.csv",
        views.CsvView.as_view(kind="aggregates"),
        name="csv-aggregates",
    ),
    path("ocds/<int:year>/", ocds_views.YearPackageView.as_view(), name="ocds-year"),
    path("ocds/<int:year>/<month2:month>/", ocds_views.MonthPackageView.as_view(), name="ocds-month"),
    path("ocds/records/<int:year>/", ocds_views.RecordPackageView.as_view(), name="ocds-records"),
]
