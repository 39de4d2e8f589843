"""Tell the MSME and the unit about its money: transfer recorded, disputed, paid, refunded."""

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from marketplace.common.links import absolute_url
from marketplace.common.money import format_rupiah
from procurement.ordering.notifications import deliver, unit_people
from procurement.units.models import Membership

SUBJECTS = {
    "transfer_recorded": gettext_noop(
        "Invoice %(number)s: a transfer of %(amount)s was recorded, confirm it"
    ),
    "transfer_disputed": gettext_noop("Invoice %(number)s: the MSME disputes the transfer"),
    "paid": gettext_noop("Invoice %(number)s paid: %(amount)s"),
    "refunded": gettext_noop("Invoice %(number)s: %(amount)s refunded"),
}


def _recipients(payment, event: str) -> list:
    uo = payment.invoice.unit_order
    vendor_users = list(uo.partner.users.all())
    treasurers = unit_people(uo.unit, Membership.Role.TREASURER)
    if event == "transfer_recorded":
        return vendor_users
    if event == "transfer_disputed":
        return [payment.created_by, *treasurers]
    if event == "paid":
        return [*vendor_users, uo.officer]
    return [*vendor_users, *treasurers]


def settlement_notify(*, payment, event: str) -> None:
    """E-mail and in-site notification of one settlement event to the people it concerns."""
    invoice = payment.invoice
    with translation.override(settings.LANGUAGE_CODE):
        amount = payment.refunded_idr if event == "refunded" else payment.amount_idr
        subject = _(SUBJECTS[event]) % {"number": invoice.number, "amount": format_rupiah(amount)}
        lines = [
            subject,
            _("Order: %(number)s") % {"number": invoice.unit_order.order.number},
            (_("Reason: %(reason)s") % {"reason": payment.dispute_reason}) if payment.dispute_reason else "",
            _("Open the invoice: %(url)s") % {"url": absolute_url("settlement:invoice-detail", invoice.pk)},
        ]
        body = "\n".join(line for line in lines if line)
    deliver(people=_recipients(payment, event), subject=subject, body=body)
