"""The 403, 404 and 500 pages are Indonesian and look like the site, also in the demo, which
`make run` starts with DEBUG off so that a visitor sees them (not Django's debug page listing
every URL pattern), while static files and uploads are still served."""

import re
import subprocess
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.core.exceptions import PermissionDenied
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.test import Client, RequestFactory
from django.urls import path, reverse

from config.urls import handler400, handler403, handler500
from config.urls import urlpatterns as site_urls
from marketplace.accounts import roles
from marketplace.common import errors
from tests.factories import UserFactory
from tests.factories.vendor_documents import jpeg_bytes

pytestmark = pytest.mark.django_db

BASE_DIR = Path(django_settings.BASE_DIR)


def boom(request):
    raise RuntimeError("a bug in a view")


def refuse(request):
    raise PermissionDenied("internal reason, never shown")


# This module is also a URL conf (pytest.mark.urls): the site's, plus two views that fail.
urlpatterns = [path("uji/rusak/", boom), path("uji/ditolak/", refuse), *site_urls]
__all__ = ["handler400", "handler403", "handler500", "urlpatterns"]


def text(response) -> str:
    return response.content.decode()


@pytest.fixture
def demo(settings):
    """Settings as `make run` leaves them: DEBUG off, the demo's environment."""
    settings.DEBUG = False
    return settings


def make_run_env(tmp_path, **environment) -> tuple[str, str]:
    """SITE_URL and DEBUG as `make run PORT=8123` hands them to the server (a stand-in for it
    prints them), in a folder with no .env unless the test writes one."""
    printer = (
        f"{BASE_DIR / '.venv/bin/python'} -c "
        "\"import os; print(os.environ.get('SITE_URL', '-'), os.environ.get('DEBUG', '-'))\""
    )
    env = {"PATH": "/usr/bin:/bin", "HOME": str(tmp_path), **environment}
    result = subprocess.run(
        ["make", "-s", "-f", str(BASE_DIR / "Makefile"), "-o", "setup", "run", "PORT=8123", f"PY={printer}"],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    site_url, debug = result.stdout.split()
    return site_url, debug


# --- make run ------------------------------------------------------------------------------------


def test_make_run_serves_the_demo_with_debug_off_and_links_to_its_own_port(tmp_path):
    assert make_run_env(tmp_path) == ("http://127.0.0.1:8123", "false")


def test_make_run_keeps_what_the_environment_or_env_file_says(tmp_path):
    assert make_run_env(tmp_path, SITE_URL="https://demo.example", DEBUG="true") == (
        "https://demo.example",
        "true",
    )
    (tmp_path / ".env").write_text("SITE_URL=https://dari-env.example\nDEBUG=true\n")
    assert make_run_env(tmp_path) == ("-", "-")  # left to settings, which read .env


def test_make_dry_run_prints_the_site_url_of_the_port():
    printed = subprocess.run(
        ["make", "-n", "run", "PORT=8123"], cwd=BASE_DIR, capture_output=True, text=True, check=True
    ).stdout
    assert "SITE_URL=${SITE_URL:-http://127.0.0.1:8123}" in printed
    assert "DEBUG=${DEBUG:-false}" in printed
    assert "runserver 127.0.0.1:8123" in printed


# --- 404 -----------------------------------------------------------------------------------------


def test_the_demo_shows_the_real_404_page_not_the_url_list(client, demo):
    response = client.get("/tidak-ada-halaman-ini/")

    assert response.status_code == 404
    assert [t.name for t in response.templates][0] == "404.html"
    assert "Halaman tidak ditemukan" in text(response)
    assert 'id="site-header"' in text(response)  # the site's layout
    assert "URLconf" not in text(response) and "urlpatterns" not in text(response)


def test_the_demo_still_serves_static_files_and_uploads(demo):
    name = default_storage.save("products/uji-foto.jpg", ContentFile(jpeg_bytes()))
    client = Client()  # a new client: its middleware (WhiteNoise) is made with these settings

    css = client.get("/static/gulo/site.css")
    photo = client.get(django_settings.MEDIA_URL + name)

    assert css.status_code == 200 and b"".join(css.streaming_content)
    assert photo.status_code == 200 and b"".join(photo.streaming_content) == default_storage.open(name).read()
    assert client.get("/static/tidak-ada.css").status_code == 404


def test_private_documents_are_not_reachable_through_the_media_url(demo):
    assert Client().get(django_settings.MEDIA_URL + "../private/x.jpg").status_code in (400, 404)


# --- 403 -----------------------------------------------------------------------------------------


def test_a_page_for_another_role_is_an_indonesian_403_in_the_layout(client):
    client.force_login(UserFactory(roles=[roles.BUYER]))

    response = client.get(reverse("vendors:verification-queue"))

    assert response.status_code == 403
    assert "Tidak terbuka untuk Anda" in text(response)
    assert "Halaman ini untuk peran lain" in text(response)
    assert 'id="site-header"' in text(response)


@pytest.mark.urls(__name__)
def test_a_permission_denied_anywhere_shows_the_page_not_its_internal_reason(client):
    client.force_login(UserFactory())

    response = client.get("/uji/ditolak/")

    assert response.status_code == 403
    assert "Tidak terbuka untuk Anda" in text(response)
    assert "internal reason" not in text(response)


def test_oscars_dashboard_refuses_in_indonesian_too(client):
    client.force_login(UserFactory(roles=[roles.BUYER]))

    response = client.get(reverse("dashboard:index"))

    assert response.status_code == 403
    assert "Tidak terbuka untuk Anda" in text(response)


def test_a_form_without_its_csrf_token_is_refused_in_indonesian():
    client = Client(enforce_csrf_checks=True)
    client.force_login(UserFactory(roles=[roles.BUYER]))

    response = client.post(reverse("basket:summary"), {"form-TOTAL_FORMS": "0"})

    assert response.status_code == 403
    assert "Formulir sudah kedaluwarsa" in text(response)
    assert "Tidak ada yang disimpan" in text(response)
    assert "CSRF verification failed" not in text(response) and "Forbidden" not in text(response)


def test_a_403_the_layout_cannot_draw_is_still_plain_indonesian(monkeypatch, rf):
    def broken(*args, **kwargs):
        raise RuntimeError("the layout failed")

    monkeypatch.setattr(errors, "render", broken)

    response = errors.permission_denied(rf.get("/verifikasi/"), PermissionDenied())

    assert response.status_code == 403
    assert "Halaman ini untuk peran lain" in text(response)


# --- 500 -----------------------------------------------------------------------------------------


@pytest.mark.urls(__name__)
def test_a_server_error_is_an_indonesian_page_that_looks_like_the_site(demo):
    client = Client(raise_request_exception=False)

    response = client.get("/uji/rusak/")

    assert response.status_code == 500
    page = text(response)
    assert "Terjadi kesalahan" in page and "Admin platform" in page
    assert '<html lang="id">' in page
    assert "/static/gulo/site.css" in page and 'id="site-header"' in page
    # Under the Content-Security-Policy: no script, no inline style, nothing the page's nonce needs.
    assert "<script" not in page and "style=" not in page
    assert "a bug in a view" not in page and "Traceback" not in page


def test_the_500_page_needs_no_database_and_no_request_context(django_assert_num_queries):
    request = RequestFactory().get("/")

    with django_assert_num_queries(0):
        response = errors.server_error(request)

    assert response.status_code == 500
    assert "Terjadi kesalahan" in text(response)
    template = (BASE_DIR / "templates" / "500.html").read_text()
    assert not re.search(r"{%\s*(extends|include|url)\b", template)  # stands alone
    assert "request" not in re.sub(r"{% comment %}.*?{% endcomment %}", "", template, flags=re.S)


def test_a_500_page_that_cannot_render_is_still_plain_indonesian(monkeypatch):
    def broken(name):
        raise RuntimeError("templates are gone")

    monkeypatch.setattr(errors.loader, "get_template", broken)

    response = errors.server_error(RequestFactory().get("/"))

    assert response.status_code == 500
    assert text(response) == "Terjadi kesalahan di sistem kami. Coba lagi beberapa menit lagi."
