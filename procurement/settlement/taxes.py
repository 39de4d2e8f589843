"""The taxes of one invoice, from the rules in force on a date (docs/taxes.md).

- PBJT on food and drink (UU 1/2022 HKPD, catering included): the city's rate, charged on top
  of the subtotal only when the MSME is registered as a PBJT collector, and only from the
  rule's threshold; else 0. Catering subject to PBJT carries no PPN.
- PPh withheld by the treasurer from the subtotal: final 0.5% (PP 55/2022) when the MSME holds a
  PP 55 certificate valid on the date; otherwise PPh 23 at 2% for catering services, 4% when the
  MSME has no NPWP (a NIK used as NPWP counts as one).

Amounts are whole rupiah, rounded half up.
"""

from dataclasses import dataclass
from datetime import date

from django.utils.translation import gettext as _

from marketplace.common.domain import DomainError
from procurement.settlement.models import BASIS_POINTS, TaxRule

K = TaxRule.Kind


class MissingTaxRule(DomainError):
    """No rule of a kind is in force on the date: the invoice cannot be taxed (an Admin loads the rules)."""

    def __init__(self, *, kind: str, on: date):
        self.kind, self.on = kind, on
        super().__init__(
            _("No tax rule “%(kind)s” is in force on %(day)s: ask the Admin to load the city's tax rules.")
            % {"kind": kind, "day": on.strftime("%d-%m-%Y")}
        )


@dataclass(frozen=True)
class TaxFigures:
    subtotal_idr: int
    pbjt_idr: int
    pbjt_rule: TaxRule | None
    pph_kind: str
    pph_idr: int
    pph_rule: TaxRule

    @property
    def pbjt_rate_bp(self) -> int:
        return self.pbjt_rule.rate_bp if self.pbjt_rule and self.pbjt_idr else 0

    @property
    def total_idr(self) -> int:
        return self.subtotal_idr + self.pbjt_idr

    @property
    def net_idr(self) -> int:
        return self.total_idr - self.pph_idr


def share(amount_idr: int, rate_bp: int) -> int:
    """`rate_bp` basis points of a whole-rupiah amount, rounded half up to whole rupiah."""
    return (amount_idr * rate_bp + BASIS_POINTS // 2) // BASIS_POINTS


def rule_in_force(*, kind: str, on: date) -> TaxRule | None:
    """The latest rule of `kind` that has started by `on` and not ended before it."""
    return (
        TaxRule.objects.filter(kind=kind, valid_from__lte=on)
        .exclude(valid_to__lt=on)
        .order_by("-valid_from")
        .first()
    )


def _required_rule(kind: str, on: date) -> TaxRule:
    rule = rule_in_force(kind=kind, on=on)
    if rule is None:
        raise MissingTaxRule(kind=kind, on=on)
    return rule


def holds_pp55(vendor, on: date) -> bool:
    """The MSME holds a PP 55/2022 certificate (number and validity) valid on `on`."""
    if not vendor.pp55_number or not vendor.pp55_valid_until:
        return False
    starts = vendor.pp55_valid_from or date.min
    return starts <= on <= vendor.pp55_valid_until


def has_npwp(vendor) -> bool:
    """An NPWP on file: 15 digits, or the 16-digit NIK that serves as NPWP since 2024."""
    digits = "".join(ch for ch in (vendor.npwp or "") if ch.isdigit())
    return len(digits) in (15, 16)


def pph_kind_for(vendor, on: date) -> str:
    if holds_pp55(vendor, on):
        return K.PPH_FINAL
    return K.PPH23 if has_npwp(vendor) else K.PPH23_NO_NPWP


def taxes_compute(*, subtotal_idr: int, vendor, on: date) -> TaxFigures:
    """The invoice's taxes for an MSME, under the rules in force on `on`."""
    pbjt_rule, pbjt = None, 0
    if vendor.pbjt_collector:
        pbjt_rule = _required_rule(K.PBJT, on)
        if subtotal_idr >= pbjt_rule.threshold_idr:
            pbjt = share(subtotal_idr, pbjt_rule.rate_bp)
    kind = pph_kind_for(vendor, on)
    pph_rule = _required_rule(kind, on)
    return TaxFigures(
        subtotal_idr=subtotal_idr,
        pbjt_idr=pbjt,
        pbjt_rule=pbjt_rule,
        pph_kind=kind,
        pph_idr=share(subtotal_idr, pph_rule.rate_bp),
        pph_rule=pph_rule,
    )
