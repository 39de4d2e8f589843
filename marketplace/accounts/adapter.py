"""django-allauth's adapter, told how this city's offices log in.

A whole office often reaches the site from one address, so failed logins are limited per
account strictly and per address loosely (ACCOUNT_RATE_LIMITS["login_failed"]), and the
refusal says when the person may try again.
"""

import math
import time

from allauth.account.adapter import DefaultAccountAdapter
from allauth.core.internal import ratelimit
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import translation
from django.utils.translation import ngettext


class AccountAdapter(DefaultAccountAdapter):
    def render_mail(self, template_prefix, email, context, headers=None):
        """Every account e-mail (confirmation, password reset, unknown account...) in the site's
        language, as the order and verification e-mails: the recipient's language is not
        stored, and the person who chose English in the switcher may not be the reader."""
        with translation.override(settings.LANGUAGE_CODE):
            return super().render_mail(template_prefix, email, context, headers)

    def pre_authenticate(self, request, **credentials):
        try:
            super().pre_authenticate(request, **credentials)
        except ValidationError as refusal:
            wait = self.login_retry_seconds(request, **credentials)
            if wait is None:
                raise
            minutes = max(1, math.ceil(wait / 60))
            raise ValidationError(
                ngettext(
                    "Too many failed login attempts. Try again in %(minutes)d minute.",
                    "Too many failed login attempts. Try again in %(minutes)d minutes.",
                    minutes,
                )
                % {"minutes": minutes},
                code="too_many_login_attempts",
            ) from refusal

    def login_retry_seconds(self, request, **credentials) -> float | None:
        """Seconds until the failed-login limits let this login be tried again (None: not limited)."""
        key = self._get_login_attempts_cache_key(request, **credentials)
        now = time.time()
        waits = []
        for rate in ratelimit.get_rates(app="allauth.account", action="login_failed"):
            cache_key = ratelimit.get_cache_key(
                request, app="allauth.account", action="login_failed", rate=rate, key=key
            )
            # Newest first; the attempts still inside the window count against the rate.
            history = [ts for ts in ratelimit.cache.get(cache_key, []) if ts > now - rate.duration]
            if len(history) >= rate.amount:
                waits.append(history[rate.amount - 1] + rate.duration - now)
        return max(waits) if waits else None
