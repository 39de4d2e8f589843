from django.db import models
from django.utils.translation import gettext_lazy as _


class Unit(models.Model):
    """A government unit of the city (OPD, Organisasi Perangkat Daerah) that buys."""

    code = models.CharField(_("code"), max_length=20, unique=True)
    name = models.CharField(_("name"), max_length=200)
    short_name = models.CharField(_("short name"), max_length=60)
    kind = models.CharField(_("kind"), max_length=30, db_index=True)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ("name",)
        verbose_name = _("government unit")
        verbose_name_plural = _("government units")

    def __str__(self):
        return self.short_name or self.name
