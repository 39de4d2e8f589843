"""Reads of price ceilings."""

import uuid
from dataclasses import dataclass

from django.core.cache import cache
from django.db import connection, transaction
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


# --- The year's ceilings, cached -------------------------------------------------------------
# Every product card and product page shows the SSH badge, so every catalogue page read the
# year's ceilings (a few rows that change a few times a year). They are kept in the configured
# cache under a version that `ceilings_changed` (connected to every save and delete of a ceiling,
# in marketplace.catalogue.apps) replaces when the writing transaction commits. Until then the
# writing transaction reads the table itself (it sees its own rows; others see the committed
# ones, which the cache holds), and a rolled-back change leaves the cache as it was. The
# timeout bounds what a change made without signals (raw SQL, `update()`) or a process with
# its own local-memory cache (no REDIS_URL) shows.

CEILINGS_VERSION_KEY = "ceilings:version"
CEILINGS_CACHE_SECONDS = 300


def _ceilings_version_bump() -> None:
    cache.set(CEILINGS_VERSION_KEY, uuid.uuid4().hex, None)


def ceilings_changed(**kwargs) -> None:
    """A ceiling was saved or deleted (post_save / post_delete): cached ceilings are stale once
    the transaction commits (at once outside a transaction)."""
    transaction.on_commit(_ceilings_version_bump, using=kwargs.get("using"))


def _ceilings_change_pending() -> bool:
    """Whether this connection's open transaction changed a ceiling (its bump is still waiting)."""
    return any(func is _ceilings_version_bump for _ids, func, _robust in connection.run_on_commit)


def _ceilings_version() -> str:
    version = cache.get(CEILINGS_VERSION_KEY)
    if version is None:
        cache.add(CEILINGS_VERSION_KEY, uuid.uuid4().hex, None)
        version = cache.get(CEILINGS_VERSION_KEY) or "0"
    return version


def ceilings_by_kind(*, year: int | None = None, cached: bool = True) -> dict[str, PriceCeiling]:
    """This fiscal year's ceilings by kind, in one query (for pages that show many products),
    from the cache unless `cached=False` (see above)."""
    year = year or timezone.localdate().year
    if not cached or _ceilings_change_pending():
        return {c.kind: c for c in PriceCeiling.objects.filter(fiscal_year=year)}
    key = f"ceilings:by-kind:{_ceilings_version()}:{year}"
    ceilings = cache.get(key)
    if ceilings is None:
        ceilings = {c.kind: c for c in PriceCeiling.objects.filter(fiscal_year=year)}
        cache.set(key, ceilings, CEILINGS_CACHE_SECONDS)
    return ceilings


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
