"""Paid orders for the transparency tests, made through the real services.

`paid_order(w)` places, receives and pays one order of the ordering world (10 snack boxes,
Rp 200.000; the settlement world adds a Bendahara): the MSME confirms the recorded transfer
(`services.transfer_confirm`). `paid_by_card(w, stripe_fake)` pays one by card through the local
Stripe fake, so that `refund` can give part or all of it back (`services.card_refund`).
`town()` builds two units and two MSMEs with known personal data
(NIK, phone, the owner's e-mail), one of which typed its NIK into its business name, so the
tests can look for that data in every public output.
"""

from dataclasses import dataclass

from marketplace.payment import stripe_gateway
from procurement.settlement import services
from procurement.settlement.models import Invoice, Payment
from tests.factories import KecamatanFactory, UserFactory
from tests.procurement.ordering.world import World, build_world
from tests.procurement.settlement.world import PayWorld, received, record_transfer

NIK = "3374011508900001"
NIK_IN_NAME = "3374015508900002"
PHONE = "081298765432"
PHONE_2 = "+62 813-2222-3333"
OWNER_EMAIL = "sri.pemilik@example.net"
OWNER_EMAIL_2 = "ani.pemilik@example.net"
NAME_WITH_NIK = f"Katering Bu Ani {NIK_IN_NAME}"


def pay(pw: PayWorld) -> Invoice:
    """Pay the world's received invoice by transfer, confirmed by the MSME."""
    payment = record_transfer(pw)
    services.transfer_confirm(payment=payment, vendor_user=pw.w.vendor_user)
    pw.invoice.refresh_from_db()
    return pw.invoice


def paid_order(w: World, **vendor_facts) -> Invoice:
    """One more order of `w`, received and paid (`vendor_facts`: set on the MSME first, e.g.
    `pbjt_collector=True, pbjt_tax_number=…` for PBJT charged on top)."""
    return pay(received(w, **vendor_facts))


def paid_by_card(w: World, stripe_fake) -> Payment:
    """One more order of `w`, received and paid by card (the fake's webhook handled at once)."""
    stripe_fake.deliver_webhooks = False
    pw = received(w)
    checkout = services.card_checkout_start(
        invoice=pw.invoice,
        treasurer=pw.treasurer,
        success_url="http://testserver/ok?session_id={CHECKOUT_SESSION_ID}",
        cancel_url="http://testserver/no",
    )
    stripe_fake.pay(checkout.payment.stripe_session_id)
    for sent in stripe_fake.events_of_type("checkout.session.completed"):
        event = stripe_gateway.webhook_event_construct(
            payload=sent.payload, signature_header=sent.signature_header
        )
        services.stripe_event_handle(event=event)
    checkout.payment.refresh_from_db()
    assert checkout.payment.status == Payment.Status.SUCCEEDED
    return checkout.payment


def refund(payment: Payment, amount_idr: int | None = None) -> Payment:
    """An Admin refunds `amount_idr` of a card payment (all that is left by default)."""
    payment.refresh_from_db()
    left = payment.amount_idr - payment.refunded_idr
    return services.card_refund(
        payment=payment,
        admin=UserFactory(is_superuser=True),
        amount_idr=left if amount_idr is None else amount_idr,
        reason="Sebagian kotak tidak layak",
    )


def _personal(w: World, *, nik: str, phone: str, email: str, kecamatan: str, **vendor_fields):
    vendor = w.vendor
    vendor.nik, vendor.phone = nik, phone
    for name, value in vendor_fields.items():
        setattr(vendor, name, value)
    vendor.save()
    vendor.owner.email = email
    vendor.owner.save(update_fields=["email"])
    partner = vendor.partner
    vendor.kecamatan = partner.kecamatan = KecamatanFactory(name=kecamatan)
    vendor.save(update_fields=["kecamatan"])
    if "business_name" in vendor_fields:
        partner.name = vendor_fields["business_name"]
    partner.save()


@dataclass
class Town:
    a: World  # a unit buying from "Dapur Lumpia Bu Sri" (micro)
    b: World  # another unit buying from the MSME with its NIK in its name (small)
    invoices: list[Invoice]


def town(*, orders_a: int = 2, orders_b: int = 1) -> Town:
    a = build_world()
    _personal(a, nik=NIK, phone=PHONE, email=OWNER_EMAIL, kecamatan="Tembalang")
    b = build_world()
    _personal(
        b,
        nik="3374014101850003",
        phone=PHONE_2,
        email=OWNER_EMAIL_2,
        kecamatan="Banyumanik",
        business_name=NAME_WITH_NIK,
        capital_idr=3_000_000_000,
        annual_sales_idr=9_000_000_000,
    )
    invoices = [paid_order(a) for _ in range(orders_a)] + [paid_order(b) for _ in range(orders_b)]
    return Town(a=a, b=b, invoices=invoices)
