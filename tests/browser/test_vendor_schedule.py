"""An MSME owner on a phone sets capacity, closes on Sundays and on a holiday, then reopens it."""

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from tests.factories import PASSWORD, VendorFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_owner_sets_capacity_and_closed_days_on_a_phone(phone_page, settings):
    settings.STAFF_MFA_REQUIRED = False
    vendor = VendorFactory(approved=True, business_name="Dapur Bu Ratna")
    vendor.partner.users.add(vendor.owner)
    holiday = timezone.localdate() + timedelta(days=12)
    page = phone_page

    page.goto("/accounts/login/?next=/umkm/jadwal/")
    page.fill("input[name=login]", vendor.owner.email)
    page.fill("input[name=password]", PASSWORD)
    page.locator("form:has(input[name=password]) [type=submit]").first.click()
    expect(page.locator("#schedule-form")).to_be_visible()
    expect(page.locator("#no-closed-dates")).to_be_visible()

    page.fill("#id_daily_capacity", "150")
    page.get_by_label("Minggu", exact=True).check()
    page.fill("#id_close_1", holiday.isoformat())  # the phone's date picker fills an ISO date
    page.click("#save-schedule")

    expect(page.locator(".alert-success")).to_contain_text("Kapasitas dan hari tutup tersimpan")
    expect(page.locator("#id_daily_capacity")).to_have_value("150")
    expect(page.get_by_label("Minggu", exact=True)).to_be_checked()
    reopen = page.locator("#closed-dates .form-check")
    expect(reopen).to_have_count(1)
    expect(reopen).to_contain_text(str(holiday.year))
    assert page.evaluate("document.documentElement.scrollWidth") <= 375

    reopen.locator("input").check()
    page.click("#save-schedule")

    expect(page.locator("#no-closed-dates")).to_be_visible()
    vendor.partner.refresh_from_db()
    assert (vendor.partner.daily_capacity, vendor.partner.closed_weekdays) == (150, "6")
    assert not vendor.partner.closed_days.exists()
