"""Bounds for what people send: an id that can name a row, a date in the years anyone plans for.

Values past these reach the database or the date arithmetic as errors (an id above 2^63, a
filter month of 0001-01 converted to UTC, a certificate valid until 9999-12-31), so forms
check them first and answer with a message.
"""

from datetime import date

from django import forms
from django.utils.translation import gettext_lazy as _

# The largest primary key (BigAutoField); an id above it can name no row.
MAX_ID = 2**63 - 1
# The years a date of the site may fall in (budget years are 2000–2100, as in the DPA import).
FIRST_YEAR, LAST_YEAR = 2000, 2100


def check_year(value: date | None) -> date | None:
    """`value` unless it lies outside FIRST_YEAR..LAST_YEAR (for a form's `clean_<field>`)."""
    if value is not None and not FIRST_YEAR <= value.year <= LAST_YEAR:
        raise forms.ValidationError(
            _("Choose a date between the years %(first)s and %(last)s."),
            code="year_range",
            params={"first": FIRST_YEAR, "last": LAST_YEAR},
        )
    return value
