"""The cache of the public figures: a version renewed when a payment lands or is refunded, and
the census's latest change (see procurement.transparency.selectors)."""

import time

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.db.models import (
    Max,
)
from django.utils import translation

from vendors.census.models import CensusRecord

# --- Cache ---------------------------------------------------------------------------------------

VERSION_KEY = "transparency:version"


def _timeout() -> int:
    return int(getattr(settings, "TRANSPARENCY_CACHE_SECONDS", 6 * 3600))


def _version() -> int:
    version = cache.get(VERSION_KEY)
    if version is None:
        cache.add(VERSION_KEY, time.time_ns(), None)
        version = cache.get(VERSION_KEY)
    return version


def _bump() -> None:
    cache.set(VERSION_KEY, time.time_ns(), None)


def public_figures_changed() -> None:
    """A payment landed or was refunded: every cached public figure is stale.

    The version changes at once (this process reads afresh) and again when the transaction
    commits, so a page computed by another request before the commit is not kept."""
    _bump()
    transaction.on_commit(_bump)


def cache_version() -> int:
    """The current version of the public figures (for ETags of downloads)."""
    return _version()


def census_stamp() -> str:
    """When the census last changed a record (one indexed MAX): part of the key of what shows an
    MSME's sector, kecamatan or size class."""
    latest = CensusRecord.objects.aggregate(m=Max("updated_at"))["m"]
    return str(int(latest.timestamp() * 1_000_000)) if latest else "0"


def _cached(name: str, *parts, compute):
    """`compute()`, cached under the version, the language, `name` and `parts`."""
    key = ":".join(
        ["transparency", str(_version()), translation.get_language() or "", name, *map(str, parts)]
    )
    value = cache.get(key)
    if value is None:
        value = compute()
        cache.set(key, value, _timeout())
    return value
