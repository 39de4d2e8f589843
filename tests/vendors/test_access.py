"""Who reaches an MSME's personal documents and data, and that nothing else does."""

from pathlib import Path

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.files.storage import storages
from django.urls import reverse

from marketplace.accounts import roles
from tests.factories import ProductFactory, UserFactory, VendorFactory
from tests.factories.vendor_documents import CompleteVendorFactory, VendorDocumentFactory
from vendors import services
from vendors.models import DocumentAccess, Vendor, VendorDocument

pytestmark = pytest.mark.django_db

D = VendorDocument.Kind


def document_url(document):
    return reverse("vendors:document-download", args=[document.pk])


def stored_bytes(document) -> bytes:
    with storages["private"].open(document.file_name, "rb") as handle:
        return handle.read()


@pytest.fixture
def document(db):
    return VendorDocumentFactory(vendor=VendorFactory(business_name="Dapur Bu Tini"), kind=D.KTP)


def person(who, vendor):
    """The user `who` names, relative to the vendor (None: anonymous)."""
    return {
        "owner": lambda: vendor.owner,
        "verifier": lambda: UserFactory(roles=[roles.VERIFIER]),
        "admin": lambda: UserFactory(roles=[roles.ADMIN]),
        "other_vendor": lambda: VendorFactory().owner,
        "buyer": lambda: UserFactory(roles=[roles.BUYER]),
        "ppk": lambda: UserFactory(roles=[roles.PPK]),
        "analyst": lambda: UserFactory(roles=[roles.ANALYST]),
        "anonymous": lambda: None,
    }[who]()


# --- The document view ----------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["owner", "verifier", "admin"])
def test_document_opens_for_permitted_people_and_the_access_is_recorded(client, document, who):
    user = person(who, document.vendor)
    client.force_login(user)

    response = client.get(document_url(document))

    assert response.status_code == 200
    assert b"".join(response.streaming_content) == stored_bytes(document)
    assert response["Content-Type"] == "image/jpeg"
    assert "no-store" in response["Cache-Control"]
    assert response["X-Content-Type-Options"] == "nosniff"
    access = DocumentAccess.objects.get()
    assert (access.document, access.user) == (document, user)
    assert access.accessed_at is not None


@pytest.mark.parametrize("who", ["other_vendor", "buyer", "ppk", "analyst", "anonymous"])
def test_document_is_404_for_everyone_else_and_nothing_is_recorded(client, document, who):
    user = person(who, document.vendor)
    if user is not None:
        client.force_login(user)

    response = client.get(document_url(document))

    assert response.status_code == 404
    assert stored_bytes(document)[:64] not in response.content
    assert not DocumentAccess.objects.exists()


def test_a_missing_document_looks_the_same_as_a_forbidden_one(client, document):
    client.force_login(VendorFactory().owner)

    forbidden = client.get(document_url(document))
    missing = client.get(reverse("vendors:document-download", args=[document.pk + 1000]))

    assert forbidden.status_code == missing.status_code == 404


def test_every_opening_is_recorded(client, document):
    verifier = UserFactory(roles=[roles.VERIFIER])
    client.force_login(verifier)

    for _n in range(3):
        b"".join(client.get(document_url(document)).streaming_content)
    client.force_login(document.vendor.owner)
    b"".join(client.get(document_url(document)).streaming_content)

    users = list(DocumentAccess.objects.order_by("accessed_at", "pk").values_list("user", flat=True))
    assert users == [verifier.pk] * 3 + [document.vendor.owner_id]


# A PDF opens in the browser beside the data it proves: tests/vendors/test_document_inline.py


def test_owner_cannot_open_another_msmes_document_by_changing_the_number(client, document):
    mine = VendorDocumentFactory(kind=D.KTP)
    client.force_login(mine.vendor.owner)

    assert client.get(document_url(mine)).status_code == 200
    assert client.get(document_url(document)).status_code == 404
    assert list(DocumentAccess.objects.values_list("document", flat=True)) == [mine.pk]


def test_anonymous_user_is_refused_by_the_service_too(document):
    with pytest.raises(services.NotAllowed):
        services.document_open(document=document, user=AnonymousUser())


# --- Guessing where files are stored --------------------------------------------------------------


def test_guessed_storage_paths_reach_nothing(client, document, settings):
    client.force_login(document.vendor.owner)  # even the owner: only the view serves documents
    name = document.file_name
    basename = Path(name).name

    for path in (
        settings.MEDIA_URL + name,
        f"{settings.MEDIA_URL}../private/{name}",
        f"/media/../private/{name}",
        f"/static/{name}",
        f"/static/../private/{name}",
        f"/private/{name}",
        f"{settings.MEDIA_URL}{basename}",
    ):
        # A traversal ("..") may be refused as a suspicious path (400) before it is looked up (404).
        expected = {400, 404} if ".." in path else {404}
        assert client.get(path).status_code in expected, path
    assert not (Path(settings.MEDIA_ROOT) / name).exists()
    assert not list(Path(settings.MEDIA_ROOT).rglob(basename))
    assert not list(Path(settings.STATIC_ROOT).rglob(basename))


def test_private_storage_lies_outside_every_served_folder(settings):
    private = Path(storages["private"].location).resolve()

    for served in (settings.MEDIA_ROOT, settings.STATIC_ROOT):
        served = Path(served).resolve()
        assert served != private
        assert served not in private.parents


def test_stored_names_reveal_nothing_of_the_owner(document):
    name = document.file_name

    for secret in (document.vendor.nik, document.vendor.business_name, "ktp", document.vendor.owner.email):
        assert secret.lower() not in name.lower()


# --- Another MSME's registration ------------------------------------------------------------------


def test_step_pages_show_only_the_owners_own_registration(client):
    theirs = CompleteVendorFactory(business_name="Wingko Babat Cap Kereta", owner_name="Siti Aminah")
    mine = VendorFactory(business_name="Dapur Bu Tini", nik="3374015203880002")
    client.force_login(mine.owner)

    for step in ("usaha", "pemilik", "izin", "sensus", "dokumen", "kirim"):
        page = client.get(reverse("vendors:register-step", args=[step])).content.decode()
        for secret in (
            "Wingko Babat Cap Kereta",
            "Siti Aminah",
            theirs.nik,
            theirs.nib,
            theirs.street_address,
        ):
            assert secret not in page, step
        for document in theirs.documents.all():
            assert document_url(document) not in page, step
    usaha = client.get(reverse("vendors:register-step", args=["usaha"])).content.decode()
    assert "Dapur Bu Tini" in usaha


def test_saving_a_step_changes_only_the_owners_registration(client):
    theirs = CompleteVendorFactory(business_name="Wingko Babat Cap Kereta")
    mine = VendorFactory(business_name="Dapur Bu Tini")
    client.force_login(mine.owner)

    client.post(
        reverse("vendors:register-step", args=["usaha"]),
        {"business_name": "Dapur Bu Tini Baru", "id": theirs.pk, "pk": theirs.pk, "owner": theirs.owner_id},
    )

    theirs.refresh_from_db()
    mine.refresh_from_db()
    assert theirs.business_name == "Wingko Babat Cap Kereta"
    assert mine.business_name == "Dapur Bu Tini Baru"
    assert mine.owner_id != theirs.owner_id


def test_status_page_shows_only_the_owners_own_registration(client):
    theirs = CompleteVendorFactory(business_name="Wingko Babat Cap Kereta", submitted=True, documents=[])
    mine = VendorFactory(business_name="Dapur Bu Tini")
    client.force_login(mine.owner)

    page = client.get(reverse("vendors:status")).content.decode()

    assert "Dapur Bu Tini" in page
    assert theirs.business_name not in page


@pytest.mark.parametrize("who", ["owner", "other_vendor", "buyer", "ppk", "analyst"])
def test_verification_pages_are_403_for_non_verifiers(client, who):
    vendor = CompleteVendorFactory(submitted=True, business_name="Dapur Bu Tini")
    user = person(who, vendor)
    client.force_login(user)
    review = reverse("vendors:verification-review", args=[vendor.pk])

    assert client.get(reverse("vendors:verification-queue")).status_code == 403
    get = client.get(review)
    post = client.post(review, {"action": "approve"})

    assert get.status_code == post.status_code == 403
    assert b"Dapur Bu Tini" not in get.content
    vendor.refresh_from_db()
    assert vendor.status == Vendor.Status.SUBMITTED
    assert not vendor.decisions.exists()


def test_verification_pages_are_closed_to_anonymous_users(client):
    vendor = CompleteVendorFactory(submitted=True, business_name="Dapur Bu Tini", documents=[])
    review = reverse("vendors:verification-review", args=[vendor.pk])

    for response in (
        client.get(reverse("vendors:verification-queue")),
        client.get(review),
        client.post(review, {"action": "approve"}),
    ):
        assert response.status_code in (302, 403)
        assert b"Dapur Bu Tini" not in response.content
    vendor.refresh_from_db()
    assert vendor.status == Vendor.Status.SUBMITTED


def test_review_of_a_draft_is_404_even_for_a_verifier(client):
    draft = VendorFactory()
    client.force_login(UserFactory(roles=[roles.VERIFIER]))

    assert client.get(reverse("vendors:verification-review", args=[draft.pk])).status_code == 404


# --- The owner's product pages --------------------------------------------------------------------


def approved_vendor():
    vendor = CompleteVendorFactory(documents=[], submitted=True)
    services.vendor_approve(vendor=vendor, verifier=UserFactory(roles=[roles.VERIFIER]))
    vendor.refresh_from_db()
    return vendor


def test_owner_cannot_manage_another_msmes_products(client):
    theirs = approved_vendor()
    product = ProductFactory(partner=theirs.partner, title="Wingko Babat Kelapa Muda")
    mine = approved_vendor()
    client.force_login(mine.owner)

    assert b"Wingko Babat Kelapa Muda" not in client.get(reverse("vendors:shop-products")).content
    for name in ("shop-product-update", "shop-product-delete"):
        assert client.get(reverse(f"vendors:{name}", args=[product.pk])).status_code == 404
    for name in ("shop-product-pause", "shop-product-delete"):
        assert client.post(reverse(f"vendors:{name}", args=[product.pk]), {"paused": "1"}).status_code == 404
    product.refresh_from_db()
    assert product.is_public


@pytest.mark.parametrize("status", [Vendor.Status.DRAFT, Vendor.Status.SUBMITTED, Vendor.Status.REJECTED])
def test_product_pages_are_closed_until_approval(client, status):
    vendor = VendorFactory(status=status)
    client.force_login(vendor.owner)

    response = client.get(reverse("vendors:shop-products"))

    assert response.status_code == 302
    assert response["Location"] == reverse("vendors:status")
