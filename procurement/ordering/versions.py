"""The version of each unit's orders, in the cache: renewed whenever an order of the unit changes in
a way its totals can see, so what is cached under it (the history's totals,
`selectors.spending_totals_cached`) is never read after the change.

Every write of an order goes through `UnitOrder.save()` / `.create()` (placing, every move of
the lifecycle, the BAST's received amount, payment through `services.order_pay`), and the
signals of `procurement.ordering.signals` call `unit_orders_changed` on each; so do the saves
of what the totals show beside the orders (the event's name and day, the budget line's names,
the unit's short name). A queryset `.update()` of `UnitOrder` sends no signal: whoever writes
one calls `unit_orders_changed` for the units it touched.

The version changes at once (this process, and a test inside its transaction, read afresh) and
again when the transaction commits, so totals another request computed before the commit, from
the rows as they were, are not kept under the version readers see afterwards.
"""

import time
from collections.abc import Iterable

from django.core.cache import cache
from django.db import transaction

PREFIX = "ordering:unit-orders:"


def _key(unit_id: int) -> str:
    return f"{PREFIX}{unit_id}"


def _renew(unit_ids: list[int]) -> None:
    stamp = time.time_ns()
    cache.set_many({_key(unit_id): stamp for unit_id in unit_ids}, None)


def unit_orders_changed(unit_ids: Iterable[int | None]) -> None:
    """Orders of these units changed (or what their totals show): their cached totals are stale."""
    ids = sorted({int(unit_id) for unit_id in unit_ids if unit_id is not None})
    if not ids:
        return
    _renew(ids)
    transaction.on_commit(lambda: _renew(ids))


def unit_orders_versions(unit_ids: Iterable[int]) -> tuple[tuple[int, int], ...]:
    """(unit id, version) of each unit, by unit id: one cache round trip when all are known.

    A unit with no version yet (a fresh cache) gets one; a cache that keeps nothing gives a new
    version each time (so nothing cached under it is read again)."""
    keys = {_key(unit_id): int(unit_id) for unit_id in sorted(set(unit_ids))}
    found = cache.get_many(list(keys))
    missing = [key for key in keys if key not in found]
    if missing:
        for key in missing:
            cache.add(key, time.time_ns(), None)
        found.update(cache.get_many(missing))
    return tuple((unit_id, found.get(key) or time.time_ns()) for key, unit_id in keys.items())


def unit_orders_version(unit_id: int) -> int:
    """The current version of one unit's orders."""
    return unit_orders_versions([unit_id])[0][1]
