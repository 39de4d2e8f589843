"""Rupiah: whole amounts, shown as `Rp 1.250.000`.

The one formatting rule lives in settings.OSCAR_CURRENCY_FORMAT, which Oscar's
`currency` filter already reads; `format_rupiah` applies the same rule to the
project's own integer amounts so both always agree.
"""

from decimal import Decimal, InvalidOperation

from babel.numbers import format_currency
from django.conf import settings


def format_rupiah(value) -> str:
    """`1250000` → `Rp 1.250.000`; empty string for values that are not numbers."""
    try:
        amount = Decimal(value)
    except (TypeError, ValueError, InvalidOperation):
        return ""
    if not amount.is_finite():  # Decimal accepts "NaN" and "Infinity": not amounts either
        return ""
    options = settings.OSCAR_CURRENCY_FORMAT["IDR"]
    return format_currency(amount, "IDR", **options)


def to_stripe_amount(rupiah: int) -> int:
    """Stripe counts IDR in hundredths: rupiah × 100."""
    return int(rupiah) * 100
