"""A unit's catering orders around Oscar's Order: the event, the budget line, who did what.

BAST (Berita Acara Serah Terima): the receipt record the officer signs when the
goods arrive; the received amount becomes the payable.
"""

import secrets

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

# The statuses and their moves live in one table: procurement.ordering.lifecycle.
from procurement.ordering.lifecycle import (  # noqa: F401 (re-exported for older imports)
    END_STATUSES,
    OPEN_STATUSES,
    WITHOUT_ORDER_LETTER,
    OrderStatus,
)


class Event(models.Model):
    """A meeting or activity of a unit that catering is ordered for (one event, possibly several orders)."""

    unit = models.ForeignKey("units.Unit", on_delete=models.PROTECT, related_name="events")
    name = models.CharField(_("event"), max_length=200)
    starts_at = models.DateTimeField(_("date and time"))
    venue = models.CharField(_("venue"), max_length=255)
    participants = models.PositiveIntegerField(_("participants"))
    contact_name = models.CharField(_("contact person"), max_length=120)
    contact_phone = models.CharField(_("contact phone"), max_length=20)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ("-starts_at",)
        verbose_name = _("event")
        verbose_name_plural = _("events")

    def __str__(self):
        return f"{self.name} ({self.starts_at:%d-%m-%Y})"


class UnitOrder(models.Model):
    """What procurement knows of one Oscar order: unit, budget line, vendor, deadlines."""

    order = models.OneToOneField("order.Order", on_delete=models.PROTECT, related_name="unit_order")
    event = models.ForeignKey(Event, on_delete=models.PROTECT, related_name="orders")
    unit = models.ForeignKey("units.Unit", on_delete=models.PROTECT, related_name="orders")
    budget_line = models.ForeignKey("budgets.BudgetLine", on_delete=models.PROTECT, related_name="orders")
    partner = models.ForeignKey("partner.Partner", on_delete=models.PROTECT, related_name="unit_orders")
    officer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    status = models.CharField(_("status"), max_length=20, choices=OrderStatus.choices, db_index=True)
    total_idr = models.BigIntegerField(_("total (Rp)"))
    payable_idr = models.BigIntegerField(_("payable (Rp)"), null=True, blank=True)
    delivery_at = models.DateTimeField(_("delivery"), db_index=True)
    portions = models.PositiveIntegerField(_("portions"), default=0)
    vendor_deadline = models.DateTimeField(_("MSME must answer by"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ("-created_at",)
        verbose_name = _("unit order")
        verbose_name_plural = _("unit orders")
        indexes = [
            models.Index(fields=["partner", "status", "delivery_at"]),
            models.Index(fields=["unit", "status", "created_at"]),
            # The unit's order history, newest first (selectors.unit_orders_for): reads one page.
            models.Index(fields=["unit", "created_at", "id"], name="unitorder_unit_created"),
        ]
        constraints = [models.CheckConstraint(condition=Q(total_idr__gt=0), name="unitorder_total_positive")]

    def __str__(self):
        return str(self.order.number)  # an int until the order is read back from the database

    @property
    def is_awaiting_vendor(self) -> bool:
        return self.status == OrderStatus.AWAITING_VENDOR

    @property
    def has_order_letter(self) -> bool:
        """Approved (where it had to be) and not ended before the MSME had it: the letter exists."""
        return self.status not in WITHOUT_ORDER_LETTER


class OrderAction(models.Model):
    """Every move of an order: who, when, from what to what, why. Kept for good: an order with
    actions cannot be deleted (PROTECT), and deleting a product leaves its orders (Oscar's
    lines keep their title and price) and their actions."""

    unit_order = models.ForeignKey(UnitOrder, on_delete=models.PROTECT, related_name="actions")
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")
    action = models.CharField(_("action"), max_length=30)
    from_status = models.CharField(max_length=20, choices=OrderStatus.choices, blank=True)
    to_status = models.CharField(max_length=20, choices=OrderStatus.choices)
    reason = models.TextField(_("reason"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ("created_at", "pk")
        verbose_name = _("order action")
        verbose_name_plural = _("order actions")

    def __str__(self):
        return f"{self.unit_order}: {self.from_status} → {self.to_status}"


class Receipt(models.Model):
    """The BAST: what arrived, signed by the officer."""

    unit_order = models.OneToOneField(UnitOrder, on_delete=models.PROTECT, related_name="receipt")
    number = models.CharField(_("BAST number"), max_length=40, unique=True)
    received_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    received_at = models.DateTimeField(_("received"), auto_now_add=True)
    notes = models.TextField(_("notes"), blank=True)
    amount_idr = models.BigIntegerField(_("received amount (Rp)"))

    class Meta:
        verbose_name = _("BAST")
        verbose_name_plural = _("BAST")

    def __str__(self):
        return self.number


class ReceiptLine(models.Model):
    receipt = models.ForeignKey(Receipt, on_delete=models.CASCADE, related_name="lines")
    line = models.ForeignKey("order.Line", on_delete=models.PROTECT, related_name="+")
    quantity_received = models.PositiveIntegerField(_("quantity received"))

    class Meta:
        constraints = [models.UniqueConstraint(fields=["receipt", "line"], name="receiptline_unique")]

    def __str__(self):
        return f"{self.line_id}: {self.quantity_received}"


class VendorRating(models.Model):
    """The officer's rating of the MSME for one order (1–5), shown on the MSME's page."""

    unit_order = models.OneToOneField(UnitOrder, on_delete=models.CASCADE, related_name="rating")
    partner = models.ForeignKey("partner.Partner", on_delete=models.CASCADE, related_name="ratings")
    score = models.PositiveSmallIntegerField(_("rating"))
    comment = models.TextField(_("comment"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("MSME rating")
        verbose_name_plural = _("MSME ratings")
        constraints = [
            models.CheckConstraint(condition=Q(score__gte=1) & Q(score__lte=5), name="rating_1_to_5")
        ]

    def __str__(self):
        return f"{self.partner}: {self.score}"


def _seal_code() -> str:
    return secrets.token_urlsafe(16)


class DocumentSeal(models.Model):
    """What a printed order letter, BAST or invoice said, found again by the code in its QR.

    Made when the document is first printed; the public verification page shows these
    figures only (number, date, amount), so a changed paper copy is caught without
    revealing anything about the people who signed it.
    """

    class Kind(models.TextChoices):
        ORDER_LETTER = "order_letter", _("Order letter (surat pesanan)")
        BAST = "bast", _("Receipt (BAST)")
        INVOICE = "invoice", _("Invoice (tagihan)")

    kind = models.CharField(_("document"), max_length=20, choices=Kind.choices)
    unit_order = models.ForeignKey(UnitOrder, on_delete=models.PROTECT, related_name="seals")
    number = models.CharField(_("number"), max_length=80)
    issued_on = models.DateField(_("date"))
    amount_idr = models.BigIntegerField(_("amount (Rp)"))
    code = models.CharField(_("verification code"), max_length=32, unique=True, default=_seal_code)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("document seal")
        verbose_name_plural = _("document seals")
        constraints = [
            models.UniqueConstraint(fields=["unit_order", "kind"], name="documentseal_one_per_kind")
        ]

    def __str__(self):
        return f"{self.get_kind_display()} {self.number}"
