"""Order pages answer impossible input with a message, never a 500, and change nothing: the
order list's filters (ids beyond 2^63, month 0001-01), the MSME's list (its page, day and
`show`), and at checkout a delivery outside the budget line's fiscal year (9999-12-31)."""

from datetime import datetime
from html import unescape

import pytest
from django.utils import timezone

from procurement.budgets.models import LedgerEntry
from procurement.ordering import services
from procurement.ordering.models import UnitOrder
from tests.procurement.ordering.test_views import checkout_data
from tests.procurement.ordering.world import basket_for, build_world, event, food_line, place

pytestmark = pytest.mark.django_db

HUGE_IDS = [str(2**63), str(2**64), "99999999999999999999", "-1", "0", "abc", "1.5"]
BAD_PAGES = ["1000000000000000000", "abc", "-1", "0", "1e9"]


@pytest.fixture
def w():
    return build_world()


def text(response) -> str:
    return unescape(response.content.decode())


# --- The officer's order list ---------------------------------------------------------------


@pytest.mark.parametrize("value", HUGE_IDS)
@pytest.mark.parametrize(("param", "label"), [("budget_line", "Baris anggaran (DPA)"), ("partner", "UMKM")])
def test_order_list_ignores_an_id_no_row_can_have_and_says_so(w, client, param, label, value):
    mine = place(w)
    client.force_login(w.officer)

    response = client.get("/pesanan/", {param: value})

    assert response.status_code == 200
    assert [uo.pk for uo in response.context["orders"]] == [mine.pk]
    assert f"Filter “{label}” diabaikan: Nomor tidak dikenal." in text(response)


@pytest.mark.parametrize("month", ["0001-01", "9999-12", "1999-12"])
def test_order_list_ignores_a_month_out_of_range_and_keeps_the_other_filters(w, client, month):
    mine = place(w, name="Rapat Koordinasi Stunting")
    place(w, name="Bimtek Aplikasi")
    client.force_login(w.officer)

    response = client.get("/pesanan/", {"month": month, "event": "stunting"})

    assert response.status_code == 200
    assert [uo.pk for uo in response.context["orders"]] == [mine.pk]
    assert "Filter “Bulan” diabaikan: Pilih tanggal antara tahun 2000 dan 2100." in text(response)


@pytest.mark.parametrize("page", BAD_PAGES)
def test_order_list_with_a_bad_page_is_an_indonesian_page_not_found(w, client, page):
    place(w)
    client.force_login(w.officer)

    response = client.get("/pesanan/", {"page": page})

    assert response.status_code == 404
    assert "Halaman tidak ditemukan" in text(response)


# --- The MSME's incoming orders -------------------------------------------------------------


@pytest.mark.parametrize("page", BAD_PAGES)
def test_vendor_orders_with_a_bad_page_is_an_indonesian_page_not_found(w, client, page):
    place(w)
    client.force_login(w.vendor_user)

    response = client.get("/umkm/pesanan/", {"page": page})

    assert response.status_code == 404
    assert "Halaman tidak ditemukan" in text(response)


@pytest.mark.parametrize("day", ["0001-01-01", "9999-12-31", "kemarin"])
def test_vendor_orders_ignore_a_production_day_out_of_range_and_show_today(w, client, day):
    place(w)
    client.force_login(w.vendor_user)

    response = client.get("/umkm/pesanan/", {"day": day})

    assert response.status_code == 200
    assert response.context["day"] == timezone.localdate()
    assert "Filter “Hari” diabaikan" in text(response)


def test_vendor_orders_ignore_an_unknown_show_and_list_the_open_ones(w, client):
    open_order = place(w)
    client.force_login(w.vendor_user)

    response = client.get("/umkm/pesanan/", {"show": "semua-saja"})

    assert response.status_code == 200
    assert response.context["show"] == "open"
    assert [uo.pk for uo in response.context["orders"]] == [open_order.pk]
    assert "Filter “Tampilkan” diabaikan" in text(response)


# --- Checkout: the delivery falls in the budget line's fiscal year --------------------------


@pytest.mark.parametrize("starts_at", ["9999-12-31T09:00", "2100-01-04T09:00"])
def test_checkout_refuses_a_delivery_outside_the_lines_fiscal_year_at_the_field(w, client, starts_at):
    basket = basket_for(w.officer, (w.snack, 10))
    client.force_login(w.officer)

    response = client.post("/checkout/", checkout_data(w.line, starts_at=starts_at))

    assert response.status_code == 400
    errors = response.context["form"].errors["starts_at"]
    year = w.line.fiscal_year
    assert len(errors) == 1
    assert f"di luar tahun anggaran {year}" in errors[0]
    assert f"pilih tanggal pengantaran pada tahun {year}." in errors[0]
    assert errors[0] in text(response)
    assert not UnitOrder.objects.exists() and not LedgerEntry.objects.exists()
    basket.refresh_from_db()
    assert basket.status == basket.OPEN
    w.line.refresh_from_db()
    assert w.line.committed_idr == 0


def test_order_place_refuses_a_delivery_in_another_fiscal_year_naming_both(w):
    next_year = w.line.fiscal_year + 1
    when = timezone.make_aware(datetime(next_year, 1, 5, 9, 0))

    with pytest.raises(services.OrderRefused) as refused:
        services.order_place(
            officer=w.officer,
            basket=basket_for(w.officer, (w.snack, 10)),
            event=event(when),
            budget_line=w.line,
        )

    assert refused.value.codes == {"outside_fiscal_year"}
    message = refused.value.problems[0].message
    assert f"5 Januari {next_year}" in message and f"tahun anggaran {w.line.fiscal_year}" in message
    assert not UnitOrder.objects.exists()


def test_a_line_of_the_deliverys_year_pays_for_it(w):
    when = timezone.make_aware(datetime(w.line.fiscal_year + 1, 1, 5, 9, 0))
    next_years = food_line(w.unit, fiscal_year=when.year)

    uo = place(w, line=next_years, starts_at=when)

    assert (uo.budget_line, uo.status) == (next_years, "awaiting_vendor")
