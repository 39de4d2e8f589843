"""Approved MSME owners (group Pelaku UMKM) may open Oscar's partner dashboard."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

from marketplace.accounts import roles


def grant(apps, schema_editor):
    app_config = apps.get_app_config("partner")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    perm = Permission.objects.get(content_type__app_label="partner", codename="dashboard_access")
    Group.objects.get(name=roles.VENDOR).permissions.add(perm)


def revoke(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    perm = Permission.objects.filter(content_type__app_label="partner", codename="dashboard_access").first()
    if perm:
        Group.objects.get(name=roles.VENDOR).permissions.remove(perm)


class Migration(migrations.Migration):
    dependencies = [("accounts", "0002_roles"), ("partner", "0008_partner_is_active")]
    operations = [migrations.RunPython(grant, revoke)]
