"""The charts of the transparency pages, from the selectors' figures (marketplace.common.charts)."""

import hashlib

from django.template.loader import get_template, render_to_string
from django.utils.formats import number_format
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from marketplace.common.charts import BarChart, bar_chart
from marketplace.common.money import format_rupiah
from procurement.transparency.caching import _cached, census_stamp
from procurement.transparency.figures import figures as period_figures
from procurement.transparency.selectors import MARK_LABELS, MONTH_NAMES, Figures, Mark, Rapor, RaporRow

MARK_COLOURS = {
    Mark.GREEN.value: "#2e7d32",
    Mark.YELLOW.value: "#c49000",
    Mark.RED.value: "#c62828",
    Mark.NONE.value: "#757575",
}
TOP_BARS = 15  # a chart shows the largest; its table lists them all


def percent(share: float | None) -> str:
    if share is None:
        return "–"
    return number_format(share * 100, decimal_pos=1) + "%"


def period_label(period) -> str:
    """ "2026", or "Maret 2026" for a month."""
    if period.month:
        return f"{MONTH_NAMES[period.month - 1]} {period.year}"
    return str(period.year)


def figure_charts(f: Figures) -> dict[str, BarChart]:
    def shares(name, rows, title, heading):
        rows = rows[:TOP_BARS]
        return bar_chart(
            [(r.label, r.amount_idr) for r in rows],
            title=title,
            value_text=format_rupiah,
            label_heading=heading,
            value_heading=_("Spent"),
            chart_id=name,
        )

    charts = {
        "unit": shares("unit", f.by_unit, _("Spending per government unit"), _("Government unit")),
        "sector": shares("sector", f.by_sector, _("Spending per sector"), _("Sector")),
        "kecamatan": shares(
            "kecamatan", f.by_kecamatan, _("Spending per kecamatan of the MSME"), _("Kecamatan")
        ),
        "size": shares("size", f.by_size, _("Spending per business size"), _("Size class")),
    }
    if f.by_month:
        charts["month"] = bar_chart(
            [(m.label, m.amount_idr) for m in f.by_month],
            title=_("Spending per month of payment"),
            value_text=format_rupiah,
            columns=True,
            ticks=[m.label[:3] for m in f.by_month],
            label_heading=_("Month"),
            value_heading=_("Spent"),
            chart_id="month",
        )
    if f.top_share is not None:
        charts["concentration"] = bar_chart(
            [
                (_("Top 10%% of MSMEs paid (%(n)d)") % {"n": f.top_count}, f.top_share),
                (_("The other MSMEs paid (%(n)d)") % {"n": f.msmes - f.top_count}, 1 - f.top_share),
            ],
            title=_("Share of spending: the top 10% of MSMEs against the rest"),
            value_text=percent,
            label_heading=_("MSMEs"),
            value_heading=_("Share of spending"),
            chart_id="concentration",
            colours=["#c0392b", "#1b6ca8"],
        )
    return charts


def marks_chart(rapor: Rapor) -> BarChart:
    marks = [Mark.GREEN, Mark.YELLOW, Mark.RED, Mark.NONE]
    return bar_chart(
        [(str(MARK_LABELS[m]), rapor.counts.get(m.value, 0)) for m in marks],
        title=_("Government units per mark"),
        value_text=lambda v: number_format(v, decimal_pos=0),
        label_heading=_("Mark"),
        value_heading=_("Units"),
        chart_id="marks",
        colours=[MARK_COLOURS[m.value] for m in marks],
    )


def quarters_chart(row: RaporRow) -> BarChart:
    return bar_chart(
        [(_("Quarter %(n)d") % {"n": n}, (q.within_share or 0)) for n, q in enumerate(row.quarters, start=1)],
        title=_("Share paid within the target, per quarter"),
        value_text=percent,
        columns=True,
        ticks=[f"T{n}" for n in range(1, 5)],
        label_heading=_("Quarter"),
        value_heading=_("Paid within the target"),
        chart_id="quarters",
    )


INDEX_BODY = "transparency/partials/index_body.html"


def index_body(request, period) -> str:
    """The transparency page's figures part as HTML, the same for every visitor: rendered once per
    version of the public figures (every payment and refund renews it), census stamp, period,
    language and template source, so a deploy never serves an old rendering. A later visit costs
    the stamp's lookup and one cache read."""
    stamp = census_stamp()
    source = getattr(get_template(INDEX_BODY), "template", None)
    source_hash = hashlib.md5(getattr(source, "source", "").encode(), usedforsecurity=False).hexdigest()[:12]

    def render() -> str:
        f = period_figures(period, stamp=stamp)
        context = {
            "period": period,
            "period_label": period_label(period),
            "figures": f,
            "charts": figure_charts(f),
        }
        return render_to_string(INDEX_BODY, context, request)

    # The HTML is this template's own rendering (every figure escaped when it was rendered); the
    # cache may hand it back as a plain str.
    return mark_safe(_cached("index-body", period.key, stamp, source_hash, compute=render))  # noqa: S308
