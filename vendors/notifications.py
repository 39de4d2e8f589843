"""Tell the MSME owner about every decision: e-mail and an in-site notification."""

from django.conf import settings
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext as _
from oscar.core.loading import get_class

from marketplace.common.html import text_as_html
from marketplace.common.links import absolute_url

Dispatcher = get_class("communication.utils", "Dispatcher")


def decision_notify(*, decision) -> None:
    """Send the owner the decision, its reason and what to do next: a plain-text e-mail and an
    in-site notification whose HTML escapes every character the verifier typed."""
    vendor = decision.vendor
    with translation.override(settings.LANGUAGE_CODE):
        subject = _("Your MSME registration: %(action)s") % {"action": decision.get_action_display()}
        body = render_to_string(
            "vendors/email/decision.txt",
            {"vendor": vendor, "decision": decision, "status_url": absolute_url("vendors:status")},
        )
    send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [vendor.owner.email])
    Dispatcher().notify_user(vendor.owner, subject, body=text_as_html(body))
