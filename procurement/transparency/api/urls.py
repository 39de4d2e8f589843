from django.urls import path, re_path
from drf_spectacular.views import SpectacularAPIView

from procurement.transparency import views as pages
from procurement.transparency.api import docs, errors, views

app_name = "api"
urlpatterns = [
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("docs/", docs.ApiDocsView.as_view(url_name="api:schema"), name="docs"),
    path("token/", pages.ApiTokenView.as_view(), name="token"),
    path("v1/spending/years/", views.YearsView.as_view(), name="spending-years"),
    path("v1/spending/<int:year>/<str:dimension>/", views.SpendingView.as_view(), name="spending"),
    path("v1/rapor/<int:year>/", views.RaporView.as_view(), name="rapor"),
    path("v1/units/<str:code>/paid-orders/", views.UnitPaidOrdersView.as_view(), name="unit-paid-orders"),
    path("v1/ocds/releases/<int:year>/", views.OcdsReleasesView.as_view(), name="ocds-releases"),
    path("v1/catalogue/products/", views.CatalogueView.as_view(), name="catalogue"),
    path("v1/me/orders/", views.MyOrdersView.as_view(), name="my-orders"),
    path("v1/me/orders/<str:number>/", views.MyOrderView.as_view(), name="my-order"),
    path("v1/me/incoming-orders/", views.IncomingOrdersView.as_view(), name="incoming-orders"),
    path("v1/me/incoming-orders/<str:number>/", views.IncomingOrderView.as_view(), name="incoming-order"),
    path("v1/census/register/", views.CensusRegisterView.as_view(), name="census-register"),
    path("v1/census/<str:table>/", views.CensusTableView.as_view(), name="census-table"),
    re_path(r"^.*$", errors.not_found, name="not-found"),
]
