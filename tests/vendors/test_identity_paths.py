"""Identity rules hold on every path: the registration steps, the services, the Django admin and
an import.

NIK, NIB, NPWP, P-IRT and halal numbers are stored in one normal form whatever was typed
(digits only; a halal number upper case without separators), or refused with the same
Indonesian message; the model's validators refuse a bad one in `full_clean()`; the owner's gender
and birth date are read from the NIK; the rules between the fields (kelurahan in its kecamatan,
Gerai Kopimi, PP 55/2022, PBJT) are the services' and give the same message on every path.
"""

import importlib
from datetime import date

import pytest
from django.apps import apps
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation
from django.utils.html import escape

from tests.factories import KecamatanFactory, KelurahanFactory, UserFactory, VendorFactory
from tests.factories.vendor_documents import jpeg_bytes, pdf_bytes
from vendors import selectors, services, validators
from vendors.models import Vendor, VendorDocument

pytestmark = pytest.mark.django_db

D = VendorDocument.Kind

# (field, registration step, typed, stored)
TYPED = [
    ("nib", "izin", "9129 8765 4321 0", "9129876543210"),
    ("nib", "izin", "9129-8765-4321-0", "9129876543210"),
    ("npwp", "izin", "01.234.567.8-901.000", "012345678901000"),
    ("npwp", "izin", "3374 0155 0890 0001", "3374015508900001"),
    ("pirt_number", "izin", "2-06-3374-01-0123-99", "206337401012399"),
    ("pirt_number", "izin", "206 3374 01 0123 99", "206337401012399"),
    ("halal_number", "izin", "id 3311 0000 1234 5678", "ID3311000012345678"),
    ("halal_number", "izin", "ID.3311.0000.1234-5678", "ID3311000012345678"),
]
# (field, registration step, typed, the Indonesian message refusing it)
WRONG = [
    ("nib", "izin", "9129 8765 4321", "NIB harus tepat 13 digit; yang ini 12 digit."),
    ("npwp", "izin", "01.234.567.8-901", "NPWP harus 15 atau 16 digit; yang ini 12 digit."),
    ("pirt_number", "izin", "206-3374-01-99", "Nomor P-IRT minimal 15 digit; yang ini 11 digit."),
    ("halal_number", "izin", "HL 3311 0000 1234", 'Nomor sertifikat halal diawali "ID" lalu angka.'),
]
WOMAN_NIK, WOMAN_BORN = "3374 0155 0890 0001", date(1990, 8, 15)  # day 55: 15 + 40
MAN_NIK, MAN_BORN = "3374.0102.0385.0002", date(1985, 3, 2)


def step_url(step):
    return reverse("vendors:register-step", kwargs={"step": step})


def admin_url(vendor):
    return reverse("admin:vendors_vendor_change", args=[vendor.pk])


def permits(vendor, **changes) -> dict:
    """The permits step as the owner posts it: what is stored, with `changes` over it."""
    data = {
        "nib": vendor.nib or "",
        "iumk": vendor.iumk,
        "npwp": vendor.npwp,
        "pp55_number": vendor.pp55_number,
        "pirt_number": vendor.pirt_number,
        "halal_number": vendor.halal_number,
        "kopimi_number": vendor.kopimi_number,
        "pbjt_tax_number": vendor.pbjt_tax_number,
        "save_draft": "1",
    }
    return {**data, **changes}


def form_data(step, vendor, field, value) -> dict:
    if step == "pemilik":
        return {"owner_name": vendor.owner_name, "nik": value, "save_draft": "1"}
    return permits(vendor, **{field: value})


def refusal(**data) -> services.InvalidFields:
    """What the service says when the owner writes `data` (in Indonesian)."""
    vendor = data.pop("vendor")
    with translation.override("id"), pytest.raises(services.InvalidFields) as refused:
        services.vendor_update(vendor=vendor, actor=vendor.owner, data=data)
    return refused.value


# --- Every number stored in its normal form, whatever the path ---------------------------------------


@pytest.mark.parametrize(("field", "step", "typed", "stored"), TYPED)
def test_a_number_typed_with_separators_on_the_form_is_stored_compact(login, field, step, typed, stored):
    vendor = VendorFactory()

    response = login(vendor.owner).post(step_url(step), form_data(step, vendor, field, typed))

    assert response.status_code == 302, response.context["form"].errors
    vendor.refresh_from_db()
    assert getattr(vendor, field) == stored


@pytest.mark.parametrize(("field", "step", "typed", "stored"), TYPED)
def test_a_number_typed_with_separators_through_the_service_is_stored_compact(field, step, typed, stored):
    vendor = VendorFactory()

    services.vendor_update(vendor=vendor, actor=vendor.owner, data={field: typed})

    vendor.refresh_from_db()
    assert getattr(vendor, field) == stored


@pytest.mark.parametrize(("field", "step", "typed", "message"), WRONG)
def test_a_wrong_number_gets_the_same_message_on_the_form_and_from_the_service(
    login, field, step, typed, message
):
    vendor = VendorFactory()
    kept = getattr(vendor, field)

    response = login(vendor.owner).post(step_url(step), form_data(step, vendor, field, typed))
    refused = refusal(vendor=vendor, **{field: typed})

    assert response.status_code == 400
    assert response.context["form"].errors[field] == [message]
    assert escape(message) in response.content.decode()
    assert isinstance(refused, services.InvalidIdentity)
    assert refused.errors == {field: message}
    assert refused.message == message
    vendor.refresh_from_db()
    assert getattr(vendor, field) == kept


def test_an_import_cleans_every_number_through_the_service_function():
    typed = {"nik": WOMAN_NIK, **{field: value for field, _step, value, _stored in TYPED[::2]}}

    assert services.identity_clean({**typed, "business_name": "Dapur Bu Tini"}) == {
        "nik": "3374015508900001",
        "business_name": "Dapur Bu Tini",
        **{field: stored for field, _step, _value, stored in TYPED[::2]},
    }
    assert validators.clean_nib("9129 8765 4321 0") == "9129876543210"
    assert validators.clean_nib(" ") is None
    with translation.override("id"), pytest.raises(services.InvalidIdentity) as refused:
        services.identity_clean({"nik": "3374 0155 0890 001", "npwp": "01.234", "nib": "9129876543210"})
    assert refused.value.errors == {
        "nik": "NIK harus 16 angka; Anda mengetik 15.",
        "npwp": "NPWP harus 15 atau 16 digit; yang ini 5 digit.",
    }


# --- The model's validators -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("field", "bad", "good"),
    [
        ("nik", "bad", "3374015508900001"),
        ("nik", "3374015508900000", "3374015508900001"),  # serial 0000
        ("nib", "123", "9129876543210"),
        ("npwp", "12.345", "012345678901000"),
        ("pirt_number", "206337401012301", "206337401012399"),  # expired in 2001
        ("halal_number", "HALAL123456", "ID3311000012345678"),
    ],
)
def test_the_model_refuses_a_bad_number_in_full_clean_and_accepts_the_normal_form(field, bad, good):
    with translation.override("id"), pytest.raises(ValidationError) as refused:
        Vendor(**{field: bad}).full_clean()
    assert field in refused.value.error_dict

    VendorFactory(**{field: good}).full_clean()


def test_a_bad_nik_is_refused_by_full_clean_with_the_validators_message():
    with translation.override("id"), pytest.raises(ValidationError) as refused:
        Vendor(nik="bad").full_clean()

    assert refused.value.message_dict["nik"] == ["NIK hanya boleh berisi angka."]


# --- The owner's gender and birth date, read from the NIK ---------------------------------------


def test_the_service_stores_gender_and_birth_date_from_the_nik_and_follows_its_changes():
    vendor = VendorFactory(nik=None)

    services.vendor_update(vendor=vendor, actor=vendor.owner, data={"nik": WOMAN_NIK})
    vendor.refresh_from_db()
    assert (vendor.nik, vendor.owner_gender, vendor.owner_birth_date) == (
        "3374015508900001",
        Vendor.Gender.FEMALE,
        WOMAN_BORN,
    )
    assert vendor.get_owner_gender_display() == "Perempuan"

    # Typed facts are not taken: they follow the NIK.
    services.vendor_update(
        vendor=vendor,
        actor=vendor.owner,
        data={"nik": MAN_NIK, "owner_gender": "P", "owner_birth_date": None},
    )
    vendor.refresh_from_db()
    assert (vendor.owner_gender, vendor.owner_birth_date) == (Vendor.Gender.MALE, MAN_BORN)

    services.vendor_update(vendor=vendor, actor=vendor.owner, data={"nik": ""})
    vendor.refresh_from_db()
    assert (vendor.nik, vendor.owner_gender, vendor.owner_birth_date) == (None, "", None)


def test_the_owner_step_stores_the_nik_compact_with_gender_and_birth_date(login):
    vendor = VendorFactory(nik=None)

    response = login(vendor.owner).post(
        step_url("pemilik"), {"owner_name": "Sri Wahyuni", "nik": WOMAN_NIK, "save_draft": "1"}
    )

    assert response.status_code == 302
    vendor.refresh_from_db()
    assert (vendor.nik, vendor.owner_gender, vendor.owner_birth_date) == (
        "3374015508900001",
        "P",
        WOMAN_BORN,
    )


def test_the_data_migration_fills_the_facts_of_existing_niks_and_compacts_their_numbers():
    migration = importlib.import_module("vendors.migrations.0006_vendor_owner_facts_from_nik")
    woman = VendorFactory(nik="3374015508900001", npwp="01.234.567.8-901.000", halal_number="id 3311 0000 12")
    man = VendorFactory(nik="3374010203850002", pirt_number="206 3374 01 0123 99")
    unreadable = VendorFactory(nik="3374013113900001")  # 31 November

    migration.forwards(apps, None)

    for vendor in (woman, man, unreadable):
        vendor.refresh_from_db()
    assert (woman.owner_gender, woman.owner_birth_date) == ("P", WOMAN_BORN)
    assert (man.owner_gender, man.owner_birth_date) == ("L", MAN_BORN)
    assert (unreadable.owner_gender, unreadable.owner_birth_date) == ("", None)
    assert (woman.npwp, woman.halal_number, man.pirt_number) == (
        "012345678901000",
        "ID3311000012",
        "206337401012399",
    )


# --- The rules between the fields, in the services ------------------------------------------------


def test_the_service_refuses_a_kelurahan_outside_the_kecamatan():
    vendor = VendorFactory()
    kecamatan, elsewhere = KecamatanFactory(), KelurahanFactory()

    refused = refusal(vendor=vendor, kecamatan=kecamatan, kelurahan=elsewhere)

    assert isinstance(refused, services.InvalidProfile)
    assert refused.errors == {"kelurahan": "Kelurahan ini tidak berada di kecamatan yang dipilih."}
    vendor.refresh_from_db()
    assert (vendor.kecamatan, vendor.kelurahan) == (None, None)


def test_the_service_takes_the_kecamatan_of_a_kelurahan_given_alone():
    vendor = VendorFactory()
    kelurahan = KelurahanFactory()

    services.vendor_update(
        vendor=vendor, actor=vendor.owner, data={"kecamatan": None, "kelurahan": kelurahan}
    )

    vendor.refresh_from_db()
    assert (vendor.kecamatan, vendor.kelurahan) == (kelurahan.parent, kelurahan)


RULES = [
    (
        {"kopimi_registered": True, "kopimi_number": ""},
        "kopimi_number",
        "Isi nomor pendaftaran Gerai Kopimi.",
    ),
    (
        {"pp55_number": "KET-00012/PP55/WPJ.10/2026", "pp55_valid_until": None},
        "pp55_valid_until",
        "Isi tanggal berlaku sertifikat PP 55/2022.",
    ),
    (
        {
            "pp55_number": "KET-00012/PP55/WPJ.10/2026",
            "pp55_valid_from": date(2027, 1, 1),
            "pp55_valid_until": date(2026, 12, 31),
        },
        "pp55_valid_from",
        "Tanggal mulai berlaku Surat Keterangan PP 55/2022 tidak boleh sesudah tanggal akhir berlakunya.",
    ),
    (
        {"pbjt_collector": True, "pbjt_tax_number": "  "},
        "pbjt_tax_number",
        "Isi nomor pokok wajib pajak daerah (NPWPD) yang Anda gunakan untuk memungut PBJT.",
    ),
]


def _posted(values: dict) -> dict:
    """Values as a form posts them: dates ISO, a ticked box "on", an unticked one left out."""
    out = {}
    for name, value in values.items():
        if value is True:
            out[name] = "on"
        elif value not in (False, None):
            out[name] = value.isoformat() if isinstance(value, date) else value
    return out


@pytest.mark.parametrize(("data", "field", "message"), RULES)
def test_a_rule_between_fields_is_the_services_and_names_the_field_on_every_path(login, data, field, message):
    vendor = VendorFactory()

    refused = refusal(vendor=vendor, **data)
    response = login(vendor.owner).post(step_url("izin"), permits(vendor, **_posted(data)))

    assert isinstance(refused, services.InvalidProfile)
    assert refused.errors == {field: message}
    assert response.status_code == 400
    assert response.context["form"].errors[field] == [message]
    assert (
        Vendor.objects.get(pk=vendor.pk).pp55_number == ""
        and not Vendor.objects.get(pk=vendor.pk).pbjt_collector
    )
    # A problem stored before the rule (written directly) does not block another step's save.
    Vendor.objects.filter(pk=vendor.pk).update(**data)
    services.vendor_update(vendor=vendor, actor=vendor.owner, data={"business_name": "Dapur Bu Tini"})
    assert Vendor.objects.get(pk=vendor.pk).business_name == "Dapur Bu Tini"


# --- The tax facts on the permits step ----------------------------------------------------------


def test_the_permits_step_saves_the_tax_facts(login):
    vendor = VendorFactory()
    client = login(vendor.owner)

    page = client.get(step_url("izin")).content.decode()
    response = client.post(
        step_url("izin"),
        permits(
            vendor,
            pp55_number="KET-00012/PP55/WPJ.10/KP.0203/2026",
            pp55_valid_from="2026-01-01",
            pp55_valid_until="2026-12-31",
            pbjt_collector="on",
            pbjt_tax_number="P.2.0000012.33.74",
        ),
    )

    assert "Terdaftar sebagai pemungut PBJT" in page
    for name in ("pp55_valid_from", "pbjt_collector", "pbjt_tax_number"):
        assert f'name="{name}"' in page
    assert response.status_code == 302
    vendor.refresh_from_db()
    assert vendor.pp55_number == "KET-00012/PP55/WPJ.10/KP.0203/2026"
    assert (vendor.pp55_valid_from, vendor.pp55_valid_until) == (date(2026, 1, 1), date(2026, 12, 31))
    assert vendor.pbjt_collector is True
    assert vendor.pbjt_tax_number == "P.2.0000012.33.74"


def test_the_pp55_certificate_is_an_optional_upload_once_its_number_is_given(login):
    without = VendorFactory()
    vendor = VendorFactory(pp55_number="KET-00012/PP55/WPJ.10/2026", pp55_valid_until=date(2026, 12, 31))
    client = login(vendor.owner)

    form = client.get(step_url("dokumen")).context["form"]
    response = client.post(
        step_url("dokumen"),
        {
            D.PP55: SimpleUploadedFile("sk-pp55.pdf", pdf_bytes(), content_type="application/pdf"),
            D.KTP: SimpleUploadedFile("ktp.jpg", jpeg_bytes(), content_type="image/jpeg"),
            "save_draft": "1",
        },
    )

    assert D.PP55 in form.fields and str(form.fields[D.PP55].help_text).startswith("Tidak wajib.")
    assert D.PP55 not in login(without.owner).get(step_url("dokumen")).context["form"].fields
    assert D.PP55 not in selectors.required_documents(vendor)
    assert str(D.PP55.label) not in selectors.registration_missing(vendor)
    assert response.status_code == 302
    assert vendor.documents.get(kind=D.PP55).content_type == "application/pdf"


# --- The Django admin ---------------------------------------------------------------------------------


@pytest.fixture
def admin_client(client):
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    return client


def admin_post_data(client, vendor, **changes) -> dict:
    """The admin's change form of the MSME as it is, posted with `changes`."""
    response = client.get(admin_url(vendor))
    assert response.status_code == 200
    form = response.context["adminform"].form
    data = {}
    for name in form.fields:
        value = form[name].value()
        if value is True:
            data[name] = "on"
        elif value not in (None, False):
            data[name] = value.isoformat() if isinstance(value, date) else value
    for inline in response.context["inline_admin_formsets"]:
        management = inline.formset.management_form
        for name in management.fields:
            data[management.add_prefix(name)] = management[name].value()
    return {**data, **changes, "_save": "Simpan"}


def test_nik_nib_and_legal_form_are_read_only_in_the_admin(admin_client):
    vendor = VendorFactory(nik="3374015508900001")
    kept = (vendor.nik, vendor.nib, vendor.legal_form)

    page = admin_client.get(admin_url(vendor)).content.decode()
    response = admin_client.post(
        admin_url(vendor),
        admin_post_data(
            admin_client, vendor, nik="3374010203850002", nib="9129876543210", legal_form=Vendor.LegalForm.CV
        ),
    )

    for name in ("nik", "nib", "legal_form", "owner_gender", "owner_birth_date"):
        assert f'name="{name}"' not in page
    assert response.status_code == 302
    vendor.refresh_from_db()
    assert (vendor.nik, vendor.nib, vendor.legal_form) == kept


@pytest.mark.parametrize(("field", "step", "typed", "stored"), [t for t in TYPED if t[0] != "nib"])
def test_a_number_typed_with_separators_in_the_admin_is_stored_compact(
    admin_client, field, step, typed, stored
):
    vendor = VendorFactory()

    response = admin_client.post(admin_url(vendor), admin_post_data(admin_client, vendor, **{field: typed}))

    assert response.status_code == 302, response.context["adminform"].form.errors
    vendor.refresh_from_db()
    assert getattr(vendor, field) == stored


@pytest.mark.parametrize(("field", "step", "typed", "message"), [w for w in WRONG if w[0] != "nib"])
def test_a_wrong_number_in_the_admin_gets_the_same_message(admin_client, field, step, typed, message):
    vendor = VendorFactory()
    kept = getattr(vendor, field)

    response = admin_client.post(admin_url(vendor), admin_post_data(admin_client, vendor, **{field: typed}))

    assert response.status_code == 200
    assert response.context["adminform"].form.errors[field] == [message]
    vendor.refresh_from_db()
    assert getattr(vendor, field) == kept


def test_the_admin_refuses_what_the_services_refuse_between_fields(admin_client):
    vendor = VendorFactory()
    kecamatan, elsewhere = KecamatanFactory(), KelurahanFactory()

    response = admin_client.post(
        admin_url(vendor),
        admin_post_data(
            admin_client,
            vendor,
            kecamatan=kecamatan.pk,
            kelurahan=elsewhere.pk,
            pbjt_collector="on",
            pbjt_tax_number="",
        ),
    )

    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert errors["kelurahan"] == ["Kelurahan ini tidak berada di kecamatan yang dipilih."]
    assert errors["pbjt_tax_number"] == [
        "Isi nomor pokok wajib pajak daerah (NPWPD) yang Anda gunakan untuk memungut PBJT."
    ]
    vendor.refresh_from_db()
    assert (vendor.kelurahan, vendor.pbjt_collector) == (None, False)
