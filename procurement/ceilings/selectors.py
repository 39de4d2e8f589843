"""Reads of price ceilings."""

from dataclasses import dataclass

from django.utils import timezone

from marketplace.catalogue.models import KindCeiling
from procurement.ceilings.models import PriceCeiling


@dataclass(frozen=True)
class CeilingCheck:
    ceiling_idr: int
    price_idr: int

    @property
    def within(self) -> bool:
        return self.price_idr <= self.ceiling_idr


def ceiling_for(*, kind: str, year: int | None = None) -> PriceCeiling | None:
    if not kind:
        return None
    year = year or timezone.localdate().year
    return PriceCeiling.objects.filter(fiscal_year=year, kind=kind).first()


def ceilings_by_kind(*, year: int | None = None) -> dict[str, PriceCeiling]:
    """This fiscal year's ceilings by kind, in one query (for pages that show many products)."""
    year = year or timezone.localdate().year
    return {c.kind: c for c in PriceCeiling.objects.filter(fiscal_year=year)}


def product_ceiling_check(
    *, product, price_idr: int | None, year: int | None = None, ceilings: dict | None = None
) -> CeilingCheck | None:
    """Whether the product's unit price is within this fiscal year's ceiling for its kind.

    `ceilings` (from `ceilings_by_kind`) spares the query when many products are checked."""
    if price_idr is None:
        return None
    if ceilings is not None:
        ceiling = ceilings.get(product.ceiling_kind) if product.ceiling_kind else None
    else:
        ceiling = ceiling_for(kind=product.ceiling_kind, year=year)
    if ceiling is None:
        return None
    return CeilingCheck(ceiling_idr=ceiling.max_price_idr, price_idr=int(price_idr))


def ceiling_kinds_by_product_kind() -> dict[str, str]:
    """The city pack's product kind → ceiling kind ("" for none), in one query."""
    return dict(KindCeiling.objects.values_list("kind", "ceiling_kind"))
