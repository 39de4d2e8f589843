"""A new owner on a phone: the empty step says what it needs, a KTP from outside the city says at
once that a domicile letter is needed and the link opens its upload, "Lanjutkan pendaftaran"
opens the step that still needs something. axe-core finds nothing critical or serious."""

import re

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import axe_check
from tests.factories import PASSWORD, KecamatanFactory, KelurahanFactory, UserFactory
from vendors.models import Vendor

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def log_in(page, user):
    page.goto("/accounts/login/")
    page.fill("input[name=login]", user.email)
    page.fill("input[name=password]", PASSWORD)
    page.locator("form:has(input[name=password]) [type=submit]").first.click()
    expect(page.locator("a[href='/accounts/logout/']").first).to_be_attached()


def test_owner_with_a_ktp_from_outside_the_city_is_told_and_led_to_the_domicile_upload(phone_page):
    kelurahan = KelurahanFactory(name="Jagalan", parent=KecamatanFactory(name="Semarang Tengah"))
    owner = UserFactory(email="bu.wati@wingko.example")
    page = phone_page
    assert page.viewport_size == {"width": 375, "height": 812}
    log_in(page, owner)

    # The first step, empty: it says what it needs.
    page.goto("/umkm/daftar/")
    expect(page).to_have_url(re.compile(r"/umkm/daftar/usaha/$"))
    expect(page.locator("#step-missing")).to_contain_text("Nama usaha")
    axe_check(page)
    page.fill("#id_business_name", "Wingko Babat Bu Wati")
    page.select_option("#id_legal_form", Vendor.LegalForm.INDIVIDUAL)
    page.select_option("#id_sector", Vendor.Sector.FOOD)
    page.fill("#id_street_address", "Jl. Pandanaran No. 8")
    page.select_option("#id_kecamatan", str(kelurahan.parent_id))
    page.select_option("#id_kelurahan", str(kelurahan.pk))
    page.click("button[name=save_draft]")  # a draft, the phone number still missing
    expect(page.locator("#step-missing")).to_contain_text("Telepon")
    expect(page.locator("#step-missing")).not_to_contain_text("Nama usaha")
    page.fill("#id_phone", "0812 3456 7890")
    page.click("#save-next")
    expect(page).to_have_url(re.compile(r"/umkm/daftar/pemilik/$"))

    # The identity step with a KTP from Kabupaten Semarang: the notice at once, on the next page.
    page.fill("#id_owner_name", "Wati Lestari")
    page.fill("#id_nik", "3322014507900003")
    page.click("#save-next")
    expect(page).to_have_url(re.compile(r"/umkm/daftar/izin/$"))
    notice = page.locator("#domicile-notice")
    expect(notice).to_be_visible()
    expect(notice).to_contain_text("surat keterangan domisili")
    axe_check(page)

    # The link opens the documents step at the domicile letter's field.
    page.click("#domicile-upload-link")
    expect(page).to_have_url(re.compile(r"/umkm/daftar/dokumen/#id_domicile$"))
    field = page.locator("#id_domicile")
    expect(field).to_be_visible()
    expect(field).to_be_in_viewport()
    hint = page.locator("#id_domicile ~ small.form-text")
    expect(hint).to_contain_text("JPG, PNG, PDF")
    axe_check(page)

    # "Lanjutkan pendaftaran" from the status page: the first step still needing something.
    page.goto("/umkm/status/")
    page.click("#edit-registration")
    expect(page).to_have_url(re.compile(r"/umkm/daftar/izin/$"))  # the NIB is still missing
    expect(page.locator("#step-missing")).to_contain_text("NIB")
