"""Absolute links for what leaves the site without a request: e-mails, PDFs, exports."""

from django.conf import settings
from django.urls import reverse


def absolute_url(viewname: str, *args, **kwargs) -> str:
    """`reverse()` prefixed with the site's address (settings.SITE_URL)."""
    return f"{settings.SITE_URL}{reverse(viewname, args=args or None, kwargs=kwargs or None)}"
