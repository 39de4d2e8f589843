"""Send holders of staff roles to set up two-factor login before anything else."""

from django.conf import settings
from django.contrib import messages
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _

from marketplace.accounts.selectors import user_needs_two_factor_setup

# Paths a staff user without two-factor may still reach: the set-up itself,
# logging out, e-mail confirmation, language switch, health check and assets.
ALLOWED_PREFIXES = (
    "/accounts/2fa/",
    "/accounts/logout/",
    "/accounts/confirm-email/",
    "/accounts/reauthenticate/",
    "/i18n/",
    "/healthz",
    "/static/",
    "/media/",
)


class StaffTwoFactorMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if settings.STAFF_MFA_REQUIRED and not request.path.startswith(ALLOWED_PREFIXES):
            user = request.user
            if user.is_authenticated and user_needs_two_factor_setup(user):
                messages.warning(
                    request,
                    _("Your role protects money or personal data: set up two-factor login first."),
                )
                return redirect(reverse("mfa_activate_totp"))
        return self.get_response(request)
