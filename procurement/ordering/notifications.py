"""Tell the right people about every step of an order: e-mail and an in-site notification."""

from django.conf import settings
from django.core.mail import send_mail
from django.utils import translation
from django.utils.translation import gettext as _
from oscar.core.loading import get_class

from marketplace.common.html import text_as_html
from marketplace.common.links import absolute_url
from procurement.units.models import Membership

Dispatcher = get_class("communication.utils", "Dispatcher")


def _unit_people(unit, role):
    return [
        m.user for m in Membership.objects.filter(unit=unit, role=role, is_active=True).select_related("user")
    ]


def recipients(*, unit_order, action: str) -> list:
    """Who hears about `action` on this order."""
    vendor_users = list(unit_order.partner.users.all())
    officer = [unit_order.officer]
    if action == "place":
        if unit_order.status == "pending_approval":
            return officer + _unit_people(unit_order.unit, Membership.Role.PPK)
        return officer + vendor_users
    if action == "approve":
        return officer + vendor_users
    if action in ("reject_approval", "confirm", "decline", "deliver"):
        return officer
    if action in ("cancel", "cancel_confirmed", "expire"):
        return officer + vendor_users
    if action == "receive":
        return vendor_users + _unit_people(unit_order.unit, Membership.Role.TREASURER)
    return officer


SUBJECTS = {
    "place": "Order %(number)s placed: %(status)s",
    "approve": "Order %(number)s approved by the PPK",
    "reject_approval": "Order %(number)s rejected by the PPK",
    "confirm": "Order %(number)s confirmed by the MSME",
    "decline": "Order %(number)s declined by the MSME",
    "cancel": "Order %(number)s cancelled",
    "cancel_confirmed": "Order %(number)s cancelled",
    "deliver": "Order %(number)s delivered: confirm receipt (BAST)",
    "expire": "Order %(number)s expired: the MSME did not answer in time",
    "receive": "Order %(number)s received (BAST signed)",
}


def order_notify(*, unit_order, action: str, reason: str = "") -> None:
    """E-mail (plain text, as typed) and an in-site notification (HTML, every character of the
    event name and the reason escaped) to each person who hears about `action`."""
    with translation.override(settings.LANGUAGE_CODE):
        subject = _(SUBJECTS.get(action, "Order %(number)s updated")) % {
            "number": unit_order.order.number,
            "status": unit_order.get_status_display(),
        }
        body = "\n".join(
            filter(
                None,
                [
                    subject,
                    _("Event: %(event)s") % {"event": unit_order.event},
                    _("Reason: %(reason)s") % {"reason": reason} if reason else "",
                    _("Open the order: %(url)s")
                    % {"url": absolute_url("ordering:order-detail", unit_order.pk)},
                ],
            )
        )
    html_body = text_as_html(body)
    dispatcher = Dispatcher()
    seen = set()
    for user in recipients(unit_order=unit_order, action=action):
        if user.pk in seen or not user.is_active:  # a disabled account has left: no mail for it
            continue
        seen.add(user.pk)
        send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [user.email])
        dispatcher.notify_user(user, subject, body=html_body)
