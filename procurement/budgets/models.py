"""Budget lines of government units.

DPA (Dokumen Pelaksanaan Anggaran): the unit's approved budget, made of lines.
Pagu: the ceiling of one line. Kode rekening: the budget account code.
"""

from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _


class BudgetAccount(models.Model):
    """A budget account (kode rekening) from the city's chart of accounts."""

    code = models.CharField(_("account code"), max_length=30, unique=True)
    name = models.CharField(_("account name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=30, db_index=True)

    class Meta:
        ordering = ("code",)
        verbose_name = _("budget account")
        verbose_name_plural = _("budget accounts")

    def __str__(self):
        return f"{self.code} {self.name}"

    @property
    def is_food(self) -> bool:
        return self.kind == "makan_minum"


class BudgetLine(models.Model):
    """One DPA line: unit + fiscal year + sub-activity + account, with its pagu.

    Available = pagu − committed − realized; the database refuses anything below zero.
    """

    unit = models.ForeignKey(
        "units.Unit", verbose_name=_("unit"), on_delete=models.PROTECT, related_name="budget_lines"
    )
    fiscal_year = models.PositiveSmallIntegerField(_("fiscal year"), db_index=True)
    sub_activity_code = models.CharField(_("sub-activity code"), max_length=40)
    sub_activity_name = models.CharField(_("sub-activity name"), max_length=255)
    account = models.ForeignKey(
        BudgetAccount, verbose_name=_("account"), on_delete=models.PROTECT, related_name="lines"
    )
    pagu_idr = models.BigIntegerField(_("pagu (Rp)"))
    committed_idr = models.BigIntegerField(_("committed (Rp)"), default=0)
    realized_idr = models.BigIntegerField(_("realized (Rp)"), default=0)

    class Meta:
        ordering = ("unit", "fiscal_year", "sub_activity_code", "account__code")
        verbose_name = _("budget line")
        verbose_name_plural = _("budget lines")
        constraints = [
            models.UniqueConstraint(
                fields=["unit", "fiscal_year", "sub_activity_code", "account"],
                name="budgetline_unique_per_unit_year_activity_account",
            ),
            models.CheckConstraint(condition=Q(pagu_idr__gte=0), name="budgetline_pagu_not_negative"),
            models.CheckConstraint(
                condition=Q(committed_idr__gte=0) & Q(realized_idr__gte=0),
                name="budgetline_amounts_not_negative",
            ),
            models.CheckConstraint(
                condition=Q(pagu_idr__gte=F("committed_idr") + F("realized_idr")),
                name="budgetline_available_not_negative",
            ),
        ]

    def __str__(self):
        return f"{self.unit} {self.fiscal_year} {self.sub_activity_code} {self.account.code}"

    @property
    def available_idr(self) -> int:
        return self.pagu_idr - self.committed_idr - self.realized_idr


class LedgerEntry(models.Model):
    """One movement of a budget line, append-only: commit, release, realize or unrealize.

    commit: an order reserves money (committed +). release: a reservation ends
    (committed −). realize: a reservation is paid (committed −, realized +).
    unrealize: a payment is refunded (realized −, committed +; a release may follow).
    The line's committed and realized figures are the sums of these entries.
    """

    class Kind(models.TextChoices):
        COMMIT = "commit", _("Commit")
        RELEASE = "release", _("Release")
        REALIZE = "realize", _("Realize")
        UNREALIZE = "unrealize", _("Reverse realization (refund)")

    line = models.ForeignKey(BudgetLine, on_delete=models.PROTECT, related_name="ledger")
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    amount_idr = models.BigIntegerField(_("amount (Rp)"))
    order = models.ForeignKey(
        "order.Order", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    actor = models.ForeignKey(
        "accounts.User", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    note = models.CharField(_("note"), max_length=255, blank=True)
    created_at = models.DateTimeField(_("when"), auto_now_add=True, db_index=True)

    class Meta:
        ordering = ("-created_at", "-pk")
        verbose_name = _("ledger entry")
        verbose_name_plural = _("ledger entries")
        constraints = [
            models.CheckConstraint(condition=Q(amount_idr__gt=0), name="ledgerentry_amount_positive")
        ]

    def __str__(self):
        return f"{self.get_kind_display()} {self.amount_idr} ({self.line_id})"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise ValueError("Ledger entries are append-only")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValueError("Ledger entries are append-only")
