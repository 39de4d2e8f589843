"""The Site that allauth's and Oscar's e-mails name is this deployment's, not example.com."""

import pytest
from django.contrib.sites.models import Site
from django.core import mail

from marketplace.common.site import site_sync

pytestmark = pytest.mark.django_db


def test_migrate_names_the_site_after_the_shop_and_site_url():
    site = Site.objects.get_current()

    assert (site.name, site.domain) == ("Gulo Asem", "guloasem.test")  # tests' SITE_URL


def test_a_new_site_url_updates_the_site(settings):
    Site.objects.clear_cache()
    settings.SITE_URL = "https://guloasem.semarangkota.go.id"

    site_sync()

    assert Site.objects.get(pk=settings.SITE_ID).domain == "guloasem.semarangkota.go.id"
    assert Site.objects.count() == 1


def test_account_e_mails_greet_from_gulo_asem(client):
    client.post(
        "/accounts/signup/",
        {
            "email": "bu.tini@contoh.id",
            "password1": "Lumpia-Semarang-2026",
            "password2": "Lumpia-Semarang-2026",
        },
    )

    body = mail.outbox[-1].body
    assert "Gulo Asem" in body
    assert "example.com" not in body
