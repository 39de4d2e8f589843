"""Error answers in Indonesian and in the site's layout: a NUL byte anywhere in a request is a
400 that runs nothing; the 400 and 404 pages say what happened."""

import pytest
from django.urls import reverse

from marketplace.accounts import roles
from procurement.budgets.models import BudgetLine
from tests.factories import UserFactory
from tests.procurement.ordering.world import build_world

pytestmark = pytest.mark.django_db

NUL_MESSAGE = (
    "Data yang dikirim berisi karakter yang tidak diizinkan (NUL). Hapus karakter itu lalu coba lagi."
)


def html(response) -> str:
    return response.content.decode()


@pytest.mark.parametrize(
    "params",
    [
        {"q": "nasi\x00"},
        {"q": "\x00"},
        {"page": "1\x00"},
        {"kind\x00": "kudapan"},
        {"available_on": "2026\x00"},
    ],
)
def test_a_nul_in_the_query_string_is_a_400_with_a_message(client, params):
    response = client.get("/catalogue/", params)

    assert response.status_code == 400
    assert NUL_MESSAGE in html(response)
    assert 'id="error-message"' in html(response)  # the site's layout, not Django's bare page


def test_a_nul_in_the_path_is_a_400(client):
    response = client.get("/umkm/u/umkm%00x/")

    assert response.status_code == 400
    assert NUL_MESSAGE in html(response)


@pytest.mark.parametrize("value", ["7500000\x00", "\x00"])
def test_a_nul_in_posted_data_is_a_400_and_changes_nothing(client, settings, value):
    settings.STAFF_MFA_REQUIRED = False
    w = build_world()
    client.force_login(UserFactory(roles=[roles.ADMIN]))

    response = client.post(reverse("budgets:line-pagu", args=[w.line.pk]), {"pagu_idr": value})

    assert response.status_code == 400
    assert NUL_MESSAGE in html(response)
    assert BudgetLine.objects.get(pk=w.line.pk).pagu_idr == 5_000_000


def test_a_nul_in_a_posted_field_name_is_a_400_too(client):
    response = client.post("/basket/", {"form-TOTAL_FORMS\x00": "1"})

    assert response.status_code == 400
    assert NUL_MESSAGE in html(response)


def test_requests_without_nul_pass(client):
    assert client.get("/catalogue/", {"q": "nasi kotak"}).status_code == 200


def test_unknown_address_is_an_indonesian_page_not_found_in_the_layout(client):
    response = client.get("/tidak-ada-halaman-ini/")

    assert response.status_code == 404
    assert "Halaman tidak ditemukan" in html(response)
    assert reverse("home-page") in html(response)


def test_a_400_for_a_host_not_allowed_is_indonesian_not_a_500(client):
    # Not an allowed host: Django refuses it before the session is read; the page still answers
    # 400 in Indonesian (in the layout when it can be drawn).
    response = client.get("/", HTTP_HOST="tamu.example")

    assert response.status_code == 400
    assert "Permintaan tidak dapat diproses." in html(response)


def test_a_400_the_layout_cannot_draw_is_still_plain_indonesian(rf, monkeypatch):
    from marketplace.common import errors

    def broken_render(*args, **kwargs):
        raise RuntimeError("the layout failed")

    monkeypatch.setattr(errors, "render", broken_render)
    response = errors.bad_request(rf.get("/"))

    assert response.status_code == 400
    assert response["Content-Type"].startswith("text/plain")
    assert html(response) == "Permintaan tidak dapat diproses. Kembali, periksa isian Anda, lalu coba lagi."


def test_url_conf_names_the_400_handler():
    from config import urls

    assert urls.handler400 == "marketplace.common.errors.bad_request"


@pytest.mark.django_db
def test_a_page_for_another_role_answers_403_in_indonesian_in_the_sites_layout(client):
    client.force_login(UserFactory())  # no role: the verification queue is not theirs

    response = client.get("/verifikasi/")

    assert response.status_code == 403
    html = response.content.decode()
    assert "Tidak terbuka untuk Anda" in html and 'id="error-home"' in html
    assert "Forbidden" not in html
