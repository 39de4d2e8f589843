"""Every e-mail and in-site notification is Indonesian, whatever language is active when it is
sent: an order's whole life, the settlement of its invoice, the verification of an MSME and the
account e-mails (allauth), sent outside any request with English active (as a management
command or a worker would) or from a request of a person who chose English in the switcher.

The recipient's language is not stored, so messages go in the site's language (LANGUAGE_CODE)."""

import re

import pytest
from django.core import mail
from django.utils import translation
from oscar.core.loading import get_model

from marketplace.accounts import roles
from procurement.ordering import lifecycle, notifications, services
from procurement.settlement import notifications as settlement_notifications
from procurement.settlement import services as settlement_services
from procurement.settlement.models import Payment
from tests.factories import UserFactory
from tests.factories.vendor_documents import CompleteVendorFactory
from tests.procurement.ordering.world import build_world, order_in, place, place_big
from tests.procurement.settlement.world import received, record_transfer
from vendors import services as vendor_services

pytestmark = pytest.mark.django_db

Notification = get_model("communication", "Notification")

# Words that give an English message away (checked as whole words, links and addresses removed).
ENGLISH = {
    "the", "order", "orders", "confirmed", "declined", "cancelled", "delivered", "received",
    "expired", "approved", "rejected", "paid", "refunded", "invoice", "recorded",
    "your", "you", "has", "been", "was", "by", "please", "click", "hello", "thank", "thanks",
    "registration", "reason", "event", "open", "account", "password", "if", "this",
    "from", "and", "of", "to", "is", "are", "for", "with", "confirm", "receipt", "msme", "see",
}  # fmt: skip
# At least one of these in every message: it is Indonesian, not merely without English.
INDONESIAN = {
    "pesanan", "anda", "dan", "untuk", "yang", "tagihan", "pendaftaran", "kata", "sandi",
    "konfirmasi", "dibuat", "dikonfirmasi", "ditolak", "dibatalkan", "dibayar", "diterima",
    "akun", "tidak", "mohon", "sudah", "telah", "dari", "ini", "halo", "terima", "kasih",
}  # fmt: skip
LINK = re.compile(r"https?://\S+|\S+@\S+")


def english_words(text: str) -> set[str]:
    words = re.findall(r"[a-z]+", LINK.sub(" ", re.sub(r"<[^>]+>", " ", text)).lower())
    return ENGLISH & set(words)


def assert_indonesian(text: str, what: str) -> None:
    words = set(re.findall(r"[a-z]+", LINK.sub(" ", text).lower()))
    assert not english_words(text), f"English in {what}: {sorted(english_words(text))}\n{text}"
    assert words & INDONESIAN, f"No Indonesian in {what}:\n{text}"


def assert_all_indonesian(expected_mails: int = 1) -> None:
    """Every e-mail sent and every in-site notification made so far is Indonesian."""
    assert len(mail.outbox) >= expected_mails
    for message in mail.outbox:
        assert_indonesian(message.subject, f"the subject of the e-mail to {message.to}")
        assert_indonesian(message.body, f"the body of the e-mail {message.subject!r}")
    for note in Notification.objects.all():
        assert_indonesian(note.subject, "a notification's subject")
        assert_indonesian(note.body, f"the body of the notification {note.subject!r}")


@pytest.fixture(autouse=True)
def deliverable_now(settings):
    """Orders may be marked delivered at once (the world's meetings are days ahead)."""
    settings.ORDER_DELIVERED_SLACK_HOURS = 24 * 30


@pytest.fixture
def english():
    """English active and no request, as in a management command run from an English shell."""
    with translation.override("en"):
        yield


def test_the_check_catches_an_english_message():
    with pytest.raises(AssertionError):
        assert_indonesian("Order 100016 confirmed by the MSME", "an English subject")
    assert_indonesian("Pesanan 100016 dikonfirmasi UMKM", "an Indonesian subject")


def test_an_orders_whole_life_is_told_in_indonesian(english, django_capture_on_commit_callbacks):
    w = build_world()
    with django_capture_on_commit_callbacks(execute=True):
        big = place_big(w)
        services.order_move(unit_order=big, action="approve", actor=w.ppk)
        rejected = place_big(w)
        services.order_move(
            unit_order=rejected, action="reject_approval", actor=w.ppk, reason="Anggaran ditunda"
        )
        declined = place(w)
        services.order_move(unit_order=declined, action="decline", actor=w.vendor_user, reason="Dapur tutup")
        cancelled = place(w)
        services.order_move(unit_order=cancelled, action="cancel", actor=w.officer)
        expired = place(w)
        services.order_move(unit_order=expired, action="expire", actor=None)
        order_in(w, "received")  # placed, confirmed, delivered, BAST signed
    assert translation.get_language() == "en"  # nothing switched the caller's language

    assert_all_indonesian(expected_mails=10)
    subjects = {m.subject for m in mail.outbox}
    assert f"Pesanan {big.order.number} disetujui PPK" in subjects
    assert f"Pesanan {expired.order.number} kedaluwarsa: UMKM tidak menjawab tepat waktu" in subjects


@pytest.mark.parametrize("move", lifecycle.MOVES, ids=lambda m: f"{m.action}-{m.target}")
def test_every_move_of_the_lifecycle_table_is_told_in_indonesian(english, move):
    w = build_world()
    uo = place(w)
    mail.outbox.clear()
    Notification.objects.all().delete()

    notifications.order_notify(unit_order=uo, move=move, reason="Alasan uji")

    assert_all_indonesian()


def test_an_invoices_settlement_is_told_in_indonesian(english, django_capture_on_commit_callbacks):
    pw = received()
    mail.outbox.clear()
    Notification.objects.all().delete()

    with django_capture_on_commit_callbacks(execute=True):
        disputed = record_transfer(pw)
        settlement_services.transfer_dispute(
            payment=disputed, vendor_user=pw.w.vendor_user, reason="Dana belum masuk rekening"
        )
        settlement_services.transfer_void(payment=disputed, treasurer=pw.treasurer, reason="Salah ketik")
        confirmed = record_transfer(pw)
        settlement_services.transfer_confirm(payment=confirmed, vendor_user=pw.w.vendor_user)
    # A card refund needs Stripe: its message is made by the same function, asked directly.
    settlement_notifications.settlement_notify(payment=Payment.objects.get(pk=confirmed.pk), event="refunded")

    assert_all_indonesian(expected_mails=4)
    assert {"transfer_recorded", "transfer_disputed", "paid", "refunded"} == set(
        settlement_notifications.SUBJECTS
    )


def test_every_verification_decision_is_told_in_indonesian(english, django_capture_on_commit_callbacks):
    verifier = UserFactory(roles=[roles.VERIFIER])
    problems = [{"field": "doc_ktp", "label": "KTP", "reason": "Foto KTP buram, mohon foto ulang."}]
    with django_capture_on_commit_callbacks(execute=True):
        vendor = CompleteVendorFactory()
        vendor_services.vendor_submit(vendor=vendor, actor=vendor.owner)
        vendor_services.vendor_request_changes(vendor=vendor, verifier=verifier, problems=problems)
        vendor_services.vendor_submit(vendor=vendor, actor=vendor.owner)
        vendor_services.vendor_approve(vendor=vendor, verifier=verifier, note="Lengkap")
        vendor_services.vendor_suspend(vendor=vendor, actor=verifier, reason="Keluhan kebersihan")
        vendor_services.vendor_reinstate(vendor=vendor, actor=verifier, reason="Sudah diperbaiki")
        other = CompleteVendorFactory()
        vendor_services.vendor_submit(vendor=other, actor=other.owner)
        vendor_services.vendor_reject(vendor=other, verifier=verifier, reason="Bukan usaha di kota ini")

    assert_all_indonesian(expected_mails=5)


@pytest.fixture
def english_visitor(client, settings):
    """A browser whose person picked English in the language switcher."""
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def test_the_signup_confirmation_is_indonesian_for_a_visitor_who_chose_english(english_visitor):
    response = english_visitor.post(
        "/accounts/signup/",
        {
            "email": "baru@umkm.example",
            "password1": "Lumpia-Gang-Lombok-7",
            "password2": "Lumpia-Gang-Lombok-7",
        },
    )

    assert response.status_code == 302
    assert "Your account" not in response.content.decode()
    assert_all_indonesian()
    assert "[Gulo Asem]" in mail.outbox[0].subject


def test_the_password_reset_is_indonesian_for_a_visitor_who_chose_english(english_visitor):
    user = UserFactory(email="lupa@opd.example")

    response = english_visitor.post("/accounts/password/reset/", {"email": user.email})

    assert response.status_code == 302
    assert_all_indonesian()
    assert "/accounts/password/reset/key/" in mail.outbox[0].body


def test_a_password_reset_for_an_unknown_address_is_indonesian(english_visitor, settings):
    settings.ACCOUNT_EMAIL_UNKNOWN_ACCOUNTS = True

    english_visitor.post("/accounts/password/reset/", {"email": "tidakada@opd.example"})

    assert_all_indonesian()
