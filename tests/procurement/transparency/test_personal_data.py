"""No personal data in any public output: pages, CSV files, OCDS packages, public API answers.

The MSMEs of the town have a known NIK, phone and owner's e-mail; one typed its NIK into its
business name. None of them, and no NIK-shaped (16-digit) number, may appear anywhere public."""

import json
import re

import pytest
from django.urls import reverse

from procurement.transparency import selectors
from tests.procurement.transparency.world import NIK, NIK_IN_NAME, OWNER_EMAIL, OWNER_EMAIL_2, PHONE, PHONE_2

pytestmark = pytest.mark.django_db

SIXTEEN_DIGITS = re.compile(r"(?<!\d)\d{16}(?!\d)")
PHONE_SHAPED = re.compile(r"(?:\+62|\b0)8\d{1,3}[\s-]?\d{3,4}[\s-]?\d{3,5}")


def public_urls(city) -> list[str]:
    year = selectors.current_year()
    month = selectors.timezone.localdate().month
    code = city.b.unit.code
    return [
        reverse("transparency:index"),
        reverse("transparency:index") + f"?tahun={year}&bulan={month}",
        reverse("transparency:rapor"),
        reverse("transparency:unit", args=[code]),
        reverse("transparency:unit", args=[city.a.unit.code]),
        reverse("transparency:open-data"),
        reverse("transparency:csv-orders", args=[year]),
        reverse("transparency:csv-aggregates", args=[year]),
        reverse("transparency:csv-summary"),
        reverse("transparency:ocds-year", args=[year]),
        reverse("transparency:ocds-month", args=[year, month]),
        reverse("transparency:ocds-records", args=[year]),
        reverse("api:spending-years"),
        *[reverse("api:spending", args=[year, d]) for d in ("month", "unit", "sector", "kecamatan", "size")],
        reverse("api:rapor", args=[year]),
        reverse("api:unit-paid-orders", args=[code]),
        reverse("api:ocds-releases", args=[year]),
        reverse("api:catalogue"),
        reverse("api:schema"),
    ]


def text_of(response) -> str:
    content = b"".join(response.streaming_content) if response.streaming else response.content
    return content.decode("utf-8")


def test_no_public_output_shows_personal_data(client, city):
    secrets = [NIK, NIK_IN_NAME, PHONE, PHONE_2, OWNER_EMAIL, OWNER_EMAIL_2, city.a.vendor.owner_name]
    for url in public_urls(city):
        response = client.get(url)
        assert response.status_code == 200, url
        text = text_of(response)
        assert [s for s in secrets if s and s in text] == [], url
        assert SIXTEEN_DIGITS.findall(text) == [], url
        assert PHONE_SHAPED.findall(text) == [], url


def test_the_msme_with_its_nik_in_its_name_is_shown_masked(client, city):
    response = client.get(reverse("api:unit-paid-orders", args=[city.b.unit.code]))
    (order,) = response.json()["results"]

    assert order["vendor_name"] == "Katering Bu Ani [disamarkan]"
    assert order["vendor_id"] == f"umkm-{city.b.partner.pk}"
    csv_text = text_of(client.get(reverse("transparency:csv-orders", args=[selectors.current_year()])))
    assert "Katering Bu Ani [disamarkan]" in csv_text
    package = json.loads(
        text_of(client.get(reverse("transparency:ocds-year", args=[selectors.current_year()])))
    )
    names = {p["name"] for r in package["releases"] for p in r["parties"]}
    assert "Katering Bu Ani [disamarkan]" in names
