"""The public figures equal a recomputation from the raw payments; the rapor equals settlement's
timeliness; the cache renews when a payment lands; the pages' query counts do not grow."""

import re
from collections import defaultdict
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from procurement.settlement import selectors as settlement
from procurement.settlement.models import Invoice, Payment
from procurement.transparency import selectors
from procurement.transparency.public import public_name, public_text
from procurement.transparency.selectors import Period
from tests.procurement.transparency.world import paid_order

pytestmark = pytest.mark.django_db


def recomputed(year: int) -> dict:
    """The figures from the succeeded payments, one by one, in Python."""
    total, orders, per = 0, 0, defaultdict(lambda: defaultdict(int))
    vendors, months = set(), defaultdict(int)
    for p in Payment.objects.filter(status=Payment.Status.SUCCEEDED).select_related(
        "invoice__unit_order__unit", "invoice__unit_order__partner__kecamatan"
    ):
        invoice = p.invoice
        if invoice.status != Invoice.Status.PAID or timezone.localtime(invoice.paid_at).year != year:
            continue
        spent = invoice.total_idr - p.refunded_idr
        uo = invoice.unit_order
        total += spent
        orders += 1
        vendors.add(uo.partner_id)
        months[timezone.localtime(invoice.paid_at).month] += spent
        per["unit"][uo.unit.code] += spent
        per["kecamatan"][uo.partner.kecamatan.code] += spent
        per["sector"][uo.partner.vendor.sector] += spent
    return {"total": total, "orders": orders, "msmes": len(vendors), "months": months, **per}


def test_figures_equal_a_recomputation_from_the_payments(city):
    # A partial refund lowers what was spent on that order.
    Payment.objects.filter(invoice=city.invoices[0]).update(refunded_idr=50_000)
    year = selectors.current_year()

    f = selectors.figures(Period(year))
    raw = recomputed(year)

    assert (f.total_idr, f.orders, f.msmes) == (raw["total"], raw["orders"], raw["msmes"]) == (550_000, 3, 2)
    assert {m.key: m.amount_idr for m in f.by_month if m.amount_idr} == {
        f"{year}-{m:02d}": v for m, v in raw["months"].items()
    }
    assert {s.key: s.amount_idr for s in f.by_unit} == raw["unit"]
    assert {s.key: s.amount_idr for s in f.by_kecamatan} == raw["kecamatan"]
    assert {s.key: s.amount_idr for s in f.by_sector} == raw["sector"]
    # Dapur Lumpia (capital Rp 25 juta): micro; the other (Rp 3 miliar, sales Rp 9 miliar): small.
    assert {s.key: s.amount_idr for s in f.by_size} == {"mikro": 350_000, "kecil": 200_000}
    assert f.micro_share == pytest.approx(350_000 / 550_000)
    assert f.top_share == pytest.approx(350_000 / 550_000) and f.top_count == 1
    assert f.gini == pytest.approx(selectors.gini([350_000, 200_000]))


def test_the_page_shows_the_recomputed_figures(client, city):
    year = selectors.current_year()
    raw = recomputed(year)

    html = client.get(reverse("transparency:index")).content.decode()

    assert re.search(rf'id="total-spent" data-amount="{raw["total"]}"', html)
    assert f'id="msmes-paid">{raw["msmes"]}<' in html
    for code, amount in raw["unit"].items():
        assert re.search(rf'<tr data-key="{re.escape(code)}">.*?data-amount="{amount}"', html, re.S)
    assert "<svg" in html and "<rect" in html and "<caption>" in html
    assert ' style="' not in html.split("<svg", 1)[1].split("</svg>", 1)[0]


def test_a_month_shows_that_month_only(client, city):
    paid = Invoice.objects.filter(pk=city.invoices[0].pk)
    last_month = timezone.now() - timedelta(days=40)
    paid.update(paid_at=last_month)
    local = timezone.localtime(last_month)

    f = selectors.figures(Period(local.year, local.month))
    response = client.get(reverse("transparency:index"), {"tahun": local.year, "bulan": local.month})

    assert (f.total_idr, f.orders) == (200_000, 1)
    assert 'id="total-spent" data-amount="200000"' in response.content.decode()


def test_a_payment_landing_renews_the_cached_figures(city):
    year = Period(selectors.current_year())
    before = selectors.figures(year).total_idr

    paid_order(city.a)

    assert selectors.figures(year).total_idr == before + 200_000


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
