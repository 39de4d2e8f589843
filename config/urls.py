"""URL wiring: allauth owns every account flow; Oscar serves the shop."""

from django.apps import apps
from django.conf import settings
from django.contrib import admin
from django.urls import include, path, re_path, reverse_lazy
from django.views.generic import RedirectView
from django.views.static import serve

from marketplace.catalogue.views import CatalogueView
from marketplace.common.views import healthz
from procurement.guide.views import HomeView

# Oscar's own login, registration and password flows are replaced by allauth's.
oscar_account_redirects = [
    path("accounts/login/", RedirectView.as_view(url=reverse_lazy("account_login"), query_string=True)),
    path("accounts/register/", RedirectView.as_view(url=reverse_lazy("account_signup"), query_string=True)),
    path("accounts/change-password/", RedirectView.as_view(url=reverse_lazy("account_change_password"))),
    path("password-reset/", RedirectView.as_view(url=reverse_lazy("account_reset_password"))),
    # Oscar's dashboard sends visitors to a login form of its own (no two-factor step): allauth's.
    path("dashboard/login/", RedirectView.as_view(url=reverse_lazy("account_login"), query_string=True)),
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

# Error pages in the site's layout and language (marketplace.common.errors): Django's own 400
# renders without the request, its 500 would need the layout that may be what failed.
handler400 = "marketplace.common.errors.bad_request"
handler403 = "marketplace.common.errors.permission_denied"
handler500 = "marketplace.common.errors.server_error"

# Uploaded photos outside production (the demo runs with DEBUG off, for the real error pages, and
# Django's `static()` helper serves only under DEBUG); production serves them from S3 or the web
# server. Private documents live outside MEDIA_ROOT: never served by a URL.
if settings.SERVE_MEDIA:
    media_prefix = settings.MEDIA_URL.lstrip("/")
    urlpatterns += [
        re_path(rf"^{media_prefix}(?P<path>.*)$", serve, {"document_root": settings.MEDIA_ROOT}),
    ]
