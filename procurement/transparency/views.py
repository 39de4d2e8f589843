"""Public pages of open government: where the money went, the units' rapor, a unit's paid orders,
open data downloads. Anyone may read them; nothing personal is shown (procurement.transparency.public).

Views read the period from the query, call the selectors (cached figures) and the chart helper,
and render. A period that is not one (`?tahun=abc`, `?bulan=13`) falls back to the current year.
"""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.paginator import Paginator
from django.db import transaction
from django.http import Http404, HttpResponse, HttpResponseNotModified, StreamingHttpResponse
from django.shortcuts import redirect
from django.utils.cache import patch_cache_control
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
from django.views import View
from django.views.decorators.http import require_GET
from django.views.generic import TemplateView

from procurement.transparency import opendata, pages, selectors, services
from procurement.transparency.selectors import Period

PER_PAGE = 25


def _period(request, *, months: bool = True) -> Period:
    year = request.GET.get("tahun") or selectors.current_year()
    month = request.GET.get("bulan") if months else None
    return (
        selectors.valid_period(year, month)
        or selectors.valid_period(year)
        or Period(selectors.current_year())
    )


class TransparencyView(TemplateView):
    """/transparansi/: total spent and MSMEs paid, per month, unit, sector, kecamatan, size; concentration."""

    template_name = "transparency/index.html"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        period = _period(self.request)
        ctx.update(
            period=period,
            period_label=pages.period_label(period),
            body=pages.index_body(self.request, period),
            years=selectors.years_available(),
            months=[(n, name) for n, name in enumerate(selectors.MONTH_NAMES, start=1)],
        )
        return ctx


class RaporView(TemplateView):
    """/transparansi/rapor/: every unit ranked by how fast it pays after the BAST."""

    template_name = "transparency/rapor.html"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        period = _period(self.request, months=False)
        rapor = selectors.rapor(period.year)
        ctx.update(
            period=period,
            rapor=rapor,
            legend=selectors.mark_legend(),
            marks_chart=pages.marks_chart(rapor),
            years=selectors.years_available(),
        )
        return ctx


class UnitView(TemplateView):
    """/transparansi/opd/<code>/: one unit's payment record and its recent paid orders."""

    template_name = "transparency/unit.html"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        unit = selectors.unit_public(kwargs["code"])
        if unit is None:
            raise Http404(_("No government unit has this code."))
        period = _period(self.request, months=False)
        rapor = selectors.rapor(period.year)
        row = rapor.row(unit.code)
        page = Paginator(selectors.unit_paid_order_values(unit), PER_PAGE).get_page(
            self.request.GET.get("page")
        )
        ctx.update(
            unit=unit,
            period=period,
            row=row,
            target_days=rapor.target_days,
            quarters_chart=pages.quarters_chart(row) if row else None,
            page_obj=page,
            orders=[selectors.paid_order(r) for r in page.object_list],
            years=selectors.years_available(),
            overdue=selectors.unit_overdue_invoices(unit),
        )
        return ctx


class OpenDataView(TemplateView):
    """/transparansi/data/: the files, their licence, the data dictionaries, the OCDS packages."""

    template_name = "transparency/open_data.html"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx.update(
            years=selectors.years_available(),
            months=range(1, 13),
            order_columns=opendata.ORDER_COLUMNS,
            aggregate_columns=opendata.AGGREGATE_COLUMNS,
            summary_columns=opendata.SUMMARY_COLUMNS,
            license_url=settings.OPEN_DATA_LICENSE_URL,
            ocid_prefix=selectors.ocid_prefix(),
            target_days=selectors.payment_target_days(),
        )
        return ctx


def _csv_response(request, lines, filename: str) -> HttpResponse:
    """A CSV file streamed as it is written (the paid orders read in chunks), or 304 when the
    client holds this version (payments and the census's facts it shows unchanged)."""
    etag = f'"{selectors.cache_version()}-{selectors.census_stamp()}-{filename}"'
    if etag in request.headers.get("If-None-Match", ""):
        response = HttpResponseNotModified()
    else:
        response = StreamingHttpResponse(lines, content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["ETag"] = etag
    patch_cache_control(response, public=True, max_age=300)
    return response


@method_decorator([transaction.non_atomic_requests, require_GET], name="dispatch")
class CsvView(View):
    """The CSV files, streamed: paid orders of a year, the aggregates of a year, the yearly summary."""

    kind = "orders"

    def get(self, request, year: int | None = None):
        if self.kind == "summary":
            return _csv_response(request, opendata.summary_csv(), "gulo-asem-ringkasan.csv")
        period = selectors.valid_period(year)
        if period is None:
            raise Http404(_("No such year."))
        if self.kind == "aggregates":
            lines, name = opendata.aggregates_csv(period), f"gulo-asem-agregat-{period.year}.csv"
        else:
            lines, name = opendata.orders_csv(period), f"gulo-asem-pesanan-{period.year}.csv"
        return _csv_response(request, lines, name)


class ApiTokenView(LoginRequiredMixin, TemplateView):
    """/api/token/: the logged-in person makes (or renews, or deletes) their API token.

    Only after logging in on the site, two-factor included for staff roles: a password alone
    never gives a token. The token is shown once, when it is made."""

    template_name = "transparency/api_token.html"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["has_token"] = services.api_token_exists(self.request.user)
        return ctx

    def post(self, request):
        if request.POST.get("action") == "delete":
            services.api_token_delete(request.user)
            messages.success(request, _("Your API token was deleted: it no longer works."))
            return redirect("api:token")
        token = services.api_token_renew(request.user)
        return self.render_to_response(self.get_context_data(new_token=token))
