"""Throttling on the configured cache, with the rates read from settings.API_THROTTLE_RATES at each
request (so an environment variable, or a test, can change them)."""

from django.conf import settings
from rest_framework.throttling import AnonRateThrottle, UserRateThrottle


class _SettingsRate:
    def get_rate(self):
        return settings.API_THROTTLE_RATES[self.scope]


class AnonThrottle(_SettingsRate, AnonRateThrottle):
    """Anonymous clients, per address."""

    scope = "anon"


class UserThrottle(_SettingsRate, UserRateThrottle):
    """Logged-in clients, per account (anonymous ones per address, at this higher rate too)."""

    scope = "user"
