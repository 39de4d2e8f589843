"""The demo's invoices settled as planned, through `procurement.settlement.services`.

A received demo order has the invoice its BAST issued (`invoice_issue`, taxes from the city
pack's rules). `invoice_settle` then takes it where the plan (`procurement.demo.orders.PLAN`)
says, as the demo Bendahara and the MSME's owner would:

- TRANSFER: `transfer_record` (with a generated proof), then the MSME's `transfer_confirm`: paid;
- CARD: `card_checkout_start`, the Bendahara pays on the Stripe fake's hosted page
  (`StripeFake.pay`), and its signed `checkout.session.completed` webhook is verified
  (`stripe_gateway.webhook_event_construct`) and handled (`stripe_event_handle`), as the
  webhook view does: the real card path. The fake runs in this process for the seeding only
  (`card_payer`), with the Stripe settings pointed at it, so no key is needed and nothing
  leaves the machine; should it not start, the card order is paid by transfer instead;
- AWAITING: `transfer_record` only: the MSME (umkm01, the demo's Pelaku UMKM) has to confirm it;
- DISPUTED: `transfer_record`, then the MSME's `transfer_dispute`;
- NONE: unpaid, waiting for the Bendahara at /bayar/.

A transfer is recorded for its real date, a few days after the BAST (the service checks it
lies between the BAST and today); `procurement.demo.backdate.transfer_history` then dates its
rows on that day.
"""

import io
from contextlib import contextmanager
from datetime import timedelta
from enum import StrEnum

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from django.utils import timezone
from PIL import Image, ImageDraw

from marketplace.common.links import absolute_url
from marketplace.common.money import format_rupiah
from marketplace.payment import stripe_gateway
from marketplace.payment.stripe_fake import StripeFake
from procurement.demo import backdate
from procurement.demo.catalogue import font_load
from procurement.settlement import services
from procurement.settlement.models import Invoice, Payment
from vendors.uploads import sanitise_upload


class Settle(StrEnum):
    """Where a demo invoice is left."""

    NONE = "none"  # unpaid
    TRANSFER = "transfer"  # paid by bank transfer, confirmed by the MSME
    CARD = "card"  # paid by card (Stripe Checkout, the local fake)
    AWAITING = "awaiting"  # transfer recorded, waiting for the MSME's confirmation
    DISPUTED = "disputed"  # transfer recorded, disputed by the MSME


# Days from the BAST to the transfer: well within the 14-day target (PAYMENT_TARGET_DAYS).
TRANSFER_AFTER_DAYS = {Settle.TRANSFER: 6, Settle.CARD: 6, Settle.AWAITING: 4, Settle.DISPUTED: 4}
DISPUTE_REASON = "Dana belum masuk ke rekening kami; mohon periksa nomor rekening tujuan."
BANK = "Bank Jateng"

# The fake's keys while seeding: test-mode only (the fake refuses anything else).
SEED_SECRET_KEY = "sk_test_gulo_asem_demo_seed"
SEED_PUBLISHABLE_KEY = "pk_test_gulo_asem_demo_seed"
SEED_WEBHOOK_SECRET = "whsec_gulo_asem_demo_seed"


class CardPayer:
    """Pays invoices by card against a running Stripe fake, as the Bendahara and Stripe would."""

    def __init__(self, fake: StripeFake):
        self.fake = fake

    def pay(self, *, invoice: Invoice, treasurer) -> Payment:
        checkout = services.card_checkout_start(
            invoice=invoice,
            treasurer=treasurer,
            success_url=absolute_url("settlement:card-return", pk=invoice.pk)
            + "?session_id={CHECKOUT_SESSION_ID}",
            cancel_url=absolute_url("settlement:invoice-detail", pk=invoice.pk),
        )
        already = len(self.fake.sent_events)
        self.fake.pay(checkout.payment.stripe_session_id)  # the Pay button of the hosted page
        for sent in self.fake.sent_events[already:]:
            event = stripe_gateway.webhook_event_construct(
                payload=sent.payload, signature_header=sent.signature_header
            )
            services.stripe_event_handle(event=event)
        return Payment.objects.get(pk=checkout.payment.pk)


@contextmanager
def card_payer():
    """A Stripe fake in this process, the Stripe settings pointed at it, for the seeding's card
    payment; None when it cannot start (the card order is then paid by transfer)."""
    fake = StripeFake(secret_key=SEED_SECRET_KEY, webhook_secret=SEED_WEBHOOK_SECRET, deliver_webhooks=False)
    try:
        base_url = fake.start()
    except OSError:
        yield None
        return
    try:
        with override_settings(
            STRIPE_SECRET_KEY=SEED_SECRET_KEY,
            STRIPE_PUBLISHABLE_KEY=SEED_PUBLISHABLE_KEY,
            STRIPE_WEBHOOK_SECRET=SEED_WEBHOOK_SECRET,
            STRIPE_API_BASE=base_url,
            STRIPE_TIMEOUT_SECONDS=5,
            STRIPE_MAX_NETWORK_RETRIES=0,
        ):
            yield CardPayer(fake)
    finally:
        fake.stop()


def _proof(invoice: Invoice, amount_idr: int) -> object:
    """A generated transfer slip (clearly a demo), cleaned as any uploaded proof is."""
    image = Image.new("RGB", (480, 320), (245, 247, 240))
    draw = ImageDraw.Draw(image)
    draw.rectangle((8, 8, 471, 311), outline=(60, 110, 80), width=4)
    font = font_load(22)
    draw.text((28, 28), f"BUKTI TRANSFER — {BANK}", font=font, fill=(30, 50, 40))
    draw.text((28, 80), invoice.number, font=font, fill=(30, 50, 40))
    draw.text((28, 120), format_rupiah(amount_idr), font=font, fill=(30, 50, 40))
    draw.text((28, 250), "CONTOH / DATA DEMO", font=font_load(28), fill=(200, 40, 40))
    out = io.BytesIO()
    image.save(out, format="JPEG", quality=70)
    upload = SimpleUploadedFile("bukti-transfer.jpg", out.getvalue(), content_type="image/jpeg")
    return sanitise_upload(upload, allowed={"jpg"})


def _transfer(*, invoice: Invoice, treasurer, on) -> Payment:
    """The Bendahara records the transfer of the net amount (as re-figured for the payment day)."""
    amount = invoice.net_idr
    for _attempt in range(2):
        try:
            return services.transfer_record(
                invoice=invoice,
                treasurer=treasurer,
                transfer_date=on,
                amount_idr=amount,
                bank_name=BANK,
                reference=f"SP2D/{invoice.pk:05d}/{on:%m}/{on.year}",
                proof=_proof(invoice, amount),
            )
        except services.TransferAmountMismatch as exc:  # PPh changed with the payment day
            amount = exc.net_idr
    raise services.SettlementRefused(f"The demo transfer of {invoice} does not match its net amount.")


def invoice_settle(*, unit_order, settle: Settle, treasurer, card: CardPayer | None) -> Invoice | None:
    """Leave the order's invoice as `settle` says; returns it (None: nothing was received)."""
    invoice = Invoice.objects.filter(unit_order=unit_order).first()
    if invoice is None or settle == Settle.NONE:
        return invoice
    if settle == Settle.CARD and card is not None:
        try:
            card.pay(invoice=invoice, treasurer=treasurer)
            return Invoice.objects.get(pk=invoice.pk)
        except stripe_gateway.GatewayError:
            pass  # the fake did not answer: paid by transfer instead
    received = timezone.localtime(invoice.received_at).date()
    on = min(received + timedelta(days=TRANSFER_AFTER_DAYS[settle]), timezone.localdate())
    payment = _transfer(invoice=invoice, treasurer=treasurer, on=on)
    owner = unit_order.partner.users.order_by("pk").first()
    if settle in (Settle.TRANSFER, Settle.CARD):
        services.transfer_confirm(payment=payment, vendor_user=owner)
    elif settle == Settle.DISPUTED:
        services.transfer_dispute(payment=payment, vendor_user=owner, reason=DISPUTE_REASON)
    backdate.transfer_history(payment=payment, on=on)
    return Invoice.objects.get(pk=invoice.pk)
