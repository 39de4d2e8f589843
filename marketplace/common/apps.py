from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class CommonConfig(AppConfig):
    name = "marketplace.common"
    label = "common"
    verbose_name = _("Common")

    def ready(self):
        from django.apps import apps

        from marketplace.common.site import site_sync

        # Sent for apps with models only: hang it on the sites app, whose Site it sets.
        post_migrate.connect(site_sync, sender=apps.get_app_config("sites"), dispatch_uid="common.site_sync")
