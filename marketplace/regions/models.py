from django.db import models
from django.utils.translation import gettext_lazy as _


class Region(models.Model):
    """An administrative area from the city pack (Kemendagri codes).

    Levels: provinsi (province), kota (city), kecamatan (district) and
    kelurahan (urban village, the smallest unit).
    """

    class Level(models.TextChoices):
        PROVINCE = "provinsi", _("Province")
        CITY = "kota", _("City")
        DISTRICT = "kecamatan", _("Kecamatan")
        VILLAGE = "kelurahan", _("Kelurahan")

    code = models.CharField(_("code"), max_length=20, unique=True)
    level = models.CharField(_("level"), max_length=12, choices=Level.choices, db_index=True)
    name = models.CharField(_("name"), max_length=100)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )

    class Meta:
        ordering = ("code",)
        verbose_name = _("region")
        verbose_name_plural = _("regions")

    def __str__(self):
        return self.name
