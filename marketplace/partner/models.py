"""Oscar partners: one per approved MSME, with what ordering needs to know of it.

Kecamatan, capacity and closed days live here (not in vendors/) so the catalogue
can filter on them without importing the vendors package.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _
from oscar.apps.partner.abstract_models import AbstractPartner


class Partner(AbstractPartner):
    """An Oscar partner: one per approved MSME. Only active partners' products are sold."""

    is_active = models.BooleanField(
        _("selling"),
        default=True,
        db_index=True,
        help_text=_("Off while the MSME is suspended: its products are hidden at once."),
    )
    kecamatan = models.ForeignKey(
        "regions.Region",
        verbose_name=_("kecamatan"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    daily_capacity = models.PositiveIntegerField(
        _("capacity (portions per day)"), null=True, blank=True, help_text=_("Empty: no limit.")
    )
    # Weekdays the kitchen is closed, as digits Monday=0 … Sunday=6, e.g. "6" for Sundays.
    closed_weekdays = models.CharField(_("closed weekdays"), max_length=7, blank=True, default="")
    # Platform sales of the last 90 days, kept fresh by marketplace.partner.services; sorts "Pemerataan".
    sales_90d_idr = models.BigIntegerField(_("sales in the last 90 days (Rp)"), default=0, db_index=True)
    # Rated below 3 of 5 by at least 3 orders (procurement computes it, with the sales): Pemerataan
    # does not promote the MSME, its products sort after every promoted one (services.pemerataan_figure).
    low_rated = models.BooleanField(_("rated poorly (not promoted by Pemerataan)"), default=False)


class ClosedDay(models.Model):
    """A date on which the MSME takes no deliveries (holiday, family event…)."""

    partner = models.ForeignKey(Partner, on_delete=models.CASCADE, related_name="closed_days")
    date = models.DateField(_("date"))
    note = models.CharField(_("note"), max_length=120, blank=True)

    class Meta:
        ordering = ("date",)
        verbose_name = _("closed day")
        verbose_name_plural = _("closed days")
        constraints = [
            models.UniqueConstraint(fields=["partner", "date"], name="closedday_unique_per_partner")
        ]

    def __str__(self):
        return f"{self.partner} {self.date:%Y-%m-%d}"


from oscar.apps.partner.models import *  # noqa: E402,F403
