"""An MSME sets its capacity, weekly closing days and dated closures (/umkm/jadwal/)."""

from datetime import timedelta

import pytest
from django.utils import timezone
from oscar.core.loading import get_class

from tests.factories import ProductFactory, VendorFactory
from tests.factories.catalogue_extra import ClosedDayFactory

pytestmark = pytest.mark.django_db

URL = "/umkm/jadwal/"
partner_schedule_update = get_class("partner.services", "partner_schedule_update")
ScheduleRefused = get_class("partner.services", "ScheduleRefused")


def day(n: int):
    return timezone.localdate() + timedelta(days=n)


@pytest.fixture
def vendor():
    vendor = VendorFactory(approved=True, business_name="Dapur Bu Ratna")
    vendor.partner.users.add(vendor.owner)
    return vendor


@pytest.fixture
def owner(vendor, login):
    return login(vendor.owner)


def closed_dates(partner) -> list:
    return list(partner.closed_days.order_by("date").values_list("date", flat=True))


# --- The service ------------------------------------------------------------------------------


def test_schedule_update_replaces_the_upcoming_closures_and_keeps_the_past_ones(vendor):
    partner = vendor.partner
    past = ClosedDayFactory(partner=partner, date=day(-10)).date
    ClosedDayFactory(partner=partner, date=day(5))

    partner_schedule_update(
        partner=partner, daily_capacity=150, closed_weekdays=[6, 6, 0], closed_days=[day(9), day(9)]
    )

    partner.refresh_from_db()
    assert partner.daily_capacity == 150
    assert partner.closed_weekdays == "06"
    assert closed_dates(partner) == [past, day(9)]  # the past stays as history


@pytest.mark.parametrize("offset", [-1, 400])
def test_schedule_update_refuses_a_past_or_far_date_and_changes_nothing(vendor, offset):
    partner = vendor.partner
    ClosedDayFactory(partner=partner, date=day(5))

    with pytest.raises(ScheduleRefused):
        partner_schedule_update(
            partner=partner, daily_capacity=99, closed_weekdays=[6], closed_days=[day(offset)]
        )

    partner.refresh_from_db()
    assert (partner.daily_capacity, partner.closed_weekdays) == (None, "")
    assert closed_dates(partner) == [day(5)]


# --- The page ---------------------------------------------------------------------------------


def test_page_lists_only_this_msmes_upcoming_closures(owner, vendor):
    ClosedDayFactory(partner=vendor.partner, date=day(4))
    ClosedDayFactory(partner=vendor.partner, date=day(-2))
    ClosedDayFactory(date=day(6))  # another MSME's

    form = owner.get(URL).context["form"]

    assert form.upcoming == [day(4)]
    assert [value for value, _label in form.fields["reopen"].choices] == [day(4).isoformat()]


def test_owner_sets_capacity_closes_sundays_and_adds_a_date(owner, vendor):
    response = owner.post(
        URL, {"daily_capacity": "150", "closed_weekdays": ["6"], "close_1": day(10).isoformat()}, follow=True
    )

    assert response.status_code == 200
    assert "Kapasitas dan hari tutup tersimpan." in response.content.decode()
    vendor.partner.refresh_from_db()
    assert (vendor.partner.daily_capacity, vendor.partner.closed_weekdays) == (150, "6")
    assert closed_dates(vendor.partner) == [day(10)]


def test_owner_reopens_a_date_and_keeps_the_others(owner, vendor):
    ClosedDayFactory(partner=vendor.partner, date=day(3))
    ClosedDayFactory(partner=vendor.partner, date=day(8))

    owner.post(URL, {"daily_capacity": "", "reopen": [day(3).isoformat()], "close_2": day(12).isoformat()})

    vendor.partner.refresh_from_db()
    assert vendor.partner.daily_capacity is None  # empty: no limit
    assert closed_dates(vendor.partner) == [day(8), day(12)]


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"daily_capacity": "0"}, "daily_capacity", "lebih besar dari atau sama dengan 1"),
        ({"daily_capacity": "banyak"}, "daily_capacity", "Masukkan keseluruhan angka"),
        ({"close_1": "kemarin"}, "close_1", "Masukkan tanggal yang valid"),
        ({"close_1": "PAST"}, "close_1", "Tanggal ini sudah lewat."),
        ({"close_3": "FAR"}, "close_3", "dalam satu tahun"),
        ({"closed_weekdays": ["7"]}, "closed_weekdays", "Masukkan pilihan yang valid"),
    ],
)
def test_bad_input_gets_a_message_and_changes_nothing(owner, vendor, data, field, message):
    partner = vendor.partner
    partner.daily_capacity = 80
    partner.save()
    ClosedDayFactory(partner=partner, date=day(3))
    values = {"PAST": day(-1).isoformat(), "FAR": day(400).isoformat()}
    data = {k: values.get(v, v) if isinstance(v, str) else v for k, v in data.items()}

    response = owner.post(URL, {"daily_capacity": "80", "close_2": day(20).isoformat(), **data})

    assert response.status_code == 400
    errors = " ".join(response.context["form"].errors[field])
    assert message in errors
    assert "Tidak ada yang disimpan" in response.content.decode()
    partner.refresh_from_db()
    assert partner.daily_capacity == 80
    assert closed_dates(partner) == [day(3)]


def test_a_new_closed_date_hides_the_msme_from_that_days_catalogue(owner, vendor, client):
    ProductFactory(partner=vendor.partner, title="Nasi Kotak Bu Ratna", lead_time_hours=24)
    closed = day(5)

    owner.post(URL, {"close_1": closed.isoformat()})

    owner.logout()
    assert (
        "Nasi Kotak Bu Ratna"
        not in client.get("/catalogue/", {"available_on": closed.isoformat()}).content.decode()
    )
    open_day = closed + timedelta(days=1)
    assert (
        "Nasi Kotak Bu Ratna"
        in client.get("/catalogue/", {"available_on": open_day.isoformat()}).content.decode()
    )


def test_a_msme_not_yet_approved_has_no_schedule_page(login):
    draft = VendorFactory()

    response = login(draft.owner).get(URL)

    assert response.status_code == 302
    assert response["Location"] == "/umkm/status/"


def test_a_date_that_passed_after_the_form_was_checked_is_refused_with_a_message(owner, vendor, monkeypatch):
    from vendors import shop_views

    def refuse(**kwargs):
        raise shop_views.ScheduleRefused("Tanggal ini sudah lewat.")

    monkeypatch.setattr(shop_views, "partner_schedule_update", refuse)

    response = owner.post(URL, {"daily_capacity": "150", "close_1": day(1).isoformat()})

    assert response.status_code == 400
    assert "Tanggal ini sudah lewat." in response.content.decode()
    vendor.partner.refresh_from_db()
    assert vendor.partner.daily_capacity is None
