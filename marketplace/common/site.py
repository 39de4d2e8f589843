"""Keep Django's Site (used by allauth's and Oscar's e-mails: "Hello from …", the domain
under the signature) true to this deployment: the shop's name and SITE_URL's host.

Runs after every `migrate`, so a deploy that changes SITE_URL updates it too.
"""

from urllib.parse import urlsplit

from django.conf import settings


def site_sync(*, using: str = "default", apps=None, **kwargs) -> None:
    """Create or update the current Site from OSCAR_SHOP_NAME and SITE_URL."""
    if apps is None:
        from django.apps import apps
    try:
        Site = apps.get_model("sites", "Site")
    except LookupError:
        return  # migrating to a state before the sites app
    domain = urlsplit(settings.SITE_URL).netloc
    Site.objects.using(using).update_or_create(
        pk=settings.SITE_ID, defaults={"domain": domain, "name": settings.OSCAR_SHOP_NAME}
    )
