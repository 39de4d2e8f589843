"""The public figures equal a recomputation from the raw payments (the census's aggregate they
read is proven right by it) and add up with the paid-orders file; the rapor equals settlement's
timeliness; the cache renews when a payment lands, is refunded or the census moves an MSME; the
pages' query counts do not grow."""

import csv
import io
import re
from collections import defaultdict
from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from procurement.settlement import selectors as settlement
from procurement.settlement import services
from procurement.settlement.models import Invoice, Payment
from procurement.transparency import selectors
from procurement.transparency.public import public_name, public_text
from procurement.transparency.selectors import Period
from tests.factories import KecamatanFactory
from tests.procurement.settlement.world import received, record_transfer
from tests.procurement.transparency.world import paid_by_card, paid_order, refund, town
from vendors.census.models import PlatformSales
from vendors.census.services import census_sync_vendors

pytestmark = pytest.mark.django_db

PBJT = {"pbjt_collector": True, "pbjt_tax_number": "973/0001/2026"}  # PBJT 10% charged on top


def recomputed(year: int, month: int | None = None) -> dict:
    """The figures from the payments, one by one, in Python (never from the census's aggregate):
    each payment that went through and stands (a payment refunded in full does not), counted in
    the month its invoice was paid, for its invoice total less what was refunded of it."""
    total, orders, per = 0, 0, defaultdict(lambda: defaultdict(int))
    per_vendor, months = defaultdict(int), defaultdict(int)
    for p in Payment.objects.filter(status=Payment.Status.SUCCEEDED).select_related(
        "invoice__unit_order__unit", "invoice__unit_order__partner__vendor__kecamatan"
    ):
        invoice = p.invoice
        paid = timezone.localtime(invoice.paid_at)
        if invoice.status != Invoice.Status.PAID or paid.year != year or month not in (None, paid.month):
            continue
        spent = invoice.total_idr - p.refunded_idr
        uo = invoice.unit_order
        vendor = uo.partner.vendor
        total += spent
        orders += 1
        per_vendor[uo.partner_id] += spent
        months[paid.month] += spent
        per["unit"][uo.unit.code] += spent
        per["kecamatan"][vendor.kecamatan.code] += spent
        per["sector"][vendor.sector or "unknown"] += spent
    return {
        "total": total,
        "orders": orders,
        "msmes": len(per_vendor),
        "per_vendor": sorted(per_vendor.values()),
        "months": months,
        **per,
    }


def csv_rows(client, year: int) -> list[dict]:
    response = client.get(reverse("transparency:csv-orders", args=[year]))
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    return list(csv.DictReader(io.StringIO(text)))


def page_total(client, **query) -> int:
    html = client.get(reverse("transparency:index"), query).content.decode()
    return int(re.search(r'id="total-spent" data-amount="(-?\d+)"', html).group(1))


def test_figures_equal_a_recomputation_from_the_payments(client, stripe_fake):
    city = town()
    paid_order(city.b, **PBJT)  # Rp 200.000 + PBJT Rp 20.000: "spent" holds the taxes
    partly = paid_by_card(city.a, stripe_fake)
    refund(partly, 50_000)  # a partial refund lowers what was spent on that order
    whole = paid_by_card(city.b, stripe_fake)
    refund(whole, 20_000)
    refund(whole)  # refunded in full: the order no longer counts
    year = selectors.current_year()

    f = selectors.figures(Period(year))
    raw = recomputed(year)

    # 3 transfers of Rp 200.000, one with PBJT (Rp 220.000), one card payment less Rp 50.000.
    assert (f.total_idr, f.orders, f.msmes) == (raw["total"], raw["orders"], raw["msmes"]) == (970_000, 5, 2)
    assert {m.key: m.amount_idr for m in f.by_month if m.amount_idr} == {
        f"{year}-{m:02d}": v for m, v in raw["months"].items()
    }
    assert {s.key: s.amount_idr for s in f.by_unit} == raw["unit"]
    assert {s.key: s.amount_idr for s in f.by_kecamatan} == raw["kecamatan"]
    assert {s.key: s.amount_idr for s in f.by_sector} == raw["sector"]
    # Dapur Lumpia (capital Rp 25 juta): micro; the other (Rp 3 miliar, sales Rp 9 miliar): small.
    assert {s.key: s.amount_idr for s in f.by_size} == {"mikro": 550_000, "kecil": 420_000}
    assert f.micro_share == pytest.approx(550_000 / 970_000)
    assert f.top_share == pytest.approx(550_000 / 970_000) and f.top_count == 1
    assert f.gini == pytest.approx(selectors.gini(raw["per_vendor"]))
    # The MSMEs' sales the census counts are the subtotals, before PBJT, a refund taking back its
    # share of the subtotal (Rp 50.000 of the Rp 196.000 paid: Rp 51.020), so they differ:
    assert sum(PlatformSales.objects.values_list("amount_idr", flat=True)) == 1_000_000 - 51_020

    # The paid-orders file adds up to the same figures, order by order.
    rows = csv_rows(client, year)
    assert len(rows) == f.orders
    assert sum(int(r["spent_idr"]) for r in rows) == f.total_idr
    per_unit = defaultdict(int)
    for r in rows:
        per_unit[r["unit_code"]] += int(r["spent_idr"])
    assert dict(per_unit) == raw["unit"]
    assert {r["kecamatan_code"] for r in rows} == set(raw["kecamatan"])
    assert "no drift" in _recompute()


def _recompute() -> str:
    out = StringIO()
    call_command("census_recompute", stdout=out)
    return out.getvalue()


def test_the_page_shows_the_recomputed_figures(client, city):
    year = selectors.current_year()
    raw = recomputed(year)

    html = client.get(reverse("transparency:index")).content.decode()

    assert re.search(rf'id="total-spent" data-amount="{raw["total"]}"', html)
    assert f'id="msmes-paid">{raw["msmes"]}<' in html
    for code, amount in raw["unit"].items():
        assert re.search(rf'<tr data-key="{re.escape(code)}">.*?data-amount="{amount}"', html, re.S)
    assert "<svg" in html and "<rect" in html and "<caption" in html
    assert ' style="' not in html.split("<svg", 1)[1].split("</svg>", 1)[0]


def _backdate_payment(invoice: Invoice, when) -> None:
    """Date the invoice's payment `when` (as the demo does), then mend the census's aggregate
    from the payments (`census_recompute --fix`, what an operator runs after such a change)."""
    Invoice.objects.filter(pk=invoice.pk).update(paid_at=when)
    payments = Payment.objects.filter(invoice=invoice, status=Payment.Status.SUCCEEDED)
    payments.update(settled_at=when)
    payments.filter(method=Payment.Method.TRANSFER).update(transfer_date=timezone.localtime(when).date())
    call_command("census_recompute", "--fix", stdout=StringIO())


def test_a_month_shows_that_month_only(client, city):
    last_month = timezone.now() - timedelta(days=40)
    _backdate_payment(city.invoices[0], last_month)
    local = timezone.localtime(last_month)

    f = selectors.figures(Period(local.year, local.month))
    response = client.get(reverse("transparency:index"), {"tahun": local.year, "bulan": local.month})

    raw = recomputed(local.year, local.month)
    assert (f.total_idr, f.orders, f.msmes) == (raw["total"], raw["orders"], raw["msmes"]) == (200_000, 1, 1)
    assert 'id="total-spent" data-amount="200000"' in response.content.decode()
    year = selectors.figures(Period(local.year))
    assert year.total_idr == recomputed(local.year)["total"]


def test_a_refund_is_taken_off_the_month_its_order_was_paid(client, stripe_fake):
    # Paid last month, refunded in part today: last month's figure falls, as its order's row in
    # the file does (the census's own sales take the refund off this month).
    city = town(orders_a=1, orders_b=0)
    payment = paid_by_card(city.a, stripe_fake)
    _backdate_payment(payment.invoice, timezone.now() - timedelta(days=40))
    paid = timezone.localtime(timezone.now() - timedelta(days=40))
    before = selectors.figures(Period(paid.year, paid.month)).total_idr

    refund(payment, 30_000)

    after = selectors.figures(Period(paid.year, paid.month))
    assert after.total_idr == before - 30_000 == recomputed(paid.year, paid.month)["total"]
    assert after.orders == 1
    today = timezone.localdate()
    this_month = selectors.figures(Period(today.year, today.month))
    assert this_month.total_idr == recomputed(today.year, today.month)["total"] == 200_000  # the transfer
    assert "no drift" in _recompute()


def test_a_payment_landing_renews_the_cached_figures(city):
    year = Period(selectors.current_year())
    before = selectors.figures(year).total_idr

    paid_order(city.a)

    assert selectors.figures(year).total_idr == before + 200_000


def test_a_transfer_confirmation_and_a_refund_change_the_page_at_once(client, stripe_fake):
    city = town(orders_a=1, orders_b=0)
    card = paid_by_card(city.a, stripe_fake)
    first = page_total(client)  # computed, and now cached
    assert first == 400_000 and page_total(client) == first

    pw = received(city.b)
    transfer = record_transfer(pw)
    assert page_total(client) == first  # recorded, not yet confirmed: nothing paid

    services.transfer_confirm(payment=transfer, vendor_user=city.b.vendor_user)
    assert page_total(client) == 600_000

    refund(card, 50_000)
    assert page_total(client) == 550_000
    refund(card)  # the rest: refunded in full, the order no longer counts
    assert page_total(client) == 400_000 == recomputed(selectors.current_year())["total"]


def test_the_census_moving_an_msme_renews_the_figures_at_once(client, city):
    year = Period(selectors.current_year())
    before = {s.key: s.amount_idr for s in selectors.figures(year).by_kecamatan}
    vendor = city.a.vendor
    old_code = vendor.kecamatan.code
    moved_to = KecamatanFactory(name="Gajahmungkur")
    vendor.kecamatan = moved_to
    vendor.save(update_fields=["kecamatan"])
    # Not yet in the census: the figures stay as the census has the MSME.
    assert {s.key: s.amount_idr for s in selectors.figures(year).by_kecamatan} == before

    census_sync_vendors()  # the daily sync copies the MSME's profile into its census record

    after = {s.key: s.amount_idr for s in selectors.figures(year).by_kecamatan}
    assert after[moved_to.code] == before[old_code] == 400_000 and old_code not in after
    html = client.get(reverse("transparency:index")).content.decode()
    assert "Gajahmungkur" in html
    rows = csv_rows(client, year.year)
    assert {r["kecamatan"] for r in rows if r["unit_code"] == city.a.unit.code} == {"Gajahmungkur"}


def test_the_cache_key_holds_the_language(client, city, settings):
    id_page = client.get(reverse("transparency:index")).content.decode()  # computed in Indonesian
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    en_page = client.get(reverse("transparency:index")).content.decode()

    assert "Januari" in id_page
    assert "January" in en_page and "Januari" not in en_page


def test_a_period_that_is_none_falls_back_to_the_current_year(client, city):
    for query in ({"tahun": "abc"}, {"tahun": "99999", "bulan": "13"}, {"bulan": "0"}):
        response = client.get(reverse("transparency:index"), query)
        assert response.status_code == 200
        assert response.context["period"] == Period(selectors.current_year())


def test_the_rapor_agrees_with_settlements_timeliness(city, settings):
    settings.PAYMENT_TARGET_DAYS = 14
    slow = city.invoices[0]
    Invoice.objects.filter(pk=slow.pk).update(days_to_pay=30)
    year = selectors.current_year()

    rapor = selectors.rapor(year)

    for unit in (city.a.unit, city.b.unit):
        row, t = rapor.row(unit.code), settlement.unit_timeliness(unit=unit, year=year)
        assert row.year.paid == t.paid
        assert row.year.median_days == t.median_days
        assert row.year.within_share == t.within_target_share
        assert row.overdue_unpaid == t.overdue_unpaid
    a, b = rapor.row(city.a.unit.code), rapor.row(city.b.unit.code)
    assert (b.rank, b.mark) == (1, "green")  # paid at once
    assert (a.rank, a.mark) == (2, "yellow")  # one of two within 14 days: 50%
    assert a.year.median_days == 15.0


def test_the_rapors_medians_from_counted_days_equal_those_of_every_invoice(city, settings):
    """The rapor counts the invoices per days to pay in SQL and takes the medians from those
    counts: the same timings as from each invoice's days (odd and even counts, quarters, the year
    before) and, on PostgreSQL, as percentile_cont."""
    settings.PAYMENT_TARGET_DAYS = 14
    for invoice, days in zip(city.invoices, (3, 30, 8), strict=True):
        Invoice.objects.filter(pk=invoice.pk).update(days_to_pay=days)
    for days in (30, 3, 3, 21):
        Invoice.objects.filter(pk=paid_order(city.a).pk).update(days_to_pay=days)
    last_year = paid_order(city.b)
    a_year_before = last_year.paid_at.replace(year=last_year.paid_at.year - 1)
    Invoice.objects.filter(pk=last_year.pk).update(paid_at=a_year_before, days_to_pay=9)
    year = selectors.current_year()

    counted, python = selectors._timings_counted(year), selectors._timings_python(year)

    assert counted == python
    assert counted[city.a.unit.pk]["year"] == selectors.Timing(6, 12.0, 3 / 6, 90 / 6)  # 3 3 3 21 30 30
    assert counted[city.b.unit.pk]["last"].paid == 1
    assert selectors.unit_timings(year) == counted
    if connection.vendor == "postgresql":
        assert selectors._timings_sql(year) == counted


def test_the_rapors_medians_in_sql_equal_those_in_python(city, settings):
    if connection.vendor != "postgresql":
        pytest.skip("percentile_cont is PostgreSQL's; SQLite takes the medians in Python only")
    settings.PAYMENT_TARGET_DAYS = 14
    for invoice, days in zip(city.invoices, (3, 30, 8), strict=True):
        Invoice.objects.filter(pk=invoice.pk).update(days_to_pay=days)
    paid_order(city.a)  # a's days: 3, 30 and 0 (median 3); an even count for b would interpolate
    paid_order(city.b)
    year = selectors.current_year()

    sql, python = selectors._timings_sql(year), selectors._timings_python(year)

    assert sql == python
    assert sql[city.a.unit.pk]["year"].median_days == 3.0
    assert sql[city.b.unit.pk]["year"].median_days == 4.0  # 8 and 0: between the two


def test_marks_follow_the_thresholds(settings):
    settings.PAYMENT_TARGET_DAYS = 14
    m = selectors.mark_for
    assert m(paid=10, median_days=5, within_share=0.9, overdue_unpaid=0) == "green"
    assert m(paid=10, median_days=20, within_share=0.8, overdue_unpaid=0) == "yellow"  # median late
    assert m(paid=10, median_days=20, within_share=0.5, overdue_unpaid=0) == "yellow"
    assert m(paid=10, median_days=20, within_share=0.49, overdue_unpaid=0) == "red"
    assert m(paid=0, median_days=None, within_share=None, overdue_unpaid=2) == "red"
    assert m(paid=0, median_days=None, within_share=None, overdue_unpaid=0) == "none"
    assert selectors.trend_for(0.9, 0.7) == "better" and selectors.trend_for(0.5, 0.7) == "worse"
    assert selectors.trend_for(0.7, 0.72) == "same" and selectors.trend_for(0.7, None) == "new"


def test_the_rapor_page_has_a_legend_and_text_beside_each_colour(client, city):
    html = client.get(reverse("transparency:rapor")).content.decode()

    assert 'id="legend"' in html
    for mark in ("green", "yellow", "red", "none"):
        assert f'data-mark="{mark}"' in html
    assert "Tepat waktu" in html  # the mark's words, not only its colour


def test_a_units_page_lists_its_paid_orders_paginated(client, city, monkeypatch):
    monkeypatch.setattr("procurement.transparency.views.PER_PAGE", 1)
    url = reverse("transparency:unit", args=[city.a.unit.code])

    first, second = client.get(url), client.get(url, {"page": 2})

    assert first.status_code == second.status_code == 200
    assert len(first.context["orders"]) == len(second.context["orders"]) == 1
    assert first.context["orders"][0].vendor_name == "Dapur Lumpia Bu Sri"
    assert first.context["page_obj"].paginator.num_pages == 2
    assert client.get(reverse("transparency:unit", args=["TIDAK-ADA"])).status_code == 404


def test_concentration_rules():
    assert selectors.gini([100, 100, 100]) == pytest.approx(0)
    assert selectors.gini([0, 0, 300]) == pytest.approx(0)  # only the MSMEs paid count
    assert selectors.gini([1, 1, 1, 97]) == pytest.approx(0.72)
    assert selectors.top_share([50] * 9 + [550]) == (pytest.approx(0.55), 1)
    assert selectors.top_share([10] * 11) == (pytest.approx(2 / 11), 2)  # 10% of 11, rounded up


def test_public_names_hide_nik_phone_and_email_runs():
    assert public_name("Katering Bu Ani 3374015508900002") == "Katering Bu Ani [disamarkan]"
    assert public_name("Dapur 3374 0155 0890 0002 Enak") == "Dapur [disamarkan] Enak"
    assert public_text("Pesan 0812-3456-7890 / +62 813 2222 3333") == "Pesan [disamarkan] / [disamarkan]"
    assert public_text("Tanya ani@example.net") == "Tanya [disamarkan]"
    assert public_name("Warung 99", "x") == "Warung 99"
    assert public_name("", "Toko Partner") == "Toko Partner"


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


@pytest.mark.parametrize("name", ["index", "rapor", "open-data", "unit"])
def test_public_pages_make_a_fixed_number_of_queries(client, city, name):
    url = reverse(f"transparency:{name}", args=[city.a.unit.code] if name == "unit" else [])
    _queries(client, url)  # what the site caches for every page (the menu's categories) warmed
    selectors.public_figures_changed()
    fresh = _queries(client, url)  # the figures computed
    cached = _queries(client, url)
    for _ in range(3):
        paid_order(city.a)
        paid_order(city.b)
    more = _queries(client, url)  # computed afresh, with three times the orders

    assert cached <= 8  # the unit page also reads the unit and a page of its orders
    assert more == fresh <= 20


def test_a_units_page_shows_its_average_days_and_its_overdue_invoices(client, city):
    from tests.procurement.ordering.world import order_in

    late = Invoice.objects.get(unit_order=order_in(city.a, "received"))
    Invoice.objects.filter(pk=late.pk).update(received_at=timezone.now() - timezone.timedelta(days=30))
    selectors.public_figures_changed()
    url = reverse("transparency:unit", args=[city.a.unit.code])

    response = client.get(url)

    html = response.content.decode()
    assert 'id="unit-average"' in html
    overdue = response.context["overdue"]
    assert [o.number for o in overdue] == [late.number] and overdue[0].days_waiting == 30
    assert late.number in html.split('id="overdue-table"', 1)[1]
    assert client.get(reverse("transparency:unit", args=[city.b.unit.code])).context["overdue"] == []


def test_a_periods_figures_take_four_grouped_queries(city, django_assert_max_num_queries):
    """One row per MSME with its census facts (sector, kecamatan and size grouped from it), the
    months, the units and their names: not one scan of the period's sales per dimension."""
    raw = recomputed(selectors.current_year())
    with django_assert_max_num_queries(4):
        f = selectors._compute_figures(Period(selectors.current_year()))
    assert f.total_idr == raw["total"] and f.msmes == raw["msmes"]
    assert {s.key: s.amount_idr for s in f.by_sector if s.amount_idr} == dict(raw["sector"])
    assert {s.key: s.amount_idr for s in f.by_kecamatan if s.amount_idr} == dict(raw["kecamatan"])
    assert sum(s.msmes for s in f.by_size) == raw["msmes"]


def test_the_figures_part_is_rendered_once_per_version(client, city, monkeypatch):
    """A second visit takes the rendered figures from the cache (nothing recomputed or rendered
    again); a payment renews the version, so the next visit renders the new figures."""
    from procurement.transparency import pages

    rendered = []
    real = pages.figure_charts
    monkeypatch.setattr(pages, "figure_charts", lambda f: rendered.append(f) or real(f))
    first = page_total(client)
    assert page_total(client) == first and len(rendered) == 1

    paid_order(city.a)
    assert page_total(client) == first + 200_000 and len(rendered) == 2
    assert page_total(client) == first + 200_000 and len(rendered) == 2


def test_markup_in_a_name_is_escaped_in_the_rendered_and_the_cached_figures(client, city):
    """The figures part is marked safe when read back from the cache: a unit's name typed with
    markup stays escaped on the first rendering and on the cached one."""
    city.a.unit.name = city.a.unit.short_name = '<script>alert("x")</script>Dinas'
    city.a.unit.save(update_fields=["name", "short_name"])
    paid_order(city.a)  # a new version of the figures: rendered afresh with the new name
    for _ in range(2):  # rendered, then read from the cache
        html = client.get(reverse("transparency:index")).content.decode()
        assert '<script>alert("x")</script>' not in html
        assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;Dinas" in html
