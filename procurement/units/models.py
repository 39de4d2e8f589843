from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Unit(models.Model):
    """A government unit of the city (OPD, Organisasi Perangkat Daerah) that buys."""

    code = models.CharField(_("code"), max_length=20, unique=True)
    name = models.CharField(_("name"), max_length=200)
    short_name = models.CharField(_("short name"), max_length=60)
    kind = models.CharField(_("kind"), max_length=30, db_index=True)
    is_active = models.BooleanField(_("active"), default=True)
    approval_threshold_idr = models.BigIntegerField(
        _("approval threshold (Rp)"),
        default=10_000_000,
        help_text=_("Orders above this total wait for the unit's PPK."),
    )

    class Meta:
        ordering = ("name",)
        verbose_name = _("government unit")
        verbose_name_plural = _("government units")

    def __str__(self):
        return self.short_name or self.name


class Membership(models.Model):
    """A person acting for a unit in one role; they act only where they hold one."""

    class Role(models.TextChoices):
        BUYER = "pemesan", _("Officer (Pemesan)")
        PPK = "ppk", _("Commitment officer (PPK)")
        TREASURER = "bendahara", _("Treasurer (Bendahara)")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="unit_memberships"
    )
    unit = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(_("role"), max_length=12, choices=Role.choices)
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("unit membership")
        verbose_name_plural = _("unit memberships")
        constraints = [models.UniqueConstraint(fields=["user", "unit", "role"], name="membership_unique")]

    def __str__(self):
        return f"{self.user} — {self.get_role_display()} — {self.unit}"
