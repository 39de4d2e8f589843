"""Pages of the MSME census for the trade office's analysts (Analis) and Admin (/statistik/).

The dashboard, the snapshots (freeze, compare), the register upload and the exports. Every
figure comes from `vendors.census.selectors`; charts are drawn by `marketplace.common.charts`
(inline SVG, nothing the Content-Security-Policy refuses), each beside a table of its figures.
"""

import math
import secrets
from dataclasses import replace
from datetime import date

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin, PermissionRequiredMixin
from django.core.cache import cache
from django.core.paginator import Paginator
from django.http import Http404, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.dateformat import format as date_format
from django.utils.formats import number_format
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views import View

from marketplace.common.charts import bar_chart
from marketplace.common.filters import valid_filters
from marketplace.common.money import format_rupiah
from marketplace.regions.selectors import kecamatan_list
from vendors.census import exports, importer, periods, selectors, services
from vendors.census.forms import (
    CensusExportForm,
    CensusFilterForm,
    CensusImportForm,
    SnapshotCompareForm,
    SnapshotFreezeForm,
    last_closed_quarter,
)
from vendors.census.selectors import CensusFilter
from vendors.models import Vendor

STATISTICS = "accounts.view_msme_statistics"
EXPORT = "accounts.export_msme_data"
IMPORT_REPORT_SECONDS = 24 * 60 * 60  # an upload's report stays readable for a day
IMPORT_REPORT_PAGE = 50  # rejected rows per page
SNAPSHOTS_PAGE = 25
CHART_ROWS = 10  # bars drawn for a long table (units, MSMEs); the table beside lists them all
TILE, TILE_GAP = 76, 4


class StatisticsMixin(LoginRequiredMixin, PermissionRequiredMixin):
    """Analis and Admin only: the login page for a visitor, 403 for any other role."""

    permission_required = STATISTICS


# --- Formatting ----------------------------------------------------------------------------------


def count_text(value) -> str:
    """A count as Indonesians write it (1.234); the charts hand counts over as floats."""
    return number_format(round(value or 0), force_grouping=True)


def percent_text(share) -> str:
    return f"{number_format(round((share or 0) * 100, 1), 1)} %"


def gini_text(value) -> str:
    return number_format(round(value or 0, 2), 2)


def month_text(month: date) -> str:
    return date_format(month, "F Y")


def month_ticks(months: list[date]) -> list[str]:
    """Short month names under columns; with more than 12 months only every n-th is written."""
    step = max(1, math.ceil(len(months) / 12))
    return [date_format(m, "M") if i % step == 0 else "" for i, m in enumerate(months)]


# --- The filter ----------------------------------------------------------------------------------


def census_filter(chosen: dict, today: date) -> CensusFilter:
    """The selectors' filter from the form's valid values (months without a year: this year's)."""
    year = chosen.get("year")
    month_year = year or today.year
    month_from, month_to = chosen.get("month_from"), chosen.get("month_to")
    return CensusFilter(
        year=year,
        month_from=date(month_year, month_from, 1) if month_from else None,
        month_to=date(month_year, month_to, 1) if month_to else None,
        sector=chosen.get("sector") or "",
        kecamatan_id=chosen.get("kecamatan"),
    )


def read_filter(request, *, warn: bool = True):
    """(form, CensusFilter, the valid filters as URL parameters, kecamatan names by id) of the
    request; each ignored filter named in a message (`warn`, the pages) or silently (downloads)."""
    kecamatan = list(kecamatan_list().values_list("pk", "name"))
    form = CensusFilterForm(request.GET or None, kecamatan_choices=kecamatan)
    if warn:
        chosen = valid_filters(request, form)
    elif form.is_bound:
        form.is_valid()
        chosen = {name: value for name, value in form.cleaned_data.items() if name not in form.errors}
    else:
        chosen = {}
    query = {name: value for name, value in chosen.items() if value not in (None, "")}
    return form, census_filter(chosen, timezone.localdate()), query, dict(kecamatan)


def period_text(f: CensusFilter) -> str:
    start, end = f.bounds()
    if start is None:
        return _("All periods, up to %(day)s") % {"day": date_format(f.as_of(), "j F Y")}
    if start.month == 1 and end.month == 12 and start.year == end.year:
        return _("Year %(year)s") % {"year": start.year}
    return _("%(start)s to %(end)s") % {"start": month_text(start), "end": month_text(end)}


# --- Charts and tables ---------------------------------------------------------------------------


def table(
    caption: str, headers: list[str], rows: list[list], *, table_id: str, text_columns: int = 1
) -> dict:
    """A table of figures beside a chart: the first cell of each row is its header (th scope=row);
    the first `text_columns` columns are text (left), the others figures (right, never wrapped)."""
    return {
        "caption": caption,
        "headers": headers,
        "rows": rows,
        "id": table_id,
        "text_columns": text_columns,
    }


def count_section(rows, *, key: str, title: str, label_heading: str) -> dict:
    """A chart of MSMEs per kind (CountRow) with its table (kind, MSMEs, share)."""
    return {
        "chart": bar_chart(
            [(r.label, r.msmes) for r in rows],
            title=title,
            value_text=count_text,
            label_heading=label_heading,
            value_heading=_("MSMEs"),
            chart_id=key,
        ),
        "table": table(
            title,
            [label_heading, _("MSMEs"), _("Share")],
            [[r.label, count_text(r.msmes), percent_text(r.share)] for r in rows],
            table_id=f"{key}-table",
        ),
    }


def amount_section(rows, *, key: str, title: str, label_heading: str, chart_rows: int | None = None) -> dict:
    """A chart of spending per kind (AmountRow) with its table (kind, paid, orders, MSMEs, share)."""
    drawn = rows[:chart_rows] if chart_rows else rows
    return {
        "chart": bar_chart(
            [(r.label, r.amount_idr) for r in drawn],
            title=title,
            value_text=format_rupiah,
            label_heading=label_heading,
            value_heading=_("Paid"),
            chart_id=key,
        ),
        "table": table(
            title,
            [label_heading, _("Paid"), _("Orders"), _("MSMEs paid"), _("Share")],
            [
                [
                    r.label,
                    format_rupiah(r.amount_idr),
                    count_text(r.orders),
                    count_text(r.msmes),
                    percent_text(r.share),
                ]
                for r in rows
            ],
            table_id=f"{key}-table",
        ),
        "more": len(rows) > len(drawn),
    }


def stage_section(rows, *, title: str) -> dict:
    return {
        "chart": bar_chart(
            [(r.label, r.reached) for r in rows],
            title=title,
            value_text=count_text,
            label_heading=_("Stage"),
            value_heading=_("MSMEs reaching it"),
            chart_id="by_platform_status",
        ),
        "table": table(
            title,
            [_("Stage"), _("MSMEs there now"), _("MSMEs reaching it"), _("Share")],
            [[r.label, count_text(r.msmes), count_text(r.reached), percent_text(r.share)] for r in rows],
            table_id="by_platform_status-table",
        ),
    }


def growth_section(rows, *, title: str) -> dict:
    months = [r.month for r in rows]
    return {
        "chart": bar_chart(
            [(month_text(r.month), r.new) for r in rows],
            title=title,
            value_text=count_text,
            columns=True,
            ticks=month_ticks(months),
            label_heading=_("Month"),
            value_heading=_("New MSMEs"),
            chart_id="growth_by_month",
        ),
        "table": table(
            title,
            [_("Month"), _("New MSMEs"), _("MSMEs at the month's end")],
            [[month_text(r.month), count_text(r.new), count_text(r.total)] for r in rows],
            table_id="growth_by_month-table",
        ),
    }


def month_amount_section(rows, *, title: str) -> dict:
    return {
        "chart": bar_chart(
            [(month_text(r.month), r.amount_idr) for r in rows],
            title=title,
            value_text=format_rupiah,
            columns=True,
            ticks=month_ticks([r.month for r in rows]),
            label_heading=_("Month"),
            value_heading=_("Paid"),
            chart_id="spending_by_month",
        ),
        "table": table(
            title,
            [_("Month"), _("Paid"), _("Orders"), _("MSMEs paid")],
            [
                [month_text(r.month), format_rupiah(r.amount_idr), count_text(r.orders), count_text(r.msmes)]
                for r in rows
            ],
            table_id="spending_by_month-table",
        ),
    }


def top_section(rows, *, title: str) -> dict:
    return {
        "chart": bar_chart(
            [(r.business_name, r.amount_idr) for r in rows],
            title=title,
            value_text=format_rupiah,
            label_heading=_("MSME"),
            value_heading=_("Paid"),
            chart_id="top_msmes",
        ),
        "table": table(
            title,
            [_("MSME"), _("Sector"), _("Kecamatan"), _("Paid"), _("Orders"), _("Share")],
            [
                [
                    r.business_name,
                    r.sector,
                    r.kecamatan,
                    format_rupiah(r.amount_idr),
                    count_text(r.orders),
                    percent_text(r.share),
                ]
                for r in rows
            ],
            table_id="top_msmes-table",
            text_columns=3,
        ),
    }


def concentration_section(c, *, title: str) -> dict:
    return {
        "chart": bar_chart(
            [(month_text(m.month), round(m.top_share * 100, 1)) for m in c.months],
            title=title,
            value_text=lambda v: f"{number_format(v, 1)} %",
            columns=True,
            ticks=month_ticks([m.month for m in c.months]),
            label_heading=_("Month"),
            value_heading=_("Share of the top 10 percent"),
            chart_id="concentration",
        ),
        "table": table(
            title,
            [_("Month"), _("MSMEs paid"), _("Paid"), _("Share of the top 10 percent"), _("Gini coefficient")],
            [
                [
                    month_text(m.month),
                    count_text(m.msmes),
                    format_rupiah(m.amount_idr),
                    percent_text(m.top_share),
                    gini_text(m.gini),
                ]
                for m in c.months
            ],
            table_id="concentration-table",
        ),
    }


def naik_kelas_section(n, *, title: str) -> dict:
    rows = n.transitions
    return {
        "chart": bar_chart(
            [(f"{r.from_label} → {r.to_label}", r.count) for r in rows],
            title=title,
            value_text=count_text,
            label_heading=_("Change"),
            value_heading=_("MSMEs"),
            chart_id="naik_kelas",
        ),
        "table": table(
            title,
            [_("Change"), _("MSMEs"), _("Naik kelas")],
            [
                [f"{r.from_label} → {r.to_label}", count_text(r.count), _("yes") if r.up else _("no")]
                for r in rows
            ],
            table_id="naik_kelas-table",
        ),
    }


def tile_map(tiles, *, title: str, selected: int | None, link) -> dict:
    """The kecamatan tile map: positions, shades (0: none; 1–4: up to a quarter, a half… of the
    largest figure) and a legend giving each shade's range."""
    top = max((t.value for t in tiles), default=0)
    rows = []
    for t in tiles:
        shade = 0 if t.value <= 0 else min(4, max(1, math.ceil(t.share * 4)))  # as the legend says
        words = t.label.split()
        lines = [" ".join(words[:1]), " ".join(words[1:])] if len(words) > 1 else [t.label]
        rows.append(
            {
                "pk": t.region_id,
                "name": t.label,
                "lines": [{"text": text, "y": 20 + 14 * i} for i, text in enumerate(lines) if text],
                "value": t.value,
                "display": count_text(t.value),
                "x": t.col * (TILE + TILE_GAP),
                "y": t.row * (TILE + TILE_GAP),
                "shade": shade,
                "selected": t.region_id == selected,
                "url": link(None if t.region_id == selected else t.region_id),
            }
        )
    legend = [{"shade": 0, "label": "0"}]
    for k in range(1, 5):
        low, high = math.floor(top * (k - 1) / 4) + 1, math.floor(top * k / 4) if k < 4 else top
        if top and high >= low:
            legend.append(
                {
                    "shade": k,
                    "label": count_text(low) if low == high else f"{count_text(low)}–{count_text(high)}",
                }
            )
    return {
        "id": "by_kecamatan",
        "title": title,
        "rows": rows,
        "legend": legend,
        "size": TILE,
        "half": TILE // 2,
        "value_y": TILE - 16,
        "width": max((r["x"] for r in rows), default=0) + TILE,
        "height": max((r["y"] for r in rows), default=0) + TILE,
    }


# --- The dashboard -------------------------------------------------------------------------------


class CensusDashboardView(StatisticsMixin, View):
    """The census at a glance: MSMEs by sector, place, class, owner and platform stage; what the
    city spends, how concentrated, and who moved up a class; filtered by the address bar."""

    template_name = "census/dashboard.html"

    def get(self, request):
        form, f, query, kecamatan_names = read_filter(request)
        can_export = request.user.has_perm(EXPORT)
        # The figures part of the page, rendered once per census version, day, language, filter
        # and export right: a second visit reads the census's stamp and the cache, nothing else.
        key = selectors.census_dashboard_key(f)
        body_key = f"{key}:body:{int(can_export)}:{urlencode(query)}"
        body = cache.get(body_key)
        if body is None:
            context = self.body_context(selectors.census_dashboard(f, key=key), f, query, can_export)
            body = render_to_string("census/partials/dashboard_body.html", context, request)
            cache.set(body_key, body, selectors.DASHBOARD_CACHE_SECONDS)
        return render(
            request,
            self.template_name,
            {
                "form": form,
                "filtered": bool(query),
                "filter_query": urlencode(query),
                "period_label": period_text(f),
                "sector_label": Vendor.Sector(f.sector).label if f.sector else "",
                "kecamatan_label": kecamatan_names.get(f.kecamatan_id, ""),
                "body": body,
                "can_export": can_export,
                "can_see_personal": services.census_personal_data_allowed(request.user),
            },
        )

    def body_context(self, figures, f: CensusFilter, query: dict, can_export: bool) -> dict:
        def link(kecamatan_id):
            params = {k: v for k, v in query.items() if k != "kecamatan"}
            if kecamatan_id:
                params["kecamatan"] = kecamatan_id
            return reverse("census:dashboard") + ("?" + urlencode(params) if params else "")

        sectors = figures.by_sector
        # Beside the map, as on it: every kecamatan's figure, whichever kecamatan is chosen.
        kecamatan = figures.by_kecamatan
        kecamatan_of_code = {r.code: r.label for r in kecamatan if r.code}
        kelurahan = sorted((r for r in figures.by_kelurahan if r.msmes), key=lambda r: (-r.msmes, r.label))
        concentration = figures.concentration
        naik_kelas = figures.naik_kelas
        spending_by_unit = figures.spending_by_unit
        sections = {
            "by_sector": count_section(
                sectors, key="by_sector", title=_("MSMEs by sector"), label_heading=_("Sector")
            ),
            "by_size_class": count_section(
                figures.by_size_class,
                key="by_size_class",
                title=_("MSMEs by size class"),
                label_heading=_("Size class"),
            ),
            "by_gender": count_section(
                figures.by_gender,
                key="by_gender",
                title=_("Owners by gender"),
                label_heading=_("Gender"),
            ),
            "by_age_group": count_section(
                [r if r.key else replace(r, label=_("Not stated")) for r in figures.by_age_group],
                key="by_age_group",
                title=_("Owners by age group"),
                label_heading=_("Age group"),
            ),
            "by_platform_status": stage_section(figures.by_platform_status, title=_("MSMEs on the platform")),
            "growth_by_month": growth_section(figures.growth_by_month, title=_("New MSMEs per month")),
            "spending_by_unit": amount_section(
                spending_by_unit,
                key="spending_by_unit",
                title=_("Spending by government unit"),
                label_heading=_("Government unit"),
                chart_rows=CHART_ROWS,
            ),
            "spending_by_sector": amount_section(
                figures.spending_by_sector,
                key="spending_by_sector",
                title=_("Spending by sector"),
                label_heading=_("Sector"),
            ),
            "spending_by_kecamatan": amount_section(
                figures.spending_by_kecamatan,
                key="spending_by_kecamatan",
                title=_("Spending by kecamatan"),
                label_heading=_("Kecamatan"),
            ),
            "spending_by_month": month_amount_section(
                figures.spending_by_month, title=_("Spending per month")
            ),
            "top_msmes": top_section(figures.top_msmes, title=_("The MSMEs paid the most")),
            "concentration": concentration_section(
                concentration, title=_("Share of the top 10 percent of MSMEs, per month")
            ),
            "naik_kelas": naik_kelas_section(naik_kelas, title=_("Size-class changes")),
        }
        return {
            "filter_query": urlencode(query),
            "total_records": count_text(sum(r.msmes for r in sectors)),
            "spending_total": format_rupiah(sum(r.amount_idr for r in spending_by_unit)),
            "sections": sections,
            "tiles": tile_map(
                figures.kecamatan_tiles,
                title=_("MSMEs by kecamatan"),
                selected=f.kecamatan_id,
                link=link,
            ),
            "kecamatan_table": table(
                _("MSMEs by kecamatan"),
                [_("Kecamatan"), _("MSMEs"), _("Share")],
                [[r.label, count_text(r.msmes), percent_text(r.share)] for r in kecamatan],
                table_id="by_kecamatan-table",
            ),
            "kelurahan_table": table(
                _("MSMEs by kelurahan (those with at least one)"),
                [_("Kelurahan"), _("Kecamatan"), _("MSMEs"), _("Share")],
                [
                    [
                        r.label,
                        kecamatan_of_code.get(r.kecamatan_code, ""),
                        count_text(r.msmes),
                        percent_text(r.share),
                    ]
                    for r in kelurahan
                ],
                table_id="by_kelurahan-table",
                text_columns=2,
            ),
            "concentration": {
                "top_share": percent_text(concentration.top_share),
                "gini": gini_text(concentration.gini),
                "msmes": count_text(concentration.msmes),
            },
            "naik_kelas": {"up": count_text(naik_kelas.up), "down": count_text(naik_kelas.down)},
            "can_export": can_export,
        }


# --- Exports -------------------------------------------------------------------------------------

# The dashboard's tables as they are exported: name -> selector (rows for census_table_rows).
EXPORT_TABLES = {
    "by_sector": selectors.by_sector,
    "by_kecamatan": selectors.by_kecamatan,
    "by_kelurahan": selectors.by_kelurahan,
    "by_size_class": selectors.by_size_class,
    "by_gender": selectors.by_gender,
    "by_age_group": selectors.by_age_group,
    "by_platform_status": selectors.by_platform_status,
    "growth_by_month": selectors.growth_by_month,
    "spending_by_unit": selectors.spending_by_unit,
    "spending_by_sector": selectors.spending_by_sector,
    "spending_by_kecamatan": selectors.spending_by_kecamatan,
    "spending_by_month": selectors.spending_by_month,
    "top_msmes": selectors.top_msmes,
    "concentration": lambda f: selectors.concentration(f).months,
    "naik_kelas": lambda f: selectors.naik_kelas_count(f).transitions,
    "kecamatan_tiles": selectors.kecamatan_tiles,
}
REGISTER = "register"


class CensusExportView(LoginRequiredMixin, PermissionRequiredMixin, View):
    """The register (masked without accounts.view_personal_data) or a dashboard table as CSV or
    XLSX, streamed; each export recorded (who, when, what, which filter) before it starts."""

    permission_required = EXPORT

    def get(self, request):
        export_form = CensusExportForm(request.GET, tables=[REGISTER, *EXPORT_TABLES])
        if not export_form.is_valid():
            raise Http404()
        _form, f, _query, _names = read_filter(request, warn=False)
        table_name, file_format = export_form.cleaned_data["table"], export_form.cleaned_data["format"]
        if table_name == REGISTER:
            personal = services.census_personal_data_allowed(request.user)
            row_count = selectors.census_export_count(f)
            rows = selectors.census_export_rows(f, with_personal_data=personal)
        else:
            personal = False
            figures = list(EXPORT_TABLES[table_name](f))
            row_count = len(figures)
            rows = selectors.census_table_rows(figures)
        try:
            services.census_export_log(
                user=request.user,
                what=table_name,
                filter_params=f.params(),
                with_personal_data=personal,
                row_count=row_count,
                file_format=file_format,
            )
        except services.CensusRefused as exc:
            messages.error(request, exc.message)
            return redirect("census:dashboard")
        if file_format == "xlsx":
            body, content_type = exports.export_xlsx(rows, title=_("MSME census")), exports.XLSX_TYPE
        else:
            body, content_type = exports.export_csv(rows), exports.CSV_TYPE
        response = StreamingHttpResponse(body, content_type=content_type)
        name = f"sensus-umkm-{table_name.replace('_', '-')}-{timezone.localdate():%Y%m%d}.{file_format}"
        response["Content-Disposition"] = f'attachment; filename="{name}"'
        return response


# --- Snapshots -----------------------------------------------------------------------------------


def snapshot_choices(snapshots) -> list[tuple[int, str]]:
    return [(s.pk, snapshot_label(s)) for s in snapshots]


def snapshot_label(snapshot) -> str:
    return periods.period_label(
        period_kind=snapshot.period_kind, year=snapshot.year, quarter=snapshot.quarter
    )


class SnapshotListView(StatisticsMixin, View):
    """The frozen snapshots, the form to freeze a closed quarter or year, and the comparison's choice."""

    template_name = "census/snapshot_list.html"

    def get(self, request):
        snapshots = list(selectors.census_snapshots())
        page = Paginator(snapshots, SNAPSHOTS_PAGE).get_page(request.GET.get("page"))
        kind, year, quarter = last_closed_quarter(timezone.localdate())
        choices = snapshot_choices(snapshots)
        return render(
            request,
            self.template_name,
            {
                "page_obj": page,
                "snapshots": [{"snapshot": s, "label": snapshot_label(s)} for s in page.object_list],
                "freeze_form": SnapshotFreezeForm(
                    initial={"period_kind": kind, "year": year, "quarter": quarter}
                ),
                "compare_form": SnapshotCompareForm(snapshot_choices=choices) if choices else None,
            },
        )


class SnapshotFreezeView(StatisticsMixin, View):
    """POST: freeze a closed quarter or year (census_snapshot_freeze); a refusal is a message."""

    def post(self, request):
        form = SnapshotFreezeForm(request.POST)
        if not form.is_valid():
            for errors in form.errors.values():
                for error in errors:
                    messages.error(request, error)
            return redirect("census:snapshot-list")
        data = form.cleaned_data
        try:
            snapshot = services.census_snapshot_freeze(
                period_kind=data["period_kind"],
                year=data["year"],
                quarter=data["quarter"],
                actor=request.user,
            )
        except services.CensusRefused as exc:
            messages.error(request, exc.message)
        else:
            messages.success(
                request,
                _("%(period)s is frozen: %(count)s MSMEs.")
                % {"period": snapshot_label(snapshot), "count": count_text(snapshot.records)},
            )
        return redirect("census:snapshot-list")


def compare_rows(rows) -> list[dict]:
    return [
        {
            "label": r.label,
            "a_msmes": count_text(r.a_msmes),
            "b_msmes": count_text(r.b_msmes),
            "change": f"{'+' if r.msmes_change > 0 else ''}{count_text(r.msmes_change)}",
            "a_sales": format_rupiah(r.a_sales_idr),
            "b_sales": format_rupiah(r.b_sales_idr),
            "growth": "—" if r.sales_growth is None else percent_text(r.sales_growth),
        }
        for r in rows
    ]


class SnapshotCompareView(StatisticsMixin, View):
    """What moved between two snapshots (the earlier first), or from a snapshot to now."""

    template_name = "census/snapshot_compare.html"

    def get(self, request):
        snapshots = {s.pk: s for s in selectors.census_snapshots()}
        form = SnapshotCompareForm(request.GET or None, snapshot_choices=snapshot_choices(snapshots.values()))
        if not snapshots:
            messages.info(request, _("No snapshot is frozen yet: freeze a closed quarter first."))
            return redirect("census:snapshot-list")
        if not form.is_valid():
            for errors in form.errors.values():
                for error in errors:
                    messages.warning(request, error)
            return redirect("census:snapshot-list")
        a, b = snapshots[form.cleaned_data["a"]], snapshots.get(form.cleaned_data["b"])
        if b is not None and b.period_start < a.period_start:
            a, b = b, a
        comparison = selectors.census_snapshot_compare(a, b)
        return render(
            request,
            self.template_name,
            {
                "form": form,
                "c": comparison,
                "sales_growth": None
                if comparison.sales_growth is None
                else percent_text(comparison.sales_growth),
                "compare_tables": [
                    (_("By sector"), compare_rows(comparison.by_sector), "compare-by-sector"),
                    (_("By size class"), compare_rows(comparison.by_size_class), "compare-by-size-class"),
                ],
                "new_chart": count_section(
                    comparison.new_by_sector,
                    key="new_by_sector",
                    title=_("New MSMEs by sector"),
                    label_heading=_("Sector"),
                ),
                "changes_chart": naik_kelas_section(comparison, title=_("Size-class changes")),
            },
        )


# --- Register upload -----------------------------------------------------------------------------


def _report_key(token: str) -> str:
    return f"census-import-report:{token}"


class CensusImportView(StatisticsMixin, View):
    """The Analis uploads a register (CSV or XLSX): good rows are imported, every rejected row is
    reported with its line and reason. A file that cannot be read imports nothing."""

    template_name = "census/import.html"

    def render(self, form, status=200):
        return render(
            self.request,
            self.template_name,
            {"form": form, "columns": importer.COLUMNS, "max_rows": importer.MAX_ROWS},
            status=status,
        )

    def get(self, request):
        return self.render(CensusImportForm())

    def post(self, request):
        form = CensusImportForm(request.POST, request.FILES)
        if not form.is_valid():
            return self.render(form, status=400)
        upload = form.cleaned_data["file"]
        try:
            report = importer.census_import(file=upload, source=form.cleaned_data["source"])
        except importer.ImportRefused as exc:
            form.add_error("file", exc.message)
            return self.render(form, status=400)
        token = secrets.token_urlsafe(16)
        cache.set(
            _report_key(token),
            {
                "user_id": request.user.pk,
                "file_name": upload.name[:120],
                "finished_at": timezone.now(),
                "rows": report.rows,
                "created": report.created,
                "updated": report.updated,
                "unchanged": report.unchanged,
                "class_changes": report.class_changes,
                "rejected": [(r.line, r.reason) for r in report.rejected],
            },
            IMPORT_REPORT_SECONDS,
        )
        messages.success(request, _("The register is imported. Here is the report."))
        return redirect(reverse("census:import-report") + "?" + urlencode({"laporan": token}))


class CensusImportReportView(StatisticsMixin, View):
    """The report of an upload: rows created, updated, unchanged, and every rejected row (paginated)."""

    template_name = "census/import_report.html"

    def get(self, request):
        token = request.GET.get("laporan", "")
        report = cache.get(_report_key(token)) if token and len(token) < 64 and token.isascii() else None
        if report is None or report["user_id"] != request.user.pk:
            messages.warning(
                request, _("This import report is no longer available: reports are kept for a day.")
            )
            return redirect("census:import")
        page = Paginator(report["rejected"], IMPORT_REPORT_PAGE).get_page(request.GET.get("page"))
        return render(
            request,
            self.template_name,
            {
                "report": report,
                "page_obj": page,
                "rejected": page.object_list,
                "query_string": urlencode({"laporan": token}),
            },
        )
