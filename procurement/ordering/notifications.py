"""Tell the right people about every step of an order: e-mail and an in-site notification."""

from django.conf import settings
from django.core.mail import send_mail
from django.utils import translation
from django.utils.translation import gettext as _
from oscar.core.loading import get_class

from marketplace.common.html import text_as_html
from marketplace.common.links import absolute_url
from procurement.ordering.lifecycle import Move, Party
from procurement.units.models import Membership

Dispatcher = get_class("communication.utils", "Dispatcher")


def unit_people(unit, role) -> list:
    """The active members of a unit in a role (Membership.Role)."""
    return [
        m.user for m in Membership.objects.filter(unit=unit, role=role, is_active=True).select_related("user")
    ]


def recipients(*, unit_order, move: Move) -> list:
    """Who hears about `move` on this order: the parties the lifecycle table names."""
    people = []
    for party in move.tell:
        if party == Party.OFFICER:
            people.append(unit_order.officer)
        elif party == Party.VENDOR:
            people.extend(unit_order.partner.users.all())
        elif party == Party.PPK:
            people.extend(unit_people(unit_order.unit, Membership.Role.PPK))
        elif party == Party.TREASURER:
            people.extend(unit_people(unit_order.unit, Membership.Role.TREASURER))
    return people


def deliver(*, people, subject: str, body: str) -> None:
    """E-mail (plain text, as typed) and an in-site notification (HTML, every character of what
    users typed escaped) to each active person, once."""
    html_body = text_as_html(body)
    dispatcher = Dispatcher()
    seen = set()
    for user in people:
        if user.pk in seen or not user.is_active:  # a disabled account has left: no mail for it
            continue
        seen.add(user.pk)
        send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [user.email])
        dispatcher.notify_user(user, subject, body=html_body)


def order_notify(*, unit_order, move: Move, reason: str = "") -> None:
    """Tell the parties of `move` (procurement.ordering.lifecycle) what happened to the order."""
    with translation.override(settings.LANGUAGE_CODE):
        subject = _(move.subject) % {
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
    deliver(people=recipients(unit_order=unit_order, move=move), subject=subject, body=body)
