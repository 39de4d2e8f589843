"""Reads of price ceilings."""

from dataclasses import dataclass

from django.utils import timezone

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


def product_ceiling_check(*, product, price_idr: int | None, year: int | None = None) -> CeilingCheck | None:
    """Whether the product's unit price is within this fiscal year's ceiling for its kind."""
    if price_idr is None:
        return None
    ceiling = ceiling_for(kind=product.ceiling_kind, year=year)
    if ceiling is None:
        return None
    return CeilingCheck(ceiling_idr=ceiling.max_price_idr, price_idr=int(price_idr))
