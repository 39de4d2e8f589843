"""OCDS packages at stable URLs: /ocds/<year>/, /ocds/<year>/<month>/ (release packages) and
/ocds/records/<year>/ (a record package). Public, throttled like the rest of the API.

Packages are streamed as they are written (orders read in chunks, `ocds.CHUNK` at a time: a
year's package never holds every order in memory), with an ETag of the figures' version so a
client that has it already gets 304. A month's package is also kept in the cache (per month,
until a payment lands or a refund is made) while it holds at most `CACHED_RELEASES_MAX` orders,
as the census's aggregate counts them; a larger month streams like a year.
"""

from django.db import transaction
from django.http import HttpResponse, HttpResponseNotModified, StreamingHttpResponse
from django.utils.cache import patch_cache_control
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework import exceptions
from rest_framework.permissions import AllowAny
from rest_framework.views import APIView

from procurement.transparency import ocds, selectors
from procurement.transparency.api.views import ApiMixin

JSON = "application/json; charset=utf-8"
CACHED_RELEASES_MAX = 500  # a month's package with more orders is streamed, not cached


class PackageView(ApiMixin, APIView):
    permission_classes = [AllowAny]
    atomic = False  # no request transaction (see as_view): nothing for an error to roll back

    @classmethod
    def as_view(cls, **initkwargs):
        # The package streams after the view returned: no request transaction around it.
        return transaction.non_atomic_requests(super().as_view(**initkwargs))

    def _period(self, year, month=None) -> selectors.Period:
        """The period asked for; 404 when it is none, or no order was paid in it (a package
        holds at least one release, OCDS says)."""
        period = selectors.valid_period(year, month)
        if period is None:
            raise exceptions.NotFound(_("There are no figures for this period."))
        if not selectors.paid_invoices(period).exists():
            raise exceptions.NotFound(_("No order was paid in this period yet."))
        return period

    def _etag(self, name: str) -> str:
        return f'"{selectors.cache_version()}-{name}"'

    def _answer(self, request, name: str, body) -> HttpResponse:
        etag = self._etag(name)
        if etag in request.headers.get("If-None-Match", ""):
            response = HttpResponseNotModified()
        elif isinstance(body, str):
            response = HttpResponse(body, content_type=JSON)
        else:
            response = StreamingHttpResponse(body, content_type=JSON)
        response["ETag"] = etag
        response["Content-Disposition"] = f'inline; filename="{name}.json"'
        patch_cache_control(response, public=True, max_age=300)
        return response


class ReleasePackageView(PackageView):
    """Every order paid in the period as an OCDS release (stable URL; licence CC BY 4.0)."""

    def package(self, request, year: int, month: int | None = None):
        period = self._period(year, month)
        name = f"ocds-{period.key}"
        if period.month and selectors.figures(period).orders <= CACHED_RELEASES_MAX:
            body = selectors._cached(
                "ocds", period.key, compute=lambda: "".join(ocds.release_package_chunks(period))
            )
        else:
            body = ocds.release_package_chunks(period)
        return self._answer(request, name, body)


class YearPackageView(ReleasePackageView):
    @extend_schema(
        summary="OCDS 1.1 release package of a year (streamed)",
        tags=["ocds"],
        operation_id="ocds_year_release_package",
        responses={(200, "application/json"): OpenApiTypes.OBJECT},
    )
    def get(self, request, year: int):
        return self.package(request, year)


class MonthPackageView(ReleasePackageView):
    @extend_schema(
        summary="OCDS 1.1 release package of a month",
        tags=["ocds"],
        operation_id="ocds_month_release_package",
        responses={(200, "application/json"): OpenApiTypes.OBJECT},
    )
    def get(self, request, year: int, month: int):
        return self.package(request, year, month)


class RecordPackageView(PackageView):
    """Every order paid in the year as an OCDS record: its compiled release, linked to its release."""

    @extend_schema(
        summary="OCDS 1.1 record package of a year (streamed)",
        tags=["ocds"],
        operation_id="ocds_year_record_package",
        responses={(200, "application/json"): OpenApiTypes.OBJECT},
    )
    def get(self, request, year: int):
        period = self._period(year)
        return self._answer(request, f"ocds-records-{period.year}", ocds.record_package_chunks(period.year))
