"""The settlement pages: the Bendahara's payables, the invoice and its payment by transfer or card,
the MSME's confirmation or dispute, the proof, the invoice PDF, the MSME's payments and Stripe's
webhook. Each page for the people it is for; 403/404 or a refusal for everyone else; bad input
a form error, never a 500, with nothing stored."""

import io
import json
import subprocess
import sys
import time
from datetime import timedelta
from pathlib import Path

import pytest
from django.core.files.storage import storages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from config.settings import csp_stripe_form_origins
from marketplace.accounts import roles
from procurement.ordering import services as ordering
from procurement.ordering.documents import terbilang
from procurement.ordering.lifecycle import OrderStatus
from procurement.ordering.models import DocumentSeal
from procurement.settlement import services, views
from procurement.settlement.models import Invoice, Payment, StripeEvent
from procurement.units.models import Membership
from tests.factories import UnitFactory, UserFactory
from tests.factories.vendor_documents import jpeg_bytes, pdf_bytes
from tests.procurement.ordering.world import (
    build_world,
    food_line,
    order_in,
    person_for,
    place,
    vendor_person,
)
from tests.procurement.settlement.world import received, record_transfer

pytestmark = pytest.mark.django_db

NET = 196_000  # 10 snack boxes (Rp 200.000) less PPh 23 2% (Rp 4.000)


@pytest.fixture(autouse=True)
def no_mfa(settings):
    settings.STAFF_MFA_REQUIRED = False


@pytest.fixture
def offline(stripe_offline):
    """No card payment configured (whatever the shell says)."""


@pytest.fixture
def pw(offline):
    return received()


def reload(obj):
    return type(obj).objects.get(pk=obj.pk)


def url(name, *args):
    return reverse(f"settlement:{name}", args=args)


def messages_of(response) -> list[str]:
    return [str(m) for m in response.context["messages"]] if response.context else []


def follow_messages(client, response) -> list[str]:
    """The messages shown on the page a redirect leads to."""
    assert response.status_code == 302, response.status_code
    page = client.get(response["Location"])
    return [str(m) for m in page.context["messages"]]


def proof_files() -> set[str]:
    """The transfer proofs in private storage (kept for the whole test run: compare before/after)."""
    storage = storages["private"]
    if not storage.exists("transfer-proof"):
        return set()
    return set(storage.listdir("transfer-proof")[1])


@pytest.fixture
def new_proofs():
    """The proofs stored since the test began."""
    before = proof_files()
    return lambda: proof_files() - before


def transfer_data(pw, **overrides):
    data = {
        "transfer_date": timezone.localdate().isoformat(),
        "amount_idr": str(pw.invoice.net_idr),
        "bank_name": "Bank Jateng",
        "reference": "SP2D/0042/2026",
        "proof": SimpleUploadedFile("bukti.jpg", jpeg_bytes(), content_type="image/jpeg"),
    }
    data.update(overrides)
    return data


def as_user(client, user):
    client.force_login(user)
    return client


def other_unit_treasurer():
    return person_for(UnitFactory(), Membership.Role.TREASURER)


def older(invoice, days):
    Invoice.objects.filter(pk=invoice.pk).update(received_at=timezone.now() - timedelta(days=days))
    return reload(invoice)


# --- /bayar/: the payables -----------------------------------------------------------------------


def test_payables_list_the_units_unpaid_invoices_oldest_first_with_days_badge_and_totals(client, pw):
    first = older(pw.invoice, 20)  # past the 14-day target
    second = Invoice.objects.get(unit_order=order_in(pw.w, "received"))
    as_user(client, pw.treasurer)

    response = client.get(url("payables"))

    assert response.status_code == 200
    assert [inv.pk for inv in response.context["invoices"]] == [first.pk, second.pk]
    html = response.content.decode()
    assert html.index(first.number) < html.index(second.number)
    assert "20 hari sejak BAST" in html and "0 hari sejak BAST" in html
    assert html.count("payable-overdue") == 1
    assert pw.w.partner.name in html and pw.w.line.account.code in html
    totals = response.context["totals"]
    assert (totals["count"], totals["net_idr"]) == (2, 2 * NET)
    assert totals["by_vendor"][0]["net"] == 2 * NET and totals["by_line"][0]["net"] == 2 * NET
    assert "Rp 392.000" in html


def test_payables_filters_overdue_and_msme_and_ignore_impossible_values_with_a_message(client, pw):
    older(pw.invoice, 20)
    recent = Invoice.objects.get(unit_order=order_in(pw.w, "received"))
    as_user(client, pw.treasurer)

    overdue = client.get(url("payables"), {"overdue": "on"})
    assert [inv.pk for inv in overdue.context["invoices"]] == [pw.invoice.pk]

    other = client.get(url("payables"), {"partner": str(pw.w.partner.pk + 999)})
    assert other.status_code == 200
    assert len(other.context["invoices"]) == 2  # the unknown MSME is ignored, with a word
    assert any("diabaikan" in m for m in messages_of(other))

    huge = client.get(url("payables"), {"budget_line": "9" * 30, "unit": "-1", "page": "1"})
    assert huge.status_code == 200 and len(huge.context["invoices"]) == 2

    mine = client.get(url("payables"), {"partner": str(pw.w.partner.pk)})
    assert {inv.pk for inv in mine.context["invoices"]} == {pw.invoice.pk, recent.pk}


def test_payables_show_a_unit_filter_only_to_a_bendahara_of_several_units(client, pw):
    as_user(client, pw.treasurer)
    assert 'type="hidden" name="unit"' in client.get(url("payables")).content.decode()

    second_unit = UnitFactory()
    Membership.objects.create(user=pw.treasurer, unit=second_unit, role=Membership.Role.TREASURER)
    page = client.get(url("payables"), {"unit": str(second_unit.pk)})
    assert '<select name="unit"' in page.content.decode()
    assert list(page.context["invoices"]) == []


def test_payables_paginate(client, pw, monkeypatch):
    order_in(pw.w, "received")
    order_in(pw.w, "received")
    monkeypatch.setattr(views.PayablesView, "paginate_by", 2)
    as_user(client, pw.treasurer)

    first, second = client.get(url("payables")), client.get(url("payables"), {"page": "2"})

    assert len(first.context["invoices"]) == 2 and len(second.context["invoices"]) == 1
    assert first.context["totals"]["count"] == 3  # totals cover every page
    assert client.get(url("payables"), {"page": "99"}).status_code == 404


def test_payables_say_when_there_is_nothing_to_pay(client, offline):
    w = build_world()
    treasurer = person_for(w.unit, Membership.Role.TREASURER)
    as_user(client, treasurer)

    response = client.get(url("payables"))

    assert response.status_code == 200
    assert 'id="no-payables"' in response.content.decode()


def test_payables_are_for_a_bendahara_only(client, pw):
    assert client.get(url("payables"))["Location"].startswith("/accounts/login/")
    for person in (pw.w.officer, pw.w.ppk, pw.w.vendor_user, UserFactory()):
        assert as_user(client, person).get(url("payables")).status_code == 403


def test_another_units_bendahara_sees_none_of_these_invoices(client, pw):
    response = as_user(client, other_unit_treasurer()).get(url("payables"))

    assert response.status_code == 200
    assert pw.invoice.number not in response.content.decode()


def test_payables_make_the_same_queries_for_one_invoice_and_for_many(
    client, pw, django_assert_max_num_queries
):
    as_user(client, pw.treasurer)
    client.get(url("payables"))  # warm caches (content types, site)
    with CaptureQueriesContext(connection) as one:
        client.get(url("payables"))
    for _ in range(4):
        order_in(pw.w, "received")
    other_line = food_line(pw.w.unit)
    uo = place(pw.w, line=other_line)
    ordering.order_move(unit_order=uo, action="confirm", actor=pw.w.vendor_user)
    ordering.order_move(unit_order=uo, action="deliver", actor=pw.w.vendor_user, now=uo.delivery_at)
    ordering.order_receive(unit_order=uo, officer=pw.w.officer, quantities={})

    with django_assert_max_num_queries(len(one)):  # six rows on two budget lines: no more queries
        response = client.get(url("payables"))
    assert len(response.context["invoices"]) == 6
    assert len(response.context["totals"]["by_line"]) == 2


def test_payables_stay_under_a_query_cap(client, pw, django_assert_max_num_queries):
    for _ in range(3):
        order_in(pw.w, "received")
    as_user(client, pw.treasurer)
    client.get(url("payables"))  # the first visit opens a basket (Oscar's middleware)
    with django_assert_max_num_queries(22):
        response = client.get(url("payables"), {"overdue": "", "partner": str(pw.w.partner.pk)})
    assert len(response.context["invoices"]) == 4


# --- The invoice page ------------------------------------------------------------------------------


def test_the_invoice_page_shows_every_figure_and_the_bendahara_the_ways_to_pay(client, offline):
    pw = received(pbjt_collector=True, pbjt_tax_number="P2.0012345.0101")
    as_user(client, pw.treasurer)

    response = client.get(url("invoice-detail", pw.invoice.pk))

    assert response.status_code == 200
    html = response.content.decode()
    inv = pw.invoice
    assert (inv.subtotal_idr, inv.pbjt_idr, inv.total_idr, inv.pph_idr, inv.net_idr) == (
        200_000,
        20_000,
        220_000,
        4_000,
        216_000,
    )
    for text in (
        inv.number,
        pw.w.vendor.business_name,
        pw.w.line.account.code,
        "Rp 200.000",
        "Rp 20.000",
        "10%",
        "NPWPD P2.0012345.0101",
        "Rp 220.000",
        "Rp 4.000",
        "2%",
        "Rp 216.000",
        reverse("ordering:order-detail", args=[inv.unit_order_id]),
        'id="transfer-form"',
    ):
        assert text in html, text
    assert response.context["transfer_form"]["amount_idr"].value() == 216_000
    # No card payment set up: no button, and why.
    assert 'id="pay-by-card"' not in html and 'id="card-unavailable"' in html
    assert [a.action for a in response.context["actions"]] == ["issue"]


def test_the_invoice_is_visible_to_the_units_people_and_the_msme_only(client, pw):
    for person in (pw.w.officer, pw.w.ppk, pw.w.vendor_user):
        page = as_user(client, person).get(url("invoice-detail", pw.invoice.pk))
        assert page.status_code == 200
        assert 'id="transfer-form"' not in page.content.decode()  # only the Bendahara pays
    for person in (other_unit_treasurer(), vendor_person(), UserFactory()):
        assert as_user(client, person).get(url("invoice-detail", pw.invoice.pk)).status_code == 404
    client.logout()
    assert client.get(url("invoice-detail", pw.invoice.pk))["Location"].startswith("/accounts/login/")
    assert as_user(client, pw.treasurer).get(url("invoice-detail", 2**70)).status_code == 404


def test_the_order_page_links_its_invoice(client, pw):
    page = as_user(client, pw.w.officer).get(
        reverse("ordering:order-detail", args=[pw.invoice.unit_order_id])
    )

    assert url("invoice-detail", pw.invoice.pk) in page.content.decode()
    assert "Tagihan" in page.content.decode()


def test_the_menu_links_the_payables_for_a_bendahara_and_the_payments_for_an_msme(client, pw):
    assert url("payables") in as_user(client, pw.treasurer).get("/").content.decode()
    vendor_home = as_user(client, pw.w.vendor_user).get("/").content.decode()
    assert url("vendor-payments") in vendor_home and url("payables") not in vendor_home


# --- Bank transfer ---------------------------------------------------------------------------------


def test_the_bendahara_records_a_transfer_with_its_proof(client, pw, new_proofs):
    as_user(client, pw.treasurer)

    response = client.post(url("transfer-record", pw.invoice.pk), transfer_data(pw))

    assert response.status_code == 302 and response["Location"] == url("invoice-detail", pw.invoice.pk)
    payment = Payment.objects.get()
    assert (payment.status, payment.amount_idr, payment.reference) == (
        "awaiting_confirmation",
        NET,
        "SP2D/0042/2026",
    )
    assert reload(pw.invoice).status == Invoice.Status.AWAITING_CONFIRMATION
    assert len(new_proofs()) == 1
    page = client.get(response["Location"])
    html = page.content.decode()
    assert 'id="void-form"' in html and 'id="transfer-form"' not in html
    assert url("transfer-proof", payment.pk) in html


def test_a_transfer_of_another_amount_is_refused_with_the_numbers_and_stores_nothing(client, pw, new_proofs):
    as_user(client, pw.treasurer)

    response = client.post(url("transfer-record", pw.invoice.pk), transfer_data(pw, amount_idr="200000"))

    shown = follow_messages(client, response)
    assert any("Rp 200.000" in m and "Rp 196.000" in m for m in shown), shown
    assert not Payment.objects.exists() and new_proofs() == set()
    assert reload(pw.invoice).status == Invoice.Status.UNPAID


def test_a_hostile_proof_is_a_form_error_and_nothing_is_stored(client, pw, new_proofs):
    as_user(client, pw.treasurer)
    html_as_jpg = SimpleUploadedFile(
        "bukti.jpg", b"<html><script>alert(document.cookie)</script></html>", content_type="image/jpeg"
    )

    response = client.post(url("transfer-record", pw.invoice.pk), transfer_data(pw, proof=html_as_jpg))

    assert response.status_code == 400
    form = response.context["transfer_form"]
    assert "proof" in form.errors
    html = response.content.decode()
    assert 'id="transfer_proof_error"' in html and 'aria-describedby="transfer_proof_error"' in html
    assert not Payment.objects.exists() and new_proofs() == set()


@pytest.mark.parametrize(
    "field,value",
    [
        ("amount_idr", "-196000"),
        ("amount_idr", "0"),
        ("amount_idr", "9" * 40),
        ("amount_idr", "1e6"),
        ("transfer_date", "0001-01-01"),
        ("transfer_date", "9999-12-31"),
        ("transfer_date", "kemarin"),
        ("bank_name", ""),
        ("reference", "x" * 500),
    ],
)
def test_impossible_transfer_values_are_form_errors_not_server_errors(client, pw, new_proofs, field, value):
    as_user(client, pw.treasurer)

    response = client.post(url("transfer-record", pw.invoice.pk), transfer_data(pw, **{field: value}))

    assert response.status_code == 400
    assert field in response.context["transfer_form"].errors
    assert not Payment.objects.exists() and new_proofs() == set()


def test_a_transfer_without_a_proof_is_a_form_error(client, pw):
    data = transfer_data(pw)
    del data["proof"]
    response = as_user(client, pw.treasurer).post(url("transfer-record", pw.invoice.pk), data)

    assert response.status_code == 400 and "proof" in response.context["transfer_form"].errors


def test_an_officer_of_the_unit_cannot_pay(client, pw, new_proofs):
    response = as_user(client, pw.w.officer).post(url("transfer-record", pw.invoice.pk), transfer_data(pw))

    assert any("Bendahara" in m for m in follow_messages(client, response))
    assert not Payment.objects.exists() and new_proofs() == set()


def test_another_units_bendahara_cannot_pay_it(client, pw):
    response = as_user(client, other_unit_treasurer()).post(
        url("transfer-record", pw.invoice.pk), transfer_data(pw)
    )

    assert response.status_code == 404
    assert not Payment.objects.exists()


def test_payment_steps_are_post_only_and_need_a_login(client, pw):
    assert client.post(url("transfer-record", pw.invoice.pk), {})["Location"].startswith("/accounts/login/")
    as_user(client, pw.treasurer)
    assert client.get(url("transfer-record", pw.invoice.pk)).status_code == 405
    assert client.get(url("card-start", pw.invoice.pk)).status_code == 405


def test_the_msme_confirms_the_transfer_and_the_invoice_and_the_order_are_paid(client, pw):
    payment = record_transfer(pw)
    as_user(client, pw.w.vendor_user)
    page = client.get(url("invoice-detail", pw.invoice.pk)).content.decode()
    assert 'id="confirm-received"' in page and 'id="dispute-form"' in page and 'id="void-form"' not in page

    response = client.post(url("transfer-confirm", payment.pk))

    assert "Terima kasih" in " ".join(follow_messages(client, response))
    assert reload(pw.invoice).status == Invoice.Status.PAID
    assert reload(pw.invoice.unit_order).status == OrderStatus.PAID
    page = client.get(url("invoice-detail", pw.invoice.pk)).content.decode()
    assert 'data-status="paid"' in page and "0 hari setelah BAST" in page


def test_only_the_msme_paid_confirms(client, pw):
    payment = record_transfer(pw)

    assert as_user(client, vendor_person()).post(url("transfer-confirm", payment.pk)).status_code == 404
    refused = as_user(client, pw.treasurer).post(url("transfer-confirm", payment.pk))
    assert any("UMKM" in m for m in follow_messages(client, refused))
    assert reload(payment).status == Payment.Status.AWAITING_CONFIRMATION


def test_a_dispute_needs_a_reason_then_the_bendahara_corrects_the_transfer(client, pw):
    payment = record_transfer(pw)
    as_user(client, pw.w.vendor_user)

    blank = client.post(url("transfer-dispute", payment.pk), {"reason": "  "})
    assert blank.status_code == 400 and "reason" in blank.context["dispute_form"].errors
    assert 'aria-describedby="dispute_reason_error"' in blank.content.decode()
    assert reload(payment).status == Payment.Status.AWAITING_CONFIRMATION

    client.post(url("transfer-dispute", payment.pk), {"reason": "Dana belum masuk ke rekening"})
    assert reload(payment).status == Payment.Status.DISPUTED
    assert reload(pw.invoice).status == Invoice.Status.DISPUTED

    as_user(client, pw.treasurer)
    page = client.get(url("invoice-detail", pw.invoice.pk)).content.decode()
    assert "Dana belum masuk ke rekening" in page and 'id="void-form"' in page
    assert client.post(url("transfer-void", payment.pk), {"reason": ""}).status_code == 400
    client.post(url("transfer-void", payment.pk), {"reason": "Salah nomor rekening"})
    assert reload(payment).status == Payment.Status.VOID
    assert reload(pw.invoice).status == Invoice.Status.UNPAID
    history = client.get(url("invoice-detail", pw.invoice.pk))
    assert [a.action for a in history.context["actions"]] == [
        "issue",
        "transfer_record",
        "transfer_dispute",
        "transfer_void",
    ]
    text = history.content.decode()
    assert "Salah nomor rekening" in text and pw.treasurer.get_full_name() in text


def test_the_msme_cannot_correct_and_another_unit_cannot_see_the_payment(client, pw):
    payment = record_transfer(pw)

    refused = as_user(client, pw.w.vendor_user).post(
        url("transfer-void", payment.pk), {"reason": "Bukan saya"}
    )
    assert any("Bendahara" in m for m in follow_messages(client, refused))
    for name in ("transfer-void", "transfer-dispute", "transfer-confirm"):
        response = as_user(client, other_unit_treasurer()).post(url(name, payment.pk), {"reason": "x"})
        assert response.status_code == 404
    assert reload(payment).status == Payment.Status.AWAITING_CONFIRMATION


# --- The proof -------------------------------------------------------------------------------------


def test_the_proof_opens_for_the_bendahara_the_ppk_and_the_msme_only(client, pw):
    payment = record_transfer(pw)

    for person in (pw.treasurer, pw.w.ppk, pw.w.vendor_user):
        response = as_user(client, person).get(url("transfer-proof", payment.pk))
        assert response.status_code == 200
        assert response["Content-Type"] == "image/jpeg"
        assert response["Content-Disposition"].startswith("inline")
        assert response["X-Content-Type-Options"] == "nosniff"
        assert b"".join(response.streaming_content)[:2] == b"\xff\xd8"
    for person in (pw.w.officer, other_unit_treasurer(), vendor_person()):
        assert as_user(client, person).get(url("transfer-proof", payment.pk)).status_code == 404
    client.logout()
    assert client.get(url("transfer-proof", payment.pk)).status_code == 302


def test_a_pdf_proof_is_downloaded_not_shown(client, pw):
    as_user(client, pw.treasurer)
    pdf = SimpleUploadedFile("bukti.pdf", pdf_bytes(), content_type="application/pdf")
    client.post(url("transfer-record", pw.invoice.pk), transfer_data(pw, proof=pdf))

    response = client.get(url("transfer-proof", Payment.objects.get().pk))

    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment")
    assert response["X-Content-Type-Options"] == "nosniff"


# --- The invoice PDF -------------------------------------------------------------------------------


def test_the_invoice_pdf_carries_the_number_the_amounts_and_the_net_in_words(client, pw):
    response = as_user(client, pw.treasurer).get(url("invoice-pdf", pw.invoice.pk))

    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment")
    text = " ".join(
        " ".join((page.extract_text() or "").split())
        for page in PdfReader(io.BytesIO(response.content)).pages
    )
    for expected in (pw.invoice.number, "TAGIHAN", "Rp 200.000", "Rp 4.000", "Rp 196.000", terbilang(NET)):
        assert expected in text, (expected, text)
    seal = DocumentSeal.objects.get(kind=DocumentSeal.Kind.INVOICE)
    assert (seal.number, seal.amount_idr) == (pw.invoice.number, pw.invoice.total_idr)
    check = client.get(reverse("ordering:document-verify", args=[seal.code]))
    assert pw.invoice.number in check.content.decode()
    assert as_user(client, pw.w.vendor_user).get(url("invoice-pdf", pw.invoice.pk)).status_code == 200
    assert DocumentSeal.objects.filter(kind=DocumentSeal.Kind.INVOICE).count() == 1  # sealed once


def test_the_invoice_pdf_is_for_the_invoices_people_only(client, pw):
    for person in (other_unit_treasurer(), vendor_person()):
        assert as_user(client, person).get(url("invoice-pdf", pw.invoice.pk)).status_code == 404


# --- The MSME's payments ---------------------------------------------------------------------------


def test_the_msme_sees_its_invoices_newest_first_with_when_paid_and_how_long_it_took(client, pw):
    older(pw.invoice, 5)
    record_transfer(pw)
    services.transfer_confirm(payment=Payment.objects.get(), vendor_user=pw.w.vendor_user)
    newer = Invoice.objects.get(unit_order=order_in(pw.w, "received"))
    as_user(client, pw.w.vendor_user)

    response = client.get(url("vendor-payments"))

    assert response.status_code == 200
    assert [inv.pk for inv in response.context["invoices"]] == [newer.pk, pw.invoice.pk]
    html = response.content.decode()
    assert "5 hari setelah BAST" in html and "Rp 196.000" in html
    assert 'data-status="paid"' in html and 'data-status="unpaid"' in html


def test_the_msme_payments_page_has_an_empty_state_and_shows_no_one_elses(client, pw):
    response = as_user(client, vendor_person()).get(url("vendor-payments"))

    assert response.status_code == 200
    assert 'id="no-vendor-payments"' in response.content.decode()
    assert pw.invoice.number not in response.content.decode()
    client.logout()
    assert client.get(url("vendor-payments"))["Location"].startswith("/accounts/login/")


def test_the_msme_payments_page_paginates_and_makes_the_same_queries_for_more_rows(
    client, pw, monkeypatch, django_assert_max_num_queries
):
    as_user(client, pw.w.vendor_user)
    client.get(url("vendor-payments"))
    with CaptureQueriesContext(connection) as one:
        client.get(url("vendor-payments"))
    for _ in range(3):
        order_in(pw.w, "received")
    with django_assert_max_num_queries(len(one)):
        response = client.get(url("vendor-payments"))
    assert len(response.context["invoices"]) == 4
    monkeypatch.setattr(views.VendorPaymentsView, "paginate_by", 3)
    assert len(client.get(url("vendor-payments"), {"page": "2"}).context["invoices"]) == 1


# --- Card (Stripe Checkout, the local fake) --------------------------------------------------------


@pytest.fixture
def card(stripe_fake):
    stripe_fake.deliver_webhooks = False
    return received()


def test_the_card_button_opens_stripes_page_with_a_303(client, card, stripe_fake):
    as_user(client, card.treasurer)
    page = client.get(url("invoice-detail", card.invoice.pk)).content.decode()
    assert 'id="pay-by-card"' in page

    response = client.post(url("card-start", card.invoice.pk))

    assert response.status_code == 303
    payment = Payment.objects.get()
    assert response["Location"] == stripe_fake.sessions[payment.stripe_session_id]["url"]
    session = stripe_fake.sessions[payment.stripe_session_id]
    assert session["success_url"] == (
        "http://testserver" + url("card-return", card.invoice.pk) + "?session_id={CHECKOUT_SESSION_ID}"
    )
    assert session["cancel_url"] == "http://testserver" + url("invoice-detail", card.invoice.pk)


def test_coming_back_from_a_paid_session_pays_the_invoice_once(client, card, stripe_fake):
    as_user(client, card.treasurer)
    client.post(url("card-start", card.invoice.pk))
    payment = Payment.objects.get()
    stripe_fake.pay(payment.stripe_session_id)
    back = url("card-return", card.invoice.pk) + f"?session_id={payment.stripe_session_id}"

    first = client.get(back)
    again = client.get(back)  # a reload changes nothing

    assert "Pembayaran kartu berhasil." in follow_messages(client, first)
    assert again.status_code == 302
    assert reload(card.invoice).status == Invoice.Status.PAID
    assert reload(card.invoice.unit_order).status == OrderStatus.PAID
    assert [a.action for a in card.invoice.actions.all()].count("paid") == 1


def test_coming_back_before_paying_says_it_is_still_being_processed(client, card, stripe_fake):
    as_user(client, card.treasurer)
    client.post(url("card-start", card.invoice.pk))
    payment = Payment.objects.get()

    response = client.get(url("card-return", card.invoice.pk), {"session_id": payment.stripe_session_id})

    assert any("masih diproses" in m for m in follow_messages(client, response))
    assert reload(card.invoice).status == Invoice.Status.UNPAID


def test_coming_back_with_a_session_of_another_invoice_or_none_changes_nothing(client, card, stripe_fake):
    as_user(client, card.treasurer)
    for params in ({}, {"session_id": "cs_test_unknown"}, {"session_id": "x" * 1000}):
        response = client.get(url("card-return", card.invoice.pk), params)
        assert response.status_code == 302
    assert not Payment.objects.exists()


def test_stripe_unreachable_is_a_message_not_a_500(client, pw, settings):
    settings.STRIPE_SECRET_KEY, settings.STRIPE_WEBHOOK_SECRET = "sk_test_x", "whsec_x"  # nothing listens
    as_user(client, pw.treasurer)

    response = client.post(url("card-start", pw.invoice.pk))

    assert response.status_code == 302
    assert any("Stripe" in m or "kartu" in m.lower() for m in follow_messages(client, response))
    assert not Payment.objects.exists()


def test_an_officer_cannot_start_a_card_payment(client, card, stripe_fake):
    response = as_user(client, card.w.officer).post(url("card-start", card.invoice.pk))

    assert any("Bendahara" in m for m in follow_messages(client, response))
    assert stripe_fake.created.get("checkout.session", 0) == 0


def test_an_admin_refunds_a_paid_card_payment_from_the_invoice_page(client, card, stripe_fake):
    checkout = services.card_checkout_start(
        invoice=card.invoice,
        treasurer=card.treasurer,
        success_url="http://x/?s={CHECKOUT_SESSION_ID}",
        cancel_url="http://x/",
    )
    stripe_fake.pay(checkout.payment.stripe_session_id)
    services.card_session_sync(session_id=checkout.payment.stripe_session_id)
    admin = UserFactory(roles=[roles.ADMIN])
    as_user(client, admin)
    page = client.get(url("invoice-detail", card.invoice.pk))
    assert page.status_code == 200 and f'id="refund-{checkout.payment.pk}"' in page.content.decode()

    bad = client.post(url("card-refund", checkout.payment.pk), {"amount_idr": "0", "reason": "Batal"})
    assert bad.status_code == 400
    response = client.post(
        url("card-refund", checkout.payment.pk), {"amount_idr": str(NET), "reason": "Acara batal"}
    )

    assert follow_messages(client, response)
    assert reload(checkout.payment).status == Payment.Status.REFUNDED
    refused = as_user(client, card.treasurer).post(
        url("card-refund", checkout.payment.pk), {"amount_idr": "1", "reason": "x"}
    )
    assert refused.status_code == 302


# --- The webhook -----------------------------------------------------------------------------------


def webhook(client, payload: bytes, header: str | None):
    extra = {"HTTP_STRIPE_SIGNATURE": header} if header is not None else {}
    return client.post(url("stripe-webhook"), data=payload, content_type="application/json", **extra)


@pytest.fixture
def paid_session(card, stripe_fake):
    checkout = services.card_checkout_start(
        invoice=card.invoice,
        treasurer=card.treasurer,
        success_url="http://x/?s={CHECKOUT_SESSION_ID}",
        cancel_url="http://x/",
    )
    stripe_fake.pay(checkout.payment.stripe_session_id)
    return card, checkout.payment


def test_a_signed_webhook_pays_the_invoice_and_a_replay_changes_nothing(client, paid_session, stripe_fake):
    card, payment = paid_session
    sent = stripe_fake.events_of_type("checkout.session.completed")[0]

    first = webhook(client, sent.payload, sent.signature_header)

    assert (first.status_code, first.json()) == (200, {"status": "applied"})
    assert reload(card.invoice).status == Invoice.Status.PAID
    before = (StripeEvent.objects.count(), card.invoice.actions.count(), Payment.objects.get().status)
    replay = webhook(client, sent.payload, sent.signature_header)
    assert (replay.status_code, replay.json()) == (200, {"status": "duplicate"})
    assert (StripeEvent.objects.count(), card.invoice.actions.count(), Payment.objects.get().status) == before


def test_an_event_of_an_unknown_session_or_type_is_ignored(client, card, stripe_fake):
    payload, header = stripe_fake.signed_event("checkout.session.completed", {"id": "cs_test_nobody"})
    assert webhook(client, payload, header).json() == {"status": "ignored"}
    payload, header = stripe_fake.signed_event("customer.created", {"id": "cus_test_1"})
    assert webhook(client, payload, header).json() == {"status": "ignored"}


@pytest.mark.parametrize("case", ["forged", "missing", "garbled", "old", "not_json", "not_utf8", "changed"])
def test_a_webhook_that_fails_verification_is_a_400_and_changes_nothing(
    client, paid_session, stripe_fake, case
):
    card, payment = paid_session
    sent = stripe_fake.events_of_type("checkout.session.completed")[0]
    payload, header = sent.payload, sent.signature_header
    if case == "forged":
        header = stripe_fake.sign(payload, secret="whsec_other")
    elif case == "missing":
        header = None
    elif case == "garbled":
        header = "t=abc,v1=%%%"
    elif case == "old":
        payload, header = stripe_fake.signed_event(
            "checkout.session.completed", {"id": payment.stripe_session_id}, timestamp=int(time.time()) - 3600
        )
    elif case == "not_json":
        payload = b"{not json"
        header = stripe_fake.sign(payload)
    elif case == "not_utf8":
        payload = b"\xff\xfe\x00junk"
        header = f"t={int(time.time())},v1={'0' * 64}"
    elif case == "changed":
        payload = payload.replace(b"complete", b"COMPLETE")

    response = webhook(client, payload, header)

    assert response.status_code == 400
    assert response["Content-Type"].startswith("text/plain") and len(response.content) < 100
    assert reload(card.invoice).status == Invoice.Status.UNPAID
    assert not StripeEvent.objects.exists()


def test_the_webhook_takes_post_only_and_no_login_or_csrf(client, card, stripe_fake):
    assert client.get(url("stripe-webhook")).status_code == 405
    csrf_client = client_class_with_csrf()
    payload, header = stripe_fake.signed_event("customer.created", {"id": "cus_test_2"})
    response = csrf_client.post(
        url("stripe-webhook"), data=payload, content_type="application/json", HTTP_STRIPE_SIGNATURE=header
    )
    assert response.status_code == 200


def test_a_multipart_webhook_is_a_400_not_a_500(client, card, stripe_fake):
    response = client.post(url("stripe-webhook"), {"a": "b"}, HTTP_STRIPE_SIGNATURE="t=1,v1=x")
    assert response.status_code == 400


def client_class_with_csrf():
    return Client(enforce_csrf_checks=True)


# --- The policy lets the card form lead to Stripe ----------------------------------------------------


def test_form_action_allows_stripe_checkout_and_the_fake_when_it_stands_in():
    assert csp_stripe_form_origins("https://api.stripe.com") == ["https://checkout.stripe.com"]
    assert csp_stripe_form_origins("http://127.0.0.1:5555/") == [
        "https://checkout.stripe.com",
        "http://127.0.0.1:5555",
    ]
    assert csp_stripe_form_origins("https://api.stripe.com", True, "http://localhost:12111") == [
        "https://checkout.stripe.com",
        "http://localhost:12111",
    ]
    assert csp_stripe_form_origins("javascript:alert(1)") == ["https://checkout.stripe.com"]


def test_the_demo_with_the_fake_allows_its_payment_page_in_form_action():
    code = (
        "import json; from django.conf import settings; "
        "print(json.dumps(list(settings.CONTENT_SECURITY_POLICY['DIRECTIVES']['form-action'])))"
    )
    env = {
        "PATH": "/usr/bin:/bin",
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "STRIPE_FAKE": "1",
        "STRIPE_FAKE_URL": "http://127.0.0.1:12999",
    }
    result = subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", code],
        cwd=Path(__file__).resolve().parents[3],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout.strip().splitlines()[-1]) == [
        "'self'",
        "https://checkout.stripe.com",
        "http://127.0.0.1:12999",
    ]
