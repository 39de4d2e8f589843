"""Pages with personal data are sent `Cache-Control: private, no-store`: no shared cache keeps them."""

import pytest
from django.urls import reverse

from marketplace.accounts import roles
from procurement.ordering import services
from tests.factories import UserFactory
from tests.factories.vendor_documents import CompleteVendorFactory
from tests.procurement.ordering.world import build_world, place
from vendors.forms import STEP_SLUGS

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _no_two_factor_detour(settings):
    settings.STAFF_MFA_REQUIRED = False


def assert_private(response):
    assert response.status_code == 200, response.status_code
    directives = {part.strip() for part in response.headers.get("Cache-Control", "").split(",")}
    assert {"private", "no-store"} <= directives, response.headers.get("Cache-Control")


def walk(client, user, urls):
    client.force_login(user)
    for url in urls:
        response = client.get(url)
        if response.streaming:
            b"".join(response.streaming_content)
        assert_private(response)


def test_verifier_review_queue_and_documents_are_private(client):
    vendor = CompleteVendorFactory(submitted=True)
    document = vendor.documents.first()
    walk(
        client,
        UserFactory(roles=[roles.VERIFIER]),
        [
            reverse("vendors:verification-queue"),
            reverse("vendors:verification-review", args=[vendor.pk]),
            reverse("vendors:document-download", args=[document.pk]),
        ],
    )


def test_registration_steps_status_and_own_documents_are_private(client):
    vendor = CompleteVendorFactory()
    document = vendor.documents.first()
    walk(
        client,
        vendor.owner,
        [reverse("vendors:register-step", args=[step]) for step in STEP_SLUGS]
        + [reverse("vendors:status"), reverse("vendors:document-download", args=[document.pk])],
    )


def test_order_budget_and_shop_pages_are_private(client):
    w = build_world()
    uo = place(w)
    walk(
        client,
        w.officer,
        [
            reverse("ordering:order-list"),
            reverse("ordering:order-detail", args=[uo.pk]),
            reverse("ordering:order-letter-pdf", args=[uo.pk]),
            reverse("budgets:line-detail", args=[w.line.pk]),
            reverse("customer:profile-view"),
        ],
    )
    services.order_move(unit_order=uo, action="confirm", actor=w.vendor_user)
    walk(
        client,
        w.vendor_user,
        [
            reverse("ordering:vendor-orders"),
            reverse("vendors:shop-products"),
            reverse("vendors:shop-schedule"),
            reverse("ordering:order-detail", args=[uo.pk]),
        ],
    )
    walk(client, UserFactory(roles=[roles.ADMIN]), [reverse("budgets:line-list")])


def test_public_pages_seen_anonymously_are_not_marked_private(client):
    response = client.get(reverse("catalogue:index"))

    assert response.status_code == 200
    assert "private" not in response.headers.get("Cache-Control", "")
