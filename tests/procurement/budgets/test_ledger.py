"""The ledger is append-only: an entry, once written, is neither changed nor deleted."""

import pytest

from procurement.budgets.models import LedgerEntry
from tests.procurement.ordering.world import place

pytestmark = pytest.mark.django_db


def test_ledger_entry_cannot_be_updated(w):
    place(w)
    entry = LedgerEntry.objects.get()
    entry.amount_idr = 1

    with pytest.raises(ValueError):
        entry.save()

    assert LedgerEntry.objects.get().amount_idr == 200_000


def test_ledger_entry_cannot_be_deleted(w):
    place(w)
    entry = LedgerEntry.objects.get()

    with pytest.raises(ValueError):
        entry.delete()

    assert LedgerEntry.objects.count() == 1
