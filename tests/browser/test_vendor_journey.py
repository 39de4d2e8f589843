"""An MSME owner registers on a phone, a Verifikator asks for a change, approves, the owner sells."""

import re
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from django.core import mail
from django.core.files.base import ContentFile
from django.core.files.storage import storages
from playwright.sync_api import expect

from marketplace.accounts import roles
from tests.factories import PASSWORD, KecamatanFactory, KelurahanFactory, UserFactory
from tests.factories.vendor_documents import jpeg_bytes
from vendors.models import Vendor, VendorDecision, VendorDocument

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

OWNER_EMAIL = "bu.ning@lumpia-semarang.example"


@pytest.fixture
def photos(tmp_path):
    """Small JPEGs from a phone's gallery: `photos("ktp")` is the path of one."""

    def photo(name: str, color=(200, 120, 40)) -> str:
        path = tmp_path / f"{name}.jpg"
        path.write_bytes(jpeg_bytes(size=(120, 80), color=color))
        return str(path)

    return photo


def submit_form_of(page, field):
    page.locator(f"form:has({field}) [type=submit]").last.click()


def sign_up_and_confirm(page, live_server):
    page.goto("/accounts/signup/")
    page.fill("input[name=email]", OWNER_EMAIL)
    page.fill("input[name=password1]", PASSWORD)
    page.fill("input[name=password2]", PASSWORD)
    submit_form_of(page, "input[name=password2]")
    expect(page).to_have_url(re.compile(r"/accounts/confirm-email/$"))

    # The newest confirmation mail to this owner (the outbox is shared with the server's thread).
    body = [m.body for m in mail.outbox if m.to == [OWNER_EMAIL] and "/accounts/confirm-email/" in m.body][-1]
    key = re.search(r"https?://\S+/accounts/confirm-email/(\S+)/", body).group(1)
    page.goto(f"/accounts/confirm-email/{key}/")
    expect(page.locator("form[action*='/accounts/confirm-email/']")).to_have_count(1)
    page.locator("form[action*='/accounts/confirm-email/'] [type=submit]").click()
    expect(page).to_have_url(live_server.url + "/")


def log_in(page, user):
    page.goto("/accounts/login/")
    page.fill("input[name=login]", user.email)
    page.fill("input[name=password]", PASSWORD)
    submit_form_of(page, "input[name=password]")
    expect(page.locator("a[href='/accounts/logout/']").first).to_be_attached()


def save_and_continue(page, next_step):
    page.click("#save-next")
    expect(page).to_have_url(re.compile(rf"/umkm/daftar/{next_step}/$"))


def decide(page, business_name, action, problems=None):
    """The Verifikator opens the registration from the queue and saves a decision."""
    page.goto("/verifikasi/")
    page.locator("#queue a", has_text=business_name).click()
    expect(page.locator("#decision-form")).to_be_visible()
    page.check(f"#action-{action}")
    for field, reason in (problems or {}).items():
        page.fill(f"input[name=problem_{field}]", reason)
    page.click("#save-decision")
    expect(page).to_have_url(re.compile(r"/verifikasi/$"))


def test_owner_registers_on_a_phone_fixes_the_ktp_and_reaches_the_product_pages(
    phone_page, page, live_server, settings, photos
):
    settings.STAFF_MFA_REQUIRED = False
    kelurahan = KelurahanFactory(name="Jagalan", parent=KecamatanFactory(name="Semarang Tengah"))
    KelurahanFactory(name="Tembalang", parent=KecamatanFactory(name="Tembalang"))
    verifier = UserFactory(roles=[roles.VERIFIER], email="verifikator@dinkopum.semarangkota.go.id")
    owner_page = phone_page
    assert owner_page.viewport_size == {"width": 375, "height": 812}

    # The owner signs up and confirms the e-mail address.
    sign_up_and_confirm(owner_page, live_server)

    # Registration, step by step, on the phone.
    owner_page.goto("/umkm/daftar/")
    expect(owner_page).to_have_url(re.compile(r"/umkm/daftar/usaha/$"))
    owner_page.fill("#id_business_name", "Lumpia Gang Lombok Bu Ning")
    owner_page.select_option("#id_legal_form", Vendor.LegalForm.INDIVIDUAL)
    owner_page.select_option("#id_sector", Vendor.Sector.FOOD)
    owner_page.fill("#id_description", "Lumpia rebung isi udang, untuk snack rapat.")
    owner_page.fill("#id_street_address", "Jl. Gang Lombok No. 11")
    owner_page.select_option("#id_kecamatan", str(kelurahan.parent_id))
    owner_page.select_option("#id_kelurahan", str(kelurahan.pk))
    owner_page.fill("#id_phone", "0812 3456 7890")
    save_and_continue(owner_page, "pemilik")

    owner_page.fill("#id_owner_name", "Ning Rahayu")
    owner_page.fill("#id_nik", "3374014507900003")  # issued in Kota Semarang: no domicile letter
    save_and_continue(owner_page, "izin")

    owner_page.fill("#id_nib", "9120001234567")
    save_and_continue(owner_page, "sensus")

    owner_page.fill("#id_capital_idr", "25000000")
    owner_page.fill("#id_employees", "3")
    owner_page.fill("#id_annual_sales_idr", "180000000")
    owner_page.fill("#id_bank_name", "Bank Jateng")
    owner_page.fill("#id_bank_account_number", "2012345678")
    owner_page.fill("#id_bank_account_holder", "Ning Rahayu")
    save_and_continue(owner_page, "dokumen")

    expect(owner_page.locator("#id_domicile")).to_have_count(0)
    owner_page.set_input_files("#id_ktp", photos("ktp"))
    owner_page.set_input_files("#id_nib", photos("nib"))
    owner_page.set_input_files("#id_business_place", photos("tempat"))
    owner_page.set_input_files("#id_selfie_ktp", photos("selfie"))
    save_and_continue(owner_page, "kirim")

    expect(owner_page.locator("#missing")).to_have_count(0)
    expect(owner_page.locator("#registration-summary")).to_contain_text("Lumpia Gang Lombok Bu Ning")
    expect(owner_page.locator("#registration-summary")).not_to_contain_text("3374014507900003")
    owner_page.click("#submit-registration")
    expect(owner_page).to_have_url(re.compile(r"/umkm/status/$"))
    expect(owner_page.locator("#vendor-status")).to_have_attribute("data-status", "submitted")
    vendor = Vendor.objects.get(owner__email=OWNER_EMAIL)
    first_ktp = vendor.documents.get(kind=VendorDocument.Kind.KTP)

    # The Verifikator logs in and asks for a new KTP photo.
    log_in(page, verifier)
    page.goto("/verifikasi/")
    expect(page.locator("#queue")).to_contain_text("Lumpia Gang Lombok Bu Ning")
    decide(page, "Lumpia Gang Lombok Bu Ning", "request_changes", {"doc_ktp": "Foto KTP buram, foto ulang"})

    # The owner reads the reason, uploads a new KTP and submits again.
    owner_page.goto("/umkm/status/")
    expect(owner_page.locator("#vendor-status")).to_have_attribute("data-status", "changes_requested")
    expect(owner_page.locator("#changes-requested")).to_contain_text("Foto KTP buram, foto ulang")
    owner_page.click("#edit-registration")  # "Lanjutkan pendaftaran": the step with the KTP
    expect(owner_page).to_have_url(re.compile(r"/umkm/daftar/dokumen/$"))
    expect(owner_page.locator("#changes-requested")).to_contain_text("Foto KTP buram, foto ulang")
    owner_page.set_input_files("#id_ktp", photos("ktp-baru", color=(30, 160, 90)))
    save_and_continue(owner_page, "kirim")
    owner_page.click("#submit-registration")
    expect(owner_page.locator("#vendor-status")).to_have_attribute("data-status", "submitted")
    new_ktp = vendor.documents.get(kind=VendorDocument.Kind.KTP)
    assert new_ktp.pk != first_ktp.pk
    assert not storages["private"].exists(first_ktp.file_name)

    # The Verifikator approves.
    decide(page, "Lumpia Gang Lombok Bu Ning", "approve")

    # The owner is verified and reaches the product pages from the status page.
    owner_page.goto("/umkm/status/")
    expect(owner_page.locator("#vendor-status")).to_have_attribute("data-status", "approved")
    owner_page.click("#product-dashboard")
    expect(owner_page).to_have_url(re.compile(r"/umkm/produk/$"))

    vendor.refresh_from_db()
    assert vendor.status == Vendor.Status.APPROVED
    assert vendor.partner.users.filter(email=OWNER_EMAIL).exists()
    actions = list(vendor.decisions.order_by("created_at", "pk").values_list("action", flat=True))
    A = VendorDecision.Action
    assert actions == [A.SUBMIT, A.REQUEST_CHANGES, A.SUBMIT, A.APPROVE]
    decision_mails = [m for m in mail.outbox if m.to == [OWNER_EMAIL] and "/umkm/status/" in m.body]
    assert len(decision_mails) == 4


def test_the_live_server_serves_no_private_document_by_guessed_path(live_server, settings):
    """The live server serves MEDIA_ROOT and static files, as a careless deployment would."""
    content = jpeg_bytes()
    name = storages["private"].save("vendors/1/ktp-tebakan.jpg", ContentFile(content))
    assert Path(storages["private"].path(name)).exists()

    for path in (
        f"{settings.MEDIA_URL}{name}",
        f"{settings.MEDIA_URL}../private/{name}",
        f"/media/%2e%2e/private/{name}",
        f"/static/{name}",
        f"/static/../private/{name}",
    ):
        with pytest.raises(urllib.error.HTTPError) as refused:
            urllib.request.urlopen(live_server.url + path, timeout=10)
        # 404, or Django's own refusal of a path leaving MEDIA_ROOT (SuspiciousFileOperation).
        assert refused.value.code in (400, 404, 500), path
        assert content not in refused.value.read(), path
