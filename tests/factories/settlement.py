"""Tax rules as the Semarang pack ships them (tax-rules.csv), for tests that receive orders."""

from datetime import date

import factory
from factory.django import DjangoModelFactory

from procurement.settlement.models import TaxRule

K = TaxRule.Kind
# kind, rate in basis points, in force from
PACK_RULES = (
    (K.PBJT, 1000, date(2024, 1, 1)),
    (K.PPH_FINAL, 50, date(2022, 12, 20)),
    (K.PPH23, 200, date(2009, 1, 1)),
    (K.PPH23_NO_NPWP, 400, date(2009, 1, 1)),
)


class TaxRuleFactory(DjangoModelFactory):
    class Meta:
        model = TaxRule
        django_get_or_create = ("kind", "valid_from")

    kind = K.PPH23
    rate_bp = 200
    valid_from = date(2009, 1, 1)
    legal_basis = factory.LazyAttribute(lambda o: f"Aturan uji {o.kind}")


def pack_tax_rules() -> list[TaxRule]:
    """The four rules of the Semarang pack (idempotent)."""
    return [TaxRuleFactory(kind=kind, rate_bp=bp, valid_from=since) for kind, bp, since in PACK_RULES]
