"""URL wiring: allauth owns every account flow; Oscar serves the shop."""

from django.apps import apps
from django.conf import settings
from django.conf.urls.static import static
from django.contrib import admin
from django.urls import include, path, reverse_lazy
from django.views.generic import RedirectView

from marketplace.catalogue.views import CatalogueView
from marketplace.common.views import healthz
from procurement.guide.views import HomeView

# Oscar's own login, registration and password flows are replaced by allauth's.
oscar_account_redirects = [
    path("accounts/login/", RedirectView.as_view(url=reverse_lazy("account_login"), query_string=True)),
    path("accounts/register/", RedirectView.as_view(url=reverse_lazy("account_signup"), query_string=True)),
    path("accounts/change-password/", RedirectView.as_view(url=reverse_lazy("account_change_password"))),
    path("password-reset/", RedirectView.as_view(url=reverse_lazy("account_reset_password"))),
]

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("", HomeView.as_view(), name="home-page"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("search/", CatalogueView.as_view(), name="product-search"),
    path("", include("vendors.urls")),
    path("", include("vendors.census.urls")),
    path("", include("procurement.ordering.urls")),
    path("", include("procurement.settlement.urls")),
    path("", include("procurement.budgets.urls")),
    path("", include("procurement.guide.urls")),
    path("", include("procurement.transparency.urls")),
    path("api/", include("procurement.transparency.api.urls")),
    path("accounts/", include("allauth.urls")),
    *oscar_account_redirects,
    path("", include(apps.get_app_config("oscar").urls[0])),
]

# A 400 in the site's layout and language (Django's own handler renders without the request).
handler400 = "marketplace.common.errors.bad_request"

if settings.DEBUG:
    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
