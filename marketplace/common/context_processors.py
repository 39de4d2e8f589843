from django.conf import settings


def site_flags(request):
    """Flags templates need: whether staff two-factor is switched off (demo only)."""
    return {
        "STAFF_MFA_REQUIRED": settings.STAFF_MFA_REQUIRED,
        "DJANGO_ENV": settings.DJANGO_ENV,
    }
